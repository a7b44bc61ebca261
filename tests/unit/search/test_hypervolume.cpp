#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "snac/search/hypervolume.hpp"
#include "snac/search/space.hpp"

using namespace snac::search;

namespace {

/// Exact hypervolume by counting cells of the grid spanned by all coordinates.
double brute_force(const std::vector<std::vector<double>>& pts, const std::vector<double>& ref) {
    const std::size_t d = ref.size();
    std::vector<std::vector<double>> axes(d);
    for (std::size_t k = 0; k < d; ++k) {
        std::set<double> s{ref[k]};
        for (const auto& p : pts)
            if (p[k] < ref[k]) s.insert(p[k]);
        axes[k].assign(s.begin(), s.end());
    }
    double volume = 0;
    std::vector<std::size_t> idx(d, 0);
    while (true) {
        bool in_range = true;
        for (std::size_t k = 0; k < d; ++k) in_range = in_range && idx[k] + 1 < axes[k].size();
        if (in_range) {
            bool covered = false;
            for (const auto& p : pts) {
                bool dom = true;
                for (std::size_t k = 0; k < d; ++k) dom = dom && p[k] <= axes[k][idx[k]];
                covered = covered || dom;
            }
            if (covered) {
                double cell = 1;
                for (std::size_t k = 0; k < d; ++k) cell *= axes[k][idx[k] + 1] - axes[k][idx[k]];
                volume += cell;
            }
        }
        std::size_t k = 0;
        while (k < d && ++idx[k] >= axes[k].size()) idx[k++] = 0;
        if (k == d) break;
    }
    return volume;
}

}  // namespace

TEST(Hypervolume, KnownValues) {
    EXPECT_DOUBLE_EQ(hypervolume(std::vector<std::vector<double>>{{1, 2}, {2, 1}}, std::vector<double>{3, 3}), 3.0);
    // Unit vectors against (2,2,2): inclusion-exclusion gives 3*4 - 3*2 + 1 = 7.
    EXPECT_DOUBLE_EQ(hypervolume(std::vector<std::vector<double>>{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
                                 std::vector<double>{2, 2, 2}),
                     7.0);
    // In 4-D: 4*8 - 6*4 + 4*2 - 1 = 15.
    EXPECT_DOUBLE_EQ(hypervolume(std::vector<std::vector<double>>{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}},
                                 std::vector<double>{2, 2, 2, 2}),
                     15.0);
    // Points outside the reference box contribute nothing.
    EXPECT_DOUBLE_EQ(hypervolume(std::vector<std::vector<double>>{{5, 0}}, std::vector<double>{3, 3}), 0.0);
}

TEST(Hypervolume, MatchesBruteForceOnRandomSets) {
    Rng rng(11);
    for (std::size_t d : {2u, 3u, 4u, 5u}) {
        for (int rep = 0; rep < 5; ++rep) {
            std::vector<std::vector<double>> pts;
            for (int i = 0; i < 9; ++i) {
                std::vector<double> p;
                for (std::size_t k = 0; k < d; ++k) p.push_back(static_cast<double>(rng() % 10));
                pts.push_back(p);
            }
            const std::vector<double> ref(d, 10.0);
            EXPECT_NEAR(hypervolume(pts, ref), brute_force(pts, ref), 1e-9) << "d=" << d;
        }
    }
}

TEST(Hypervolume, DerivedReferencePointLiesBeyondEveryPoint) {
    const std::vector<std::vector<double>> pts = {{0, 10}, {5, 0}};
    const auto ref = derive_reference_point(pts);
    EXPECT_DOUBLE_EQ(ref[0], 5.5);
    EXPECT_DOUBLE_EQ(ref[1], 11.0);
    EXPECT_GT(hypervolume(pts, ref), 0.0);
}
