// Activation lookup tables as the hls4ml-style kernels define them (hls4ml-semantics.md §4.1, §5;
// Duarte et al., "Fast inference of deep neural networks in FPGAs for particle physics", JINST 13
// P07027, 2018). Computed here once and emitted into generated projects as constants, so the
// C simulation and snac's inference read identical entries.
#include "snac/nn/fixed_tables.hpp"

#include <cmath>

#include "snac/nn/fixed_arith.hpp"

namespace snac::nn {

std::vector<std::int64_t> sigmoid_table(int size, const FixedType& t) {
    std::vector<std::int64_t> table(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i) {
        const float v = 16.0f * static_cast<float>(i - size / 2) / static_cast<float>(size);
        const float s = 1.0f / (1.0f + std::exp(-v));
        table[static_cast<std::size_t>(i)] = fx::from_double(static_cast<double>(s), t);
    }
    return table;
}

std::vector<std::int64_t> tanh_table(int size, const FixedType& t) {
    std::vector<std::int64_t> table(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i) {
        const float v = 8.0f * static_cast<float>(i - size / 2) / static_cast<float>(size);
        table[static_cast<std::size_t>(i)] = fx::from_double(static_cast<double>(std::tanh(v)), t);
    }
    return table;
}

std::vector<std::int64_t> gelu_table(int size, const FixedType& t) {
    std::vector<std::int64_t> table(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i) {
        const double v = 16.0 * static_cast<double>(i - size / 2) / static_cast<double>(size);
        const double g = 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)));
        table[static_cast<std::size_t>(i)] = fx::from_double(g, t);
    }
    return table;
}

std::int64_t activation_table_offset(std::int64_t x, const FixedType& xt, int size, int range) {
    // trunc0(x·size/range) on the exact value: the kernel's (x * size / range).to_int().
    const fx::Wide scaled = static_cast<fx::Wide>(x) * size;
    const fx::Wide q = scaled / range;  // C++ division truncates toward zero, as ap_fixed does
    return static_cast<std::int64_t>(fx::trunc_int(q, xt.fractional()) + size / 2);
}

int activation_table_index(std::int64_t x, const FixedType& xt, int size, int range) {
    std::int64_t idx = activation_table_offset(x, xt, size, range);
    if (idx < 0) idx = 0;
    if (idx > size - 1) idx = size - 1;
    return static_cast<int>(idx);
}

std::vector<std::int64_t> inv_sqrt_table(int size, int range_pow2, double eps, const FixedType& t) {
    std::vector<std::int64_t> table(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i) {
        const double v = std::ldexp(static_cast<double>(i), range_pow2) / size;
        table[static_cast<std::size_t>(i)] = fx::from_double(1.0 / std::sqrt(v + eps), t);
    }
    return table;
}

int inv_sqrt_table_index(std::int64_t v, const FixedType& vt, int size, int range_pow2) {
    const fx::Wide q = static_cast<fx::Wide>(v) * size / (fx::Wide{1} << range_pow2);
    fx::Wide idx = fx::trunc_int(q, vt.fractional());
    if (idx < 0) idx = 0;
    if (idx > size - 1) idx = size - 1;
    return static_cast<int>(idx);
}

std::vector<std::int64_t> softmax_exp_table(int bits, const FixedType& norm, const FixedType& t) {
    const int n = 1 << bits;
    std::vector<std::int64_t> table(static_cast<std::size_t>(n));
    for (int j = 0; j < n; ++j) {
        const double v = std::ldexp(static_cast<double>(j), norm.width - bits - norm.fractional());
        table[static_cast<std::size_t>(j)] = fx::from_double(std::exp(-v), t);
    }
    return table;
}

std::vector<std::int64_t> softmax_inv_table(int bits, const FixedType& in, const FixedType& t) {
    const int n = 1 << bits;
    std::vector<std::int64_t> table(static_cast<std::size_t>(n));
    for (int j = 0; j < n; ++j) {
        // j is the top `bits` bits of the word; with a signed type the top half is negative.
        std::int64_t top = j;
        if (in.is_signed() && j >= n / 2) top -= n;
        const double v = std::ldexp(static_cast<double>(top), in.width - bits - in.fractional());
        table[static_cast<std::size_t>(j)] = fx::from_double(v == 0.0 ? HUGE_VAL : 1.0 / v, t);
    }
    return table;
}

}  // namespace snac::nn
