#pragma once
/// An in-memory dataset (float32 samples) as trainers see it. Filled by io::load_dataset from the
/// HDF5 layout of docs/data-format.md; numerics (nn) take it without knowing about files.
#include <cstdint>
#include <string>
#include <vector>

#include "snac/core/config/data_config.hpp"

namespace snac {

enum class TaskType { kClassification, kRegression };

enum class Split { kTrain, kVal, kTest };

/// Per-channel affine map applied at import, fitted on the training split only:
/// stored = (raw - shift[c]) / scale[c]. Channels: [F] -> each feature; [K, F] -> the last axis
/// (a feature shared by all set elements); [C, H, W] -> the first axis (image channel).
struct FeatureScaling {
    Normalization method = Normalization::kNone;
    std::vector<float> shift, scale;  ///< one entry per channel; empty for "none"
};

/// Number of normalisation channels of a sample shape (rule of FeatureScaling).
std::int64_t scaling_channels(const std::vector<std::int64_t>& sample_shape);
/// Channel of flat element `element` (0 <= element < prod(sample_shape)) of one sample.
std::int64_t scaling_channel_of(const std::vector<std::int64_t>& sample_shape,
                                std::int64_t element);

struct Dataset {
    std::string name;
    TaskType task = TaskType::kClassification;
    std::vector<std::int64_t> sample_shape;  ///< one sample: [F], [C,H,W] or [elements, features]
    std::int64_t n_samples = 0;
    std::vector<float> x;              ///< n_samples x prod(sample_shape), row-major
    std::vector<std::int32_t> labels;  ///< classification: class index per sample
    std::vector<float> targets;        ///< regression: n_samples x target_dim
    std::int64_t target_dim = 0;       ///< regression output width
    std::int64_t n_classes = 0;        ///< classification
    std::vector<std::string> feature_names;
    std::vector<std::string> class_names;
    std::vector<std::int64_t> train_idx, val_idx, test_idx;  ///< split indices into the samples
    FeatureScaling scaling;  ///< how x was normalised (already applied to x)

    std::int64_t sample_size() const;  ///< prod(sample_shape)
    const std::vector<std::int64_t>& indices(Split split) const;
};

/// Seeded shuffling mini-batch iterator over one split. Shuffles an index permutation per epoch
/// (never the samples) and gathers one batch at a time into caller-owned buffers.
class BatchIterator {
public:
    /// `shuffle` false keeps the split order (evaluation). Throws std::invalid_argument for
    /// batch_size < 1.
    BatchIterator(const Dataset& data, Split split, std::int64_t batch_size, std::uint64_t seed,
                  bool shuffle = true);

    /// Starts epoch `epoch` (0-based): the permutation depends only on (seed, epoch).
    void start_epoch(std::int64_t epoch);
    /// Copies the next batch into x (batch x sample_size) and labels or targets; returns the
    /// number of samples copied (0 at the end of the epoch; the last batch may be short).
    std::int64_t next(std::vector<float>& x, std::vector<std::int32_t>& labels,
                      std::vector<float>& targets);
    std::int64_t batches_per_epoch() const;
    std::int64_t size() const { return static_cast<std::int64_t>(order_.size()); }

private:
    const Dataset& data_;
    std::vector<std::int64_t> base_;   ///< the split's indices
    std::vector<std::int64_t> order_;  ///< this epoch's permutation of base_
    std::int64_t batch_size_;
    std::uint64_t seed_;
    bool shuffle_;
    std::int64_t cursor_ = 0;
};

}  // namespace snac
