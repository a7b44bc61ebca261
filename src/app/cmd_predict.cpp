// snac predict MODEL --input X --out Y.npy [--fixed] [--precision TYPE] [--raw] [--split S]:
// inference of a checkpoint or ONNX model on new samples (float, or the firmware's fixed point).
#include <cstdio>
#include <memory>

#include "command.hpp"
#include "snac/runtime/predict.hpp"

namespace snac::app {
namespace {

struct PredictArgs {
    runtime::PredictOptions options;
    bool fixed = false;
    bool raw = false;
};

std::function<int()> setup_predict(CLI::App& sub) {
    auto args = std::make_shared<PredictArgs>();
    auto& o = args->options;
    sub.add_option("MODEL", o.model, "Checkpoint (.h5) or ONNX model (.onnx)")->required();
    sub.add_option("--input", o.input,
                   "Samples: .npy [N, ...], .csv (header + rows) or a snac "
                   "dataset (.h5)")
        ->required();
    sub.add_option("--out", o.output, "Output .npy: [N, outputs] (float32; float64 with --fixed)")
        ->required();
    sub.add_flag("--fixed", args->fixed,
                 "Fixed-point inference, bit-exact with the generated firmware (the model's "
                 "hls_settings, else ap_fixed<16,6>)");
    sub.add_option("--precision", o.precision,
                   "With --fixed: one type for every tensor, e.g. 'ap_fixed<8,3>'");
    sub.add_flag("--raw", args->raw,
                 "Use the samples as they are (skip the normalisation stored with the model)");
    sub.add_option("--split", o.split, "Snac dataset input: all | train | val | test")
        ->capture_default_str();
    return [args]() {
        runtime::PredictOptions opt = args->options;
        opt.arithmetic =
            args->fixed ? runtime::PredictArithmetic::kFixed : runtime::PredictArithmetic::kFloat;
        opt.scaling = args->raw ? runtime::InputScaling::kRaw : runtime::InputScaling::kApply;
        const runtime::PredictSummary s = runtime::run_predict(opt);
        if (!global_options().quiet)
            std::printf("%lld samples, %s inference, input normalisation: %s\nwrote %s %s\n",
                        static_cast<long long>(s.samples), s.arithmetic.c_str(),
                        s.normalisation.c_str(), opt.output.c_str(),
                        runtime::output_shape_text(s).c_str());
        return 0;
    };
}

const RegisterCommand kRegister{
    {"predict", setup_predict,
     "Run a checkpoint or ONNX model on new samples (float or firmware-exact fixed point)"}};

}  // namespace
}  // namespace snac::app
