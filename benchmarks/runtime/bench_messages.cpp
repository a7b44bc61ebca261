// Message encode/decode and an in-process send/receive round trip (the per-trial messaging cost
// the coordinator pays besides the search itself).
#include <benchmark/benchmark.h>

#include "snac/runtime/messages.hpp"
#include "snac/runtime/transport.hpp"

using namespace snac::runtime;

namespace {

Candidate candidate() {
    Candidate c;
    c.trial = 1234;
    c.seed = 99;
    c.architecture_yaml =
        "input_shape: [64]\nlayers:\n  - {type: dense, units: 32}\n  - {type: relu}\n"
        "  - {type: dense, units: 16}\n  - {type: relu}\n  - {type: dense, units: 10}\n";
    c.params = {{"n_layers", "2"}, {"units_0", "32"}, {"units_1", "16"}, {"activation", "relu"},
                {"batchnorm", "false"}, {"learning_rate", "0.0031"}};
    c.training = {{"learning_rate", "0.0031"}, {"epochs", "5"}, {"batch_size", "128"}};
    return c;
}

void BM_EncodeDecodeCandidate(benchmark::State& state) {
    const Candidate c = candidate();
    for (auto _ : state) {
        const auto bytes = to_bytes(encode(c, MessageKind::kTrainTask));
        benchmark::DoNotOptimize(decode_candidate(from_bytes(bytes.data(), bytes.size())));
    }
}
BENCHMARK(BM_EncodeDecodeCandidate);

void BM_InProcessRoundTrip(benchmark::State& state) {
    auto hub = std::make_shared<InProcessHub>(2);
    InProcessTransport a(hub, 0), b(hub, 1);
    const Message m = encode(candidate(), MessageKind::kTrainTask);
    for (auto _ : state) {
        a.send(1, m);
        auto e = b.receive(std::chrono::milliseconds(100));
        b.send(0, std::move(e->message));
        benchmark::DoNotOptimize(a.receive(std::chrono::milliseconds(100)));
    }
}
BENCHMARK(BM_InProcessRoundTrip);

}  // namespace

BENCHMARK_MAIN();
