// The local stage's TPE space over training settings (docs/local-search.md#tpe): it holds the
// `train:` section as a point, its conditional genes appear only under their parent, and snac's
// TPE finds better settings than random search on a training-like response for fixed seeds.
#include <gtest/gtest.h>

#include <cmath>

#include "local_tpe.hpp"
#include "snac/search/architecture.hpp"
#include "snac/search/sampler.hpp"

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

}  // namespace
}  // namespace snac::runtime
