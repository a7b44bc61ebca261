#pragma once
// Private: how one dense-kernel instance maps to multipliers (hls4ml-semantics.md §3.3, §3.4).
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
    bool constant_weights = false;  // weights are compile-time constants (Latency, or RF 1)
    bool shared = false;            // RF > 1
};

DenseMapping map_dense(const LayerQuantities& q, const AnalyticalCoefficients& c);

}  // namespace snac::surrogate::detail
