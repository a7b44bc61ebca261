#pragma once
/// One loader for every command that takes a model: an architecture file (YAML), a snac
/// checkpoint (HDF5) or an ONNX model, told apart by content and extension.
#include <string>

#include "snac/core/checkpoint_data.hpp"
#include "snac/nn/network_spec.hpp"

namespace snac::runtime {

enum class ModelFileKind { kArchitecture, kCheckpoint, kOnnx };

struct ModelFile {
    std::string path;
    ModelFileKind kind = ModelFileKind::kArchitecture;
    nn::NetworkSpec spec;
    /// Weights and attributes (checkpoint and ONNX); for an architecture file only
    /// architecture_yaml is set and `layers` is empty.
    CheckpointData checkpoint;
    bool has_weights() const { return kind != ModelFileKind::kArchitecture; }
};

/// Loads `path`. Throws UsageError if it does not exist or is none of the three kinds.
ModelFile load_model(const std::string& path);

/// "architecture file" | "checkpoint" | "ONNX model"
std::string_view to_string(ModelFileKind kind) noexcept;

}  // namespace snac::runtime
