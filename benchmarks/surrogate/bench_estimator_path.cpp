// The surrogate in the runtime path (issue 15 item 5): estimates per second per core of an
// estimator rank, driven through the real protocol. A thread runs run_estimator with the real
// runtime::detail::Estimator (YAML parse, counts, cost model, constraint check) on the in-process
// transport; the main thread sends 10,000 candidates of the global search's kind (MLPs, 16
// inputs, 1-6 hidden layers of 8-128 units, 5 outputs) as EstimateTask messages one at a time
// (the protocol before batching) and as EstimateBatchTask messages of B candidates, and reads
// every answer. The rate is candidates / CPU seconds of the estimator thread (one core); wall
// time is printed too. Both cost models, same run; the results of every mode are checked equal.
//
//   bench_estimator_path [--candidates 10000] [--batches 1,8,64] [--config FILE]
// Run with OMP_NUM_THREADS=1 (one core per estimator).
#include <time.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "snac/core/config.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/nn/counting.hpp"
#include "snac/runtime/actors.hpp"
#include "snac/surrogate/cost_model.hpp"
#include "support/random_mlp.hpp"
#include "work.hpp"

using namespace snac;
using namespace snac::runtime;

namespace {

double thread_cpu_seconds() {
    timespec ts{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0.0;
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::vector<Candidate> make_candidates(int n) {
    std::mt19937_64 rng(42);
    std::vector<Candidate> out;
    for (int i = 0; i < n; ++i) {
        const nn::NetworkSpec net = test_support::random_mlp(rng);
        Candidate c;
        c.trial = i;
        c.seed = rng();
        c.architecture_yaml = net.to_yaml();
        out.push_back(std::move(c));
    }
    return out;
}

struct Run {
    double cpu = 0, wall = 0;
    std::vector<EstimateResult> results;
};

// batch 0: one EstimateTask per candidate (the protocol before batching).
Run drive(const detail::Estimator& est, const std::vector<Candidate>& cs, int batch) {
    auto hub = std::make_shared<InProcessHub>(2);
    Run run;
    std::thread worker([&] {
        InProcessTransport t(hub, 1);
        const double cpu0 = thread_cpu_seconds();
        run_estimator(
            t, [&](const Candidate& c) { return est(c); },
            [&](const std::vector<Candidate>& b) { return est(b); });
        run.cpu = thread_cpu_seconds() - cpu0;
    });
    InProcessTransport t(hub, 0);
    if (!t.receive(std::chrono::seconds(60))) throw std::runtime_error("no hello");
    const auto w0 = std::chrono::steady_clock::now();
    // Send one message, read its answer: the coordinator's pattern with one estimator rank.
    for (std::size_t i = 0; i < cs.size();) {
        const std::size_t n = batch == 0 ? 1 : std::min<std::size_t>(batch, cs.size() - i);
        if (batch == 0)
            t.send(1, encode(cs[i], MessageKind::kEstimateTask));
        else
            t.send(1, encode_estimate_batch({cs.begin() + long(i), cs.begin() + long(i + n)}));
        auto env = t.receive(std::chrono::seconds(60));
        if (!env) throw std::runtime_error("estimator did not answer");
        if (batch == 0)
            run.results.push_back(decode_estimate(env->message));
        else
            for (auto& r : decode_estimate_results(env->message))
                run.results.push_back(std::move(r));
        i += n;
    }
    run.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    t.send(1, make_shutdown());
    worker.join();
    return run;
}

}  // namespace

int main(int argc, char** argv) {
    int n = 10000;
    std::vector<int> batches = {1, 8, 64};
    std::string config = std::string(SNAC_SOURCE_DIR) + "/configs/quickstart.yaml";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--candidates")
            n = std::stoi(v);
        else if (k == "--config")
            config = v;
        else if (k == "--batches") {
            batches.clear();
            std::stringstream ss(v);
            std::string item;
            while (std::getline(ss, item, ',')) batches.push_back(std::stoi(item));
        } else {
            std::fprintf(stderr, "unknown option %s\n", k.c_str());
            return 2;
        }
    }
    const std::vector<Candidate> cs = make_candidates(n);
    std::printf("%-10s %-22s %12s %10s %16s %14s\n", "model", "protocol", "candidates", "cpu_s",
                "estimates/s/core", "wall_s");
    for (const std::string model : {"analytical", "learned"}) {
        RunConfig cfg = load_config(config);
        cfg.surrogate.model =
            model == "learned" ? SurrogateModel::kLearned : SurrogateModel::kAnalytical;
        cfg.surrogate.file.clear();  // the model shipped with snac
        const detail::Estimator est(cfg);
        std::vector<int> modes = {0};
        modes.insert(modes.end(), batches.begin(), batches.end());
        std::vector<EstimateResult> reference;
        for (int b : modes) {
            const Run r = drive(est, cs, b);
            if (reference.empty()) reference = r.results;
            bool same = r.results.size() == reference.size();
            for (std::size_t i = 0; same && i < reference.size(); ++i)
                same = r.results[i].metrics == reference[i].metrics &&
                       r.results[i].feasible == reference[i].feasible &&
                       r.results[i].trial == reference[i].trial;
            const std::string proto =
                b == 0 ? "EstimateTask x1" : "EstimateBatchTask x" + std::to_string(b);
            std::printf("%-10s %-22s %12d %10.3f %16.0f %14.3f%s\n", model.c_str(), proto.c_str(),
                        n, r.cpu, n / r.cpu, r.wall, same ? "" : "  RESULTS DIFFER");
            if (!same) {
                std::fprintf(stderr, "  %zu results, %zu expected\n", r.results.size(),
                             reference.size());
                for (std::size_t i = 0; i < reference.size() && i < r.results.size(); ++i) {
                    if (r.results[i].metrics == reference[i].metrics &&
                        r.results[i].feasible == reference[i].feasible &&
                        r.results[i].trial == reference[i].trial)
                        continue;
                    std::fprintf(
                        stderr,
                        "  candidate %zu: trial %lld/%lld feasible %d/%d, %zu/%zu metrics\n", i,
                        (long long)reference[i].trial, (long long)r.results[i].trial,
                        int(reference[i].feasible), int(r.results[i].feasible),
                        reference[i].metrics.size(), r.results[i].metrics.size());
                    for (const auto& [k, v] : reference[i].metrics)
                        if (r.results[i].metrics.at(k) != v)
                            std::fprintf(stderr,
                                         "  candidate %zu: %s %.17g (one at a time) vs %.17g\n", i,
                                         k.c_str(), v, r.results[i].metrics.at(k));
                    break;
                }
                return 1;
            }
        }
    }
    // Where an estimate's time goes (same candidates, this thread's CPU): parsing the
    // architecture YAML, counting, and the cost model alone.
    std::vector<nn::NetworkSpec> nets;
    double t0 = thread_cpu_seconds();
    for (const Candidate& c : cs) nets.push_back(nn::NetworkSpec::from_yaml(c.architecture_yaml));
    const double parse = thread_cpu_seconds() - t0;
    t0 = thread_cpu_seconds();
    double sink = 0;
    for (const auto& net : nets) sink += double(nn::count_network(net, {}).macs);
    const double count = thread_cpu_seconds() - t0;
    std::printf("\nper candidate, CPU: YAML parse %.1f us, counts %.1f us", 1e6 * parse / n,
                1e6 * count / n);
    for (const auto m : {SurrogateModel::kAnalytical, SurrogateModel::kLearned}) {
        RunConfig cfg = load_config(config);
        cfg.surrogate.model = m;
        cfg.surrogate.file.clear();
        const auto model =
            surrogate::make_cost_model(cfg.surrogate, cfg.base_dir, io::read_checkpoint);
        const HlsSettings hls = cfg.hls.to_settings();
        const FpgaPart& part = find_part(cfg.hls.part);
        t0 = thread_cpu_seconds();
        for (const auto& net : nets) sink += double(model->estimate(net, hls, part).total.lut);
        std::printf(", %s estimate %.1f us", std::string(model->name()).c_str(),
                    1e6 * (thread_cpu_seconds() - t0) / n);
    }
    std::printf("%s\n", sink > 0 ? "" : " ");
    return 0;
}
