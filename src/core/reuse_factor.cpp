// hls4ml reuse-factor validity (../shared/docs/reference/hls4ml-semantics.md §3.3). The three
// conditions hls4ml checks reduce to {divisors of n_in} ∪ {n_in·k : k | n_out}; we enumerate that
// set directly instead of testing every candidate up to n_in·n_out.
#include "snac/core/reuse_factor.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "snac/core/error.hpp"

namespace snac {
namespace {

void add_divisors(std::int64_t n, std::int64_t scale, std::vector<std::int64_t>& out) {
    for (std::int64_t d = 1; d * d <= n; ++d) {
        if (n % d != 0) continue;
        out.push_back(d * scale);
        out.push_back((n / d) * scale);
    }
}

std::string list_str(const std::vector<int>& values) {
    std::string s;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) s += ", ";
        s += std::to_string(values[i]);
    }
    return s;
}

}  // namespace

std::vector<int> valid_reuse_factors(std::int64_t n_in, std::int64_t n_out) {
    if (n_in < 1 || n_out < 1)
        throw UsageError("reuse factor rule needs positive layer sizes (got n_in=" +
                         std::to_string(n_in) + ", n_out=" + std::to_string(n_out) + ")");
    std::vector<std::int64_t> all;
    add_divisors(n_in, 1, all);
    add_divisors(n_out, n_in, all);
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    std::vector<int> out;
    out.reserve(all.size());
    for (std::int64_t v : all)
        if (v <= std::numeric_limits<int>::max()) out.push_back(static_cast<int>(v));
    return out;
}

int nearest_valid_reuse_factor(std::int64_t n_in, std::int64_t n_out, int requested) {
    const std::vector<int> valid = valid_reuse_factors(n_in, n_out);
    int best = valid.front();
    for (int v : valid) {
        // Ascending order plus strict '<' keeps the smaller value on ties.
        if (std::llabs(static_cast<long long>(v) - requested) <
            std::llabs(static_cast<long long>(best) - requested))
            best = v;
    }
    return best;
}

ReuseFactorChoice resolve_reuse_factor(std::int64_t n_in, std::int64_t n_out, int requested,
                                       Strategy strategy, const std::string& layer) {
    if (requested < 1)
        throw UsageError("reuse factor " + std::to_string(requested) +
                             (layer.empty() ? "" : " for layer '" + layer + "'") + " is below 1",
                         "use a reuse factor >= 1 (1 = fully parallel)");
    ReuseFactorChoice c;
    c.requested = requested;
    c.used = requested;
    if (strategy == Strategy::kLatency) return c;  // hls4ml enforces validity only for Resource
    const std::vector<int> valid = valid_reuse_factors(n_in, n_out);
    if (std::binary_search(valid.begin(), valid.end(), requested)) return c;
    c.used = nearest_valid_reuse_factor(n_in, n_out, requested);
    c.corrected = true;
    c.warning = "reuse factor " + std::to_string(requested) +
                (layer.empty() ? "" : " of layer '" + layer + "'") + " (" + std::to_string(n_in) +
                "x" + std::to_string(n_out) + ") is not valid for the resource strategy; using " +
                std::to_string(c.used) + " (valid: " + list_str(valid) + ")";
    return c;
}

}  // namespace snac
