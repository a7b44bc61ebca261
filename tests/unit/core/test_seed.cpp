// derive_seed: a pure function of (run seed, id, purpose).
#include <gtest/gtest.h>

#include <set>

#include "snac/core/seed.hpp"

namespace snac {
namespace {

TEST(DeriveSeed, IsDeterministic) {
    EXPECT_EQ(derive_seed(42, 7, "train"), derive_seed(42, 7, "train"));
    EXPECT_EQ(mix64(12345), mix64(12345));
}

TEST(DeriveSeed, EveryArgumentChangesTheSeed) {
    const auto base = derive_seed(42, 7, "train");
    EXPECT_NE(base, derive_seed(43, 7, "train"));
    EXPECT_NE(base, derive_seed(42, 8, "train"));
    EXPECT_NE(base, derive_seed(42, 7, "init"));
}

TEST(DeriveSeed, NoCollisionsOverManyIds) {
    std::set<std::uint64_t> seen;
    for (std::uint64_t id = 0; id < 10000; ++id) seen.insert(derive_seed(1, id, "trial"));
    EXPECT_EQ(seen.size(), 10000u);
}

TEST(DeriveSeed, Mix64IsBijectiveOnASample) {
    std::set<std::uint64_t> seen;
    for (std::uint64_t x = 0; x < 4096; ++x) seen.insert(mix64(x));
    EXPECT_EQ(seen.size(), 4096u);
    EXPECT_NE(mix64(0), mix64(1));
}

}  // namespace
}  // namespace snac
