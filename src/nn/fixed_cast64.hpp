#pragma once
// ap_fixed's cast (quantize first, then overflow; hls4ml-semantics.md §8) on int64 words, for
// values and shifts that keep every intermediate below 2^62. Shared by fx::cast's fast branch and
// the fast dense kernel; fx::cast's 128-bit code remains the definition it must match.
#include <cstdint>

#include "snac/core/fixed_type.hpp"

namespace snac::nn::fx64 {

constexpr int kMaxBits = 62;  // |every intermediate| < 2^62: sums of two stay inside int64

/// Whether Cast handles target type t at all (AP_WRAP_SM and saturation bits take 128 bits).
inline bool castable(const FixedType& t) {
    return t.width <= kMaxBits && t.overflow != OverflowMode::kWrapSm && t.sat_bits == 0;
}

/// Quantization and overflow of one target type with the shift from the source fraction.
struct Cast {
    int d = 0;  // source fraction - target fraction (> 0: drop bits, < 0: append zeros)
    QuantMode q = QuantMode::kTrn;
    OverflowMode o = OverflowMode::kWrap;
    bool is_signed = true;
    int ext = 0;  // 64 - width: sign extension by shifting
    std::uint64_t mask = 0;
    std::int64_t minv = 0, maxv = 0;

    Cast(int shift, const FixedType& t) : d(shift), q(t.quant), o(t.overflow) {
        is_signed = t.is_signed();
        ext = 64 - t.width;
        mask = (std::uint64_t{1} << t.width) - 1;
        maxv = is_signed ? (std::int64_t{1} << (t.width - 1)) - 1 : static_cast<std::int64_t>(mask);
        minv = is_signed ? -(std::int64_t{1} << (t.width - 1)) : 0;
    }

    std::int64_t wrap(std::int64_t v) const {
        return is_signed ? static_cast<std::int64_t>(static_cast<std::uint64_t>(v) << ext) >> ext
                         : static_cast<std::int64_t>(static_cast<std::uint64_t>(v) & mask);
    }

    /// fx's fit() for the modes the fast path accepts (no AP_WRAP_SM, no saturation bits).
    std::int64_t fit(std::int64_t v) const {
        if (v >= minv && v <= maxv) return v;
        switch (o) {
            case OverflowMode::kSat:
                return v < 0 ? minv : maxv;
            case OverflowMode::kSatZero:
                return 0;
            case OverflowMode::kSatSym:
                return v < 0 ? (is_signed ? -maxv : 0) : maxv;
            default:
                return wrap(v);
        }
    }

    /// fx's quantize(): v / 2^d rounded by mode q (d >= 1).
    std::int64_t quantize(std::int64_t v) const {
        const std::int64_t f = v >> d;
        const std::uint64_t r = static_cast<std::uint64_t>(v) & ((std::uint64_t{1} << d) - 1);
        if (r == 0) return f;
        const std::uint64_t half = std::uint64_t{1} << (d - 1);
        const bool neg = v < 0;
        switch (q) {
            case QuantMode::kTrn:
                return f;
            case QuantMode::kTrnZero:
                return neg ? f + 1 : f;
            case QuantMode::kRnd:
                return r >= half ? f + 1 : f;
            case QuantMode::kRndZero:
                return r > half || (r == half && neg) ? f + 1 : f;
            case QuantMode::kRndMinInf:
                return r > half ? f + 1 : f;
            case QuantMode::kRndInf:
                return r > half || (r == half && !neg) ? f + 1 : f;
            case QuantMode::kRndConv:
                return r > half || (r == half && (f & 1) != 0) ? f + 1 : f;
        }
        return f;
    }

    std::int64_t operator()(std::int64_t v) const {
        if (d > 0) return fit(quantize(v));
        if (d < 0) return fit(static_cast<std::int64_t>(static_cast<std::uint64_t>(v) << -d));
        return fit(v);
    }
};

}  // namespace snac::nn::fx64
