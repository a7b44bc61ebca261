#include <gtest/gtest.h>

#include <cmath>

#include "snac/core/error.hpp"
#include "snac/nn/trainer.hpp"
#include "unit/nn/synthetic.hpp"

namespace snac::nn {
namespace {

const char* kMlp = R"(input_shape: [6]
layers:
  - {type: dense, units: 16}
  - {type: batchnorm}
  - {type: relu}
  - {type: dropout, rate: 0.1}
  - {type: dense, units: 3}
)";

TrainOptions opts(std::uint64_t seed, int threads = 0) {
    TrainOptions o;
    o.seed = seed;
    o.threads = threads;
    return o;
}

TrainOptions stop_opts(const std::atomic<bool>* stop) {
    TrainOptions o;
    o.stop = stop;
    return o;
}

TrainConfig quick(int epochs = 8) {
    TrainConfig c;
    c.epochs = epochs;
    c.batch_size = 32;
    c.learning_rate = 1e-2;
    return c;
}

TEST(Trainer, LearnsSeparableBlobs) {
    const Dataset d = testing::blobs(600, 6, 3);
    const auto r = train_network(NetworkSpec::from_yaml(kMlp), d, quick(), opts(3));
    ASSERT_EQ(r.status, TrainStatus::kOk) << r.reason;
    EXPECT_GT(r.metrics.at("test_accuracy"), 0.9);
    EXPECT_GT(r.metrics.at("val_accuracy"), 0.9);
    ASSERT_EQ(r.history.size(), 8u);
    EXPECT_LT(r.history.back().train_loss, r.history.front().train_loss);
    EXPECT_EQ(r.checkpoint.history.at("val_accuracy").size(), 8u);
}

TEST(Trainer, SgdWithScheduleAndSoftmaxHeadLearns) {
    const Dataset d = testing::blobs(600, 6, 3);
    TrainConfig c = quick(10);
    c.optimizer = OptimizerKind::kSgd;
    c.learning_rate = 0.1;
    c.schedule = LrSchedule::kCosine;
    c.l2 = 1e-4;
    c.l1 = 1e-5;
    const auto net = NetworkSpec::from_yaml(
        "input_shape: [6]\nlayers: [{type: dense, units: 8}, {type: tanh}, "
        "{type: dense, units: 3}, {type: softmax}]");
    const auto r = train_network(net, d, c, opts(1));
    ASSERT_EQ(r.status, TrainStatus::kOk);
    EXPECT_GT(r.metrics.at("test_accuracy"), 0.9);
    const auto& lr = r.checkpoint.history.at("learning_rate");
    EXPECT_DOUBLE_EQ(lr.front(), 0.1);
    EXPECT_LT(lr.back(), 0.01);
}

TEST(Trainer, StepScheduleDecays) {
    const Dataset d = testing::blobs(120, 6, 3);
    TrainConfig c = quick(5);
    c.schedule = LrSchedule::kStep;
    c.step_size = 2;
    c.gamma = 0.5;
    const auto r = train_network(NetworkSpec::from_yaml(kMlp), d, c, opts(1));
    const auto& lr = r.checkpoint.history.at("learning_rate");
    ASSERT_EQ(lr.size(), 5u);
    EXPECT_DOUBLE_EQ(lr[1], 1e-2);
    EXPECT_DOUBLE_EQ(lr[2], 5e-3);
    EXPECT_DOUBLE_EQ(lr[4], 2.5e-3);
}

TEST(Trainer, RmspropWithExponentialScheduleAndWeightDecayLearns) {
    const Dataset d = testing::blobs(600, 6, 3);
    TrainConfig c = quick(6);
    c.optimizer = OptimizerKind::kRmsprop;
    c.learning_rate = 1e-2;
    c.schedule = LrSchedule::kExponential;
    c.decay_rate = 0.5;
    c.weight_decay = 0.05;
    const auto r = train_network(NetworkSpec::from_yaml(kMlp), d, c, opts(5));
    ASSERT_EQ(r.status, TrainStatus::kOk) << r.reason;
    EXPECT_GT(r.metrics.at("test_accuracy"), 0.9);
    const auto& lr = r.checkpoint.history.at("learning_rate");
    ASSERT_EQ(lr.size(), 6u);
    EXPECT_DOUBLE_EQ(lr[0], 1e-2);
    EXPECT_DOUBLE_EQ(lr[3], 1.25e-3);
    // Decoupled decay shrinks the kernels: the same run without it ends with larger weights.
    c.weight_decay = 0.0;
    const auto plain = train_network(NetworkSpec::from_yaml(kMlp), d, c, opts(5));
    auto norm = [](const TrainResult& t) {
        double s = 0.0;
        for (float w : t.checkpoint.layers[0].tensors[0].values) s += double(w) * w;
        return s;
    };
    EXPECT_LT(norm(r), norm(plain));
}

TEST(Trainer, ReduceOnPlateauLowersTheRateAfterPatienceEpochs) {
    // An unlearnable task (labels independent of the inputs): the validation accuracy stalls.
    Dataset d = testing::blobs(300, 6, 3);
    for (std::size_t i = 0; i < d.labels.size(); ++i) d.labels[i] = static_cast<int>(i * 7 % 3);
    TrainConfig c = quick(12);
    c.schedule = LrSchedule::kPlateau;
    c.plateau_patience = 2;
    c.gamma = 0.5;
    const auto r = train_network(NetworkSpec::from_yaml(kMlp), d, c, opts(2));
    ASSERT_EQ(r.status, TrainStatus::kOk) << r.reason;
    const auto& lr = r.checkpoint.history.at("learning_rate");
    ASSERT_EQ(lr.size(), 12u);
    EXPECT_DOUBLE_EQ(lr.front(), 1e-2);
    EXPECT_LT(lr.back(), 1e-2);
    // Each decay is one factor of gamma, never more than one per patience window.
    for (std::size_t e = 1; e < lr.size(); ++e) {
        EXPECT_TRUE(lr[e] == lr[e - 1] || lr[e] == 0.5 * lr[e - 1]) << "epoch " << e;
        if (e >= 2 && lr[e] < lr[e - 1]) {
            EXPECT_EQ(lr[e - 1], lr[e - 2]) << "epoch " << e;
        }
    }
}

TEST(Trainer, RegressionReportsMeanDistance) {
    const Dataset d = testing::regression(900);
    TrainConfig c = quick(30);
    const auto net = NetworkSpec::from_yaml(
        "input_shape: [3]\nlayers: [{type: dense, units: 32}, {type: tanh}, {type: dense, units: 2}]");
    const auto r = train_network(net, d, c, opts(2));
    ASSERT_EQ(r.status, TrainStatus::kOk);
    // The targets spread over about +-1.5: a trained model is far closer than that.
    EXPECT_LT(r.metrics.at("test_mean_distance"), 0.15);
    EXPECT_LT(r.metrics.at("test_loss"), 0.01);
}

TEST(Trainer, DeterministicForSeedAndThreads) {
    const Dataset d = testing::blobs(300, 6, 3);
    const auto net = NetworkSpec::from_yaml(kMlp);
    const auto a = train_network(net, d, quick(3), opts(11, 1));
    const auto b = train_network(net, d, quick(3), opts(11, 1));
    const auto c = train_network(net, d, quick(3), opts(12, 1));
    ASSERT_EQ(a.checkpoint.layers.size(), b.checkpoint.layers.size());
    for (std::size_t i = 0; i < a.checkpoint.layers.size(); ++i)
        for (std::size_t t = 0; t < a.checkpoint.layers[i].tensors.size(); ++t)
            EXPECT_EQ(a.checkpoint.layers[i].tensors[t].values,
                      b.checkpoint.layers[i].tensors[t].values);
    EXPECT_EQ(a.metrics, b.metrics);
    EXPECT_NE(a.checkpoint.layers[0].tensors[0].values, c.checkpoint.layers[0].tensors[0].values);
    // Two threads: reproducible run to run as well.
    const auto d2a = train_network(net, d, quick(3), opts(11, 2));
    const auto d2b = train_network(net, d, quick(3), opts(11, 2));
    EXPECT_EQ(d2a.checkpoint.layers[0].tensors[0].values, d2b.checkpoint.layers[0].tensors[0].values);
    EXPECT_EQ(d2a.metrics, d2b.metrics);
    EXPECT_EQ(d2a.checkpoint.attributes.at("threads"), "2");
}

TEST(Trainer, DivergenceIsAStatus) {
    const Dataset d = testing::regression(300);
    TrainConfig c = quick(5);
    c.optimizer = OptimizerKind::kSgd;
    c.learning_rate = 10.0;
    c.momentum = 0.99;
    const auto net = NetworkSpec::from_yaml(
        "input_shape: [3]\nlayers: [{type: dense, units: 64}, {type: dense, units: 64}, "
        "{type: dense, units: 2}]");
    const auto r = train_network(net, d, c, opts(1));
    EXPECT_EQ(r.status, TrainStatus::kDiverged);
    EXPECT_NE(r.reason.find("epoch"), std::string::npos) << r.reason;
    EXPECT_EQ(r.checkpoint.attributes.at("status"), "diverged");
}

TEST(Trainer, EarlyStoppingStopsAndKeepsBestEpoch) {
    const Dataset d = testing::blobs(300, 6, 3);
    TrainConfig c = quick(200);
    c.early_stopping_patience = 2;
    const auto r = train_network(NetworkSpec::from_yaml(kMlp), d, c, opts(4));
    ASSERT_EQ(r.status, TrainStatus::kOk);
    EXPECT_LT(r.history.size(), 200u);
    const auto& val = r.checkpoint.history.at("val_accuracy");
    const double best = *std::max_element(val.begin(), val.end());
    EXPECT_DOUBLE_EQ(r.metrics.at("val_accuracy"), best);
}

TEST(Trainer, KFoldReportsCrossValidatedMetrics) {
    const Dataset d = testing::blobs(300, 6, 3);
    TrainConfig c = quick(4);
    c.kfold = 3;
    const auto r = train_network(NetworkSpec::from_yaml(kMlp), d, c, opts(5));
    ASSERT_EQ(r.status, TrainStatus::kOk);
    EXPECT_GT(r.metrics.at("cv_accuracy_mean"), 0.8);
    EXPECT_GE(r.metrics.at("cv_accuracy_std"), 0.0);
    EXPECT_LT(r.metrics.at("cv_accuracy_std"), 0.2);
    EXPECT_TRUE(r.metrics.count("test_accuracy"));  // the final model is trained as usual
    EXPECT_EQ(r.checkpoint.final_metrics.at("cv_loss_mean"), r.metrics.at("cv_loss_mean"));
}

TEST(Trainer, StopFlagStopsBetweenBatches) {
    const Dataset d = testing::blobs(300, 6, 3);
    std::atomic<bool> stop{true};
    const auto r = train_network(NetworkSpec::from_yaml(kMlp), d, quick(), stop_opts(&stop));
    EXPECT_EQ(r.status, TrainStatus::kStopped);
}

TEST(Trainer, ShapeMismatchIsAUsageError) {
    const Dataset d = testing::blobs(60, 6, 3);
    const auto wrong_in = NetworkSpec::from_yaml("input_shape: [5]\nlayers: [{type: dense, units: 3}]");
    EXPECT_THROW(train_network(wrong_in, d, quick(), {}), UsageError);
    const auto wrong_out = NetworkSpec::from_yaml("input_shape: [6]\nlayers: [{type: dense, units: 4}]");
    try {
        train_network(wrong_out, d, quick(), {});
        FAIL() << "expected UsageError";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("4 outputs"), std::string::npos) << e.what();
        EXPECT_NE(e.hint().find("units: 3"), std::string::npos);
    }
}

TEST(Trainer, PredictFromCheckpointReproducesTestAccuracy) {
    const Dataset d = testing::blobs(600, 6, 3);
    const auto r = train_network(NetworkSpec::from_yaml(kMlp), d, quick(4), opts(3));
    std::vector<float> x;
    for (auto i : d.test_idx) x.insert(x.end(), d.x.begin() + i * 6, d.x.begin() + (i + 1) * 6);
    const auto n = static_cast<std::int64_t>(d.test_idx.size());
    const auto out = predict(r.checkpoint, x.data(), n);
    ASSERT_EQ(out.size(), static_cast<std::size_t>(n * 3));
    std::int64_t correct = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const float* o = out.data() + i * 3;
        correct += (std::max_element(o, o + 3) - o) == d.labels[d.test_idx[i]];
    }
    EXPECT_DOUBLE_EQ(static_cast<double>(correct) / static_cast<double>(n),
                     r.metrics.at("test_accuracy"));
    // Same checkpoint, same inputs: bit-identical outputs.
    EXPECT_EQ(out, predict(r.checkpoint, x.data(), n));
}

TEST(Trainer, DeepSetsAndConvNetworksTrain) {
    Dataset d = testing::blobs(600, 12, 3);
    d.sample_shape = {4, 3};
    const auto ds = NetworkSpec::from_yaml(R"(input_shape: [4, 3]
layers:
  - type: deepsets
    aggregate: max
    phi: [{type: dense, units: 8}, {type: relu}]
    rho: [{type: dense, units: 3}]
)");
    auto r = train_network(ds, d, quick(5), opts(1));
    ASSERT_EQ(r.status, TrainStatus::kOk);
    EXPECT_GT(r.metrics.at("test_accuracy"), 0.9);
    // A softmax at the end of rho: the loss is taken on probabilities and still trains.
    const auto ds_softmax = NetworkSpec::from_yaml(R"(input_shape: [4, 3]
layers:
  - type: deepsets
    aggregate: mean
    phi: [{type: dense, units: 8}, {type: relu}]
    rho: [{type: dense, units: 3}, {type: softmax}]
)");
    r = train_network(ds_softmax, d, quick(5), opts(1));
    ASSERT_EQ(r.status, TrainStatus::kOk);
    EXPECT_GT(r.metrics.at("test_accuracy"), 0.9);
    EXPECT_LT(r.metrics.at("test_loss"), 0.5);
    d.sample_shape = {1, 3, 4};
    const auto cnn = NetworkSpec::from_yaml(R"(input_shape: [1, 3, 4]
layers:
  - {type: conv2d, filters: 4, kernel: 2}
  - {type: conv_attention, hidden: 2}
  - {type: flatten}
  - {type: dense, units: 3}
)");
    r = train_network(cnn, d, quick(10), opts(1));
    ASSERT_EQ(r.status, TrainStatus::kOk);
    EXPECT_GT(r.metrics.at("test_accuracy"), 0.9);
}

}  // namespace
}  // namespace snac::nn
