// snac inspect ARCH.yaml|CHECKPOINT.h5|MODEL.onnx [--bits B] [--json]: the layer table of a network
// with parameter, multiply-accumulate and BOPs counts (docs/training.md#counting).

#include "cli_checks.hpp"
#include "command.hpp"
#include "snac/runtime/inspect_command.hpp"

namespace snac::app {
namespace {
std::function<int()> setup_inspect(CLI::App& sub) {
    auto args = std::make_shared<runtime::InspectOptions>();
    sub.add_option("PATH", args->path,
                   "Architecture file (YAML), checkpoint (.h5) or ONNX model (.onnx)")
        ->required();
    sub.add_option("--bits", args->bits, "Weight and activation bit width for BOPs")
        ->check(in_range<long long>(1, 64))
        ->capture_default_str();
    sub.add_flag("--json", args->json,
                 "Print {\"params\", \"bops\": {macs, nac, snac, paper}, \"layers\"} as JSON");
    return [args]() { return runtime::run_inspect(*args); };
}

const RegisterCommand kRegister{
    {"inspect", setup_inspect,
     "Print a network's layers, parameters, multiply-accumulates and BOPs"}};

}  // namespace
}  // namespace snac::app
