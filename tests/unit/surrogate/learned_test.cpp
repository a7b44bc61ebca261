// Learned surrogate: trains with the nn engine on the pilot records, predicts in one batch, is
// self-contained through its checkpoint attributes, and refuses foreign checkpoints.
#include <gtest/gtest.h>

#include <cmath>

#include "snac/core/error.hpp"
#include "snac/surrogate/evaluation.hpp"
#include "snac/surrogate/learned_model.hpp"

namespace snac::surrogate {
namespace {

TEST(Learned, TrainsOnPilotRecordsAndPredictsInBatches) {
    const std::string dir = std::string(SNAC_SHARED_DATA_DIR) + "/wa-hls4ml/";
    RecordSet set = load_records(dir + "results_resource.csv");
    append(set, load_records(dir + "results_latency.csv"));
    std::vector<std::size_t> idx(set.records.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    LearnedFitOptions o;
    o.hidden = {32, 32};
    o.epochs = 60;
    o.seed = 3;
    std::vector<std::string> log;
    const CheckpointData ck =
        fit_learned(set.records, idx, load_coefficients(default_coefficients_path()), o, &log);
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(ck.attributes.at("surrogate_model"), "snac-surrogate-learned-v2");

    const LearnedModel model(ck);  // everything it needs is in the checkpoint
    const Evaluation ev = evaluate(model, set.records, idx);
    EXPECT_EQ(ev.n_records, 678);
    // Loose bounds (short training): the model has learned the targets' scale and shape.
    EXPECT_LT(ev.metrics[int(Target::kDsp)].smape, 40.0);
    EXPECT_LT(ev.metrics[int(Target::kCycles)].smape, 40.0);
    EXPECT_GT(ev.metrics[int(Target::kBram)].r2, 0.5);

    std::vector<nn::NetworkSpec> nets;
    for (int i = 0; i < 10; ++i) nets.push_back(set.records[i].network);
    std::vector<HlsSettings> hls;
    for (int i = 0; i < 10; ++i) hls.push_back(set.records[i].hls);
    const FpgaPart& part = find_part(set.records[0].part);
    const auto batch = model.estimate_batch(nets, hls, part);
    ASSERT_EQ(batch.size(), 10u);
    for (int i = 0; i < 10; ++i) {
        const HardwareEstimate one = model.estimate(nets[i], hls[i], part);
        EXPECT_EQ(one.model, "learned");
        EXPECT_EQ(one.total.lut, batch[i].total.lut);
        EXPECT_EQ(one.ii_cycles, batch[i].ii_cycles);
        EXPECT_GE(one.total.ff, 0);
    }
}

TEST(Learned, ForeignCheckpointIsAUsageError) {
    CheckpointData ck;
    ck.attributes["task"] = "classification";
    EXPECT_THROW(LearnedModel{ck}, UsageError);
}

TEST(Learned, TooFewRecordsIsAUsageError) {
    const std::string dir = std::string(SNAC_SHARED_DATA_DIR) + "/wa-hls4ml/";
    const RecordSet set = load_records(dir + "results_latency.csv");
    EXPECT_THROW(fit_learned(set.records, {0, 1, 2}, AnalyticalCoefficients{}, {}), UsageError);
}

}  // namespace
}  // namespace snac::surrogate
