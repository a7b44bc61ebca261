// The input normalisation stored with models (core/feature_scaling.hpp).
#include <gtest/gtest.h>

#include "snac/core/error.hpp"
#include "snac/core/feature_scaling.hpp"

namespace snac {
namespace {

TEST(FeatureScaling, TextRoundTripsFloatsExactly) {
    FeatureScaling s;
    s.method = Normalization::kStandardize;
    s.shift = {0.1f, -3.3333333f, 1e-7f, 12345.678f};
    s.scale = {1.0f / 3.0f, 2.5f, 7e5f, 0.0625f};
    const StoredScaling back = scaling_from_yaml(scaling_to_yaml(s, {3, 4}), "test");
    EXPECT_EQ(back.scaling.method, Normalization::kStandardize);
    EXPECT_EQ(back.sample_shape, (std::vector<std::int64_t>{3, 4}));
    EXPECT_EQ(back.scaling.shift, s.shift);  // bit-exact
    EXPECT_EQ(back.scaling.scale, s.scale);
}

TEST(FeatureScaling, AppliesPerChannelLikeTheImporter) {
    StoredScaling s;
    s.scaling.method = Normalization::kMinMax;
    s.sample_shape = {2, 2};  // [elements, features]: channel = the last axis
    s.scaling.shift = {1.0f, 10.0f};
    s.scaling.scale = {2.0f, 5.0f};
    std::vector<float> x{3, 20, 5, 30, 1, 10, -1, 0};  // two samples
    apply_scaling(s, x.data(), 2);
    EXPECT_EQ(x, (std::vector<float>{1, 2, 2, 4, 0, 0, -1, -2}));
    s.scaling.method = Normalization::kNone;
    std::vector<float> y{3, 4, 5, 6};
    apply_scaling(s, y.data(), 1);
    EXPECT_EQ(y, (std::vector<float>{3, 4, 5, 6}));
}

TEST(FeatureScaling, MismatchedChannelsAreAUsageError) {
    EXPECT_THROW(scaling_from_yaml("method: standardize\nsample_shape: [3]\nshift: [0, 1]\n"
                                   "scale: [1, 1]\n",
                                   "m.h5"),
                 UsageError);
    EXPECT_THROW(scaling_from_yaml("method: [", "m.h5"), UsageError);
}

}  // namespace
}  // namespace snac
