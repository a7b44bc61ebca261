// The analytical model fitted on the wa-hls4ml pilot data (../shared/data/wa-hls4ml): its error on
// the training data stays within the bounds docs/surrogate.md states.
#include "snac/surrogate/fit.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "snac/surrogate/evaluation.hpp"
#include "snac/surrogate/learned_model.hpp"

namespace snac::surrogate {
namespace {

RecordSet pilot() {
    const std::string dir = std::string(SNAC_SHARED_DATA_DIR) + "/wa-hls4ml/";
    RecordSet set = load_records(dir + "results_latency.csv");
    append(set, load_records(dir + "results_resource.csv"));
    return set;
}

std::vector<std::size_t> all(const RecordSet& s) {
    std::vector<std::size_t> idx(s.records.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    return idx;
}

TEST(FitAnalytical, PilotTrainingErrorWithinStatedBounds) {
    const RecordSet set = pilot();
    ASSERT_EQ(set.records.size(), 48u + 630u);
    std::vector<std::string> log;
    const AnalyticalCoefficients c = fit_analytical(set.records, all(set), {}, &log);
    for (const auto& l : log) std::printf("  fit: %s\n", l.c_str());
    const AnalyticalModel model(c);
    const Evaluation ev = evaluate(model, set.records, all(set));
    EXPECT_EQ(ev.n_failed, 0);
    for (const TargetMetrics& m : ev.metrics)
        std::printf("  %-6s n=%lld R2=%.3f SMAPE=%.1f%% RMSE=%.1f\n",
                    std::string(to_string(m.target)).c_str(), static_cast<long long>(m.n), m.r2,
                    m.smape, m.rmse);
    // Bounds stated in docs/surrogate.md (training data = all 678 successful pilot syntheses).
    struct Bound {
        Target t;
        double min_r2, max_smape;
    };
    const Bound bounds[] = {{Target::kLut, 0.80, 25.0},   {Target::kFf, 0.80, 40.0},
                            {Target::kDsp, 0.99, 5.0},    {Target::kBram, 0.95, 15.0},
                            {Target::kCycles, 0.99, 5.0}, {Target::kIi, 0.99, 5.0}};
    for (const Bound& b : bounds) {
        const TargetMetrics& m = ev.metrics[static_cast<int>(b.t)];
        EXPECT_EQ(m.n, 678) << to_string(b.t);
        EXPECT_GE(m.r2, b.min_r2) << to_string(b.t);
        EXPECT_LE(m.smape, b.max_smape) << to_string(b.t);
    }
}

/// R² > 0 on held-out data: better than predicting the mean (R² = 0 is the held-out mean itself,
/// and any constant, such as the training mean, scores <= 0).
bool beats_the_mean(const TargetMetrics& m) {
    return m.n > 0 && m.r2 > 0.0;
}

// Fitted on 75 % of the architectures, scored on the other 25 % (seed 1: 16 held-out
// architectures). Every target of both models must beat predicting the mean, and LUT/FF must
// stay at the held-out R² docs/surrogate.md states (analytical LUT 0.81, learned LUT 0.95 and FF
// 0.94 with this short training), with a margin for oneDNN's platform-dependent rounding.
TEST(FitHeldOut, BothModelsBeatTheMeanOnHeldOutArchitectures) {
    const RecordSet set = pilot();
    const RecordSplit split = split_by_architecture(set.records, 0.25, 1);
    ASSERT_GT(split.test.size(), 100u);

    // The criterion rejects a model no better than the mean: a constant (the training mean).
    for (int t = 0; t < kTargetCount; ++t) {
        std::vector<double> y, y_hat;
        double sum = 0.0, n = 0.0;
        for (std::size_t i : split.train) {
            const double v = measured(set.records[i].y, Target(t));
            if (!std::isnan(v)) sum += v, n += 1.0;
        }
        for (std::size_t i : split.test) {
            y.push_back(measured(set.records[i].y, Target(t)));
            y_hat.push_back(sum / n);
        }
        EXPECT_FALSE(beats_the_mean(score(Target(t), y, y_hat))) << to_string(Target(t));
    }

    const AnalyticalCoefficients c = fit_analytical(set.records, split.train, {}, nullptr);
    const Evaluation analytical = evaluate(AnalyticalModel(c), set.records, split.test);
    EXPECT_EQ(analytical.n_failed, 0);
    for (const TargetMetrics& m : analytical.metrics) {
        std::printf("  analytical %-6s n=%lld R2=%.3f SMAPE=%.1f%%\n",
                    std::string(to_string(m.target)).c_str(), static_cast<long long>(m.n), m.r2,
                    m.smape);
        EXPECT_TRUE(beats_the_mean(m)) << to_string(m.target) << " R2 " << m.r2;
        if (m.target == Target::kLut) {
            EXPECT_GE(m.r2, 0.78);
        }
        if (m.target == Target::kFf) {
            EXPECT_GE(m.r2, 0.88);
        }
    }

    LearnedFitOptions o;
    o.hidden = {32, 32};
    o.epochs = 60;
    o.seed = 3;
    const LearnedModel learned(fit_learned(set.records, split.train, c, o));
    const Evaluation ev = evaluate(learned, set.records, split.test);
    EXPECT_EQ(ev.n_failed, 0);
    for (const TargetMetrics& m : ev.metrics) {
        std::printf("  learned    %-6s n=%lld R2=%.3f SMAPE=%.1f%%\n",
                    std::string(to_string(m.target)).c_str(), static_cast<long long>(m.n), m.r2,
                    m.smape);
        EXPECT_TRUE(beats_the_mean(m)) << to_string(m.target) << " R2 " << m.r2;
        if (m.target == Target::kLut || m.target == Target::kFf) {
            EXPECT_GE(m.r2, 0.88) << to_string(m.target);
        }
    }
}

}  // namespace
}  // namespace snac::surrogate
