#pragma once
/// ONNX models <-> snac checkpoints (docs/onnx.md). The file encoding is io's (io/onnx_file.hpp);
/// this maps an ONNX graph onto the architecture-file vocabulary and back, so it needs nn's
/// NetworkSpec and lives above both.
#include <string>

#include "snac/core/checkpoint_data.hpp"
#include "snac/core/fixed_type.hpp"

namespace snac::runtime {

/// Reads an ONNX model made of the supported operators (docs/onnx.md) into a checkpoint:
/// architecture YAML, weights in snac's layouts, attributes["source"] = the path. Throws
/// UsageError naming the node and its op type for anything snac cannot represent.
CheckpointData import_onnx(const std::string& path);

/// Float ONNX (opset 13) of a checkpoint. Throws UsageError for layers without an ONNX mapping.
void export_onnx(const CheckpointData& checkpoint, const std::string& path);

/// QONNX-style model: the float graph with Quant nodes (power-of-two scale, zero point 0, the bit
/// width of each ap_fixed type) on the input, on every weight and bias, and on every layer's
/// result, from attributes["hls_settings"]; `fallback`, when given, is used for every type instead.
/// Throws UsageError when neither is available.
void export_qonnx(const CheckpointData& checkpoint, const std::string& path,
                  const FixedType* fallback = nullptr);

}  // namespace snac::runtime
