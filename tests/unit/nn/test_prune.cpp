// Iterative magnitude pruning (nn/prune.hpp): global vs per-layer thresholds on a hand-made
// network, sparsity after N steps of rate 0.2 equals 1 - 0.8^N within rounding, masks only shrink,
// biases and batch norm are never pruned.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "snac/nn/prune.hpp"

namespace snac::nn {
namespace {

CheckpointData hand_made() {
    CheckpointData ck;
    ck.layers.push_back(
        {"dense_0",
         "dense",
         {{"kernel", {2, 2}, {0.1f, -0.2f, 0.3f, -0.4f}}, {"bias", {2}, {0.0f, 0.0f}}}});
    ck.layers.push_back({"dense_1",
                         "dense",
                         {{"kernel", {2, 4}, {1, -2, 3, -4, 5, -6, 7, -8}},
                          {"bias", {4}, {0.0f, 0.0f, 0.0f, 0.0f}}}});
    return ck;
}

NetworkSpec hand_made_spec() {
    return NetworkSpec::from_yaml(
        "input_shape: [2]\nlayers:\n  - {type: dense, units: 2}\n  - {type: batchnorm}\n"
        "  - {type: dense, units: 4}\n");
}

TEST(Prune, GlobalThresholdSpansLayersPerLayerThresholdDoesNot) {
    const CheckpointData ck = hand_made();
    const PruneMasks full = full_masks(hand_made_spec(), ck);
    ASSERT_EQ(full.size(), 2u);  // the batch norm has no mask
    const PruneMasks g = prune_step(ck, full, 0.5, PruneScope::kGlobal);
    // 12 kept weights, 6 pruned: all of dense_0 (|w| <= 0.4) and dense_1's 1 and -2.
    EXPECT_EQ(g.at("dense_0"), (std::vector<float>{0, 0, 0, 0}));
    EXPECT_EQ(g.at("dense_1"), (std::vector<float>{0, 0, 1, 1, 1, 1, 1, 1}));
    const PruneMasks p = prune_step(ck, full, 0.5, PruneScope::kPerLayer);
    EXPECT_EQ(p.at("dense_0"), (std::vector<float>{0, 0, 1, 1}));
    EXPECT_EQ(p.at("dense_1"), (std::vector<float>{0, 0, 0, 0, 1, 1, 1, 1}));
    EXPECT_DOUBLE_EQ(sparsity(g), 0.5);
    EXPECT_DOUBLE_EQ(sparsity(p), 0.5);
}

TEST(Prune, SparsityAfterNStepsIsOneMinusPointEightToTheN) {
    const NetworkSpec spec = NetworkSpec::from_yaml(
        "input_shape: [40]\nlayers:\n  - {type: dense, units: 25}\n  - {type: relu}\n"
        "  - {type: dense, units: 20}\n");
    CheckpointData ck;
    std::mt19937_64 rng(7);
    std::normal_distribution<float> n01(0.0f, 1.0f);
    NamedTensor k0{"kernel", {40, 25}, {}}, k1{"kernel", {25, 20}, {}};
    for (int i = 0; i < 1000; ++i) k0.values.push_back(n01(rng));
    for (int i = 0; i < 500; ++i) k1.values.push_back(0.3f * n01(rng));
    ck.layers = {{"dense_0", "dense", {k0}}, {"dense_2", "dense", {k1}}};
    for (PruneScope scope : {PruneScope::kGlobal, PruneScope::kPerLayer}) {
        PruneMasks m = full_masks(spec, ck);
        for (int step = 1; step <= 20; ++step) {
            const PruneMasks next = prune_step(ck, m, 0.2, scope);
            for (const auto& [name, v] : next)
                for (std::size_t i = 0; i < v.size(); ++i)
                    if (m.at(name)[i] == 0.0f) {
                        ASSERT_EQ(v[i], 0.0f) << "masks only shrink";
                    }
            m = next;
            // Each step rounds the count to the nearest weight (per layer: one per layer).
            const double want = 1.0 - std::pow(0.8, step);
            EXPECT_NEAR(sparsity(m), want, step * 1.0 / 1500.0) << "step " << step;
        }
        EXPECT_NEAR(sparsity(m), 0.988, 0.002);
    }
}

TEST(Prune, RateOutsideTheOpenIntervalIsRejected) {
    const CheckpointData ck = hand_made();
    const PruneMasks full = full_masks(hand_made_spec(), ck);
    EXPECT_THROW(prune_step(ck, full, 0.0, PruneScope::kGlobal), std::invalid_argument);
    EXPECT_THROW(prune_step(ck, full, 1.0, PruneScope::kGlobal), std::invalid_argument);
}

TEST(Prune, MasksRoundTripThroughCheckpointTensors) {
    CheckpointData ck = hand_made();
    ck.layers[0].tensors.push_back({"kernel_mask", {2, 2}, {0, 1, 1, 0}});
    const PruneMasks m = masks_from_checkpoint(ck);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m.at("dense_0"), (std::vector<float>{0, 1, 1, 0}));
}

}  // namespace
}  // namespace snac::nn
