// The local stage's TPE space over training settings (docs/local-search.md#tpe): it holds the
// `train:` section as a point, its conditional genes appear only under their parent, and snac's
// TPE finds better settings than random search on a training-like response for fixed seeds;
// the distributed TPE stage's batches are reproducible whatever order results arrive in, and a
// killed stage re-runs the settings its RUNNING trials had.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "../../support/temp_dir.hpp"
#include "local_tpe.hpp"
#include "snac/io/study_store.hpp"
#include "snac/search/architecture.hpp"
#include "snac/search/sampler.hpp"
#include "study_driver.hpp"

namespace snac::runtime {
namespace {

TEST(LocalTpe, SpaceHoldsTheBaselineAndConditionalGenes) {
    TrainConfig base;
    base.batch_size = 100;     // not in the default list: added
    base.learning_rate = 0.5;  // above the default range: widened
    const search::SearchSpace space(detail::local_tpe_space(base));
    const search::Param* bs = space.find("batch_size");
    ASSERT_NE(bs, nullptr);
    EXPECT_NE(std::find(bs->choices.begin(), bs->choices.end(), "100"), bs->choices.end());
    EXPECT_DOUBLE_EQ(space.find("learning_rate")->high, 0.5);
    EXPECT_TRUE(space.find("learning_rate")->log);
    search::Rng rng(3);
    for (int i = 0; i < 200; ++i) {
        const search::Genome g = space.sample(rng);
        const std::string opt = std::get<std::string>(g.at("optimizer"));
        const std::string sched = std::get<std::string>(g.at("schedule"));
        EXPECT_EQ(g.count("momentum"), opt == "sgd" ? 1u : 0u);
        EXPECT_EQ(g.count("rho"), opt == "rmsprop" ? 1u : 0u);
        EXPECT_EQ(g.count("decay_rate"), sched == "exponential" ? 1u : 0u);
        EXPECT_EQ(g.count("gamma"), sched == "step" || sched == "reduce_on_plateau" ? 1u : 0u);
        // Every gene acts through the one training-gene table.
        TrainConfig c;
        EXPECT_NO_THROW(search::apply_training_genes(search::training_genes(space, g), c));
    }
}

/// A training-like response (error rate, minimised): best near lr 3e-3 with Adam, some weight
/// decay and a cosine schedule; SGD wants a larger rate.
double response(const search::Genome& g) {
    const double lr = std::get<double>(g.at("learning_rate"));
    const std::string opt = std::get<std::string>(g.at("optimizer"));
    const double best_lr = opt == "sgd" ? 3e-2 : 3e-3;
    double e = 0.05 + 0.04 * std::pow(std::log10(lr / best_lr), 2.0);
    if (opt == "rmsprop") e += 0.01;
    if (opt == "sgd") e += 0.02;
    e += 20.0 * std::abs(std::get<double>(g.at("weight_decay")) - 3e-4);
    if (std::get<std::string>(g.at("schedule")) != "cosine") e += 0.01;
    e += 0.002 * std::abs(std::stod(std::get<std::string>(g.at("batch_size"))) - 64.0) / 64.0;
    return e;
}

double best_of(SamplerKind kind, std::uint64_t seed, int trials) {
    const search::SearchSpace space(detail::local_tpe_space(TrainConfig{}));
    SearchConfig o;
    o.sampler = kind;
    o.objectives = {{"error", Direction::kMinimize}};
    o.tpe_startup_trials = 10;
    o.seed = seed;
    auto s = search::make_sampler(space, o);
    double best = INFINITY;
    for (int i = 0; i < trials; ++i) {
        const auto q = s->ask();
        const double v = response(q->genome);
        best = std::min(best, v);
        s->tell(q->number, std::vector<double>{v}, {}, TrialState::kComplete);
    }
    return best;
}

TEST(LocalTpe, TpeBeatsRandomSearchOnATrainingResponse) {
    double tpe = 0.0, random = 0.0;
    int wins = 0;
    for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
        const double a = best_of(SamplerKind::kTpe, seed, 50);
        const double b = best_of(SamplerKind::kRandom, seed, 50);
        tpe += a;
        random += b;
        wins += a < b;
    }
    EXPECT_LT(tpe, random);
    EXPECT_GE(wins, 4) << "TPE mean " << tpe / 5 << ", random mean " << random / 5;
}

/// A trial's result without training: a fixed function of its learning rate.
detail::TpeResult result_of(const detail::TpeTask& t) {
    detail::TpeResult r;
    r.model = t.model;
    r.number = t.number;
    const auto lr = t.genes.find("learning_rate");
    const double x = lr == t.genes.end() ? 1e-3 : std::stod(lr->second);
    r.value = 1.0 - std::pow(std::log10(x / 3e-3), 2.0) / 10.0;
    r.checkpoint = "trial" + std::to_string(t.number) + ".h5";
    r.rank = 1;
    return r;
}

struct Batches {
    std::vector<std::vector<detail::TpeTask>> asked;  ///< per batch, in ask order
};

/// Runs the TPE stage of 8 trials in batches of 3; `reverse` tells each batch's results in the
/// reverse order; `kill_after` batches abandons the stage with a batch RUNNING (kill -9).
Batches drive(const std::string& db, bool reverse, int kill_after = -1) {
    RunConfig cfg;
    cfg.local.tpe_trials = 8;
    cfg.search.seed = 11;
    Dataset data;
    data.val_idx = {0};
    detail::LocalTpeSearch tpe(cfg, data, "m", "input_shape: [2]\n", 3);
    io::StudyStore study = io::StudyStore::open(db, tpe.definition());
    tpe.load(study);
    Batches out;
    while (!tpe.finished()) {
        std::vector<detail::TpeTask> batch;
        while (auto t = tpe.next(study)) batch.push_back(*t);
        EXPECT_FALSE(batch.empty());
        EXPECT_LE(batch.size(), 3u);
        out.asked.push_back(batch);
        if (static_cast<int>(out.asked.size()) == kill_after) return out;
        if (reverse) std::reverse(batch.begin(), batch.end());
        for (const auto& t : batch) tpe.tell(study, result_of(t));
    }
    EXPECT_TRUE(tpe.outcome().best.has_value());
    return out;
}

TEST(LocalTpe, BatchesAreReproducibleWhateverOrderResultsArrive) {
    test::TempDir dir;
    const Batches a = drive(dir / "a.db", false), b = drive(dir / "b.db", true);
    ASSERT_EQ(a.asked.size(), 3u);  // 3 + 3 + 2 trials
    ASSERT_EQ(a.asked.size(), b.asked.size());
    for (std::size_t i = 0; i < a.asked.size(); ++i) {
        ASSERT_EQ(a.asked[i].size(), b.asked[i].size());
        for (std::size_t k = 0; k < a.asked[i].size(); ++k) {
            EXPECT_EQ(a.asked[i][k].number, b.asked[i][k].number);
            EXPECT_EQ(a.asked[i][k].genes, b.asked[i][k].genes);
            EXPECT_EQ(a.asked[i][k].seed, b.asked[i][k].seed);
        }
    }
    EXPECT_TRUE(a.asked[0][0].baseline);  // the `train:` section first
    // The asks of one batch differ (each its own stream, the earlier ones RUNNING in the model).
    EXPECT_NE(a.asked[2][0].genes, a.asked[2][1].genes);
}

TEST(LocalTpe, AKilledStageRerunsItsRunningTrialsOnce) {
    test::TempDir dir;
    const Batches killed = drive(dir / "k.db", false, 2);  // batch 2 (trials 3-5) left RUNNING
    const Batches resumed = drive(dir / "k.db", false);
    ASSERT_FALSE(resumed.asked.empty());
    // The re-run trials 6-8 carry the settings of the interrupted 3-5, then the sampler goes on.
    ASSERT_EQ(resumed.asked[0].size(), 3u);
    for (std::size_t k = 0; k < 3; ++k) {
        EXPECT_EQ(resumed.asked[0][k].number, static_cast<std::int64_t>(6 + k));
        EXPECT_EQ(resumed.asked[0][k].genes, killed.asked[1][k].genes);
    }
    const auto trials = io::StudyStore::open_read_only(dir / "k.db", "local_tpe_m").trials();
    int counted = 0, interrupted = 0;
    for (const auto& t : trials) {
        bool was_interrupted = false;
        for (const auto& a : t.system_attrs)
            was_interrupted |= a.key == detail::kInterruptedAttr && a.value_json == "true";
        if (was_interrupted) {
            ++interrupted;
            EXPECT_EQ(t.state, TrialState::kFail);
        } else {
            ++counted;
            EXPECT_EQ(t.state, TrialState::kComplete);
        }
    }
    EXPECT_EQ(interrupted, 3);
    EXPECT_EQ(counted, 8);
}

TEST(LocalTpe, TaskAndResultMessagesRoundTrip) {
    detail::TpeTask t{"t12", "input_shape: [4]\n", 7, false, 0xfedcba9876543210ull,
                      {{"learning_rate", "0.0035"}, {"optimizer", "sgd"}}};
    const detail::TpeTask t2 = detail::tpe_task_from_json(detail::to_json(t));
    EXPECT_EQ(t2.model, t.model);
    EXPECT_EQ(t2.architecture_yaml, t.architecture_yaml);
    EXPECT_EQ(t2.number, 7);
    EXPECT_EQ(t2.seed, t.seed);
    EXPECT_EQ(t2.genes, t.genes);
    detail::TpeResult r;
    r.model = "t12";
    r.number = 7;
    r.outcome = detail::TpeResult::Outcome::kStopped;
    r.value = 0.1 + 0.2;  // not a short decimal: must come back bit for bit
    r.metrics = {{"val_accuracy", 0.3}};
    r.rank = 2;
    const detail::TpeResult r2 = detail::tpe_result_from_json(detail::to_json(r));
    EXPECT_EQ(r2.outcome, r.outcome);
    EXPECT_EQ(r2.value, r.value);
    EXPECT_EQ(r2.metrics, r.metrics);
    EXPECT_EQ(r2.rank, 2);
    EXPECT_THROW(detail::tpe_result_from_json("{\"model\": 1}"), std::exception);
}

}  // namespace
}  // namespace snac::runtime
