// 64-bit fast path of the fixed-point dense kernel: the same rules as fx::cast (quantize first,
// then overflow; hls4ml-semantics.md §8), restricted to words whose every intermediate fits in 62
// bits, so no 128-bit arithmetic, no calls and no mode dispatch happen per product. A wrapping
// accumulator that truncates products (AP_TRN/AP_WRAP, hls4ml's default and qat_settings' exact
// accumulators) may be up to 64 bits wide: its sums are taken modulo 2^64 and wrapped once.
// Anything outside those bounds returns false and takes the 128-bit path.
#include "fixed_fast.hpp"

#include <algorithm>
#include <vector>

#include "fixed_cast64.hpp"
#include "snac/nn/fixed_arith.hpp"

namespace snac::nn::fx64 {
namespace {

thread_local bool g_enabled = true;

// The wrap path's inner loops are compiled twice, for AVX2 and for the baseline, and picked at
// load time: AVX2's 4-lane 64-bit adds and shifts make a product-and-add about 3x cheaper than the
// scalar loop (the 32-bit chain's evaluation is almost all of these).
#if defined(__x86_64__) && defined(__GNUC__)
#define SNAC_FX64_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SNAC_FX64_CLONES
#endif

/// s[j] += Σ_i x[i]·w[i·n + j] modulo 2^64 (d = 0) or Σ_i ⌊x[i]·w[i·n + j] / 2^d⌋ (AP_TRN of
/// each product, d > 0), for |x[i]·w[i·n + j]| < 2^63. Zero inputs (relu outputs) are skipped.
SNAC_FX64_CLONES void mac_all(std::uint64_t* __restrict s, const std::int64_t* __restrict w,
                              const std::int64_t* __restrict x, std::int64_t n_in, std::int64_t n,
                              int d) {
    for (std::int64_t i = 0; i < n_in; ++i) {
        const std::int64_t xi = x[i];
        if (xi == 0) continue;
        const std::int64_t* wi = w + i * n;
        if (d == 0) {
            for (std::int64_t j = 0; j < n; ++j) s[j] += static_cast<std::uint64_t>(xi * wi[j]);
        } else {
            for (std::int64_t j = 0; j < n; ++j)
                s[j] += static_cast<std::uint64_t>((xi * wi[j]) >> d);
        }
    }
}

/// The inner loops, over products p = x[i]·w[i·n_out + j]; `product` casts p to accum_t and
/// `add` is `acc += v` re-fitted into accum_t.
template <class Product, class Add>
void accumulate_all(const FixedLayer& l, const std::int64_t* x, std::int64_t n_in,
                    std::int64_t n_out, std::int64_t* acc, Product product, Add add) {
    const std::int64_t* w = l.weights.data();
    if (l.strategy == Strategy::kLatency) {
        for (std::int64_t i = 0; i < n_in; ++i) {
            const std::int64_t xi = x[i];
            const std::int64_t* wi = w + i * n_out;
            for (std::int64_t j = 0; j < n_out; ++j) acc[j] = add(acc[j], product(xi * wi[j]));
        }
        return;
    }
    for_each_resource_product(l, n_in, n_out, [&](std::int64_t i, std::int64_t j) {
        acc[j] = add(acc[j], product(x[i] * w[i * n_out + j]));
    });
}

}  // namespace

bool enabled() {
    return g_enabled;
}

void set_enabled(bool on) {
    g_enabled = on;
}

bool cast_words(const std::int64_t* x, std::size_t n, const FixedType& src, const FixedType& t,
                std::int64_t* out) {
    const int d = src.fractional() - t.fractional();
    if (!g_enabled || !castable(t) || src.width > kMaxBits || d > kMaxBits ||
        (d < 0 && src.width - d > kMaxBits))
        return false;
    const Cast cast(d, t);
    for (std::size_t i = 0; i < n; ++i) out[i] = cast(x[i]);
    return true;
}

bool dense(const FixedLayer& l, const std::int64_t* x, const FixedType& xt, std::int64_t n_in,
           std::int64_t n_out, std::int64_t* out) {
    if (!g_enabled) return false;
    const FixedType& at = l.accum;
    const int product_bits = xt.width + l.weight.width;
    const int d = xt.fractional() + l.weight.fractional() - at.fractional();
    // |x·w| <= 2^(mx + mw): a signed word of w bits is at most 2^(w-1) in magnitude, so the
    // products of two signed 32-bit words (ap_fixed<32,I> data and weights) still fit in int64.
    const auto magnitude_bits = [](const FixedType& t) {
        return t.is_signed() ? t.width - 1 : t.width;
    };
    const bool exact_product = magnitude_bits(xt) + magnitude_bits(l.weight) <= kMaxBits;
    // AP_TRN + AP_WRAP (hls4ml's default accumulator, and the one qat_settings chooses): each
    // product is a shift and a wrap, each sum a wrap; added modulo 2^64, a signed accumulator may
    // be up to 64 bits wide (the exact accumulators of 32-bit layers are), since wrapping at
    // its width then equals wrapping after every addition in 128 bits.
    const bool wrap_path = at.overflow == OverflowMode::kWrap && at.sat_bits == 0 &&
                           (d == 0 || (d > 0 && at.quant == QuantMode::kTrn));
    const bool wide_wrap = wrap_path && at.is_signed() && at.width <= 64;
    if (!exact_product || d > kMaxBits || (d < 0 && product_bits - d > kMaxBits)) return false;
    if (!castable(at) && !wide_wrap) return false;
    if (static_cast<std::int64_t>(l.weights.size()) < n_in * n_out) return false;

    thread_local std::vector<std::int64_t> acc;
    acc.resize(static_cast<std::size_t>(n_out));
    // Bias and result casts with one Cast each when they qualify too (a cast per output matters
    // for the small per-pixel and per-element dense calls of conv2d and Deep Sets).
    const int db = l.bias.fractional() - at.fractional();
    const bool bias_fast =
        l.bias.width <= kMaxBits && db <= kMaxBits && (db >= 0 || l.bias.width - db <= kMaxBits);
    const Cast bias(db, at);
    for (std::int64_t j = 0; j < n_out; ++j) {
        const std::int64_t b = l.biases[static_cast<std::size_t>(j)];
        acc[static_cast<std::size_t>(j)] =
            bias_fast ? bias(b) : fx::cast(b, l.bias.fractional(), at);
    }

    const Cast product(d, at), sum(0, at);
    if (wrap_path) {
        // Every step is an addition modulo 2^W of the accumulator's width W (each product cast
        // is a shift and a wrap, each sum a wrap), and wrapping is compatible with addition:
        // the kernel's result equals the wrap of the whole sum taken modulo 2^64 (W <= 64). So
        // the products are summed in uint64 and wrapped once, in any order (the Resource
        // kernel's order gives the same words).
        thread_local std::vector<std::uint64_t> s;
        s.resize(static_cast<std::size_t>(n_out));
        for (std::size_t j = 0; j < s.size(); ++j) s[j] = static_cast<std::uint64_t>(acc[j]);
        mac_all(s.data(), l.weights.data(), x, n_in, n_out, d);
        for (std::size_t j = 0; j < s.size(); ++j)
            acc[j] = sum.wrap(static_cast<std::int64_t>(s[j]));
    } else {  // castable(at): only the wrap path takes wider accumulators
        accumulate_all(
            l, x, n_in, n_out, acc.data(), [&](std::int64_t p) { return product(p); },
            [&](std::int64_t a, std::int64_t v) { return sum.fit(a + v); });
    }
    const int fa = at.fractional();
    const int dr = fa - l.result.fractional();
    if (castable(l.result) && dr <= kMaxBits && (dr >= 0 || at.width - dr <= kMaxBits)) {
        const Cast result(dr, l.result);
        for (std::int64_t j = 0; j < n_out; ++j) out[j] = result(acc[static_cast<std::size_t>(j)]);
    } else {
        for (std::int64_t j = 0; j < n_out; ++j)
            out[j] = fx::cast(acc[static_cast<std::size_t>(j)], fa, l.result);
    }
    return true;
}

}  // namespace snac::nn::fx64
