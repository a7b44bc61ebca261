// Maps an architecture-file layer type to its implementation.
#include "layers.hpp"

namespace snac::nn::detail {

std::unique_ptr<Layer> make_layer(const LayerSpec& spec, const Shape& in, const Shape& out,
                                  DnnlContext& ctx, std::uint64_t seed) {
    switch (spec.type) {
        case LayerType::kDense: return make_dense(spec, in, out, ctx, seed);
        case LayerType::kBatchNorm: return make_batchnorm(spec, in, out, ctx, seed);
        case LayerType::kLayerNorm: return make_layernorm(spec, in, out, ctx, seed);
        case LayerType::kRelu:
        case LayerType::kLeakyRelu:
        case LayerType::kTanh:
        case LayerType::kSigmoid:
        case LayerType::kGelu: return make_eltwise(spec, in, out, ctx, seed);
        case LayerType::kSoftmax: return make_softmax(spec, in, out, ctx, seed);
        case LayerType::kDropout: return make_dropout(spec, in, out, ctx, seed);
        case LayerType::kIdentity:
        case LayerType::kFlatten: return make_copy(spec, in, out, ctx, seed);
        case LayerType::kConv2d: return make_conv2d(spec, in, out, ctx, seed);
        case LayerType::kMaxPool2d:
        case LayerType::kAvgPool2d: return make_pool2d(spec, in, out, ctx, seed);
        case LayerType::kConvAttention: return make_conv_attention(spec, in, out, ctx, seed);
        case LayerType::kDeepSets: return make_deepsets(spec, in, out, ctx, seed);
    }
    return make_copy(spec, in, out, ctx, seed);
}

}  // namespace snac::nn::detail
