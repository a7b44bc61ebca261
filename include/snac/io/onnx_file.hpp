#pragma once
/// ONNX model files as plain data (docs/onnx.md). io owns the protobuf encoding (Debian's
/// libonnx-dev definitions); what the graph means for a snac network is decided in runtime
/// (runtime/onnx_model.hpp), which may use nn's NetworkSpec.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace snac::io {

enum class OnnxDataType { kFloat, kInt64 };

/// An initializer or a constant: float32 or int64 values, row-major.
struct OnnxTensor {
    std::string name;
    std::vector<std::int64_t> shape;
    OnnxDataType type = OnnxDataType::kFloat;
    std::vector<float> floats;       ///< kFloat: prod(shape) values
    std::vector<std::int64_t> ints;  ///< kInt64: prod(shape) values
};

enum class OnnxAttrKind { kInt, kFloat, kString, kInts, kFloats, kTensor };

struct OnnxAttribute {
    std::string name;
    OnnxAttrKind kind = OnnxAttrKind::kInt;
    std::int64_t i = 0;
    float f = 0.0f;
    std::string s;
    std::vector<std::int64_t> ints;
    std::vector<float> floats;
    OnnxTensor t;
};

struct OnnxNode {
    std::string name;
    std::string op_type;
    std::string domain;  ///< "" = the default ONNX domain
    std::vector<std::string> inputs;
    std::vector<std::string> outputs;
    std::vector<OnnxAttribute> attributes;

    const OnnxAttribute* find(const std::string& attr) const;
    std::int64_t get_int(const std::string& attr, std::int64_t fallback) const;
    float get_float(const std::string& attr, float fallback) const;
    std::string get_string(const std::string& attr, const std::string& fallback) const;
    std::vector<std::int64_t> get_ints(const std::string& attr,
                                       std::vector<std::int64_t> fallback) const;
};

/// A graph input or output: float32 with its dimensions (-1 for a symbolic dimension).
struct OnnxValueInfo {
    std::string name;
    std::vector<std::int64_t> shape;
};

struct OnnxModel {
    std::string producer_name;
    std::string producer_version;
    std::string graph_name;
    std::vector<std::pair<std::string, std::int64_t>> opsets;  ///< (domain, version)
    std::vector<OnnxNode> nodes;  ///< topologically sorted, as the format requires
    std::vector<OnnxTensor> initializers;
    std::vector<OnnxValueInfo> inputs;  ///< graph inputs that are not initializers
    std::vector<OnnxValueInfo> outputs;
    std::map<std::string, std::string> metadata;  ///< metadata_props
};

/// Reads a binary .onnx file. Throws UsageError if it is missing, not an ONNX model, or holds
/// tensor data types other than float32/int64 (or data stored outside the file).
OnnxModel read_onnx(const std::string& path);
/// Writes a binary .onnx file atomically (temporary name, then rename). Throws Error on I/O
/// failure.
void write_onnx(const std::string& path, const OnnxModel& model);
/// True when `path` ends in ".onnx" (case-insensitive).
bool is_onnx_path(const std::string& path);

}  // namespace snac::io
