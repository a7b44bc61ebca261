#pragma once
// ap_fixed's cast (quantize first, then overflow; hls4ml-semantics.md §8) on int64 words, for
// values and shifts that keep every intermediate below 2^62. Shared by fx::cast's fast branch and
// the fast dense kernel; fx::cast's 128-bit code remains the definition it must match. The rounding
// and saturation rules themselves exist once, here (round_by_mode, saturate_by_mode), for both.
#include <cstdint>
#include <limits>

#include "snac/core/fixed_type.hpp"

namespace snac::nn::fx {

/// x / 2^d rounded by mode q from its floor f and its discarded low bits r (0 < r < 2^d, half =
/// 2^(d-1)), for x of sign `neg`: the one rounding rule of ap_fixed's quantization modes
/// (hls4ml-semantics.md §8), shared by the 128-bit cast (fixed_arith.cpp) and the int64 fast path.
template <class T>
inline T round_by_mode(T f, T r, T half, bool neg, QuantMode q) {
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

/// The value an out-of-range word takes under a saturating overflow mode (AP_SAT, AP_SAT_ZERO,
/// AP_SAT_SYM), for a value of sign `neg` and the type's range [minv, maxv]; false for the
/// wrapping modes, which the caller handles on its own word size.
template <class T>
inline bool saturate_by_mode(OverflowMode o, bool neg, bool is_signed, T minv, T maxv, T& out) {
    switch (o) {
        case OverflowMode::kSat:
            out = neg ? minv : maxv;
            return true;
        case OverflowMode::kSatZero:
            out = 0;
            return true;
        case OverflowMode::kSatSym:
            out = neg ? (is_signed ? -maxv : 0) : maxv;
            return true;
        case OverflowMode::kWrap:
        case OverflowMode::kWrapSm:
            break;
    }
    return false;
}

}  // namespace snac::nn::fx

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

    /// t.width <= kMaxBits for every use, except a signed wrapping accumulator of up to 64 bits
    /// in the dense kernel's wrap-path (its sums are added modulo 2^64 there).
    Cast(int shift, const FixedType& t) : d(shift), q(t.quant), o(t.overflow) {
        is_signed = t.is_signed();
        ext = 64 - t.width;
        if (t.width >= 64) {
            mask = ~std::uint64_t{0};
            maxv = std::numeric_limits<std::int64_t>::max();
            minv = std::numeric_limits<std::int64_t>::min();
            return;
        }
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
        std::int64_t sat = 0;
        return fx::saturate_by_mode(o, v < 0, is_signed, minv, maxv, sat) ? sat : wrap(v);
    }

    /// fx's quantize(): v / 2^d rounded by mode q (d >= 1).
    std::int64_t quantize(std::int64_t v) const {
        const std::int64_t f = v >> d;
        const auto r = static_cast<std::int64_t>(static_cast<std::uint64_t>(v) &
                                                 ((std::uint64_t{1} << d) - 1));
        if (r == 0) return f;
        return fx::round_by_mode<std::int64_t>(f, r, std::int64_t{1} << (d - 1), v < 0, q);
    }

    std::int64_t operator()(std::int64_t v) const {
        if (d > 0) return fit(quantize(v));
        if (d < 0) return fit(static_cast<std::int64_t>(static_cast<std::uint64_t>(v) << -d));
        return fit(v);
    }
};

}  // namespace snac::nn::fx64
