#pragma once
/// Seeds are derived, never shared: a result depends on (run seed, id, purpose), not on which rank
/// or thread computed it.
#include <cstdint>
#include <string_view>

namespace snac {

/// SplitMix64 finaliser: a bijective 64-bit mix.
std::uint64_t mix64(std::uint64_t x) noexcept;

/// Seed for one purpose of one object (trial, fold, rank-independent stream) of one run.
std::uint64_t derive_seed(std::uint64_t run_seed, std::uint64_t id, std::string_view purpose) noexcept;

}  // namespace snac
