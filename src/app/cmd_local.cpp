// snac local RUN_DIR [--config FILE] [--trial N]... [--checkpoint FILE.h5/.onnx]...
// [--arch FILE.yaml]... [--resume]: quantization-aware training x iterative magnitude pruning
// for the selected models (docs/local-search.md). Flags become options; the stage driver is
// runtime::run_local.
#include <memory>

#include "command.hpp"
#include "snac/runtime/local_stage.hpp"

namespace snac::app {
namespace {

std::function<int()> setup_local(CLI::App& sub) {
    auto o = std::make_shared<runtime::LocalRunOptions>();
    sub.add_option("run_dir", o->run_dir, "run directory (reads selected.yaml and config.yaml)")
        ->required();
    sub.add_option("--config", o->config_path, "configuration file (default RUN_DIR/config.yaml)");
    sub.add_option("--trial", o->trials, "a global-study trial to compress (repeatable)");
    sub.add_option("--checkpoint", o->checkpoints,
                   "a trained checkpoint or ONNX model to compress (repeatable)");
    sub.add_option("--arch", o->architectures,
                   "an architecture file, trained in float first (repeatable)");
    sub.add_flag("--resume", o->resume, "continue each chain after its last finished step");
    return [o] { return runtime::run_local(*o); };
}

const RegisterCommand kRegister{
    {"local", setup_local,
     "Compress selected models: quantization-aware training at each precision of local.precisions\n"
     "with iterative magnitude pruning; every step kept; writes RUN_DIR/local/."}};

}  // namespace
}  // namespace snac::app
