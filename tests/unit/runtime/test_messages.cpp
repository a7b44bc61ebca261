#include <gtest/gtest.h>

#include <cstring>

#include "snac/core/error.hpp"
#include "snac/runtime/messages.hpp"
#include "snac/runtime/roles.hpp"

namespace snac::runtime {
namespace {

Candidate sample_candidate() {
    Candidate c;
    c.trial = 17;
    c.seed = 0xdeadbeefcafef00dULL;
    c.architecture_yaml = "input_shape: [64]\nlayers:\n  - {type: dense, units: 10}\n";
    c.params = {{"n_layers", "2"}, {"activation", "relu"}, {"units_0", "32"}};
    c.training = {{"learning_rate", "0.0035"}, {"optimizer", "sgd"}};
    return c;
}

TEST(Messages, CandidateRoundTripsThroughBytes) {
    const Candidate c = sample_candidate();
    const Message m = encode(c, MessageKind::kTrainTask);
    const std::vector<char> bytes = to_bytes(m);
    const Message back = from_bytes(bytes.data(), bytes.size());
    EXPECT_EQ(back.header.kind, MessageKind::kTrainTask);
    const Candidate d = decode_candidate(back);
    EXPECT_EQ(d.trial, 17);
    EXPECT_EQ(d.seed, c.seed);
    EXPECT_EQ(d.architecture_yaml, c.architecture_yaml);
    EXPECT_EQ(d.params, c.params);
    EXPECT_EQ(d.training, c.training);
}

TEST(Messages, ResultsRoundTrip) {
    EstimateResult e;
    e.trial = 3;
    e.feasible = false;
    e.reason = "est_lut_pct = 41 > 30";
    e.metrics = {{"bops", 1.5e6}, {"est_lut_pct", 41.0}};
    const EstimateResult e2 = decode_estimate(encode(e));
    EXPECT_EQ(e2.trial, 3);
    EXPECT_FALSE(e2.feasible);
    EXPECT_FALSE(e2.failed);
    EXPECT_EQ(e2.reason, e.reason);
    EXPECT_EQ(e2.metrics, e.metrics);

    TrainReport r;
    r.trial = 9;
    r.outcome = TrainOutcome::kDiverged;
    r.reason = "loss is NaN at epoch 2";
    r.metrics = {{"val_accuracy", 0.5}};
    r.checkpoint = "checkpoints/global/9.h5";
    r.seconds = 1.25;
    const TrainReport r2 = decode_train_report(encode(r));
    EXPECT_EQ(r2.trial, 9);
    EXPECT_EQ(r2.outcome, TrainOutcome::kDiverged);
    EXPECT_EQ(r2.reason, r.reason);
    EXPECT_EQ(r2.metrics, r.metrics);
    EXPECT_EQ(r2.checkpoint, r.checkpoint);
    EXPECT_DOUBLE_EQ(r2.seconds, 1.25);
}

TEST(Messages, TruncatedOrForeignBytesAreErrors) {
    const std::vector<char> bytes = to_bytes(encode(sample_candidate(), MessageKind::kEstimateTask));
    EXPECT_THROW(from_bytes(bytes.data(), 10), Error);
    EXPECT_THROW(from_bytes(bytes.data(), bytes.size() - 3), Error);
    std::vector<char> bad = bytes;
    bad[0] ^= 0x55;
    EXPECT_THROW(from_bytes(bad.data(), bad.size()), Error);
    // A payload cut short but with a consistent header: the decoder's bounds checks catch it.
    Message m = encode(sample_candidate(), MessageKind::kEstimateTask);
    m.payload.resize(m.payload.size() / 2);
    m.header.payload_bytes = m.payload.size();
    EXPECT_THROW(decode_candidate(m), Error);
    // The wrong kind is refused.
    EXPECT_THROW(decode_estimate(encode(sample_candidate(), MessageKind::kTrainTask)), Error);
}

TEST(Messages, EstimateBatchesRoundTripAndRejectBadCounts) {
    std::vector<Candidate> cs = {sample_candidate(), sample_candidate(), sample_candidate()};
    cs[1].trial = 18;
    cs[2].trial = 40;
    cs[2].params.clear();
    const Message m = encode_estimate_batch(cs);
    const std::vector<char> bytes = to_bytes(m);
    const std::vector<Candidate> back = decode_estimate_batch(from_bytes(bytes.data(), bytes.size()));
    ASSERT_EQ(back.size(), 3u);
    for (std::size_t i = 0; i < cs.size(); ++i) {
        EXPECT_EQ(back[i].trial, cs[i].trial);
        EXPECT_EQ(back[i].seed, cs[i].seed);
        EXPECT_EQ(back[i].architecture_yaml, cs[i].architecture_yaml);
        EXPECT_EQ(back[i].params, cs[i].params);
        EXPECT_EQ(back[i].training, cs[i].training);
    }
    std::vector<EstimateResult> rs(2);
    rs[0].trial = 18;
    rs[0].metrics = {{"bops", 2.0}};
    rs[1].trial = 40;
    rs[1].feasible = false;
    rs[1].failed = true;
    rs[1].reason = "estimation failed: unknown layer";
    const std::vector<EstimateResult> rb = decode_estimate_results(encode_estimate_results(rs));
    ASSERT_EQ(rb.size(), 2u);
    EXPECT_EQ(rb[0].trial, 18);
    EXPECT_TRUE(rb[0].feasible);
    EXPECT_EQ(rb[0].metrics, rs[0].metrics);
    EXPECT_EQ(rb[1].trial, 40);
    EXPECT_FALSE(rb[1].feasible);
    EXPECT_TRUE(rb[1].failed);
    EXPECT_EQ(rb[1].reason, rs[1].reason);
    // A count the header does not confirm, or one the payload cannot hold, is an error (no
    // allocation from an untrusted count).
    Message lying = m;
    lying.header.status = 2;
    EXPECT_THROW(decode_estimate_batch(lying), Error);
    Message huge = m;
    const std::uint64_t n = 1ULL << 40;
    std::memcpy(huge.payload.data(), &n, sizeof n);
    EXPECT_THROW(decode_estimate_batch(huge), Error);
    Message cut = m;
    cut.payload.resize(cut.payload.size() - 5);
    cut.header.payload_bytes = cut.payload.size();
    EXPECT_THROW(decode_estimate_batch(cut), Error);
    EXPECT_THROW(decode_estimate_results(m), Error);
}

TEST(Roles, DefaultLayouts) {
    RuntimeConfig cfg;
    EXPECT_GE(plan_roles(1, cfg).trainers.size(), 1u);  // one per core
    cfg.embedded_trainers = 3;
    const RoleLayout one = plan_roles(1, cfg);
    EXPECT_TRUE(one.embedded);
    EXPECT_EQ(one.trainers, std::vector<int>({1, 2, 3}));
    cfg.embedded_trainers = 0;
    EXPECT_TRUE(one.estimators.empty());
    const RoleLayout two = plan_roles(2, cfg);
    EXPECT_FALSE(two.embedded);
    EXPECT_EQ(two.trainers, std::vector<int>({1}));
    EXPECT_TRUE(two.estimators.empty());
    const RoleLayout four = plan_roles(4, cfg);
    EXPECT_EQ(four.trainers, std::vector<int>({1, 2}));
    EXPECT_EQ(four.estimators, std::vector<int>({3}));
    cfg.estimators = 0;
    EXPECT_EQ(plan_roles(4, cfg).trainers.size(), 3u);
}

TEST(Roles, NoTrainerIsAConfigError) {
    RuntimeConfig cfg;
    cfg.estimators = 1;
    EXPECT_THROW(plan_roles(2, cfg), ConfigError);
    cfg.estimators = 3;
    try {
        plan_roles(4, cfg);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("runtime.estimators"), std::string::npos);
    }
}

}  // namespace
}  // namespace snac::runtime
