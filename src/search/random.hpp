#pragma once
// Private to search: portable draws from the explicit engine. std:: distributions are avoided
// because their output is implementation-defined, and results must match across platforms.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "snac/search/space.hpp"

namespace snac::search {

/// Uniform in [0, 1) with 53 random bits.
inline double uniform01(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
/// Uniform in [lo, hi).
inline double uniform(Rng& rng, double lo, double hi) { return lo + (hi - lo) * uniform01(rng); }
/// Uniform index in [0, n); n > 0.
inline std::size_t uniform_index(Rng& rng, std::size_t n) {
    return static_cast<std::size_t>(uniform01(rng) * static_cast<double>(n)) % n;
}
/// Standard normal (Box-Muller, one value per call).
inline double normal01(Rng& rng) {
    const double u1 = 1.0 - uniform01(rng);  // (0, 1]
    const double u2 = uniform01(rng);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
}

}  // namespace snac::search
