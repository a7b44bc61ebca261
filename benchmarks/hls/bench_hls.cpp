// Emission and C-simulation cost of the four reference models of issue 7 (MLP 24-64-32-32-5, small
// CNN on 8x8 images, Deep Sets, BN + tanh/sigmoid + softmax), 1,000 random testbench inputs each.
// Prints: emission time (lower + testbench + files), g++ compile time, testbench run time,
// C-simulation inferences per second, and snac's own fixed-point inferences per second.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "fixtures.hpp"
#include "snac/hls/project.hpp"

namespace {

using namespace snac;

struct Model {
    const char* name;
    const char* yaml;
};

const Model kModels[] = {
    {"mlp",
     "input_shape: [24]\nlayers:\n  - {type: dense, units: 64}\n  - {type: relu}\n"
     "  - {type: dense, units: 32}\n  - {type: relu}\n  - {type: dense, units: 32}\n"
     "  - {type: relu}\n  - {type: dense, units: 5}\n  - {type: softmax}\n"},
    {"cnn",
     "input_shape: [1, 8, 8]\nlayers:\n  - {type: conv2d, filters: 4, kernel: 3, padding: same}\n"
     "  - {type: relu}\n  - {type: maxpool2d, size: 2}\n  - {type: conv2d, filters: 8, kernel: 3}\n"
     "  - {type: relu}\n  - {type: flatten}\n  - {type: dense, units: 10}\n  - {type: softmax}\n"},
    {"deepsets",
     "input_shape: [16, 3]\nlayers:\n  - type: deepsets\n    aggregate: mean\n"
     "    phi: [{type: dense, units: 32}, {type: relu}, {type: dense, units: 16}, {type: relu}]\n"
     "    rho: [{type: dense, units: 16}, {type: relu}, {type: dense, units: 5}]\n"},
    {"bn_act",
     "input_shape: [16]\nlayers:\n  - {type: dense, units: 32}\n  - {type: batchnorm}\n"
     "  - {type: tanh}\n  - {type: dense, units: 16}\n  - {type: sigmoid}\n"
     "  - {type: dense, units: 5}\n  - {type: softmax}\n"}};

constexpr std::int64_t kSamples = 1000;

std::filesystem::path out_dir(const char* name) {
    return std::filesystem::temp_directory_path() /
           ("snac_bench_hls_" + std::to_string(::getpid())) / name;
}

void BM_EmitAndCsim(benchmark::State& state) {
    const Model& m = kModels[state.range(0)];
    const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(m.yaml);
    const CheckpointData ck = hls::testing::random_checkpoint(net, 1);
    hls::ProjectOptions opt;
    opt.name = m.name;
    double compile = 0, run = 0, emit = 0;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        const nn::FixedModel model = nn::lower_network(net, ck, HlsSettings{});
        const auto x = hls::testing::random_inputs(kSamples, model.input_size(), 2);
        const hls::TestBench tb = hls::make_testbench(model, x.data(), kSamples);
        const auto project = hls::emit_project(model, opt, tb, out_dir(m.name).string());
        emit += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const hls::CsimResult r = hls::run_csim(project);
        if (r.mismatches != 0) state.SkipWithError("C simulation mismatches");
        compile += r.compile_seconds;
        run += r.run_seconds;
    }
    const double n = static_cast<double>(state.iterations());
    state.SetLabel(m.name);
    state.counters["emit_s"] = emit / n;
    state.counters["compile_s"] = compile / n;
    state.counters["csim_run_s"] = run / n;
    state.counters["csim_inf_per_s"] = kSamples * n / run;
    std::filesystem::remove_all(out_dir(m.name).parent_path());
}

/// snac's fixed-point inference, one sample per call: run_raw (64-bit fast path where the widths
/// allow) and run_raw_reference (the 128-bit path it replaces), side by side in one process.
void fixed_inference(benchmark::State& state, bool reference) {
    const Model& m = kModels[state.range(0)];
    const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(m.yaml);
    const nn::FixedModel model =
        nn::lower_network(net, hls::testing::random_checkpoint(net, 1), HlsSettings{});
    const auto x = hls::testing::random_inputs(64, model.input_size(), 2);
    std::int64_t i = 0;
    for (auto _ : state) {
        const float* xi = x.data() + (i % 64) * model.input_size();
        benchmark::DoNotOptimize(reference ? model.run_raw_reference(xi) : model.run_raw(xi));
        ++i;
    }
    state.SetLabel(m.name);
    state.SetItemsProcessed(state.iterations());
}

void BM_FixedInference(benchmark::State& state) {
    fixed_inference(state, false);
}

void BM_FixedInferenceReference128(benchmark::State& state) {
    fixed_inference(state, true);
}

BENCHMARK(BM_EmitAndCsim)->DenseRange(0, 3)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_FixedInference)->DenseRange(0, 3)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FixedInferenceReference128)->DenseRange(0, 3)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
