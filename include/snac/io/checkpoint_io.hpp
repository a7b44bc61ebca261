#pragma once
/// Checkpoints in HDF5 (docs/checkpoint-format.md): one group per layer, attributes for the
/// architecture and training settings, per-epoch history, final metrics.
#include <string>

#include "snac/core/checkpoint_data.hpp"

namespace snac::io {

/// Writes atomically (temporary file, then rename). Throws Error on I/O failure.
void write_checkpoint(const std::string& path, const CheckpointData& data);
/// Throws UsageError if the file is missing or not a snac checkpoint.
CheckpointData read_checkpoint(const std::string& path);
/// True when the file exists and carries the snac checkpoint marker attribute.
bool is_checkpoint(const std::string& path);

}  // namespace snac::io
