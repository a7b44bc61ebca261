// snac export MODEL --onnx OUT.onnx [--qonnx OUT.qonnx.onnx] [--precision TYPE]: a checkpoint
// (or an ONNX model snac can import) as float ONNX, and as QONNX when the checkpoint carries
// per-layer precisions (docs/onnx.md).
#include <cstdio>
#include <memory>
#include <optional>

#include "command.hpp"
#include "snac/core/error.hpp"
#include "snac/runtime/model_file.hpp"
#include "snac/runtime/onnx_model.hpp"

namespace snac::app {
namespace {

struct ExportArgs {
    std::string model;
    std::string onnx;
    std::string qonnx;
    std::string precision;
};

// OUT.onnx -> OUT.qonnx.onnx
std::string qonnx_name(const std::string& onnx) {
    const std::string ext = ".onnx";
    const bool has_ext =
        onnx.size() > ext.size() && onnx.compare(onnx.size() - ext.size(), ext.size(), ext) == 0;
    return (has_ext ? onnx.substr(0, onnx.size() - ext.size()) : onnx) + ".qonnx.onnx";
}

int run_export(const ExportArgs& a) {
    if (a.onnx.empty() && a.qonnx.empty())
        throw UsageError("nothing to export", "pass --onnx OUT.onnx (and/or --qonnx OUT.onnx)");
    const runtime::ModelFile m = runtime::load_model(a.model);
    if (!m.has_weights())
        throw UsageError("'" + a.model + "' is an architecture file without weights",
                         "export a trained checkpoint (.h5), e.g. from snac train");
    const bool quantized = m.checkpoint.attributes.count("hls_settings") > 0;
    std::optional<FixedType> fallback;
    if (!a.precision.empty()) fallback = FixedType::parse(a.precision);
    const bool quiet = global_options().quiet;
    if (!a.onnx.empty()) {
        runtime::export_onnx(m.checkpoint, a.onnx);
        if (!quiet) std::printf("wrote %s (float ONNX, opset 13)\n", a.onnx.c_str());
    }
    // A quantized checkpoint always gets its QONNX twin; a float one only when asked.
    std::string qpath = a.qonnx;
    if (qpath.empty() && !a.onnx.empty() && (quantized || fallback)) qpath = qonnx_name(a.onnx);
    if (!qpath.empty()) {
        runtime::export_qonnx(m.checkpoint, qpath, fallback ? &*fallback : nullptr);
        if (!quiet)
            std::printf("wrote %s (QONNX: Quant nodes from %s)\n", qpath.c_str(),
                        fallback ? a.precision.c_str() : "the checkpoint's hls_settings");
    }
    return 0;
}

std::function<int()> setup_export(CLI::App& sub) {
    auto args = std::make_shared<ExportArgs>();
    sub.add_option("MODEL", args->model, "Checkpoint (.h5) or ONNX model to export")->required();
    sub.add_option("--onnx", args->onnx,
                   "Float ONNX output (with hls_settings in the checkpoint, OUT.qonnx.onnx too)");
    sub.add_option("--qonnx", args->qonnx, "QONNX output (Quant nodes; default OUT.qonnx.onnx)");
    sub.add_option("--precision", args->precision,
                   "One ap_fixed type for every Quant node (overrides the checkpoint's)");
    return [args]() { return run_export(*args); };
}

const RegisterCommand kRegister{
    {"export", setup_export, "Export a checkpoint as ONNX (float) and QONNX (quantized)"}};

}  // namespace
}  // namespace snac::app
