#pragma once
/// Quantization-aware training (docs/local-search.md): the per-layer precisions of a network for a
/// bit width, the fake-quantized forward pass (the float training path with the ap_fixed casts of
/// FixedModel in the same places), and metrics computed with FixedModel, i.e. with the firmware's
/// arithmetic.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "snac/core/checkpoint_data.hpp"
#include "snac/core/dataset.hpp"
#include "snac/core/fixed_type.hpp"
#include "snac/core/hls_settings.hpp"
#include "snac/nn/fixed_model.hpp"
#include "snac/nn/network_spec.hpp"

namespace snac::nn {

/// One precision of a local-search sweep. Either one explicit type for every weight, bias and
/// result (`type`), or a total width with integer bits given (QKeras convention: the sign is not
/// counted, so (8,3) means ap_fixed<8,4>) or chosen per layer and per tensor from observed ranges.
struct QatPrecision {
    std::string label;  ///< e.g. "w8"; used in file names and studies
    int total_bits = 8;
    std::optional<int> integer_bits;  ///< QKeras convention (without sign); empty: auto
    std::optional<FixedType> type;    ///< an explicit ap_fixed type for everything
};

/// Headroom of `int_bits: auto`: weights and biases get the integer bits that hold their largest
/// magnitude (they are clipped during QAT, so they cannot grow past it); layer results get one
/// extra integer bit over the largest magnitude observed on the training data, because training
/// moves activations and unseen samples exceed the training range.
constexpr int kActivationHeadroomBits = 1;

/// The headroom `auto` gives layer results at a total width: kActivationHeadroomBits from 8 bits
/// up; none below, where one integer bit more halves the few fractional steps left and costs
/// more than the saturation of the rare values beyond the observed range.
constexpr int activation_headroom_bits(int width) {
    return width >= 8 ? kActivationHeadroomBits : 0;
}

/// ap_fixed<W,I> (sign included in I, rounding to nearest even, saturating) with the fewest
/// integer bits whose range holds magnitudes up to max_abs, plus `headroom` integer bits. The
/// fraction is capped at 24 bits (tiny tensors), and max_abs 0 gives I = 1.
FixedType fixed_type_for_range(int width, double max_abs, int headroom);

/// Per-layer settings for one precision: weight, bias and result types per layer (rounding to
/// nearest even, saturating: the modes QKeras quantizers map to), the input type, and accumulators
/// wide enough never to round or overflow (hls4ml's inferred rule, capped at 64 bits). With
/// `auto` integer bits the ranges come from a float forward pass of `weights` over at most
/// `range_samples` training samples of `data`. `base` provides the non-precision settings
/// (reuse factor, strategy, io type, tables, clock).
HlsSettings qat_settings(const NetworkSpec& net, const CheckpointData& weights, const Dataset& data,
                         const QatPrecision& precision, const HlsSettings& base,
                         std::int64_t range_samples = 2048);

/// The fake-quantized float forward pass QAT trains with, for n samples: outputs (n × outputs).
/// Equals FixedModel::run bit for bit whenever every accumulation is exact in single precision
/// (sums of at most 24 significant bits; true for the 8-bit and 4-bit sweeps).
std::vector<float> qat_forward(const CheckpointData& checkpoint, const HlsSettings& settings,
                               const float* x, std::int64_t n);

/// Task metrics of `model` on a split computed with the firmware's arithmetic: "accuracy"
/// (classification: argmax of the raw outputs, first maximum wins) or "mean_distance" and "loss"
/// (MSE) for regression. Empty for an empty split. Samples run in parallel (OpenMP).
std::map<std::string, double> evaluate_fixed(const FixedModel& model, const Dataset& data,
                                             Split split);

}  // namespace snac::nn
