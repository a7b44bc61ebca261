#pragma once
// Private to nn: the ap_fixed cast of QAT's fake quantizers on float arrays, without leaving
// float. For types of at most 22 bits every value of the type is a float, x·2^F is exact (a
// power-of-two scale), and rounding to an integer, floor() and the remainder v − floor(v) are
// exact float operations at that magnitude, so the rounding decision of every quantization mode
// can be taken on floats and the result equals fx::quantize (the definition, on doubles and
// 128-bit words) bit for bit; the saturating loops have no calls, branches or allocation, so the
// compiler vectorises them; types of 23 to 50 bits take the same loops in double (x·2^F and the
// rounding exact below 2^51, one rounding to float at the end, as (float)fx::quantize does);
// wrapping types round in double and wrap on int64 words. Wider types,
// AP_WRAP_SM, saturation bits and non-finite inputs take fx::quantize itself
// (tests/unit/nn/test_qat.cpp compares both on every mode).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "fixed_cast64.hpp"
#include "snac/core/fixed_type.hpp"
#include "snac/nn/fixed_arith.hpp"

namespace snac::nn::detail {

class FloatCast {
public:
    FloatCast() = default;
    explicit FloatCast(const FixedType& t)
        : type_(t), fit_(0, t.width <= fx64::kMaxBits ? t : FixedType{}) {
        const int f = t.fractional();
        const bool modes = t.overflow != OverflowMode::kWrapSm && t.sat_bits == 0;
        fast_ = modes && t.width <= 22 && f >= -100 && f <= 100;
        wide_ = modes && !fast_ && t.width <= 50 && f >= -900 && f <= 900;
        scale_ = std::ldexp(1.0, f);
        inv_scale_ = std::ldexp(1.0, -f);
        lo_ = t.min_value();
        hi_ = t.max_value();
        wraps_ = t.overflow == OverflowMode::kWrap || t.overflow == OverflowMode::kWrapSm;
        if (fast_ || wide_) {
            qlo_ = static_cast<double>(fit_.minv);
            qhi_ = static_cast<double>(fit_.maxv);
        }
    }

    const FixedType& type() const { return type_; }
    /// The range of the type (exact as doubles for types up to 53 bits).
    double lo() const { return lo_; }
    double hi() const { return hi_; }
    /// Whether the straight-through gradient passes at v: everywhere for wrapping types (the cast
    /// is the identity in range, and a wrapped value has no useful gradient either way), only
    /// within the range for saturating types.
    bool passes(float v) const {
        return wraps_ || (static_cast<double>(v) >= lo_ && static_cast<double>(v) <= hi_);
    }
    bool wraps() const { return wraps_; }
    /// m[i] = passes(v[i]) as 1 or 0, for n values (vectorised when the bounds are floats).
    void pass_mask(const float* v, float* m, std::size_t n) const {
        if (wraps_) {
            std::fill_n(m, n, 1.0f);
        } else if (fast_) {
            const auto lo = static_cast<float>(lo_), hi = static_cast<float>(hi_);
            for (std::size_t i = 0; i < n; ++i) m[i] = (v[i] >= lo) & (v[i] <= hi) ? 1.0f : 0.0f;
        } else {
            for (std::size_t i = 0; i < n; ++i) m[i] = passes(v[i]) ? 1.0f : 0.0f;
        }
    }

    /// y[i] = fx::quantize(x[i], type) for n values; y may be x.
    void apply(const float* x, float* y, std::size_t n) const {
        bool finite = fast_ || wide_;
        if (finite) {
            bool bad = false;  // inf or NaN anywhere: the exact double path for all
            for (std::size_t i = 0; i < n; ++i) bad |= !(std::fabs(x[i]) <= 3.4e38f);
            finite = !bad;
        }
        if (!finite) {
            for (std::size_t i = 0; i < n; ++i)
                y[i] = static_cast<float>(fx::quantize(static_cast<double>(x[i]), type_));
            return;
        }
        switch (type_.quant) {
            case QuantMode::kTrn:
                return fast_ ? run<QuantMode::kTrn, float>(x, y, n)
                             : run<QuantMode::kTrn, double>(x, y, n);
            case QuantMode::kTrnZero:
                return fast_ ? run<QuantMode::kTrnZero, float>(x, y, n)
                             : run<QuantMode::kTrnZero, double>(x, y, n);
            case QuantMode::kRnd:
                return fast_ ? run<QuantMode::kRnd, float>(x, y, n)
                             : run<QuantMode::kRnd, double>(x, y, n);
            case QuantMode::kRndZero:
                return fast_ ? run<QuantMode::kRndZero, float>(x, y, n)
                             : run<QuantMode::kRndZero, double>(x, y, n);
            case QuantMode::kRndMinInf:
                return fast_ ? run<QuantMode::kRndMinInf, float>(x, y, n)
                             : run<QuantMode::kRndMinInf, double>(x, y, n);
            case QuantMode::kRndInf:
                return fast_ ? run<QuantMode::kRndInf, float>(x, y, n)
                             : run<QuantMode::kRndInf, double>(x, y, n);
            case QuantMode::kRndConv:
                return fast_ ? run<QuantMode::kRndConv, float>(x, y, n)
                             : run<QuantMode::kRndConv, double>(x, y, n);
        }
    }

    float operator()(float x) const {
        float y;
        apply(&x, &y, 1);
        return y;
    }

private:
    /// Rounds v by mode Q to an integer value, exactly for |v| < 2^22 (float) or 2^51 (double).
    /// n = (v + 1.5·2^(m)) − 1.5·2^(m), m the mantissa width, is v rounded to nearest even (the
    /// addition's own rounding, exact at this magnitude); floor(v) and the remainder
    /// r = v − floor(v) follow exactly. Plain selects, no calls or branches: the loops vectorise.
    template <QuantMode Q, typename T = float>
    static T round(T v) {
        constexpr T kMagic = std::is_same_v<T, float> ? T(0x1.8p23) : T(0x1.8p52);
        const T n = (v + kMagic) - kMagic;
        if constexpr (Q == QuantMode::kRndConv) return n;
        const T f = n > v ? n - T(1) : n;
        const T r = v - f;
        const T half(0.5);
        if constexpr (Q == QuantMode::kTrn) return f;
        if constexpr (Q == QuantMode::kTrnZero) return (r != T(0)) & (v < T(0)) ? f + T(1) : f;
        if constexpr (Q == QuantMode::kRnd) return r >= half ? f + T(1) : f;
        if constexpr (Q == QuantMode::kRndZero)
            return (r > half) | ((r == half) & (v < T(0))) ? f + T(1) : f;
        if constexpr (Q == QuantMode::kRndMinInf) return r > half ? f + T(1) : f;
        if constexpr (Q == QuantMode::kRndInf)
            return (r > half) | ((r == half) & (v >= T(0))) ? f + T(1) : f;
        return f;
    }

    /// The saturating modes on the vector path: v is clamped into [lo − 2, hi + 2] first (every
    /// value beyond the range still rounds beyond it, so the outcome is the same), then rounded,
    /// then the overflow rule applied to the rounded word.
    template <QuantMode Q, typename T>
    void run(const float* x, float* y, std::size_t n) const {
        const T s = T(scale_), inv = T(inv_scale_), qlo = T(qlo_), qhi = T(qhi_);
        const T clo = qlo - T(2), chi = qhi + T(2);
        const T sym_lo = type_.is_signed() ? -qhi : T(0);
        switch (type_.overflow) {
            case OverflowMode::kSat:
                for (std::size_t i = 0; i < n; ++i) {
                    T v = T(x[i]) * s;
                    v = v < qlo ? qlo : v;
                    v = v > qhi ? qhi : v;
                    y[i] = static_cast<float>(round<Q, T>(v) * inv);
                }
                return;
            case OverflowMode::kSatZero:
                for (std::size_t i = 0; i < n; ++i) {
                    T v = T(x[i]) * s;
                    v = v < clo ? clo : v;
                    v = v > chi ? chi : v;
                    const T q = round<Q, T>(v);
                    y[i] = static_cast<float>((q < qlo) | (q > qhi) ? T(0) : q * inv);
                }
                return;
            case OverflowMode::kSatSym:
                for (std::size_t i = 0; i < n; ++i) {
                    T v = T(x[i]) * s;
                    v = v < clo ? clo : v;
                    v = v > chi ? chi : v;
                    T q = round<Q, T>(v);
                    q = q > qhi ? qhi : q;
                    q = q < qlo ? sym_lo : q;
                    y[i] = static_cast<float>(q * inv);
                }
                return;
            default:
                break;
        }
        // Wrapping: the low bits of the rounded word decide, so it goes through int64 (|v| ≤
        // 2^62 keeps them: beyond 2^53 every double is a multiple of 2^(e−52)).
        for (std::size_t i = 0; i < n; ++i)
            y[i] = static_cast<float>(
                static_cast<double>(fit_.fit(wide_round(static_cast<double>(x[i]) * scale_))) *
                inv_scale_);
    }

    /// v rounded by the type's mode as an int64 word, for any |v| (clamped to 2^62; from 2^51
    /// on a double is an integer already).
    std::int64_t wide_round(double x) const {
        const double v = std::clamp(x, -0x1p62, 0x1p62);
        if (std::fabs(v) >= 0x1p51) return static_cast<std::int64_t>(v);
        double r = 0.0;
        switch (type_.quant) {
            case QuantMode::kTrn:
                r = round<QuantMode::kTrn, double>(v);
                break;
            case QuantMode::kTrnZero:
                r = round<QuantMode::kTrnZero, double>(v);
                break;
            case QuantMode::kRnd:
                r = round<QuantMode::kRnd, double>(v);
                break;
            case QuantMode::kRndZero:
                r = round<QuantMode::kRndZero, double>(v);
                break;
            case QuantMode::kRndMinInf:
                r = round<QuantMode::kRndMinInf, double>(v);
                break;
            case QuantMode::kRndInf:
                r = round<QuantMode::kRndInf, double>(v);
                break;
            case QuantMode::kRndConv:
                r = round<QuantMode::kRndConv, double>(v);
                break;
        }
        return static_cast<std::int64_t>(r);
    }

    FixedType type_;
    fx64::Cast fit_{0, FixedType{}};
    bool fast_ = false;  ///< float arithmetic (width ≤ 22)
    bool wide_ = false;  ///< double arithmetic (width ≤ 50)
    bool wraps_ = false;
    double scale_ = 1.0, inv_scale_ = 1.0, qlo_ = 0.0, qhi_ = 0.0;
    double lo_ = 0.0, hi_ = 0.0;
};

}  // namespace snac::nn::detail
