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
