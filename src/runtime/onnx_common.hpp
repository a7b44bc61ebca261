#pragma once
// Private to runtime: what ONNX import and export agree on.
#include <cstdint>
#include <vector>

#include "snac/core/checkpoint_data.hpp"
#include "snac/io/onnx_file.hpp"
#include "snac/nn/network_spec.hpp"

namespace snac::runtime {

/// ONNX `pads` [top, left, bottom, right] of snac's "same" padding (TensorFlow's split: the extra
/// pixel at the end) for a [C, H, W] input, kernel k and stride s.
std::vector<std::int64_t> same_pads(const nn::Shape& chw, std::int64_t k, std::int64_t s);

/// metadata_props keys under which an export stores what the graph cannot hold (the training
/// settings and the checkpoint's attributes), so export -> import returns the same checkpoint.
inline constexpr const char* kMetaTraining = "snac.training";
inline constexpr const char* kMetaAttributePrefix = "snac.attribute.";

/// Copies snac.* metadata of an exported model back into the checkpoint.
void restore_snac_metadata(const io::OnnxModel& model, CheckpointData& checkpoint);

}  // namespace snac::runtime
