// Surrogate throughput: networks estimated per second on one core, for a batch of 10,000
// candidates drawn like the global search draws MLPs (1–6 hidden layers of 8–128 units, 16
// inputs, 5 outputs, weight widths 4–16 bits, reuse factors 1–64, both strategies).
// Run with OMP_NUM_THREADS=1 for the one-core figure of docs/performance.md.
#include <benchmark/benchmark.h>

#include <random>

#include "snac/surrogate/analytical_model.hpp"
#include "snac/surrogate/learned_model.hpp"
#include "support/random_mlp.hpp"

namespace {

using namespace snac;
using namespace snac::surrogate;

constexpr int kCandidates = 10000;

struct Batch {
    std::vector<nn::NetworkSpec> nets;
    std::vector<HlsSettings> hls;
};

const Batch& candidates() {
    static const Batch b = [] {
        Batch out;
        std::mt19937_64 rng(42);
        auto pick = [&](int lo, int hi) { return test_support::draw_int(rng, lo, hi); };
        const int rfs[] = {1, 2, 4, 8, 16, 32, 64};
        for (int i = 0; i < kCandidates; ++i) {
            nn::NetworkSpec net = test_support::random_mlp(rng);
            HlsSettings h;
            const FixedType w{pick(2, 8) * 2, 1};
            h.default_precision.weight = w;
            h.default_precision.bias = w;
            h.reuse_factor = rfs[pick(0, 6)];
            h.strategy = pick(0, 1) ? Strategy::kLatency : Strategy::kResource;
            out.nets.push_back(std::move(net));
            out.hls.push_back(h);
        }
        return out;
    }();
    return b;
}

void BM_AnalyticalEstimate(benchmark::State& state) {
    const AnalyticalModel model(load_coefficients(default_coefficients_path()));
    const Batch& b = candidates();
    const FpgaPart& part = find_part("zcu102");
    for (auto _ : state) {
        std::int64_t sum = 0;
        for (int i = 0; i < kCandidates; ++i)
            sum += model.estimate(b.nets[i], b.hls[i], part).total.lut;
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() * kCandidates);
}
BENCHMARK(BM_AnalyticalEstimate)->Unit(benchmark::kMillisecond);

const LearnedModel& learned() {
    static const LearnedModel m = [] {
        const std::string dir = std::string(SNAC_SHARED_DATA_DIR) + "/wa-hls4ml/";
        RecordSet set = load_records(dir + "results_latency.csv");
        append(set, load_records(dir + "results_resource.csv"));
        std::vector<std::size_t> idx(set.records.size());
        for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
        LearnedFitOptions o;
        o.epochs = 20;  // accuracy is irrelevant here; the layer sizes are the shipped default
        return LearnedModel(
            fit_learned(set.records, idx, load_coefficients(default_coefficients_path()), o));
    }();
    return m;
}

void BM_LearnedEstimateBatch(benchmark::State& state) {
    const LearnedModel& model = learned();
    const Batch& b = candidates();
    const FpgaPart& part = find_part("zcu102");
    for (auto _ : state) {
        const auto out = model.estimate_batch(b.nets, b.hls, part);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * kCandidates);
}
BENCHMARK(BM_LearnedEstimateBatch)->Unit(benchmark::kMillisecond);

// One network per call, as the runtime's estimator (runtime::detail::Estimator) scores candidates:
// the learned model's network is built once when the model is (nn::Predictor), so a call pays the
// feature extraction and one batch-of-1 inference (it paid a network rebuild per call before).
void BM_LearnedEstimateSingle(benchmark::State& state) {
    const LearnedModel& model = learned();
    const Batch& b = candidates();
    const FpgaPart& part = find_part("zcu102");
    int i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(model.estimate(b.nets[i], b.hls[i], part).total.lut);
        i = (i + 1) % kCandidates;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LearnedEstimateSingle)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
