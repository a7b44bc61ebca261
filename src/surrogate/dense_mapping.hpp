#pragma once
// Private: how one dense-kernel instance maps to multipliers (hls4ml-semantics.md §3.3, §3.4).
#include <array>
#include <cstdint>

#include "snac/surrogate/analytical_model.hpp"

namespace snac::surrogate::detail {

struct DenseMapping {
    std::int64_t products = 0;  // n_in · n_out
    std::int64_t nonzero = 0;   // products left after constant folding of zero weights
    std::int64_t limit = 0;  // multiplier allocation limit ⌈n·m/RF⌉ (− ⌊zeros/RF⌋ Latency)
    std::int64_t dsp_class = 0;     // constant-weight products the tool maps to DSPs (unrolled)
    std::int64_t dsp_mults = 0;     // DSP-mapped multipliers instantiated
    std::int64_t lut_mults = 0;     // LUT-mapped multipliers instantiated
    double lut_weight_bits = 0;     // mean effective width of the LUT-mapped constants
    bool constant_weights = false;  // weights are compile-time constants (Latency, or RF 1)
    bool shared = false;            // RF > 1
};

/// P(effective width = e), e = 0..kMaxEffectiveWidth, of the constants m = round(|w|·2^F) for
/// weights w ~ U(−a, a) stored with F fractional bits in `width` bits (saturating), of which the
/// `pruned` fraction with the smallest |w| was pruned (the distribution is of the survivors). The
/// effective width of a constant is what a shift-add or DSP implementation sees: bit length −
/// trailing zeros + 1 sign bit (0 for m = 0, 2 for a power of two).
inline constexpr int kMaxEffectiveWidth = 64;
std::array<double, kMaxEffectiveWidth + 1> effective_width_distribution(double a, int frac_bits,
                                                                        int width, double pruned);

DenseMapping map_dense(const LayerQuantities& q, const AnalyticalCoefficients& c);

}  // namespace snac::surrogate::detail
