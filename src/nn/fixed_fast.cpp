// 64-bit fast path of the fixed-point dense kernel: the same rules as fx::cast (quantize first,
// then overflow; hls4ml-semantics.md §8), restricted to words whose every intermediate fits in 62
// bits, so no 128-bit arithmetic, no calls and no mode dispatch happen per product in the common
// AP_TRN/AP_WRAP case. Anything outside those bounds returns false and takes the 128-bit path.
#include "fixed_fast.hpp"

#include <algorithm>
#include <vector>

#include "fixed_cast64.hpp"
#include "snac/nn/fixed_arith.hpp"

namespace snac::nn::fx64 {
namespace {

thread_local bool g_enabled = true;

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

bool dense(const FixedLayer& l, const std::int64_t* x, const FixedType& xt, std::int64_t n_in,
           std::int64_t n_out, std::int64_t* out) {
    if (!g_enabled) return false;
    const FixedType& at = l.accum;
    const int product_bits = xt.width + l.weight.width;
    const int d = xt.fractional() + l.weight.fractional() - at.fractional();
    if (product_bits > kMaxBits || at.width > kMaxBits || d > kMaxBits ||
        (d < 0 && product_bits - d > kMaxBits))
        return false;
    if (!castable(at)) return false;
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
    if (at.overflow == OverflowMode::kWrap && (d == 0 || (d > 0 && at.quant == QuantMode::kTrn))) {
        // AP_TRN + AP_WRAP (hls4ml's default accumulator): a shift and a sign extension each.
        accumulate_all(
            l, x, n_in, n_out, acc.data(), [&](std::int64_t p) { return product.wrap(p >> d); },
            [&](std::int64_t a, std::int64_t v) { return sum.wrap(a + v); });
    } else {
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
