// snac train CONFIG --arch ARCH.yaml --out DIR: trains one architecture on the config's dataset
// with the config's training settings; writes DIR/checkpoint.h5 and DIR/metrics.json. An
// architecture file with a trial block brings that trial's training genes and seed;
// snac train --from-trial RUN_DIR N retrains global trial N and compares with the study.

#include "cli_checks.hpp"
#include "command.hpp"
#include "snac/runtime/train_command.hpp"

namespace snac::app {
namespace {
std::function<int()> setup_train(CLI::App& sub) {
    auto args = std::make_shared<runtime::TrainCommandOptions>();
    sub.add_option("CONFIG", args->config, "Run configuration (YAML): data and train sections");
    sub.add_option("--arch", args->arch,
                   "Architecture file (YAML; its trial block brings the trial's training genes "
                   "and seed), or a checkpoint (.h5) / ONNX model (.onnx) whose weights "
                   "training starts from");
    sub.add_option("--from-trial", args->from_trial,
                   "RUN_DIR N: retrain global trial N of a run with its configuration, "
                   "architecture, training genes, seed and thread count, and compare with the "
                   "study's metrics")
        ->expected(2);
    sub.add_option("--out", args->out,
                   "Output directory for checkpoint.h5 and metrics.json (default with "
                   "--from-trial: RUN_DIR/retrain/N)");
    sub.add_option("--seed", args->seed,
                   "Training seed (default: the trial's, else train.seed, else derived)")
        ->check(seed_range());
    sub.add_option("--threads", args->threads, "OpenMP threads (default: train.threads)")
        ->check(in_range<long long>(0, 4096));
    sub.add_option("--epochs", args->epochs, "Override train.epochs")
        ->check(in_range<long long>(1, 100000));
    return [args]() {
        args->quiet = global_options().quiet;
        return runtime::run_train_command(*args);
    };
}

const RegisterCommand kRegister{
    {"train", setup_train,
     "Train one architecture on the config's dataset (a baseline), or retrain a trial"}};

}  // namespace
}  // namespace snac::app
