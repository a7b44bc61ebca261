#pragma once
// Private to nn: constructors of the concrete layers (one file each), used by make_layer.
#include "layer.hpp"

namespace snac::nn::detail {

#define SNAC_NN_LAYER_FACTORY(fn)                                                              \
    std::unique_ptr<Layer> fn(const LayerSpec& spec, const Shape& in, const Shape& out,       \
                              DnnlContext& ctx, std::uint64_t seed)
SNAC_NN_LAYER_FACTORY(make_dense);
SNAC_NN_LAYER_FACTORY(make_batchnorm);
SNAC_NN_LAYER_FACTORY(make_layernorm);  // layer_norm.cpp
SNAC_NN_LAYER_FACTORY(make_eltwise);
SNAC_NN_LAYER_FACTORY(make_softmax);
SNAC_NN_LAYER_FACTORY(make_dropout);
SNAC_NN_LAYER_FACTORY(make_copy);
SNAC_NN_LAYER_FACTORY(make_conv2d);
SNAC_NN_LAYER_FACTORY(make_pool2d);
SNAC_NN_LAYER_FACTORY(make_conv_attention);
SNAC_NN_LAYER_FACTORY(make_deepsets);
#undef SNAC_NN_LAYER_FACTORY

}  // namespace snac::nn::detail
