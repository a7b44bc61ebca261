// snac estimate ARCH.yaml|CHECKPOINT.h5 --part P [...]: hardware cost of one network (docs/cli.md).

#include "command.hpp"
#include "snac/runtime/estimate_command.hpp"

namespace snac::app {
namespace {
std::function<int()> setup_estimate(CLI::App& sub) {
    auto f = std::make_shared<runtime::EstimateOptions>();
    sub.add_option("INPUT", f->input,
                   "Architecture file (.yaml), trained checkpoint (.h5) or ONNX model (.onnx)")
        ->required();
    sub.add_option("--part", f->part,
                   "FPGA part or board, e.g. xczu9eg-ffvb1156-2-e, zcu102, "
                   "u250, vu13p, pynq-z2, u55c (required unless --config)");
    sub.add_option("--config", f->config,
                   "Run configuration: its hls: and surrogate: sections give the defaults");
    sub.add_option("--precision", f->precision,
                   "Every type (weight, bias, result, accumulator), e.g. 'ap_fixed<16,6>' "
                   "(default ap_fixed<16,6>)");
    sub.add_option("--weight-precision", f->weight_precision,
                   "Weights and biases (overrides --precision for them), e.g. 'ap_fixed<8,1>'");
    auto* rf = sub.add_option("--reuse-factor", f->reuse_factor,
                              "Reuse factor of every layer (default 1)");
    sub.add_option("--strategy", f->strategy, "latency | resource (default latency)");
    sub.add_option("--io-type", f->io_type, "io_parallel | io_stream (default io_parallel)");
    auto* clk =
        sub.add_option("--clock-period", f->clock_ns, "Target clock period in ns (default 5)");
    sub.add_option("--model", f->model, "analytical | learned (default analytical)");
    sub.add_option("--model-file", f->model_file,
                   "Coefficients (.json, analytical) or trained model (.h5, learned)");
    sub.add_flag("--json", f->json, "Print one JSON object instead of the table");
    return [f, rf, clk] {
        f->rf_set = rf->count() > 0;
        f->clock_set = clk->count() > 0;
        return runtime::run_estimate(*f);
    };
}

const RegisterCommand kRegister{
    {"estimate", setup_estimate,
     "Estimate FPGA resources, latency and II of a network with the hardware surrogate"}};

}  // namespace
}  // namespace snac::app
