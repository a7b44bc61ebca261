// FixedType: the strict ap_fixed/ap_int parser and the derived ranges.
#include <gtest/gtest.h>

#include "snac/core/error.hpp"
#include "snac/core/fixed_type.hpp"

namespace snac {
namespace {

TEST(FixedType, ParsesPlainApFixed) {
    const FixedType t = FixedType::parse("ap_fixed<16,6>");
    EXPECT_EQ(t.width, 16);
    EXPECT_EQ(t.integer, 6);
    EXPECT_TRUE(t.is_signed());
    EXPECT_EQ(t.quant, QuantMode::kTrn);
    EXPECT_EQ(t.overflow, OverflowMode::kWrap);
    EXPECT_EQ(t.fractional(), 10);
    EXPECT_DOUBLE_EQ(t.lsb(), 1.0 / 1024.0);
    EXPECT_DOUBLE_EQ(t.max_value(), 32.0 - 1.0 / 1024.0);
    EXPECT_DOUBLE_EQ(t.min_value(), -32.0);
}

TEST(FixedType, ParsesModesUnsignedAndIntegers) {
    const FixedType u = FixedType::parse("ap_ufixed<8,4,AP_RND,AP_SAT>");
    EXPECT_FALSE(u.is_signed());
    EXPECT_EQ(u.quant, QuantMode::kRnd);
    EXPECT_EQ(u.overflow, OverflowMode::kSat);
    EXPECT_DOUBLE_EQ(u.min_value(), 0.0);
    EXPECT_DOUBLE_EQ(u.max_value(), 16.0 - 1.0 / 16.0);

    const FixedType i = FixedType::parse("ap_int<8>");
    EXPECT_EQ(i.width, 8);
    EXPECT_EQ(i.integer, 8);
    EXPECT_DOUBLE_EQ(i.max_value(), 127.0);
    EXPECT_DOUBLE_EQ(i.min_value(), -128.0);

    const FixedType ui = FixedType::parse("ap_uint<4>");
    EXPECT_DOUBLE_EQ(ui.max_value(), 15.0);
    EXPECT_EQ(FixedType::parse("fixed<16,6>"), FixedType::parse("ap_fixed<16,6>"));
}

TEST(FixedType, IntegerBitsMayBeNegativeOrExceedWidth) {
    const FixedType small = FixedType::parse("ap_fixed<4,-2>");
    EXPECT_EQ(small.fractional(), 6);
    EXPECT_DOUBLE_EQ(small.lsb(), 1.0 / 64.0);
    const FixedType big = FixedType::parse("ap_fixed<4,8>");
    EXPECT_DOUBLE_EQ(big.lsb(), 16.0);
}

TEST(FixedType, CanonicalSpellingRoundTrips) {
    for (const char* text : {"ap_fixed<16,6>", "ap_ufixed<8,4,AP_RND,AP_SAT>", "ap_int<8>",
                             "ap_fixed<10,3,AP_RND_CONV,AP_SAT_SYM>"}) {
        const FixedType t = FixedType::parse(text);
        EXPECT_EQ(FixedType::parse(t.str()), t) << text << " -> " << t.str();
    }
    EXPECT_EQ(FixedType::parse("ap_fixed<16,6>").str(), "ap_fixed<16,6>");
}

TEST(FixedType, RejectsMalformedTypes) {
    for (const char* bad : {"", "ap_fixed", "ap_fixed<16>", "ap_fixed<0,0>", "ap_fixed<65,6>",
                            "ap_fixed<16,6,AP_FOO>", "ap_fixed<16,6> junk", "float",
                            "ap_fixed<a,b>", "ap_int<8,2>"}) {
        EXPECT_THROW(FixedType::parse(bad), UsageError) << "'" << bad << "'";
    }
}

TEST(FixedType, ErrorsCarryAHint) {
    try {
        FixedType::parse("ap_fixd<16,6>");
        FAIL() << "expected UsageError";
    } catch (const UsageError& e) {
        EXPECT_FALSE(std::string(e.what()).empty());
        EXPECT_FALSE(e.hint().empty());
    }
}

}  // namespace
}  // namespace snac
