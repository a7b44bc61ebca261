#pragma once
/// hls4ml's reuse-factor validity rule for dense-like kernels (../shared/docs/reference/
/// hls4ml-semantics.md §3.3), shared by the surrogate and the HLS emitter. An invalid reuse factor
/// is a normal outcome: the corrected value plus a warning, returned as data.
#include <cstdint>
#include <string>
#include <vector>

#include "snac/core/hls_settings.hpp"

namespace snac {

/// Valid reuse factors of a kernel with `n_in` inputs and `n_out` outputs per output position
/// (for conv: n_in = C·k_h·k_w, n_out = F), ascending:
/// {divisors of n_in} ∪ {n_in·k : k divides n_out}. Throws UsageError when n_in or n_out < 1.
std::vector<int> valid_reuse_factors(std::int64_t n_in, std::int64_t n_out);

/// The valid reuse factor closest to `requested` (ties go to the smaller one).
int nearest_valid_reuse_factor(std::int64_t n_in, std::int64_t n_out, int requested);

/// The reuse factor a layer actually uses, and why.
struct ReuseFactorChoice {
    int requested = 1;
    int used = 1;
    bool corrected = false;  ///< true when `used` differs from `requested`
    std::string warning;     ///< empty unless corrected: requested, used, and the valid list
};

/// Applies the rule as hls4ml does: the Resource strategy snaps to the nearest valid value, the
/// Latency strategy accepts any reuse factor >= 1. `layer` names the layer in the warning.
/// Throws UsageError when requested < 1.
ReuseFactorChoice resolve_reuse_factor(std::int64_t n_in, std::int64_t n_out, int requested,
                                       Strategy strategy, const std::string& layer = {});

}  // namespace snac
