#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "snac/search/pareto.hpp"

using namespace snac;
using namespace snac::search;

namespace {
std::vector<Point> pts(std::vector<std::vector<double>> v) {
    std::vector<Point> out;
    for (auto& o : v) out.push_back({o, {}});
    return out;
}
}  // namespace

TEST(Pareto, NondominatedSortOnAHandMadeSet) {
    // Front 0: (1,4) (2,2) (4,1); front 1: (3,3) (2,5); front 2: (4,4) (5,5) is behind (4,4).
    const auto p = pts({{1, 4}, {3, 3}, {2, 2}, {4, 4}, {4, 1}, {2, 5}, {5, 5}});
    const auto fronts = nondominated_sort(p);
    ASSERT_EQ(fronts.size(), 4u);
    EXPECT_EQ(fronts[0], (std::vector<std::size_t>{0, 2, 4}));
    EXPECT_EQ(fronts[1], (std::vector<std::size_t>{1, 5}));
    EXPECT_EQ(fronts[2], (std::vector<std::size_t>{3}));
    EXPECT_EQ(fronts[3], (std::vector<std::size_t>{6}));
}

TEST(Pareto, EqualPointsShareAFront) {
    const auto p = pts({{1, 1}, {1, 1}, {2, 2}});
    const auto fronts = nondominated_sort(p);
    EXPECT_EQ(fronts[0].size(), 2u);
}

TEST(Pareto, CrowdingDistanceFollowsOptunasRules) {
    // Sorted on objective 0: 0, 1, 3, 4 (range 4); objective 1 reversed: 4, 3, 1, 0 (range 4).
    const auto p = pts({{0, 4}, {1, 3}, {3, 1}, {4, 0}});
    const std::vector<std::size_t> front = {0, 1, 2, 3};
    const auto d = crowding_distance(p, front);
    const double inf = std::numeric_limits<double>::infinity();
    EXPECT_EQ(d[0], inf);
    EXPECT_EQ(d[3], inf);
    EXPECT_DOUBLE_EQ(d[1], (3.0 - 0.0) / 4 + (4.0 - 1.0) / 4);
    EXPECT_DOUBLE_EQ(d[2], (4.0 - 1.0) / 4 + (3.0 - 0.0) / 4);
}

TEST(Pareto, ConstantObjectiveIsSkipped) {
    const auto p = pts({{0, 7}, {1, 7}, {2, 7}});
    const std::vector<std::size_t> front = {0, 1, 2};
    const auto d = crowding_distance(p, front);
    EXPECT_DOUBLE_EQ(d[1], 1.0);  // only objective 0: (2 - 0) / 2
}

TEST(Pareto, ConstrainedDomination) {
    const Point feasible_bad{{10, 10}, {-1.0}};
    const Point infeasible_good{{0, 0}, {0.5}};
    const Point infeasible_worse{{0, 0}, {2.0, 1.0}};
    EXPECT_TRUE(constrained_dominates(feasible_bad, infeasible_good));
    EXPECT_FALSE(constrained_dominates(infeasible_good, feasible_bad));
    EXPECT_TRUE(constrained_dominates(infeasible_good, infeasible_worse));
    EXPECT_FALSE(constrained_dominates(infeasible_worse, infeasible_good));
    const Point a{{1, 1}, {-1}}, b{{2, 2}, {0}};
    EXPECT_TRUE(constrained_dominates(a, b));
    EXPECT_DOUBLE_EQ(violation(std::vector<double>{-3, 2, 0.5}), 2.5);
    const std::vector<Point> all = {feasible_bad, infeasible_good, infeasible_worse};
    EXPECT_EQ(pareto_front(all), (std::vector<std::size_t>{0}));
}

TEST(Pareto, MaximisedObjectivesAreNegated) {
    const std::vector<Direction> dirs = {Direction::kMaximize, Direction::kMinimize};
    EXPECT_EQ(to_minimization(std::vector<double>{0.9, 100}, dirs), (std::vector<double>{-0.9, 100}));
}

TEST(Pareto, FrontFilterMatchesTheFirstFrontOfTheSort) {
    // pareto_front filters against the current front only; it must give exactly the first front
    // of the full sort, in index order, with ties (coarse grid), constraints and infeasible points.
    std::mt19937_64 rng(3);
    std::uniform_int_distribution<int> grid(0, 12), coin(0, 3);
    for (std::size_t objectives : {2u, 3u}) {
        std::vector<Point> p;
        for (int i = 0; i < 600; ++i) {
            Point q;
            for (std::size_t k = 0; k < objectives; ++k) q.objectives.push_back(grid(rng));
            q.constraints = {coin(rng) == 0 ? 0.5 * grid(rng) : -1.0};
            p.push_back(q);
        }
        EXPECT_EQ(pareto_front(p), nondominated_sort(p).front()) << objectives << " objectives";
    }
}
