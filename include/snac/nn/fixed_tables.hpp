#pragma once
/// Lookup tables of the fixed-point activations (../shared/docs/reference/hls4ml-semantics.md
/// §4.1 sigmoid/tanh, §5 softmax) and their index rules. Tables hold raw words of their type.
#include <cstdint>
#include <vector>

#include "snac/core/fixed_type.hpp"

namespace snac::nn {

/// size entries over [-8, 8): entry i = t(1/(1+e^-v)), v = 16·(i - size/2)/size, in float.
std::vector<std::int64_t> sigmoid_table(int size, const FixedType& t);
/// size entries over [-4, 4): entry i = t(tanh(v)), v = 8·(i - size/2)/size, in float.
std::vector<std::int64_t> tanh_table(int size, const FixedType& t);
/// size entries over [-8, 8): entry i = t(v·Φ(v)) (GELU, erf form in double), v as for sigmoid.
std::vector<std::int64_t> gelu_table(int size, const FixedType& t);
/// Table index of input raw word x (type xt): trunc0(x·size/range) + size/2, clamped; range is
/// 16 for sigmoid and GELU, 8 for tanh.
int activation_table_index(std::int64_t x, const FixedType& xt, int size, int range);
/// The same index before clamping (GELU: >= size means x >= 8, the output is x itself).
std::int64_t activation_table_offset(std::int64_t x, const FixedType& xt, int size, int range);

/// size entries over the variance range [0, 2^range_pow2): entry i = t(1/√(v + eps)),
/// v = i·2^range_pow2/size, in double (layer norm's inverse standard deviation).
std::vector<std::int64_t> inv_sqrt_table(int size, int range_pow2, double eps, const FixedType& t);
/// Layer norm's table index of a variance raw word v (type vt): trunc0(v·size/2^range_pow2),
/// clamped to [0, size - 1] (the kernel's (var * size / range).to_int()).
int inv_sqrt_table_index(std::int64_t v, const FixedType& vt, int size, int range_pow2);

/// 2^bits entries: entry j = t(exp(-v_j)), v_j the `norm` value whose top `bits` bits are j.
std::vector<std::int64_t> softmax_exp_table(int bits, const FixedType& norm, const FixedType& t);
/// 2^bits entries: entry j = t(1/v_j), v_j the `in` value whose top `bits` bits (sign included)
/// are j; 1/0 saturates.
std::vector<std::int64_t> softmax_inv_table(int bits, const FixedType& in, const FixedType& t);

}  // namespace snac::nn
