#include <gtest/gtest.h>

#include <cmath>

#include "variation.hpp"

using namespace snac;
using namespace snac::search;

namespace {
Param make(ParamKind kind, double lo, double hi, bool log = false, double step = 0) {
    Param p;
    p.name = "p";
    p.kind = kind;
    p.low = lo;
    p.high = hi;
    p.log = log;
    p.step = kind == ParamKind::kInt && step <= 0 ? 1 : step;
    return p;
}
}  // namespace

TEST(Variation, SbxAndPolynomialMutationStayInTheDomain) {
    Rng rng(4);
    const std::vector<Param> params = {make(ParamKind::kFloat, 0, 1), make(ParamKind::kFloat, 1e-5, 1e-1, true),
                                       make(ParamKind::kInt, 1, 9), make(ParamKind::kFloat, 0, 1, false, 0.25),
                                       make(ParamKind::kInt, 2, 1024, true)};
    for (const auto& p : params) {
        for (int i = 0; i < 2000; ++i) {
            const double a = snap(p, p.low + (p.high - p.low) * static_cast<double>(i % 17) / 16);
            const double b = snap(p, p.high - (p.high - p.low) * static_cast<double>(i % 5) / 4);
            const double c = sbx_crossover(p, a, b, 20, rng);
            const double m = polynomial_mutation(p, c, 20, rng);
            for (double v : {c, m}) {
                EXPECT_TRUE(p.contains(v)) << p.low << ".." << p.high << " step " << p.step << ": " << v;
            }
        }
    }
}

TEST(Variation, SbxChildrenConcentrateNearTheParents) {
    Rng rng(5);
    const Param p = make(ParamKind::kFloat, 0, 1);
    int near = 0;
    for (int i = 0; i < 1000; ++i) {
        const double c = sbx_crossover(p, 0.4, 0.6, 20, rng);
        near += c > 0.3 && c < 0.7;
    }
    EXPECT_GT(near, 950);  // eta = 20 keeps children close to the parents
}

// A crossover that hands back a parent (or always the same side) is not SBX: children are new
// values, spread on both sides of the parents' mean, and centred on it.
TEST(Variation, SbxChildrenAreNewValuesAroundTheParentsMean) {
    Rng rng(6);
    const Param p = make(ParamKind::kFloat, 0, 1);
    int fresh = 0, below = 0, above = 0, outside = 0;
    double sum = 0.0;
    constexpr int kDraws = 2000;
    for (int i = 0; i < kDraws; ++i) {
        const double c = sbx_crossover(p, 0.4, 0.6, 20, rng);
        fresh += c != 0.4 && c != 0.6;
        below += c < 0.5;
        above += c > 0.5;
        outside += c < 0.4 || c > 0.6;
        sum += c;
    }
    EXPECT_GT(fresh, kDraws * 95 / 100);
    EXPECT_GT(below, kDraws / 4);
    EXPECT_GT(above, kDraws / 4);
    EXPECT_GT(outside, 0);  // SBX also expands beyond the parents
    EXPECT_NEAR(sum / kDraws, 0.5, 0.02);
}

// Polynomial mutation moves the value (it is not the identity) and stays near it at eta = 20.
TEST(Variation, PolynomialMutationMovesTheValue) {
    Rng rng(7);
    const Param p = make(ParamKind::kFloat, 0, 1);
    int moved = 0;
    for (int i = 0; i < 1000; ++i) moved += polynomial_mutation(p, 0.5, 20, rng) != 0.5;
    EXPECT_GT(moved, 950);
}
