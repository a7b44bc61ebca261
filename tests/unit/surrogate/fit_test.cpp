// The analytical model fitted on the wa-hls4ml pilot data (../shared/data/wa-hls4ml): its error on
// the training data stays within the bounds docs/surrogate.md states.
#include "snac/surrogate/fit.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "snac/surrogate/evaluation.hpp"

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
    const Bound bounds[] = {{Target::kLut, -0.2, 50.0},   {Target::kFf, 0.80, 40.0},
                            {Target::kDsp, 0.99, 5.0},    {Target::kBram, 0.95, 15.0},
                            {Target::kCycles, 0.99, 5.0}, {Target::kIi, 0.99, 5.0}};
    for (const Bound& b : bounds) {
        const TargetMetrics& m = ev.metrics[static_cast<int>(b.t)];
        EXPECT_EQ(m.n, 678) << to_string(b.t);
        EXPECT_GE(m.r2, b.min_r2) << to_string(b.t);
        EXPECT_LE(m.smape, b.max_smape) << to_string(b.t);
    }
}

}  // namespace
}  // namespace snac::surrogate
