#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <set>

#include "snac/core/error.hpp"
#include "snac/search/sampler.hpp"

using namespace snac;
using namespace snac::search;

namespace {

ParamConfig real(std::string name, double lo, double hi) {
    ParamConfig p;
    p.name = std::move(name);
    p.kind = ParamKind::kFloat;
    p.low = lo;
    p.high = hi;
    return p;
}
ParamConfig cat(std::string name, std::vector<std::string> choices, std::string when = {}) {
    ParamConfig p;
    p.name = std::move(name);
    p.choices = std::move(choices);
    p.condition = std::move(when);
    return p;
}

SearchSpaceConfig zdt_space(int n) {
    SearchSpaceConfig c;
    c.family = "mlp";
    for (int i = 0; i < n; ++i) c.params.push_back(real("x" + std::to_string(i), 0, 1));
    return c;
}

/// ZDT1 (Zitzler, Deb, Thiele 2000), both objectives minimised.
std::vector<double> zdt1(const Genome& g, int n) {
    const double x0 = std::get<double>(g.at("x0"));
    double s = 0;
    for (int i = 1; i < n; ++i) s += std::get<double>(g.at("x" + std::to_string(i)));
    const double gg = 1 + 9 * s / (n - 1);
    return {x0, gg * (1 - std::sqrt(x0 / gg))};
}

SearchConfig options(SamplerKind kind, SearchMode mode = SearchMode::kGenerational) {
    SearchConfig o;
    o.sampler = kind;
    o.mode = mode;
    o.objectives = {{"f1", Direction::kMinimize}, {"f2", Direction::kMinimize}};
    o.population = 10;
    o.seed = 123;
    o.tpe_startup_trials = 5;
    return o;
}

/// Runs `total` trials with `workers` concurrent evaluations finishing in FIFO order (or LIFO
/// when `lifo`); returns the asked genomes in trial order.
std::vector<std::string> run(Sampler& s, int total, int workers, bool lifo, int n = 5) {
    std::deque<Suggestion> in_flight;
    std::vector<std::string> keys(static_cast<std::size_t>(total));
    int asked = 0;
    while (asked < total || !in_flight.empty()) {
        while (asked < total && static_cast<int>(in_flight.size()) < workers) {
            auto sug = s.ask();
            if (!sug) break;
            keys[static_cast<std::size_t>(sug->number)] = SearchSpace::key(sug->genome);
            in_flight.push_back(*sug);
            ++asked;
        }
        if (in_flight.empty()) break;
        Suggestion done = lifo ? in_flight.back() : in_flight.front();
        if (lifo) in_flight.pop_back();
        else in_flight.pop_front();
        const auto v = zdt1(done.genome, n);
        s.tell(done.number, v, {}, TrialState::kComplete);
    }
    return keys;
}

}  // namespace

TEST(Samplers, EverySamplerIsDeterministicForASeed) {
    SearchSpace space(zdt_space(5));
    for (auto kind : {SamplerKind::kNsga2, SamplerKind::kTpe, SamplerKind::kRandom}) {
        for (auto mode : {SearchMode::kGenerational, SearchMode::kSteadyState}) {
            for (bool multivariate : {false, true}) {
                auto o = options(kind, mode);
                o.tpe_multivariate = multivariate;
                auto a = make_sampler(space, o), b = make_sampler(space, o);
                EXPECT_EQ(run(*a, 40, 1, false), run(*b, 40, 1, false));
                auto a2 = make_sampler(space, o);
                o.seed = 124;
                auto c = make_sampler(space, o);
                EXPECT_NE(run(*a2, 10, 1, false), run(*c, 10, 1, false));
            }
        }
    }
}

TEST(Samplers, GenerationalStudyDoesNotDependOnWorkersOrCompletionOrder) {
    SearchSpace space(zdt_space(5));
    auto one = make_sampler(space, options(SamplerKind::kNsga2));
    auto four = make_sampler(space, options(SamplerKind::kNsga2));
    auto seven_lifo = make_sampler(space, options(SamplerKind::kNsga2));
    const auto a = run(*one, 60, 1, false);
    EXPECT_EQ(a, run(*four, 60, 4, false));
    EXPECT_EQ(a, run(*seven_lifo, 60, 7, true));
    EXPECT_EQ(one->trials().back().generation, 5);
}

TEST(Samplers, GenerationalWaitsAtTheBarrier) {
    SearchSpace space(zdt_space(3));
    auto s = make_sampler(space, options(SamplerKind::kNsga2));
    std::vector<Suggestion> first;
    for (int i = 0; i < 10; ++i) first.push_back(*s->ask());
    EXPECT_FALSE(s->ask().has_value());  // generation 0 is full but unfinished
    for (int i = 0; i < 9; ++i) s->tell(first[static_cast<std::size_t>(i)].number, zdt1(first[static_cast<std::size_t>(i)].genome, 3), {}, TrialState::kComplete);
    EXPECT_FALSE(s->ask().has_value());
    s->tell(first[9].number, {}, {}, TrialState::kFail);
    auto extra = s->ask();  // a failure leaves room in generation 0
    ASSERT_TRUE(extra.has_value());
    EXPECT_EQ(extra->generation, 0);
    s->tell(extra->number, zdt1(extra->genome, 3), {}, TrialState::kComplete);
    auto next = s->ask();
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->generation, 1);
    EXPECT_EQ(s->population().size(), 10u);
}

TEST(Samplers, Nsga2BeatsRandomSearchOnZdt1) {
    SearchSpace space(zdt_space(10));
    for (auto mode : {SearchMode::kGenerational, SearchMode::kSteadyState}) {
        auto o = options(SamplerKind::kNsga2, mode);
        o.population = 20;
        o.crossover = Crossover::kSbx;
        o.reference_point = {1.1, 11.0};
        auto nsga = make_sampler(space, o);
        auto ro = o;
        ro.sampler = SamplerKind::kRandom;
        auto rnd = make_sampler(space, ro);
        run(*nsga, 400, 3, false, 10);
        run(*rnd, 400, 3, false, 10);
        EXPECT_GT(nsga->hypervolume(), rnd->hypervolume());
        // Every front member is non-dominated among COMPLETE trials.
        for (auto n : nsga->pareto_front()) EXPECT_EQ(nsga->trials()[static_cast<std::size_t>(n)].state, TrialState::kComplete);
    }
}

TEST(Samplers, AnExhaustedSpaceEndsTheAsks) {
    // Issue 13, defect 2: a budget beyond the space's distinct genomes must not repeat them.
    SearchSpaceConfig c;
    c.family = "mlp";
    c.params.push_back(cat("a", {"1", "2"}));
    c.params.push_back(cat("b", {"x", "y"}));
    SearchSpace space(c);
    for (auto kind : {SamplerKind::kNsga2, SamplerKind::kTpe, SamplerKind::kRandom}) {
        for (auto mode : {SearchMode::kSteadyState, SearchMode::kGenerational}) {
            auto o = options(kind, mode);
            o.population = 2;
            o.tpe_startup_trials = 1;
            auto s = make_sampler(space, o);
            ASSERT_EQ(s->space_size(), 4.0);
            std::set<std::string> seen;
            std::deque<Suggestion> open;
            while (seen.size() < 4) {
                auto sug = s->ask();
                if (!sug) {  // generational barrier: tell what is open
                    ASSERT_FALSE(open.empty());
                    for (const auto& t : open) {
                        const double v = std::get<std::string>(t.genome.at("a")) == "1" ? 1.0 : 2.0;
                        s->tell(t.number, std::vector<double>{v, 3 - v}, {}, TrialState::kComplete);
                    }
                    open.clear();
                    continue;
                }
                EXPECT_FALSE(sug->duplicate_of.has_value()) << "trial " << sug->number;
                EXPECT_TRUE(seen.insert(SearchSpace::key(sug->genome)).second);
                EXPECT_EQ(s->exhausted(), seen.size() == 4);
                open.push_back(*sug);
            }
            EXPECT_TRUE(s->exhausted());
            EXPECT_FALSE(s->ask().has_value());
            for (const auto& t : open) s->tell(t.number, std::vector<double>{1, 2}, {}, TrialState::kComplete);
            EXPECT_FALSE(s->ask().has_value());
            // Restored from the study (resume), it is still exhausted.
            auto again = make_sampler(space, o);
            again->restore(s->trials());
            EXPECT_TRUE(again->exhausted());
            EXPECT_FALSE(again->ask().has_value());
        }
    }
}

TEST(Samplers, SpaceSizeCountsConditionalGenomes) {
    SearchSpaceConfig c;
    c.family = "mlp";
    c.params.push_back(cat("n_layers", {"1", "2", "3"}));
    c.params.push_back(cat("units_0", {"8", "16"}));
    c.params.push_back(cat("units_1", {"8", "16"}, "n_layers >= 2"));
    c.params.push_back(cat("units_2", {"8", "16", "16"}, "n_layers >= 3"));  // a repeated value
    EXPECT_EQ(SearchSpace(c).distinct_genomes(), 2.0 + 4.0 + 8.0);
    ParamConfig width;
    width.name = "width";
    width.kind = ParamKind::kInt;
    width.low = 1;
    width.high = 4;
    c.params.push_back(width);
    EXPECT_EQ(SearchSpace(c).distinct_genomes(), 14.0 * 4.0);
    c.params.push_back(real("lr", 0.001, 0.01));  // continuous: never exhausted
    EXPECT_FALSE(SearchSpace(c).distinct_genomes().has_value());
}

TEST(Samplers, ConditionalGenesNeverAppearWhenExcluded) {
    SearchSpaceConfig c;
    c.family = "mlp";
    c.params.push_back(cat("n_layers", {"1", "2", "3"}));
    c.params.push_back(cat("units_0", {"8", "16"}));
    c.params.push_back(cat("units_1", {"8", "16"}, "n_layers >= 2"));
    c.params.push_back(cat("units_2", {"8", "16"}, "n_layers >= 3"));
    SearchSpace space(c);
    for (auto kind : {SamplerKind::kNsga2, SamplerKind::kTpe}) {
        for (bool mv : {false, true}) {
            auto o = options(kind, SearchMode::kSteadyState);
            o.population = 4;
            o.tpe_multivariate = mv;
            auto s = make_sampler(space, o);
            for (int i = 0; i < 60; ++i) {
                auto sug = s->ask();
                if (!sug) {  // all 14 genomes asked
                    EXPECT_TRUE(s->exhausted());
                    break;
                }
                EXPECT_NO_THROW(space.validate(sug->genome));
                const double n = gene_number(sug->genome.at("n_layers"));
                const double u = gene_number(sug->genome.at("units_0"));
                s->tell(sug->number, std::vector<double>{-n, u}, {}, TrialState::kComplete);
            }
        }
    }
}

TEST(Samplers, RestoreContinuesExactlyLikeAnUninterruptedRun) {
    SearchSpace space(zdt_space(4));
    for (auto kind : {SamplerKind::kNsga2, SamplerKind::kTpe}) {
        for (auto mode : {SearchMode::kGenerational, SearchMode::kSteadyState}) {
            auto o = options(kind, mode);
            auto full = make_sampler(space, o);
            const auto all = run(*full, 50, 1, false, 4);
            auto part = make_sampler(space, o);
            run(*part, 30, 1, false, 4);
            auto resumed = make_sampler(space, o);
            resumed->restore(part->trials());
            std::vector<std::string> rest;
            for (int i = 30; i < 50; ++i) {
                auto sug = resumed->ask();
                ASSERT_TRUE(sug.has_value());
                EXPECT_EQ(sug->number, i);
                rest.push_back(SearchSpace::key(sug->genome));
                resumed->tell(sug->number, zdt1(sug->genome, 4), {}, TrialState::kComplete);
            }
            EXPECT_EQ(std::vector<std::string>(all.begin() + 30, all.end()), rest);
        }
    }
}

TEST(Samplers, RestoredRunningTrialsCountAsFailed) {
    SearchSpace space(zdt_space(2));
    auto s = make_sampler(space, options(SamplerKind::kNsga2));
    auto a = s->ask();
    auto trials = s->trials();
    auto r = make_sampler(space, options(SamplerKind::kNsga2));
    r->restore(trials);
    EXPECT_EQ(r->trials()[0].state, TrialState::kFail);
    EXPECT_EQ(r->ask()->number, 1);
}

TEST(Samplers, ConstraintsSteerTheFront) {
    SearchSpace space(zdt_space(3));
    auto o = options(SamplerKind::kNsga2, SearchMode::kSteadyState);
    o.constraints = {{"x0", ConstraintOp::kGreaterEqual, 0.5}};  // told as 0.5 - x0 below
    auto s = make_sampler(space, o);
    for (int i = 0; i < 80; ++i) {
        auto sug = s->ask();
        const auto v = zdt1(sug->genome, 3);
        // Feasible only when x0 >= 0.5.
        const double c = 0.5 - std::get<double>(sug->genome.at("x0"));
        s->tell(sug->number, v, std::vector<double>{c}, TrialState::kComplete);
    }
    for (auto n : s->pareto_front())
        EXPECT_GE(std::get<double>(s->trials()[static_cast<std::size_t>(n)].genome.at("x0")), 0.5);
}

TEST(Samplers, MisuseIsReported) {
    SearchSpace space(zdt_space(2));
    auto s = make_sampler(space, options(SamplerKind::kRandom));
    auto a = s->ask();
    EXPECT_THROW(s->tell(5, std::vector<double>{1, 2}, {}, TrialState::kComplete), Error);
    EXPECT_THROW(s->tell(a->number, std::vector<double>{1}, {}, TrialState::kComplete), Error);
    s->tell(a->number, std::vector<double>{1, 2}, {}, TrialState::kComplete);
    EXPECT_THROW(s->tell(a->number, std::vector<double>{1, 2}, {}, TrialState::kComplete), Error);
}
