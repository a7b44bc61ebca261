#pragma once
/// Trains one network on an in-memory dataset with oneDNN (docs/training.md).
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "snac/core/checkpoint_data.hpp"
#include "snac/core/config/train_config.hpp"
#include "snac/core/dataset.hpp"
#include "snac/core/hls_settings.hpp"
#include "snac/nn/network_spec.hpp"

namespace snac::nn {

enum class TrainStatus { kOk, kDiverged, kStopped, kFailed };

struct EpochReport {
    int epoch = 0;
    double train_loss = 0.0;
    std::map<std::string, double> val_metrics;  ///< "loss", "accuracy" or "mean_distance"
    double seconds = 0.0;
};

struct TrainOptions {
    std::uint64_t seed = 1;
    int threads = 0;                                   ///< 0: leave OpenMP's setting
    std::function<void(const EpochReport&)> on_epoch;  ///< progress; may be empty
    const std::atomic<bool>* stop = nullptr;           ///< checked between batches: stop early
    /// Start from these weights (e.g. a trained checkpoint's layers) instead of random ones.
    const std::vector<LayerWeights>* initial_weights = nullptr;
    /// Quantization-aware training with these per-layer precisions (snac/nn/qat.hpp): the
    /// forward pass applies FixedModel's casts, gradients pass straight through. Batch-norm
    /// statistics are frozen. The checkpoint holds the weights on their ap_fixed grid.
    const HlsSettings* quantize = nullptr;
    /// Pruning masks by layer name (top-level dense/conv2d kernels, kernel layout, 1 keep /
    /// 0 prune): masked weights stay exactly 0 through every optimizer step; the checkpoint
    /// gets a `kernel_mask` tensor per masked layer.
    const std::map<std::string, std::vector<float>>* masks = nullptr;
};

struct TrainResult {
    TrainStatus status = TrainStatus::kOk;
    std::string reason;                     ///< why, when status is not kOk
    std::map<std::string, double> metrics;  ///< final: val_* and test_* metrics
    std::vector<EpochReport> history;
    CheckpointData checkpoint;  ///< weights + architecture + history
    /// Under QAT (TrainOptions::quantize): the float masters of the quantized weights (the
    /// checkpoint holds them on their ap_fixed grid), in checkpoint layout. A chain continues
    /// and prunes from these, as the grid loses what fine-tuning moved by less than half a step.
    /// Empty without QAT and when early stopping restored an earlier epoch.
    std::vector<LayerWeights> master_weights;
    double seconds = 0.0;
};

/// Trains `net` on data's train split, early-stops on the validation split, evaluates the test
/// split. Deterministic for (seed, threads). Divergence (NaN/Inf) is a status, not an exception;
/// bad shapes (network input vs. dataset sample) throw UsageError.
TrainResult train_network(const NetworkSpec& net, const Dataset& data, const TrainConfig& config,
                          const TrainOptions& options);

/// Float inference of a trained checkpoint: outputs for `n` samples laid out as in Dataset::x.
std::vector<float> predict(const CheckpointData& checkpoint, const float* x, std::int64_t n);

}  // namespace snac::nn
