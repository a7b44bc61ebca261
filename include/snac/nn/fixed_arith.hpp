#pragma once
/// Exact fixed-point arithmetic on raw words with Xilinx ap_fixed semantics
/// (../shared/docs/reference/hls4ml-semantics.md §8): the value of a raw word r of type T is
/// r·2^-T.fractional(). Full-precision intermediates are 128-bit integers.
#include <cstdint>

#include "snac/core/fixed_type.hpp"

namespace snac::nn::fx {

__extension__ typedef __int128 Wide;

/// The raw word of type `t` for the exact value raw·2^-src_frac: quantize (t.quant), then handle
/// overflow (t.overflow), as an assignment in the generated C++ does.
std::int64_t cast(Wide raw, int src_frac, const FixedType& t);
/// The raw word of type `t` for the exact binary value of v (no intermediate rounding). Infinite
/// values saturate; NaN gives 0.
std::int64_t from_double(double v, const FixedType& t);
/// The exact value of a raw word of type `t` (rounded to nearest only beyond 53 bits).
double to_double(std::int64_t raw, const FixedType& t);
/// v rounded into type `t` and back (fake quantization for quantization-aware training).
double quantize(double v, const FixedType& t);
/// Truncation toward zero of raw·2^-frac (ap_fixed::to_int()).
Wide trunc_int(Wide raw, int frac);
/// raw·2^shift for shift >= 0 (binary-point alignment; the caller guarantees no overflow).
Wide align(Wide raw, int shift);
/// The low `bits` bits of a raw word as an unsigned bit pattern (ap_fixed::range()).
std::uint64_t bit_pattern(std::int64_t raw, int bits);

}  // namespace snac::nn::fx
