// Golden vectors of hls4ml-semantics.md §8 (measured with the Xilinx reference headers) against
// snac's emulation header, src/hls/templates/ap_types.
#include <gtest/gtest.h>

#include <sstream>

#include "templates/ap_types/ap_fixed.h"

namespace {

using fx16 = ap_fixed<16, 6>;

TEST(ApFixedGolden, ConversionFromDouble) {
    EXPECT_EQ(fx16(0.1).to_double(), 0.099609375);
    EXPECT_EQ(static_cast<long long>(fx16(0.1).V), 102);
    EXPECT_EQ(fx16(-0.1).to_double(), -0.1005859375);
    EXPECT_EQ(static_cast<long long>(fx16(-0.1).V), -103);
    EXPECT_EQ(fx16(-0.3).to_double(), -0.30078125);
    EXPECT_EQ(static_cast<long long>(fx16(-0.3).V), -308);
    EXPECT_EQ(fx16(40.0).to_double(), -24.0);
    EXPECT_EQ(static_cast<long long>(fx16(40.0).V), -24576);
    EXPECT_EQ(fx16(-33.0).to_double(), 31.0);
    EXPECT_EQ(static_cast<long long>(fx16(-33.0).V), 31744);
    EXPECT_EQ(fx16(31.9999).to_double(), 31.9990234375);
    EXPECT_EQ(static_cast<long long>(fx16(31.9999).V), 32767);
    EXPECT_EQ((ap_fixed<16, 6, AP_RND>(-0.1).to_double()), -0.099609375);
    EXPECT_EQ((ap_fixed<4, 8>(37.0).to_double()), 32.0);
    EXPECT_EQ((ap_fixed<8, -2>(0.05).to_double()), 0.0498046875);
}

TEST(ApFixedGolden, QuantizationModes) {
    EXPECT_EQ((ap_fixed<3, 2, AP_RND>(1.25).to_double()), 1.5);
    EXPECT_EQ((ap_fixed<3, 2, AP_RND>(-1.25).to_double()), -1.0);
    EXPECT_EQ((ap_fixed<3, 2, AP_RND_CONV>(1.25).to_double()), 1.0);
    EXPECT_EQ((ap_fixed<3, 2, AP_RND_CONV>(1.75).to_double()), -2.0);
    EXPECT_EQ((ap_fixed<3, 2, AP_RND_ZERO>(-1.25).to_double()), -1.0);
    EXPECT_EQ((ap_fixed<3, 2, AP_RND_INF>(-1.25).to_double()), -1.5);
    EXPECT_EQ((ap_fixed<3, 2, AP_TRN_ZERO>(-1.25).to_double()), -1.0);
    EXPECT_EQ((ap_fixed<3, 2, AP_TRN>(-1.25).to_double()), -1.5);
    EXPECT_EQ((ap_fixed<3, 2, AP_RND_MIN_INF>(1.25).to_double()), 1.0);
    // The ±2.5 LSB table of §8.1, with F = 1 (LSB 0.5): 1.25 = 2.5 LSB.
    EXPECT_EQ((ap_fixed<8, 7, AP_RND_INF>(1.25).to_double()), 1.5);
    EXPECT_EQ((ap_fixed<8, 7, AP_RND_MIN_INF>(-1.25).to_double()), -1.5);
    EXPECT_EQ((ap_fixed<8, 7, AP_RND>(-1.25).to_double()), -1.0);
}

TEST(ApFixedGolden, OverflowModes) {
    EXPECT_EQ((ap_fixed<16, 6, AP_TRN, AP_SAT>(40).to_double()), 31.9990234375);
    EXPECT_EQ((ap_fixed<16, 6, AP_TRN, AP_SAT>(-40).to_double()), -32.0);
    EXPECT_EQ((ap_fixed<4, 4, AP_RND, AP_SAT_SYM>(-19).to_double()), -7.0);
    EXPECT_EQ((ap_ufixed<8, 4, AP_TRN, AP_SAT>(-1).to_double()), 0.0);
    EXPECT_EQ((ap_ufixed<8, 4>(-1).to_double()), 15.0);
    EXPECT_EQ((ap_fixed<8, 3, AP_RND, AP_SAT>(3.999).to_double()), 3.96875);
    EXPECT_EQ((ap_fixed<8, 3, AP_RND>(3.999).to_double()), -4.0);
    // UG1399's examples for the other modes.
    EXPECT_EQ((ap_fixed<4, 4, AP_RND, AP_SAT>(19.0).to_double()), 7.0);
    EXPECT_EQ((ap_fixed<4, 4, AP_RND, AP_SAT_ZERO>(-19.0).to_double()), 0.0);
    EXPECT_EQ((ap_ufixed<4, 4, AP_RND, AP_SAT>(19.0).to_double()), 15.0);
}

TEST(ApFixedGolden, ArithmeticAndResultTypes) {
    const fx16 a = 3.3, b = -2.7;
    EXPECT_EQ(a.to_double(), 3.2998046875);
    EXPECT_EQ(b.to_double(), -2.7001953125);
    EXPECT_EQ(static_cast<long long>(a.V), 3379);
    EXPECT_EQ(static_cast<long long>(b.V), -2765);
    const auto p = a * b;
    EXPECT_EQ(decltype(p)::width, 32);
    EXPECT_EQ(decltype(p)::iwidth, 12);
    EXPECT_EQ(static_cast<long long>(p.V), -9342935);
    fx16 acc = 0;
    acc += a * b;
    EXPECT_EQ(acc.to_double(), -8.91015625);
    EXPECT_EQ((ap_fixed<16, 6, AP_RND>(a * b).to_double()), -8.91015625);
    const auto s = a + b;
    EXPECT_EQ(decltype(s)::width, 17);
    EXPECT_EQ(decltype(s)::iwidth, 7);
    EXPECT_EQ(s.to_double(), 0.599609375);
    const auto q = a / b;
    EXPECT_EQ(decltype(q)::width, 27);
    EXPECT_EQ(decltype(q)::iwidth, 17);
    EXPECT_EQ(q.to_double(), -1.2216796875);
    EXPECT_EQ(static_cast<long long>(q.V), -1251);
    const auto n = -a;
    EXPECT_EQ(decltype(n)::width, 17);
    EXPECT_EQ(decltype(n)::iwidth, 7);
    const auto mixed = ap_ufixed<8, 4>(1.0) + ap_fixed<8, 4>(1.0);
    EXPECT_EQ(decltype(mixed)::width, 10);
    EXPECT_EQ(decltype(mixed)::iwidth, 6);
    EXPECT_TRUE(decltype(mixed)::sign_flag);
    const auto mp = ap_ufixed<8, 4>(1.0) * ap_fixed<8, 4>(1.0);
    EXPECT_EQ(decltype(mp)::width, 16);
    EXPECT_EQ(decltype(mp)::iwidth, 8);
    const auto xu = a * 1024u;
    EXPECT_EQ(decltype(xu)::width, 48);
    EXPECT_EQ(decltype(xu)::iwidth, 38);
    const auto xd = xu / 16;
    EXPECT_EQ(decltype(xd)::width, 49);
    EXPECT_EQ(decltype(xd)::iwidth, 39);
}

TEST(ApFixedGolden, IntConversionComparisonAndPrinting) {
    EXPECT_EQ(fx16(-7.5).to_int(), -7);
    EXPECT_EQ(static_cast<int>(fx16(-7.5)), -7);
    EXPECT_TRUE(fx16(0.5) > 0);
    EXPECT_TRUE(fx16(-0.5) < fx16(0.25));
    EXPECT_TRUE((ap_ufixed<8, 4>(1.5) == ap_fixed<16, 6>(1.5)));
    std::ostringstream os;
    os << fx16(0.1);
    EXPECT_EQ(os.str(), "0.0996094");
}

TEST(ApFixedGolden, RangeIsTheRawBitPattern) {
    const fx16 x = -0.0107421875;  // raw -11 = 0xFFF5 in 16 bits
    EXPECT_EQ(x.range(15, 0).to_uint(), 0xFFF5u);
    EXPECT_EQ(x.range(15, 6).to_uint(), 0x3FFu);
    EXPECT_EQ((ap_ufixed<15, 5>(1.0).range(14, 5).to_uint()), 32u);
}

}  // namespace
