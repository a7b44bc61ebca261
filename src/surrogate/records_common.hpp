#pragma once
// Private helpers shared by the record loaders.
#include <string>

#include "snac/core/fixed_type.hpp"
#include "snac/nn/network_spec.hpp"

namespace snac::surrogate::detail {

/// Layer structure without names or settings: the grouping key of architecture-aware splits.
std::string architecture_key(const nn::NetworkSpec& net);

/// hls4ml's inferred accumulator for `n_in` products of input × weight plus a bias
/// (hls4ml-semantics.md §2, "name" granularity), capped at 64 bits.
FixedType inferred_accum(const FixedType& input, const FixedType& weight, std::int64_t n_in);

}  // namespace snac::surrogate::detail
