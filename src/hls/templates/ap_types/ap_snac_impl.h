// snac's clean-room emulation of the Xilinx arbitrary-precision fixed-point types, for C
// simulation of generated HLS projects with plain g++. Semantics follow snac's reference notes
// (hls4ml-semantics.md §8): two's complement, W total bits, I integer bits including the sign,
// quantization (Q) before overflow (O), exact + - * results, division truncating toward zero.
// The value is held as an exact integer V (the raw word, sign included) with weight 2^-(W-I).
// Widths up to 120 bits are supported, which covers products of two 60-bit operands.
#ifndef SNAC_AP_SNAC_IMPL_H
#define SNAC_AP_SNAC_IMPL_H

#include <cmath>
#include <cstdint>
#include <istream>
#include <limits>
#include <ostream>
#include <type_traits>

enum ap_q_mode { AP_RND, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV, AP_TRN, AP_TRN_ZERO };
enum ap_o_mode { AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP, AP_WRAP_SM };

namespace ap_snac {

__extension__ typedef __int128 wide_t;
__extension__ typedef unsigned __int128 uwide_t;

const int kMaxWidth = 120;

inline uwide_t low_mask(int bits) {
    return bits >= 128 ? ~static_cast<uwide_t>(0) : (static_cast<uwide_t>(1) << bits) - 1;
}

// Number of significant bits of |x| (0 for 0).
inline int magnitude_bits(wide_t x) {
    uwide_t u = x < 0 ? static_cast<uwide_t>(-(x + 1)) + 1 : static_cast<uwide_t>(x);
    int n = 0;
    while (u != 0) {
        u >>= 1;
        ++n;
    }
    return n;
}

// x / 2^d rounded to an integer by mode q (d >= 1).
inline wide_t quantize(wide_t x, int d, ap_q_mode q) {
    if (x == 0) return 0;
    const bool neg = x < 0;
    if (d >= 126) {
        // |x| < 2^125 <= 2^(d-1): the exact quotient lies strictly within (-1/2, 1/2).
        if (q == AP_TRN) return neg ? -1 : 0;
        return 0;
    }
    const wide_t f = x >> d;  // arithmetic shift: floor
    const wide_t r = static_cast<wide_t>(static_cast<uwide_t>(x) & low_mask(d));
    const wide_t half = static_cast<wide_t>(1) << (d - 1);
    if (r == 0) return f;
    switch (q) {
        case AP_TRN: return f;
        case AP_TRN_ZERO: return neg ? f + 1 : f;
        case AP_RND: return r >= half ? f + 1 : f;
        case AP_RND_ZERO: return r > half || (r == half && neg) ? f + 1 : f;
        case AP_RND_MIN_INF: return r > half ? f + 1 : f;
        case AP_RND_INF: return r > half || (r == half && !neg) ? f + 1 : f;
        case AP_RND_CONV: return r > half || (r == half && (f & 1) != 0) ? f + 1 : f;
    }
    return f;
}

// Two's-complement wrap of the low W bits.
inline wide_t wrap_bits(uwide_t bits, int W, bool S) {
    uwide_t u = bits & low_mask(W);
    if (S && ((u >> (W - 1)) & 1) != 0) return static_cast<wide_t>(u) - (static_cast<wide_t>(1) << (W - 1)) * 2;
    return static_cast<wide_t>(u);
}

// Overflow handling of an integer q (known exactly unless `huge`, in which case only its sign
// `neg` and its low 128 bits `low` are known) into W bits.
inline wide_t fit(wide_t q, uwide_t low, bool huge, bool neg, int W, bool S, ap_o_mode o, int N) {
    const wide_t maxv = S ? (static_cast<wide_t>(1) << (W - 1)) - 1 : static_cast<wide_t>(low_mask(W));
    const wide_t minv = S ? -(static_cast<wide_t>(1) << (W - 1)) : 0;
    if (!huge && q >= minv && q <= maxv) return q;
    switch (o) {
        case AP_SAT: return neg ? minv : maxv;
        case AP_SAT_ZERO: return 0;
        case AP_SAT_SYM: return neg ? (S ? -maxv : 0) : maxv;
        case AP_WRAP_SM: {
            if (!S) return wrap_bits(low, W, S);
            // Sign-magnitude wrap: keep the low W bits, and invert them when the first dropped
            // bit disagrees with the sign of the original value.
            const bool dropped = ((low >> W) & 1) != 0;
            const uwide_t bits = dropped != neg ? ~low : low;
            return wrap_bits(bits, W, S);
        }
        case AP_WRAP: break;
    }
    uwide_t bits = low & low_mask(W);
    if (N > 0) {
        // The N most significant bits are forced to the sign of the original value.
        const int n = N > W ? W : N;
        const uwide_t top = low_mask(n) << (W - n);
        const bool fill = S ? neg : !neg;
        bits = fill ? (bits | top) : (bits & ~top);
    }
    return wrap_bits(bits, W, S);
}

// Converts the exact value raw·2^-src_frac to a W-bit word with F fractional bits.
inline wide_t convert(wide_t raw, int src_frac, int W, int F, bool S, ap_q_mode q, ap_o_mode o,
                      int N) {
    const int d = src_frac - F;
    if (d > 0) {
        const wide_t v = quantize(raw, d, q);
        return fit(v, static_cast<uwide_t>(v), false, v < 0, W, S, o, N);
    }
    if (d == 0 || raw == 0) return fit(raw, static_cast<uwide_t>(raw), false, raw < 0, W, S, o, N);
    const int s = -d;
    const bool huge = magnitude_bits(raw) + s > 125;
    const uwide_t low = s >= 128 ? 0 : static_cast<uwide_t>(raw) << s;
    return fit(huge ? 0 : static_cast<wide_t>(low), low, huge, raw < 0, W, S, o, N);
}

// Converts a double exactly (no intermediate rounding): the binary value of v is quantized.
inline wide_t from_double(double v, int W, int F, bool S, ap_q_mode q, ap_o_mode o, int N) {
    if (v == 0.0 || std::isnan(v)) return 0;
    if (std::isinf(v)) return fit(0, 0, true, v < 0, W, S, o == AP_WRAP || o == AP_WRAP_SM ? AP_SAT : o, 0);
    int e = 0;
    const double m = std::frexp(v, &e);  // v = m·2^e, 0.5 <= |m| < 1
    const wide_t mant = static_cast<wide_t>(static_cast<std::int64_t>(std::ldexp(m, 53)));
    return convert(mant, 53 - e, W, F, S, q, o, N);
}

inline double to_double(wide_t v, int F) { return std::ldexp(static_cast<double>(v), -F); }

// Truncation toward zero of v·2^-F.
inline wide_t trunc_int(wide_t v, int F) {
    if (F <= 0) return static_cast<wide_t>(static_cast<uwide_t>(v) << (-F));
    if (F >= 127) return 0;
    return v >= 0 ? (v >> F) : -((-v) >> F);
}

inline wide_t align(wide_t v, int shift) {
    return static_cast<wide_t>(static_cast<uwide_t>(v) << shift);
}

}  // namespace ap_snac

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
class ap_fixed_base;

// Bit slice of the raw word (as Xilinx range()): only what table indexing needs.
struct ap_snac_range {
    ap_snac::uwide_t bits;
    unsigned to_uint() const { return static_cast<unsigned>(bits); }
    int to_int() const { return static_cast<int>(bits); }
    unsigned long to_ulong() const { return static_cast<unsigned long>(bits); }
    std::uint64_t to_uint64() const { return static_cast<std::uint64_t>(bits); }
};

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
class ap_fixed_base {
    static_assert(W >= 1 && W <= ap_snac::kMaxWidth, "snac emulation supports widths 1..120");

public:
    static const int width = W;
    static const int iwidth = I;
    static const int frac = W - I;
    static const bool sign_flag = S;
    static const ap_q_mode qmode = Q;
    static const ap_o_mode omode = O;

    ap_snac::wide_t V;  // the exact raw word: value = V·2^-(W-I)

    ap_fixed_base() : V(0) {}
    template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
    ap_fixed_base(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& x)
        : V(ap_snac::convert(x.V, W2 - I2, W, W - I, S, Q, O, N)) {}
    ap_fixed_base(double v) : V(ap_snac::from_double(v, W, W - I, S, Q, O, N)) {}
    ap_fixed_base(float v) : V(ap_snac::from_double(static_cast<double>(v), W, W - I, S, Q, O, N)) {}
    template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
    ap_fixed_base(T v) : V(ap_snac::convert(static_cast<ap_snac::wide_t>(v), 0, W, W - I, S, Q, O, N)) {}

    // Builds a value from its raw word (not part of the Xilinx interface).
    static ap_fixed_base from_raw(ap_snac::wide_t raw) {
        ap_fixed_base r;
        r.V = ap_snac::convert(raw, W - I, W, W - I, S, AP_TRN, AP_WRAP, 0);
        return r;
    }

    double to_double() const { return ap_snac::to_double(V, W - I); }
    float to_float() const { return static_cast<float>(to_double()); }
    int to_int() const { return static_cast<int>(ap_snac::trunc_int(V, W - I)); }
    unsigned to_uint() const { return static_cast<unsigned>(ap_snac::trunc_int(V, W - I)); }
    long to_long() const { return static_cast<long>(ap_snac::trunc_int(V, W - I)); }
    long long to_int64() const { return static_cast<long long>(ap_snac::trunc_int(V, W - I)); }
    explicit operator double() const { return to_double(); }
    explicit operator float() const { return to_float(); }
    explicit operator int() const { return to_int(); }
    explicit operator long() const { return to_long(); }

    ap_snac_range range(int hi, int lo) const {
        ap_snac_range r;
        r.bits = (static_cast<ap_snac::uwide_t>(V) >> lo) & ap_snac::low_mask(hi - lo + 1);
        return r;
    }
    ap_snac_range range() const { return range(W - 1, 0); }
    bool operator[](int bit) const { return ((static_cast<ap_snac::uwide_t>(V) >> bit) & 1) != 0; }

    template <class T>
    ap_fixed_base& operator+=(const T& b) { return *this = ap_fixed_base(*this + b); }
    template <class T>
    ap_fixed_base& operator-=(const T& b) { return *this = ap_fixed_base(*this - b); }
    template <class T>
    ap_fixed_base& operator*=(const T& b) { return *this = ap_fixed_base(*this * b); }
    template <class T>
    ap_fixed_base& operator/=(const T& b) { return *this = ap_fixed_base(*this / b); }

    // Shifts keep this type: the shifted value is quantized and overflow-handled into it.
    ap_fixed_base operator<<(int n) const {
        ap_fixed_base r;
        r.V = ap_snac::convert(V, W - I - n, W, W - I, S, Q, O, N);
        return r;
    }
    ap_fixed_base operator>>(int n) const { return *this << (-n); }

    ap_fixed_base<W + 1, I + 1, true, AP_TRN, AP_WRAP, 0> operator-() const {
        ap_fixed_base<W + 1, I + 1, true, AP_TRN, AP_WRAP, 0> r;
        r.V = -V;
        return r;
    }
    ap_fixed_base operator+() const { return *this; }
};

// Out-of-class definitions, so that the constants may be bound to references (C++11).
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
const int ap_fixed_base<W, I, S, Q, O, N>::width;
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
const int ap_fixed_base<W, I, S, Q, O, N>::iwidth;
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
const int ap_fixed_base<W, I, S, Q, O, N>::frac;
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
const bool ap_fixed_base<W, I, S, Q, O, N>::sign_flag;
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
const ap_q_mode ap_fixed_base<W, I, S, Q, O, N>::qmode;
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
const ap_o_mode ap_fixed_base<W, I, S, Q, O, N>::omode;

// C integers act as ap types of their width: int is <32,32> signed, unsigned <32,32> unsigned.
template <class T>
struct ap_snac_cint {
    static const int bits = std::is_same<T, bool>::value ? 1 : static_cast<int>(8 * sizeof(T));
    typedef ap_fixed_base<bits, bits, std::is_signed<T>::value, AP_TRN, AP_WRAP, 0> type;
};

namespace ap_snac {
constexpr int imax(int a, int b) { return a > b ? a : b; }

template <int W1, int I1, bool S1, int W2, int I2, bool S2>
struct add_type {
    static const int F = imax(W1 - I1, W2 - I2);
    static const int Ir = imax(I1 + (S2 && !S1 ? 1 : 0), I2 + (S1 && !S2 ? 1 : 0)) + 1;
    typedef ap_fixed_base<Ir + F, Ir, S1 || S2, AP_TRN, AP_WRAP, 0> plus;
    typedef ap_fixed_base<Ir + F, Ir, true, AP_TRN, AP_WRAP, 0> minus;
};
}  // namespace ap_snac

#define AP_SNAC_T1 int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int N1
#define AP_SNAC_T2 int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2
#define AP_SNAC_A ap_fixed_base<W1, I1, S1, Q1, O1, N1>
#define AP_SNAC_B ap_fixed_base<W2, I2, S2, Q2, O2, N2>

template <AP_SNAC_T1, AP_SNAC_T2>
inline ap_fixed_base<W1 + W2, I1 + I2, S1 || S2, AP_TRN, AP_WRAP, 0> operator*(const AP_SNAC_A& a,
                                                                              const AP_SNAC_B& b) {
    ap_fixed_base<W1 + W2, I1 + I2, S1 || S2, AP_TRN, AP_WRAP, 0> r;
    r.V = a.V * b.V;
    return r;
}

template <AP_SNAC_T1, AP_SNAC_T2>
inline typename ap_snac::add_type<W1, I1, S1, W2, I2, S2>::plus operator+(const AP_SNAC_A& a,
                                                                         const AP_SNAC_B& b) {
    typedef ap_snac::add_type<W1, I1, S1, W2, I2, S2> R;
    typename R::plus r;
    r.V = ap_snac::align(a.V, R::F - (W1 - I1)) + ap_snac::align(b.V, R::F - (W2 - I2));
    return r;
}

template <AP_SNAC_T1, AP_SNAC_T2>
inline typename ap_snac::add_type<W1, I1, S1, W2, I2, S2>::minus operator-(const AP_SNAC_A& a,
                                                                          const AP_SNAC_B& b) {
    typedef ap_snac::add_type<W1, I1, S1, W2, I2, S2> R;
    typename R::minus r;
    r.V = ap_snac::align(a.V, R::F - (W1 - I1)) - ap_snac::align(b.V, R::F - (W2 - I2));
    return r;
}

// Division keeps the dividend's fractional bits and truncates toward zero.
template <AP_SNAC_T1, AP_SNAC_T2>
inline ap_fixed_base<(S2 ? 1 : 0) + W1 + ap_snac::imax(W2 - I2, 0), (S2 ? 1 : 0) + I1 + (W2 - I2),
                     S1 || S2, AP_TRN, AP_WRAP, 0>
operator/(const AP_SNAC_A& a, const AP_SNAC_B& b) {
    typedef ap_fixed_base<(S2 ? 1 : 0) + W1 + ap_snac::imax(W2 - I2, 0),
                          (S2 ? 1 : 0) + I1 + (W2 - I2), S1 || S2, AP_TRN, AP_WRAP, 0>
        R;
    R r;
    const int shift = (R::width - R::iwidth) - (W1 - I1) + (W2 - I2);
    r.V = b.V == 0 ? 0 : ap_snac::align(a.V, shift) / b.V;
    return r;
}

#define AP_SNAC_CMP(op)                                                                   \
    template <AP_SNAC_T1, AP_SNAC_T2>                                                     \
    inline bool operator op(const AP_SNAC_A& a, const AP_SNAC_B& b) {                     \
        const int f = ap_snac::imax(W1 - I1, W2 - I2);                                    \
        return ap_snac::align(a.V, f - (W1 - I1)) op ap_snac::align(b.V, f - (W2 - I2));  \
    }                                                                                     \
    template <AP_SNAC_T1, class T,                                                        \
              typename std::enable_if<std::is_integral<T>::value, int>::type = 0>         \
    inline bool operator op(const AP_SNAC_A& a, T b) {                                    \
        return a op typename ap_snac_cint<T>::type(b);                                    \
    }                                                                                     \
    template <AP_SNAC_T1, class T,                                                        \
              typename std::enable_if<std::is_integral<T>::value, int>::type = 0>         \
    inline bool operator op(T a, const AP_SNAC_A& b) {                                    \
        return typename ap_snac_cint<T>::type(a) op b;                                    \
    }                                                                                     \
    template <AP_SNAC_T1>                                                                 \
    inline bool operator op(const AP_SNAC_A& a, double b) { return a.to_double() op b; }  \
    template <AP_SNAC_T1>                                                                 \
    inline bool operator op(double a, const AP_SNAC_A& b) { return a op b.to_double(); }

AP_SNAC_CMP(==)
AP_SNAC_CMP(!=)
AP_SNAC_CMP(<)
AP_SNAC_CMP(<=)
AP_SNAC_CMP(>)
AP_SNAC_CMP(>=)

#define AP_SNAC_CINT_OP(op)                                                       \
    template <AP_SNAC_T1, class T,                                                \
              typename std::enable_if<std::is_integral<T>::value, int>::type = 0> \
    inline auto operator op(const AP_SNAC_A& a, T b)                              \
        -> decltype(a op typename ap_snac_cint<T>::type(b)) {                     \
        return a op typename ap_snac_cint<T>::type(b);                            \
    }                                                                             \
    template <AP_SNAC_T1, class T,                                                \
              typename std::enable_if<std::is_integral<T>::value, int>::type = 0> \
    inline auto operator op(T a, const AP_SNAC_A& b)                              \
        -> decltype(typename ap_snac_cint<T>::type(a) op b) {                     \
        return typename ap_snac_cint<T>::type(a) op b;                            \
    }

AP_SNAC_CINT_OP(+)
AP_SNAC_CINT_OP(-)
AP_SNAC_CINT_OP(*)
AP_SNAC_CINT_OP(/)

template <AP_SNAC_T1>
inline std::ostream& operator<<(std::ostream& os, const AP_SNAC_A& a) {
    return os << a.to_double();
}

template <AP_SNAC_T1>
inline std::istream& operator>>(std::istream& is, AP_SNAC_A& a) {
    double v = 0.0;
    if (is >> v) a = AP_SNAC_A(v);
    return is;
}

#undef AP_SNAC_CMP
#undef AP_SNAC_CINT_OP

// The user-facing types.
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
class ap_fixed : public ap_fixed_base<W, I, true, Q, O, N> {
    typedef ap_fixed_base<W, I, true, Q, O, N> Base;

public:
    ap_fixed() : Base() {}
    template <AP_SNAC_T2>
    ap_fixed(const AP_SNAC_B& x) : Base(x) {}
    ap_fixed(double v) : Base(v) {}
    ap_fixed(float v) : Base(v) {}
    template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
    ap_fixed(T v) : Base(v) {}
};

template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
class ap_ufixed : public ap_fixed_base<W, I, false, Q, O, N> {
    typedef ap_fixed_base<W, I, false, Q, O, N> Base;

public:
    ap_ufixed() : Base() {}
    template <AP_SNAC_T2>
    ap_ufixed(const AP_SNAC_B& x) : Base(x) {}
    ap_ufixed(double v) : Base(v) {}
    ap_ufixed(float v) : Base(v) {}
    template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
    ap_ufixed(T v) : Base(v) {}
};

template <int W>
class ap_int : public ap_fixed_base<W, W, true, AP_TRN, AP_WRAP, 0> {
    typedef ap_fixed_base<W, W, true, AP_TRN, AP_WRAP, 0> Base;

public:
    ap_int() : Base() {}
    template <AP_SNAC_T2>
    ap_int(const AP_SNAC_B& x) : Base(x) {}
    ap_int(double v) : Base(v) {}
    ap_int(float v) : Base(v) {}
    template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
    ap_int(T v) : Base(v) {}
};

template <int W>
class ap_uint : public ap_fixed_base<W, W, false, AP_TRN, AP_WRAP, 0> {
    typedef ap_fixed_base<W, W, false, AP_TRN, AP_WRAP, 0> Base;

public:
    ap_uint() : Base() {}
    template <AP_SNAC_T2>
    ap_uint(const AP_SNAC_B& x) : Base(x) {}
    ap_uint(double v) : Base(v) {}
    ap_uint(float v) : Base(v) {}
    template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
    ap_uint(T v) : Base(v) {}
};

#undef AP_SNAC_T1
#undef AP_SNAC_T2
#undef AP_SNAC_A
#undef AP_SNAC_B

#endif  // SNAC_AP_SNAC_IMPL_H
