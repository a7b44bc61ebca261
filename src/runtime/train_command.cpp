// snac train CONFIG --arch ARCH.yaml --out DIR: trains one architecture on the config's dataset
// with the config's training settings; writes DIR/checkpoint.h5 and DIR/metrics.json. An
// architecture file with a trial block brings that trial's training genes and seed;
// snac train --from-trial RUN_DIR N retrains global trial N and compares with the study.
#include "snac/runtime/train_command.hpp"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "snac/core/atomic_file.hpp"
#include "snac/core/config.hpp"
#include "snac/core/config/train_genes.hpp"
#include "snac/core/error.hpp"
#include "snac/core/seed.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/nn/counting.hpp"
#include "snac/nn/trainer.hpp"
#include "snac/runtime/model_file.hpp"
#include "snac/runtime/signals.hpp"
#include "snac/runtime/trial_replay.hpp"

namespace snac::runtime {
namespace {

namespace fs = std::filesystem;

/// The training metrics both runs report (val_*, test_*, cv_*, train_loss, best_epoch):
/// "reproduced" when every one is equal.
struct Comparison {
    bool reproduced = true;
    double max_abs_diff = 0.0;
    nlohmann::json rows = nlohmann::json::object();
};

Comparison compare(const std::map<std::string, double>& recorded,
                   const std::map<std::string, double>& now) {
    Comparison c;
    for (const auto& [k, v] : now) {
        const bool training = k.rfind("val_", 0) == 0 || k.rfind("test_", 0) == 0 ||
                              k.rfind("cv_", 0) == 0 || k == "train_loss" || k == "best_epoch";
        const auto it = recorded.find(k);
        if (!training || it == recorded.end()) continue;
        c.rows[k] = {{"recorded", it->second}, {"retrained", v}};
        c.max_abs_diff = std::max(c.max_abs_diff, std::abs(v - it->second));
        if (v != it->second) c.reproduced = false;
    }
    if (c.rows.empty()) c.reproduced = false;
    return c;
}

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

int run_train_impl(const TrainCommandOptions& a_in) {
    TrainCommandOptions a = a_in;
    RunConfig cfg;
    std::string arch_yaml;
    std::optional<runtime::TrialReplay> replay;
    std::optional<runtime::TrialOrigin> origin;
    std::optional<runtime::ModelFile> model;
    if (!a.from_trial.empty()) {
        if (!a.config.empty() || !a.arch.empty())
            throw UsageError("--from-trial takes the configuration and architecture from the run",
                             "drop CONFIG and --arch, or drop --from-trial");
        std::int64_t number = -1;
        try {
            std::size_t used = 0;
            number = std::stoll(a.from_trial[1], &used);
            if (used != a.from_trial[1].size() || number < 0) throw std::invalid_argument("");
        } catch (const std::exception&) {
            throw UsageError("--from-trial " + a.from_trial[0] + " " + a.from_trial[1] +
                                 ": the trial number is not a non-negative integer",
                             "e.g. snac train --from-trial runs/quickstart 12");
        }
        replay = runtime::load_trial_replay(a.from_trial[0], number);
        cfg = replay->config;  // the trial's genes are already applied
        origin = replay->origin;
        arch_yaml = replay->architecture_yaml;
        a.arch = a.from_trial[0] + " trial " + a.from_trial[1];
        a.config = (fs::path(a.from_trial[0]) / "config.yaml").string();
        if (a.out.empty())
            a.out = (fs::path(a.from_trial[0]) / "retrain" / a.from_trial[1]).string();
        // oneDNN's and OpenMP's reductions depend on the thread count: use the trial's.
        if (a.threads < 0 && replay->threads > 0) a.threads = replay->threads;
    } else {
        if (a.config.empty() || a.arch.empty())
            throw UsageError("snac train needs CONFIG and --arch, or --from-trial RUN_DIR N",
                             "e.g. snac train config.yaml --arch arch.yaml --out out/, or snac "
                             "train --from-trial runs/quickstart 12");
        if (a.out.empty()) throw UsageError("--out is required with --arch", "e.g. --out out/");
        cfg = load_config(a.config);
        model = runtime::load_model(a.arch);
        arch_yaml = model->checkpoint.architecture_yaml;
        if (model->kind == runtime::ModelFileKind::kArchitecture) {
            std::ifstream in(a.arch);
            const std::string text((std::istreambuf_iterator<char>(in)), {});
            origin = runtime::origin_from_architecture(text, a.arch);
            if (origin)
                for (const auto& [gene, value] : origin->training)
                    apply_train_gene(cfg.train, gene, value);
        }
    }
    // An ONNX model or a checkpoint brings its weights: training starts from them (fine-tuning a
    // baseline); an architecture file starts from seeded random weights.
    const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(arch_yaml, a.arch);
    const bool has_weights = model && model->has_weights();
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
               : origin         ? origin->seed
               : cfg.train.seed ? cfg.train.seed
                                : derive_seed(cfg.search.seed, 0, "train");
    opt.threads = a.threads >= 0 ? a.threads : cfg.train.threads;
    if (has_weights) opt.initial_weights = &model->checkpoint.layers;
    const bool quiet = a.quiet;
    const int epochs = cfg.train.epochs;
    opt.on_epoch = [quiet, epochs](const nn::EpochReport& r) {
        if (quiet) return;
        std::printf("epoch %3d/%d  train_loss %.5f", r.epoch, epochs, r.train_loss);
        for (const auto& [k, v] : r.val_metrics) std::printf("  val_%s %.5f", k.c_str(), v);
        std::printf("  %.2fs\n", r.seconds);
        std::fflush(stdout);
    };
    if (!quiet && origin) {
        std::printf(
            "trial %lld's seed %llu and training genes:", static_cast<long long>(origin->number),
            static_cast<unsigned long long>(origin->seed));
        for (const auto& [k, v] : origin->training) std::printf(" %s=%s", k.c_str(), v.c_str());
        std::printf("%s\n", origin->training.empty() ? " (none)" : "");
    }
    if (!quiet)
        std::printf(
            "training %s%s on %s (%lld samples: %zu train / %zu val / %zu test), seed %llu\n",
            a.arch.c_str(), has_weights ? " from its weights" : "", h5.c_str(),
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
    j["threads"] = opt.threads;
    std::optional<Comparison> cmp;
    if (replay) {
        cmp = compare(replay->recorded, result.metrics);
        j["trial"] = replay->origin.number;
        j["recorded"] = cmp->rows;
        j["reproduced"] = cmp->reproduced;
        j["max_abs_diff"] = cmp->max_abs_diff;
    }
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
    if (cmp) {
        for (const auto& [k, row] : cmp->rows.items())
            std::printf("  %-22s recorded %.9g  retrained %.9g\n", k.c_str(),
                        row["recorded"].get<double>(), row["retrained"].get<double>());
        if (cmp->reproduced)
            std::printf("trial %lld reproduced exactly (%d thread(s))\n",
                        static_cast<long long>(replay->origin.number), opt.threads);
        else
            std::fprintf(stderr,
                         "warning: trial %lld not reproduced exactly: largest difference %.3g "
                         "(it trained with %d thread(s), this run with %d; oneDNN's reductions "
                         "depend on the thread count)\n",
                         static_cast<long long>(replay->origin.number), cmp->max_abs_diff,
                         replay->threads, opt.threads);
    }
    if (result.status == nn::TrainStatus::kDiverged) {
        std::fprintf(stderr, "error: training diverged: %s\n  hint: lower train.learning_rate\n",
                     result.reason.c_str());
        return static_cast<int>(ExitCode::kRuntime);
    }
    return 0;
}

}  // namespace

int run_train_command(const TrainCommandOptions& options) {
    return run_train_impl(options);
}

}  // namespace snac::runtime
