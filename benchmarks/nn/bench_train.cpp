// Training throughput of one model on synthetic data, single process: prints one JSON line with
// samples per second (excluding the first epoch, which builds the oneDNN primitives) by wall clock
// and by the process's CPU time (the guide on a loaded machine), and the peak resident set size. Run side by side with torch_bench.py by run_bench.sh.
// Usage: bench_train ARCH.yaml BATCH SAMPLES EPOCHS [THREADS]
#include <sys/resource.h>

#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <random>
#include <string>

#include "snac/nn/network_spec.hpp"
#include "snac/nn/trainer.hpp"

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: %s ARCH.yaml BATCH SAMPLES EPOCHS [THREADS]\n", argv[0]);
        return 2;
    }
    const auto net = snac::nn::NetworkSpec::load(argv[1]);
    const int batch = std::atoi(argv[2]);
    const std::int64_t samples = std::atoll(argv[3]);
    const int epochs = std::atoi(argv[4]);
    const int threads = argc > 5 ? std::atoi(argv[5]) : 1;

    snac::Dataset d;
    d.name = "synthetic";
    d.sample_shape = net.input_shape;
    d.n_samples = samples;
    d.n_classes = snac::nn::output_shape(net)[0];
    std::mt19937_64 rng(1);
    std::normal_distribution<float> normal;
    d.x.resize(static_cast<std::size_t>(samples * d.sample_size()));
    for (auto& v : d.x) v = normal(rng);
    for (std::int64_t i = 0; i < samples; ++i) {
        d.labels.push_back(static_cast<std::int32_t>(rng() % static_cast<std::uint64_t>(d.n_classes)));
        d.train_idx.push_back(i);
    }
    snac::TrainConfig cfg;
    cfg.epochs = epochs;
    cfg.batch_size = batch;
    cfg.learning_rate = 1e-3;
    snac::nn::TrainOptions opt;
    opt.seed = 1;
    opt.threads = threads;
    // CPU time from the end of the first epoch to the end of the last.
    const auto cpu_now = [] {
        timespec ts{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
    };
    double cpu_first = 0.0, cpu_last = 0.0;
    int epochs_seen = 0;
    opt.on_epoch = [&](const snac::nn::EpochReport&) {
        (epochs_seen++ == 0 ? cpu_first : cpu_last) = cpu_now();
    };
    const auto r = snac::nn::train_network(net, d, cfg, opt);
    double timed = 0.0;
    for (std::size_t e = 1; e < r.history.size(); ++e) timed += r.history[e].seconds;
    const double sps = static_cast<double>(samples) * static_cast<double>(r.history.size() - 1) / timed;
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double cpu_sps = static_cast<double>(samples) *
                           static_cast<double>(r.history.size() - 1) / (cpu_last - cpu_first);
    std::printf("{\"trainer\": \"snac\", \"samples_per_s\": %.1f, \"cpu_samples_per_s\": %.1f, "
                "\"peak_rss_mb\": %.1f, \"final_train_loss\": %.5f}\n",
                sps, cpu_sps, static_cast<double>(ru.ru_maxrss) / 1024.0,
                r.history.back().train_loss);
    return 0;
}
