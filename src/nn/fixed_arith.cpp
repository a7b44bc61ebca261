// Exact ap_fixed arithmetic on raw words (hls4ml-semantics.md §8): quantize first (§8.1), then
// overflow (§8.2). Mirrors src/hls/templates/ap_types/ap_snac_impl.h, which generated projects
// use; C simulation compares the two implementations bit for bit.
#include "snac/nn/fixed_arith.hpp"

#include <cmath>

#include "fixed_cast64.hpp"
#include "fixed_fast.hpp"

namespace snac::nn::fx {
namespace {

__extension__ typedef unsigned __int128 UWide;

UWide low_mask(int bits) {
    return bits >= 128 ? ~static_cast<UWide>(0) : (static_cast<UWide>(1) << bits) - 1;
}

int magnitude_bits(Wide x) {
    UWide u = x < 0 ? static_cast<UWide>(-(x + 1)) + 1 : static_cast<UWide>(x);
    int n = 0;
    for (; u != 0; u >>= 1) ++n;
    return n;
}

/// x / 2^d rounded to an integer by mode q, d >= 1.
Wide quantize(Wide x, int d, QuantMode q) {
    if (x == 0) return 0;
    const bool neg = x < 0;
    if (d >= 126) return q == QuantMode::kTrn && neg ? -1 : 0;  // |x/2^d| < 1/2
    const Wide f = x >> d;
    const Wide r = static_cast<Wide>(static_cast<UWide>(x) & low_mask(d));
    if (r == 0) return f;
    return round_by_mode<Wide>(f, r, static_cast<Wide>(1) << (d - 1), neg, q);
}

Wide wrap_bits(UWide bits, int w, bool is_signed) {
    const UWide u = bits & low_mask(w);
    if (is_signed && ((u >> (w - 1)) & 1) != 0)
        return static_cast<Wide>(u) - (static_cast<Wide>(1) << (w - 1)) * 2;
    return static_cast<Wide>(u);
}

/// Overflow handling into t. When `huge`, only the sign and the low 128 bits of q are known.
Wide fit(Wide q, UWide low, bool huge, bool neg, const FixedType& t) {
    const int w = t.width;
    const bool s = t.is_signed();
    const Wide maxv = s ? (static_cast<Wide>(1) << (w - 1)) - 1 : static_cast<Wide>(low_mask(w));
    const Wide minv = s ? -(static_cast<Wide>(1) << (w - 1)) : 0;
    if (!huge && q >= minv && q <= maxv) return q;
    if (Wide sat = 0; saturate_by_mode(t.overflow, neg, s, minv, maxv, sat)) return sat;
    if (t.overflow == OverflowMode::kWrapSm) {
        if (!s) return wrap_bits(low, w, s);
        const bool dropped = ((low >> w) & 1) != 0;
        return wrap_bits(dropped != neg ? ~low : low, w, s);
    }
    UWide bits = low & low_mask(w);
    if (t.sat_bits > 0) {
        const int n = t.sat_bits > w ? w : t.sat_bits;
        const UWide top = low_mask(n) << (w - n);
        const bool fill = s ? neg : !neg;
        bits = fill ? (bits | top) : (bits & ~top);
    }
    return wrap_bits(bits, w, s);
}

}  // namespace

std::int64_t cast(Wide raw, int src_frac, const FixedType& t) {
    const int d = src_frac - t.fractional();
    // The same rules on int64 when the value, the shift and the type leave 62 bits of headroom
    // (nearly every cast of hls4ml-sized types); tests compare both branches word for word.
    constexpr Wide kLimit = static_cast<Wide>(1) << fx64::kMaxBits;
    if (raw > -kLimit && raw < kLimit && d <= fx64::kMaxBits && fx64::castable(t) &&
        fx64::enabled()) {
        const auto r = static_cast<std::int64_t>(raw);
        if (d >= 0 || (63 - __builtin_clrsbll(r)) - d <= fx64::kMaxBits) return fx64::Cast(d, t)(r);
    }
    if (d > 0) {
        const Wide v = quantize(raw, d, t.quant);
        return static_cast<std::int64_t>(fit(v, static_cast<UWide>(v), false, v < 0, t));
    }
    if (d == 0 || raw == 0)
        return static_cast<std::int64_t>(fit(raw, static_cast<UWide>(raw), false, raw < 0, t));
    const int s = -d;
    const bool huge = magnitude_bits(raw) + s > 125;
    const UWide low = s >= 128 ? 0 : static_cast<UWide>(raw) << s;
    return static_cast<std::int64_t>(fit(huge ? 0 : static_cast<Wide>(low), low, huge, raw < 0, t));
}

std::int64_t from_double(double v, const FixedType& t) {
    if (v == 0.0 || std::isnan(v)) return 0;
    if (std::isinf(v)) {
        FixedType sat = t;
        if (sat.overflow == OverflowMode::kWrap || sat.overflow == OverflowMode::kWrapSm)
            sat.overflow = OverflowMode::kSat;
        return static_cast<std::int64_t>(fit(0, 0, true, v < 0, sat));
    }
    int e = 0;
    const double m = std::frexp(v, &e);
    const Wide mant = static_cast<Wide>(static_cast<std::int64_t>(std::ldexp(m, 53)));
    return cast(mant, 53 - e, t);
}

double to_double(std::int64_t raw, const FixedType& t) {
    return std::ldexp(static_cast<double>(raw), -t.fractional());
}

double quantize(double v, const FixedType& t) {
    return to_double(from_double(v, t), t);
}

Wide trunc_int(Wide raw, int frac) {
    if (frac <= 0) return static_cast<Wide>(static_cast<UWide>(raw) << (-frac));
    if (frac >= 127) return 0;
    return raw >= 0 ? (raw >> frac) : -((-raw) >> frac);
}

Wide align(Wide raw, int shift) {
    return static_cast<Wide>(static_cast<UWide>(raw) << shift);
}

std::uint64_t bit_pattern(std::int64_t raw, int bits) {
    const std::uint64_t u = static_cast<std::uint64_t>(raw);
    return bits >= 64 ? u : u & ((std::uint64_t{1} << bits) - 1);
}

}  // namespace snac::nn::fx
