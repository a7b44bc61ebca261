// Google Benchmark: the pure costs behind one trial (no storage): ask + tell of each sampler with
// 1,000 completed trials behind it, non-dominated sorting and hypervolume.
#include <benchmark/benchmark.h>

#include <cmath>

#include "snac/search/hypervolume.hpp"
#include "snac/search/pareto.hpp"
#include "snac/search/sampler.hpp"

using namespace snac;
using namespace snac::search;

namespace {

SearchSpaceConfig zdt_space() {
    SearchSpaceConfig c;
    c.family = "mlp";
    for (int i = 0; i < 30; ++i) {
        ParamConfig p;
        p.name = "x" + std::to_string(i);
        p.kind = ParamKind::kFloat;
        p.low = 0;
        p.high = 1;
        c.params.push_back(p);
    }
    return c;
}

std::vector<double> zdt1(const Genome& g) {
    double s = 0;
    for (int i = 1; i < 30; ++i) s += std::get<double>(g.at("x" + std::to_string(i)));
    const double gg = 1 + 9 * s / 29, f1 = std::get<double>(g.at("x0"));
    return {f1, gg * (1 - std::sqrt(f1 / gg))};
}

void ask_tell(benchmark::State& state, SamplerKind kind, SearchMode mode) {
    const SearchSpace space(zdt_space());
    SearchConfig o;
    o.sampler = kind;
    o.mode = mode;
    o.objectives = {{"f1", Direction::kMinimize}, {"f2", Direction::kMinimize}};
    o.population = 50;
    o.seed = 0;
    auto s = make_sampler(space, o);
    for (int i = 0; i < 1000; ++i) {
        auto a = s->ask();
        s->tell(a->number, zdt1(a->genome), {}, TrialState::kComplete);
    }
    for (auto _ : state) {
        auto a = s->ask();
        s->tell(a->number, zdt1(a->genome), {}, TrialState::kComplete);
    }
}

void BM_Nsga2Generational(benchmark::State& st) { ask_tell(st, SamplerKind::kNsga2, SearchMode::kGenerational); }
void BM_Nsga2SteadyState(benchmark::State& st) { ask_tell(st, SamplerKind::kNsga2, SearchMode::kSteadyState); }
void BM_Tpe(benchmark::State& st) { ask_tell(st, SamplerKind::kTpe, SearchMode::kSteadyState); }
void BM_Random(benchmark::State& st) { ask_tell(st, SamplerKind::kRandom, SearchMode::kSteadyState); }

void BM_NondominatedSort(benchmark::State& state) {
    Rng rng(1);
    std::vector<Point> pts(static_cast<std::size_t>(state.range(0)));
    for (auto& p : pts) p.objectives = {static_cast<double>(rng() % 1000), static_cast<double>(rng() % 1000)};
    for (auto _ : state) benchmark::DoNotOptimize(nondominated_sort(pts));
}

void BM_Hypervolume3d(benchmark::State& state) {
    Rng rng(2);
    std::vector<std::vector<double>> pts(static_cast<std::size_t>(state.range(0)));
    for (auto& p : pts) {
        // Points on the unit sphere's positive octant: all mutually non-dominated.
        double a = static_cast<double>(rng() % 10000) / 10000 * M_PI / 2, b = static_cast<double>(rng() % 10000) / 10000 * M_PI / 2;
        p = {std::cos(a) * std::cos(b), std::cos(a) * std::sin(b), std::sin(a)};
    }
    const std::vector<double> ref = {1.1, 1.1, 1.1};
    for (auto _ : state) benchmark::DoNotOptimize(hypervolume(pts, ref));
}

}  // namespace

BENCHMARK(BM_Nsga2Generational)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Nsga2SteadyState)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Tpe)->Unit(benchmark::kMicrosecond)->Iterations(200);
BENCHMARK(BM_Random)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NondominatedSort)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Hypervolume3d)->Arg(50)->Arg(200)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
