// snac train CONFIG --arch ARCH.yaml --out DIR: trains one architecture on the config's dataset
// with the config's training settings; writes DIR/checkpoint.h5 and DIR/metrics.json.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli_checks.hpp"
#include "command.hpp"
#include "snac/core/config.hpp"
#include "snac/core/atomic_file.hpp"
#include "snac/core/error.hpp"
#include "snac/core/seed.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/nn/counting.hpp"
#include "snac/nn/trainer.hpp"
#include "snac/runtime/model_file.hpp"
#include "snac/runtime/signals.hpp"

namespace snac::app {
namespace {

namespace fs = std::filesystem;

struct TrainArgs {
    std::string config;
    std::string arch;
    std::string out;
    std::uint64_t seed = 0;
    int threads = -1;
    int epochs = 0;
};

std::string status_name(nn::TrainStatus s) {
    switch (s) {
        case nn::TrainStatus::kOk:
            return "ok";
        case nn::TrainStatus::kDiverged:
            return "diverged";
        case nn::TrainStatus::kStopped:
            return "stopped";
        case nn::TrainStatus::kFailed:
            return "failed";
    }
    return "?";
}

int run_train(const TrainArgs& a) {
    RunConfig cfg = load_config(a.config);
    // An ONNX model or a checkpoint brings its weights: training starts from them (fine-tuning a
    // baseline); an architecture file starts from seeded random weights.
    const runtime::ModelFile model = runtime::load_model(a.arch);
    const nn::NetworkSpec& net = model.spec;
    if (a.epochs > 0) cfg.train.epochs = a.epochs;
    const std::string h5 = io::resolve_dataset(cfg.data, cfg.base_dir);
    const Dataset data = io::load_dataset(h5);

    std::error_code ec;
    fs::create_directories(a.out, ec);
    if (ec)
        throw UsageError("cannot create output directory '" + a.out + "': " + ec.message(),
                         "choose a writable --out directory");

    // Ctrl-C / SIGTERM stop training between batches (a second Ctrl-C exits at once); the
    // weights so far are written like a finished run's, with status "stopped".
    runtime::install_signal_handlers();
    const runtime::DrainWatchdog watchdog(0.0);
    nn::TrainOptions opt;
    opt.stop = watchdog.stop_flag();
    opt.seed = a.seed           ? a.seed
               : cfg.train.seed ? cfg.train.seed
                                : derive_seed(cfg.search.seed, 0, "train");
    opt.threads = a.threads >= 0 ? a.threads : cfg.train.threads;
    if (model.has_weights()) opt.initial_weights = &model.checkpoint.layers;
    const bool quiet = global_options().quiet;
    const int epochs = cfg.train.epochs;
    opt.on_epoch = [quiet, epochs](const nn::EpochReport& r) {
        if (quiet) return;
        std::printf("epoch %3d/%d  train_loss %.5f", r.epoch, epochs, r.train_loss);
        for (const auto& [k, v] : r.val_metrics) std::printf("  val_%s %.5f", k.c_str(), v);
        std::printf("  %.2fs\n", r.seconds);
        std::fflush(stdout);
    };
    if (!quiet)
        std::printf(
            "training %s%s on %s (%lld samples: %zu train / %zu val / %zu test), seed %llu\n",
            a.arch.c_str(), model.has_weights() ? " from its weights" : "", h5.c_str(),
            static_cast<long long>(data.n_samples), data.train_idx.size(), data.val_idx.size(),
            data.test_idx.size(), static_cast<unsigned long long>(opt.seed));
    nn::TrainResult result = nn::train_network(net, data, cfg.train, opt);
    result.checkpoint.attributes["architecture_file"] = a.arch;
    result.checkpoint.attributes["config_file"] = a.config;
    result.checkpoint.attributes["dataset_file"] = h5;
    result.checkpoint.attributes["snac_version"] = SNAC_VERSION;

    const fs::path dir(a.out);
    io::write_checkpoint((dir / "checkpoint.h5").string(), result.checkpoint);
    const nn::NetworkCount count = nn::count_network(net);
    nlohmann::json j;
    j["status"] = status_name(result.status);
    if (!result.reason.empty()) j["reason"] = result.reason;
    j["metrics"] = result.metrics;
    j["history"] = result.checkpoint.history;
    j["seconds"] = result.seconds;
    j["seed"] = opt.seed;
    j["params"] = count.params;
    j["dataset"] = h5;
    j["architecture"] = a.arch;
    write_file_atomic((dir / "metrics.json").string(), j.dump(2) + "\n");

    if (!quiet) {
        std::printf("status %s", status_name(result.status).c_str());
        for (const auto& [k, v] : result.metrics) std::printf("  %s %.5g", k.c_str(), v);
        std::printf("\nwrote %s and %s\n", (dir / "checkpoint.h5").c_str(),
                    (dir / "metrics.json").c_str());
    }
    if (result.status == nn::TrainStatus::kStopped) {
        std::fprintf(stderr, "interrupted: %s; the files above hold the weights so far\n",
                     result.reason.c_str());
        return 128 + (runtime::drain_signal() ? runtime::drain_signal() : SIGINT);
    }
    if (result.status == nn::TrainStatus::kDiverged) {
        std::fprintf(stderr, "error: training diverged: %s\n  hint: lower train.learning_rate\n",
                     result.reason.c_str());
        return static_cast<int>(ExitCode::kRuntime);
    }
    return 0;
}

std::function<int()> setup_train(CLI::App& sub) {
    auto args = std::make_shared<TrainArgs>();
    sub.add_option("CONFIG", args->config, "Run configuration (YAML): data and train sections")
        ->required();
    sub.add_option("--arch", args->arch,
                   "Architecture file (YAML), or a checkpoint (.h5) / ONNX model (.onnx) whose "
                   "weights training starts from")
        ->required();
    sub.add_option("--out", args->out, "Output directory for checkpoint.h5 and metrics.json")
        ->required();
    sub.add_option("--seed", args->seed, "Training seed (default: train.seed, else derived)")
        ->check(seed_range());
    sub.add_option("--threads", args->threads, "OpenMP threads (default: train.threads)")
        ->check(in_range<long long>(0, 4096));
    sub.add_option("--epochs", args->epochs, "Override train.epochs")->check(in_range<long long>(1, 100000));
    return [args]() { return run_train(*args); };
}

const RegisterCommand kRegister{
    {"train", setup_train, "Train one architecture on the config's dataset (a baseline)"}};

}  // namespace
}  // namespace snac::app
