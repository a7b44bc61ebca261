#pragma once
// The 64-bit fast path of the fixed-point dense arithmetic (issue 15): when every width of a layer
// leaves headroom in a 64-bit word, the products, their cast to accum_t and the accumulation are
// evaluated on int64 with the same quantization and overflow rules as fx::cast on 128-bit words.
// Bit-exactness against the 128-bit path is a test (test_fixed_model.cpp, FixedFastPath).
#include <cstddef>
#include <cstdint>

#include "snac/nn/fixed_model.hpp"

namespace snac::nn::fx64 {

/// Calls f(i, j) for the products of a Resource-strategy dense kernel in its accumulation order
/// (nnet_dense.h): a reuse loop outside and a block loop inside, over the transposed weight index
/// w = j·n_in + i; for a packed layer over the non-zero weights only (l.packed).
template <class F>
void for_each_resource_product(const FixedLayer& l, std::int64_t n_in, std::int64_t n_out, F f) {
    const bool packed = !l.packed.empty();
    const std::int64_t total = packed ? static_cast<std::int64_t>(l.packed.size()) : n_in * n_out;
    const std::int64_t rf = l.reuse_factor;
    const std::int64_t block = (total + rf - 1) / rf;
    for (std::int64_t ir = 0; ir < rf; ++ir)
        for (std::int64_t b = 0; b < block; ++b) {
            const std::int64_t k = ir + rf * b;
            if (k >= total) break;
            const std::int64_t w = packed ? l.packed[static_cast<std::size_t>(k)] : k;
            f(w % n_in, w / n_in);
        }
}

/// Dense arithmetic of `l` over x (type xt) into out (l.result), in the kernel's cast order and
/// loop order. Returns false, touching nothing, when a width, shift or mode needs the 128-bit path.
bool dense(const FixedLayer& l, const std::int64_t* x, const FixedType& xt, std::int64_t n_in,
           std::int64_t n_out, std::int64_t* out);

/// out[i] = fx::cast(x[i], src.fractional(), t) for n words of type `src` (out may be x), with
/// one Cast for all of them. Returns false, touching nothing, when the widths need 128 bits.
bool cast_words(const std::int64_t* x, std::size_t n, const FixedType& src, const FixedType& t,
                std::int64_t* out);

/// Whether fixed-point runs in this thread may use the fast path (on by default). The 128-bit
/// reference evaluation (FixedModel::run_raw_reference) turns it off for its own call.
bool enabled();
void set_enabled(bool on);

}  // namespace snac::nn::fx64
