// The BraggNN-style synthesizer: deterministic, labelled as the BraggNN recipe labels, and its
// patches look like the real golden patches (centred, normalised, sparse after the cut).
#include <gtest/gtest.h>

#include <cmath>

#include "snac/core/error.hpp"
#include "snac/io/synth.hpp"

using snac::io::BraggSynthOptions;
using snac::io::synth_bragg;

TEST(SynthBragg, DeterministicForTheSeedAndDifferentAcrossSeeds) {
    BraggSynthOptions o;
    o.samples = 50;
    const auto a = synth_bragg(o), b = synth_bragg(o);
    EXPECT_EQ(a.x, b.x);
    EXPECT_EQ(a.targets, b.targets);
    o.seed = 2;
    EXPECT_NE(synth_bragg(o).x, a.x);
}

TEST(SynthBragg, TargetsFollowTheCropAndPatchesAreNormalisedAroundThem) {
    BraggSynthOptions o;
    o.samples = 400;
    const auto d = synth_bragg(o);
    ASSERT_EQ(d.sample_shape, (std::vector<std::int64_t>{1, 11, 11}));
    ASSERT_EQ(d.target_dim, 2);
    EXPECT_EQ(d.train_idx.size() + d.val_idx.size() + d.test_idx.size(), 400u);
    double err = 0.0;
    for (std::int64_t s = 0; s < d.n_samples; ++s) {
        const float* p = d.x.data() + s * 121;
        const double tx = d.targets[static_cast<std::size_t>(2 * s)] * 11.0;
        const double ty = d.targets[static_cast<std::size_t>(2 * s + 1)] * 11.0;
        // int(position) is put at pixel 5: the centre lies in [5, 6) on both axes.
        ASSERT_GE(tx, 5.0);
        ASSERT_LT(tx, 6.0);
        ASSERT_GE(ty, 5.0);
        ASSERT_LT(ty, 6.0);
        double sum = 0.0, mx = 0.0, cx = 0.0, cy = 0.0;
        int nonzero = 0;
        for (int r = 0; r < 11; ++r)
            for (int c = 0; c < 11; ++c) {
                const double v = p[r * 11 + c];
                ASSERT_GE(v, 0.0);
                ASSERT_LE(v, 1.0);
                sum += v;
                mx = std::max(mx, v);
                cx += v * c;
                cy += v * r;
                nonzero += v > 0;
            }
        ASSERT_FLOAT_EQ(mx, 1.0);
        ASSERT_LT(nonzero, 121);  // the cut and the component filter leave background at 0
        err += std::hypot(cx / sum - tx, cy / sum - ty);
    }
    // The intensity centroid is a crude but unbiased locator: well under a pixel on average.
    EXPECT_LT(err / static_cast<double>(d.n_samples), 0.5);
}

TEST(SynthBragg, BadOptionsAreUsageErrors) {
    BraggSynthOptions o;
    o.samples = 3;
    EXPECT_THROW(synth_bragg(o), snac::UsageError);
    o = {};
    o.sigma_min = 0;
    EXPECT_THROW(synth_bragg(o), snac::UsageError);
    o = {};
    o.train = 0.95;
    o.val = 0.1;
    EXPECT_THROW(synth_bragg(o), snac::UsageError);
}
