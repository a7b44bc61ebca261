#pragma once
// Private to nn: pieces of the lowering (fixed_lower.cpp) that quantization-aware training
// repeats after every optimizer step, so that both fold parameters the same way.
#include "snac/nn/fixed_model.hpp"

namespace snac::nn::detail {

/// Folds batch norm into the per-channel scale and bias words of `fl` (fl.weight, fl.bias types;
/// fl.weights and fl.biases sized to the channels): scale = γ/√(var+ε), bias = β − scale·mean,
/// in double, each quantized once (hls4ml-semantics.md §6). Non-finite values follow
/// fx::from_double (the lowering rejects them before calling this).
void fold_batchnorm(const float* gamma, const float* beta, const float* mean, const float* var,
                    double epsilon, FixedLayer& fl);

}  // namespace snac::nn::detail
