#pragma once
/// Fits the analytical model's free coefficients on synthesis records (docs/surrogate.md#fit).
#include <string>
#include <vector>

#include "snac/surrogate/analytical_model.hpp"
#include "snac/surrogate/records.hpp"

namespace snac::surrogate {

/// Fits DSP mapping (grid search on log error), LUT/FF terms per regime (non-negative least
/// squares on relative error), latency/II and BRAM offsets (single-dense-layer records only) on
/// records[idx]. Coefficients no record constrains keep their value in `start`. Deterministic.
/// `log` (may be null) receives one line per fitted group.
AnalyticalCoefficients fit_analytical(const std::vector<SynthesisRecord>& records,
                                      const std::vector<std::size_t>& idx,
                                      const AnalyticalCoefficients& start,
                                      std::vector<std::string>* log = nullptr);

}  // namespace snac::surrogate
