// snac's raw-word fixed-point arithmetic (nn/fixed_arith.hpp) and activation tables against the
// golden vectors of hls4ml-semantics.md §4.1, §5 and §8.
#include <gtest/gtest.h>

#include <cmath>

#include "snac/nn/fixed_arith.hpp"
#include "snac/nn/fixed_tables.hpp"

namespace snac::nn {
namespace {

FixedType T(const char* s) {
    return FixedType::parse(s);
}
double q(double v, const char* t) {
    return fx::to_double(fx::from_double(v, T(t)), T(t));
}

TEST(FixedArithGolden, Conversions) {
    EXPECT_EQ(fx::from_double(0.1, T("ap_fixed<16,6>")), 102);
    EXPECT_EQ(fx::from_double(-0.1, T("ap_fixed<16,6>")), -103);
    EXPECT_EQ(fx::from_double(-0.3, T("ap_fixed<16,6>")), -308);
    EXPECT_EQ(fx::from_double(40.0, T("ap_fixed<16,6>")), -24576);
    EXPECT_EQ(fx::from_double(-33.0, T("ap_fixed<16,6>")), 31744);
    EXPECT_EQ(fx::from_double(31.9999, T("ap_fixed<16,6>")), 32767);
    EXPECT_EQ(q(-0.1, "ap_fixed<16,6,AP_RND>"), -0.099609375);
    EXPECT_EQ(q(37.0, "ap_fixed<4,8>"), 32.0);
    EXPECT_EQ(q(0.05, "ap_fixed<8,-2>"), 0.0498046875);
}

TEST(FixedArithGolden, QuantizationAndOverflowModes) {
    EXPECT_EQ(q(1.25, "ap_fixed<3,2,AP_RND>"), 1.5);
    EXPECT_EQ(q(-1.25, "ap_fixed<3,2,AP_RND>"), -1.0);
    EXPECT_EQ(q(1.25, "ap_fixed<3,2,AP_RND_CONV>"), 1.0);
    EXPECT_EQ(q(1.75, "ap_fixed<3,2,AP_RND_CONV>"), -2.0);
    EXPECT_EQ(q(-1.25, "ap_fixed<3,2,AP_RND_ZERO>"), -1.0);
    EXPECT_EQ(q(-1.25, "ap_fixed<3,2,AP_RND_INF>"), -1.5);
    EXPECT_EQ(q(-1.25, "ap_fixed<3,2,AP_TRN_ZERO>"), -1.0);
    EXPECT_EQ(q(-1.25, "ap_fixed<3,2,AP_TRN>"), -1.5);
    EXPECT_EQ(q(1.25, "ap_fixed<3,2,AP_RND_MIN_INF>"), 1.0);
    EXPECT_EQ(q(40, "ap_fixed<16,6,AP_TRN,AP_SAT>"), 31.9990234375);
    EXPECT_EQ(q(-40, "ap_fixed<16,6,AP_TRN,AP_SAT>"), -32.0);
    EXPECT_EQ(q(-19, "ap_fixed<4,4,AP_RND,AP_SAT_SYM>"), -7.0);
    EXPECT_EQ(q(-1, "ap_ufixed<8,4,AP_TRN,AP_SAT>"), 0.0);
    EXPECT_EQ(q(-1, "ap_ufixed<8,4>"), 15.0);
    EXPECT_EQ(q(3.999, "ap_fixed<8,3,AP_RND,AP_SAT>"), 3.96875);
    EXPECT_EQ(q(3.999, "ap_fixed<8,3,AP_RND>"), -4.0);
    EXPECT_EQ(q(19.0, "ap_fixed<4,4,AP_RND,AP_SAT_ZERO>"), 0.0);
    EXPECT_EQ(q(1e300, "ap_fixed<16,6,AP_TRN,AP_SAT>"), 31.9990234375);
    EXPECT_EQ(q(HUGE_VAL, "ap_fixed<16,6>"), 31.9990234375);
}

TEST(FixedArithGolden, ProductAccumulateDivide) {
    const FixedType t = T("ap_fixed<16,6>");
    const std::int64_t a = fx::from_double(3.3, t), b = fx::from_double(-2.7, t);
    const fx::Wide p = static_cast<fx::Wide>(a) * b;
    EXPECT_EQ(static_cast<long long>(p), -9342935);
    EXPECT_EQ(fx::to_double(fx::cast(p, 20, t), t), -8.91015625);
    EXPECT_EQ(fx::to_double(fx::cast(p, 20, T("ap_fixed<16,6,AP_RND>")), t), -8.91015625);
    // a / b keeps a's fraction and truncates toward zero: (3379 << 10) / -2765 = -1251.
    EXPECT_EQ(static_cast<long long>(fx::align(a, 10) / b), -1251);
    EXPECT_EQ(static_cast<long long>(fx::trunc_int(fx::from_double(-7.5, t), 10)), -7);
}

TEST(FixedTablesGolden, SigmoidAndTanh) {
    const FixedType in = T("ap_fixed<16,6>"), tt = T("ap_fixed<18,8>");
    const auto sig = sigmoid_table(1024, tt), th = tanh_table(1024, tt);
    struct Row {
        double x, sigmoid, tanh;
    };
    const Row rows[] = {{-9.0, 0.0, -1.0},
                        {-8.0, 0.0, -1.0},
                        {-1.0, 0.2685546875, -0.76171875},
                        {-0.01, 0.5, -0.0078125},
                        {0.0, 0.5, 0.0},
                        {0.5, 0.6220703125, 0.4619140625},
                        {1.0, 0.73046875, 0.7607421875},
                        {2.3, 0.908203125, 0.9794921875},
                        {7.99, 0.9990234375, 0.9990234375},
                        {9.0, 0.9990234375, 0.9990234375}};
    for (const Row& r : rows) {
        const std::int64_t x = fx::from_double(r.x, in);
        const auto s = sig[static_cast<std::size_t>(activation_table_index(x, in, 1024, 16))];
        const auto h = th[static_cast<std::size_t>(activation_table_index(x, in, 1024, 8))];
        EXPECT_EQ(fx::to_double(fx::cast(s, tt.fractional(), in), in), r.sigmoid) << "x=" << r.x;
        EXPECT_EQ(fx::to_double(fx::cast(h, tt.fractional(), in), in), r.tanh) << "x=" << r.x;
    }
}

TEST(FixedTablesGolden, SoftmaxTablesEntries) {
    const FixedType norm = T("ap_ufixed<15,5>"), t = T("ap_fixed<18,8,AP_RND,AP_SAT>");
    const auto e = softmax_exp_table(10, norm, t);
    const auto inv = softmax_inv_table(10, t, t);
    // v_j = j/32: exp(-1) at j = 32 is 377/1024; the golden example's entries.
    EXPECT_EQ(e[0], 1024);
    EXPECT_EQ(e[32], 377);
    EXPECT_EQ(inv[9], 455);                          // 1/(0.25·9) rounded
    EXPECT_EQ(inv[0], (std::int64_t{1} << 17) - 1);  // 1/0 saturates
}

}  // namespace
}  // namespace snac::nn
