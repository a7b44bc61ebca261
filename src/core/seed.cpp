#include "snac/core/seed.hpp"

namespace snac {

std::uint64_t mix64(std::uint64_t x) noexcept {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

std::uint64_t derive_seed(std::uint64_t run_seed, std::uint64_t id, std::string_view purpose) noexcept {
    // FNV-1a of the purpose keeps different purposes of one trial independent.
    std::uint64_t h = 0xCBF29CE484222325ULL;
    for (char c : purpose) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001B3ULL;
    }
    return mix64(mix64(run_seed) ^ mix64(id + 0x632BE59BD9B4E019ULL) ^ h);
}

}  // namespace snac
