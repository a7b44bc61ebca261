#pragma once
/// `snac predict`: float or fixed-point (firmware-exact) inference of a checkpoint or ONNX model
/// on samples from NPY, CSV or a snac dataset (docs/cli.md#predict).
#include <cstdint>
#include <string>
#include <vector>

namespace snac::runtime {

enum class PredictArithmetic { kFloat, kFixed };
enum class InputScaling { kApply, kRaw };

struct PredictOptions {
    std::string model;   ///< checkpoint (.h5) or ONNX model (.onnx)
    std::string input;   ///< .npy, .csv/.csv.gz, or a snac dataset (.h5)
    std::string output;  ///< .npy to write
    PredictArithmetic arithmetic = PredictArithmetic::kFloat;
    std::string precision;  ///< fixed: one ap_fixed type for every tensor (overrides the model's)
    InputScaling scaling = InputScaling::kApply;
    std::string split = "all";  ///< snac dataset input: all | train | val | test
};

struct PredictSummary {
    std::int64_t samples = 0;
    std::vector<std::int64_t> output_shape;  ///< [N, ...]
    std::string normalisation;               ///< what was done to the inputs, for the user
    std::string arithmetic;                  ///< "float" or "fixed (<settings source>)"
};

/// Reads, normalises, infers and writes the output NPY (float32 for float inference, float64 for
/// fixed point: every ap_fixed result is exact in a double). Throws UsageError for a model
/// without weights, inputs whose sample size does not match the model, or bad files.
PredictSummary run_predict(const PredictOptions& options);

/// The summary's output shape as snac prints shapes, e.g. "[100, 5]".
std::string output_shape_text(const PredictSummary& summary);

}  // namespace snac::runtime
