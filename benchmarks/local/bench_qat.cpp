// QAT training throughput vs float training, same model, data and settings, one process: prints
// one JSON line per mode with samples per second (excluding the first epoch, which builds the
// oneDNN primitives). Modes: float; QAT at 8 bits (integer bits per layer from ranges); QAT at 8
// bits with a 50 % pruning mask held.
// Usage: bench_local_qat DATASET.h5 ARCH.yaml BATCH EPOCHS [THREADS]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "snac/core/hls_settings.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/nn/network_spec.hpp"
#include "snac/nn/prune.hpp"
#include "snac/nn/qat.hpp"
#include "snac/nn/trainer.hpp"

namespace {

double samples_per_s(const snac::nn::TrainResult& r, std::size_t train_samples) {
    double timed = 0.0;
    for (std::size_t e = 1; e < r.history.size(); ++e) timed += r.history[e].seconds;
    return static_cast<double>(train_samples) * static_cast<double>(r.history.size() - 1) / timed;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: %s DATASET.h5 ARCH.yaml BATCH EPOCHS [THREADS]\n", argv[0]);
        return 2;
    }
    const snac::Dataset data = snac::io::load_dataset(argv[1]);
    const auto net = snac::nn::NetworkSpec::load(argv[2]);
    snac::TrainConfig cfg;
    cfg.batch_size = std::atoi(argv[3]);
    cfg.epochs = std::atoi(argv[4]);
    cfg.learning_rate = 1e-3;
    snac::nn::TrainOptions opt;
    opt.seed = 1;
    opt.threads = argc > 5 ? std::atoi(argv[5]) : 1;
    const std::size_t n = data.train_idx.size();

    const auto fl = snac::nn::train_network(net, data, cfg, opt);
    const snac::HlsSettings settings = snac::nn::qat_settings(
        net, fl.checkpoint, data, snac::nn::QatPrecision{"w8", 8, {}, {}}, snac::HlsSettings{});
    snac::nn::TrainOptions q = opt;
    q.initial_weights = &fl.checkpoint.layers;
    q.quantize = &settings;
    const auto qat = snac::nn::train_network(net, data, cfg, q);
    snac::nn::PruneMasks masks = snac::nn::full_masks(net, fl.checkpoint);
    masks = snac::nn::prune_step(qat.checkpoint, masks, 0.5, snac::nn::PruneScope::kGlobal);
    q.masks = &masks;
    const auto pruned = snac::nn::train_network(net, data, cfg, q);

    const double f = samples_per_s(fl, n);
    std::printf("{\"mode\": \"float\", \"samples_per_s\": %.1f}\n", f);
    std::printf("{\"mode\": \"qat_w8\", \"samples_per_s\": %.1f, \"vs_float\": %.3f}\n",
                samples_per_s(qat, n), samples_per_s(qat, n) / f);
    std::printf("{\"mode\": \"qat_w8_pruned50\", \"samples_per_s\": %.1f, \"vs_float\": %.3f}\n",
                samples_per_s(pruned, n), samples_per_s(pruned, n) / f);
    return 0;
}
