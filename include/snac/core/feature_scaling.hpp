#pragma once
/// The input normalisation a model was trained with, as text stored with the model
/// (checkpoint attribute "input_scaling", docs/checkpoint-format.md), and its application to raw
/// samples (snac predict).
#include <cstdint>
#include <string>
#include <vector>

#include "snac/core/dataset.hpp"

namespace snac {

struct StoredScaling {
    FeatureScaling scaling;
    std::vector<std::int64_t> sample_shape;  ///< the dataset's sample shape (decides channels)
};

/// YAML: {method, sample_shape, shift, scale}; floats printed with 9 significant digits, so the
/// text round-trips float32 exactly.
std::string scaling_to_yaml(const FeatureScaling& scaling,
                            const std::vector<std::int64_t>& sample_shape);
/// Throws UsageError naming `source` for malformed text or shift/scale sizes that do not match
/// the channels of sample_shape.
StoredScaling scaling_from_yaml(const std::string& text, const std::string& source);
/// stored = (raw - shift[c]) / scale[c] for n samples of prod(sample_shape) values, in place
/// (the importer's rule; nothing happens for method "none").
void apply_scaling(const StoredScaling& s, float* x, std::int64_t n);

}  // namespace snac
