// hls4ml reuse-factor rule on the reference examples (hls4ml-semantics.md §3.3).
#include "snac/core/reuse_factor.hpp"

#include <gtest/gtest.h>

#include "snac/core/error.hpp"

namespace snac {
namespace {

TEST(ReuseFactor, ReferenceValidLists) {
    EXPECT_EQ(valid_reuse_factors(16, 64),
              (std::vector<int>{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}));
    EXPECT_EQ(valid_reuse_factors(10, 10), (std::vector<int>{1, 2, 5, 10, 20, 50, 100}));
    EXPECT_EQ(valid_reuse_factors(32, 5), (std::vector<int>{1, 2, 4, 8, 16, 32, 160}));
    EXPECT_EQ(valid_reuse_factors(57, 3), (std::vector<int>{1, 3, 19, 57, 171}));
}

TEST(ReuseFactor, MatchesTheThreeConditionsByBruteForce) {
    for (int n_in = 1; n_in <= 40; ++n_in)
        for (int n_out = 1; n_out <= 12; ++n_out) {
            std::vector<int> brute;
            for (int rf = 1; rf <= n_in * n_out; ++rf) {
                const int m = std::min(n_in, rf);
                const int blocks = (n_in * n_out + m - 1) / m;
                const bool c1 = blocks % n_out == 0 || rf >= n_in;
                const bool c2 = rf % n_in == 0 || rf < n_in;
                const bool c3 = (n_in * n_out) % rf == 0;
                if (c1 && c2 && c3) brute.push_back(rf);
            }
            EXPECT_EQ(valid_reuse_factors(n_in, n_out), brute) << n_in << "x" << n_out;
        }
}

TEST(ReuseFactor, NearestTiesGoToTheSmaller) {
    EXPECT_EQ(nearest_valid_reuse_factor(10, 10, 3), 2);     // 2 and 5: 2 is closer
    EXPECT_EQ(nearest_valid_reuse_factor(10, 10, 35), 20);   // 20 and 50 equally far: smaller
    EXPECT_EQ(nearest_valid_reuse_factor(32, 5, 100), 160);  // 160 is 60 away, 32 is 68
}

TEST(ReuseFactor, PilotDataSnapping) {
    // The wa-hls4ml pilot requested 512 and 1023; the files hold 384/768 for d_in = 96 and
    // 640/1280 for d_in = 160 (README of data/wa-hls4ml).
    EXPECT_EQ(nearest_valid_reuse_factor(96, 32, 512), 384);
    EXPECT_EQ(nearest_valid_reuse_factor(96, 32, 1023), 768);
    EXPECT_EQ(nearest_valid_reuse_factor(160, 32, 512), 640);
    EXPECT_EQ(nearest_valid_reuse_factor(160, 32, 1023), 1280);
}

TEST(ReuseFactor, ResolveWarnsOnlyForResource) {
    const ReuseFactorChoice lat = resolve_reuse_factor(10, 10, 3, Strategy::kLatency, "fc1");
    EXPECT_EQ(lat.used, 3);
    EXPECT_FALSE(lat.corrected);
    const ReuseFactorChoice res = resolve_reuse_factor(10, 10, 3, Strategy::kResource, "fc1");
    EXPECT_EQ(res.used, 2);
    EXPECT_TRUE(res.corrected);
    EXPECT_NE(res.warning.find("fc1"), std::string::npos);
    EXPECT_NE(res.warning.find("1, 2, 5, 10, 20, 50, 100"), std::string::npos);
    EXPECT_THROW(resolve_reuse_factor(10, 10, 0, Strategy::kLatency), UsageError);
    EXPECT_THROW(valid_reuse_factors(0, 3), UsageError);
}

}  // namespace
}  // namespace snac
