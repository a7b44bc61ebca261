#pragma once
/// Learned cost model (docs/surrogate.md#learned): an MLP trained with the nn engine on synthesis
/// records, predicting log1p-scaled LUT, FF, DSP, BRAM, cycles and II from structural features
/// plus the analytical model's quantities. Stored as an nn checkpoint (HDF5 through io) whose
/// attributes carry the feature list, the scalers and the analytical coefficients it was built on.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "snac/surrogate/analytical_model.hpp"
#include "snac/surrogate/records.hpp"

namespace snac::nn {
class Predictor;
}

namespace snac::surrogate {

/// Names of the per-network features, in input order.
const std::vector<std::string>& learned_feature_names();
/// Writes learned_feature_names().size() raw (unscaled) features of one network into `out`.
void learned_features(const Lowered& low, const HardwareEstimate& analytical, const FpgaPart& part,
                      const AnalyticalCoefficients& c, float* out);

struct LearnedFitOptions {
    std::vector<int> hidden = {64, 64};  ///< ReLU layer widths
    int epochs = 300;
    int batch_size = 64;
    double learning_rate = 2e-3;
    double val_fraction = 0.15;  ///< of the training architectures, for early stopping
    int patience = 40;           ///< epochs without validation improvement
    std::uint64_t seed = 1;
    const std::atomic<bool>* stop = nullptr;  ///< set (Ctrl-C) to stop between batches
};

/// Trains the MLP on records[idx] (validation split grouped by architecture). Records the
/// analytical model refuses are skipped. Throws UsageError when fewer than 8 records remain.
CheckpointData fit_learned(const std::vector<SynthesisRecord>& records,
                           const std::vector<std::size_t>& idx, const AnalyticalCoefficients& base,
                           const LearnedFitOptions& options,
                           std::vector<std::string>* log = nullptr);

class LearnedModel final : public CostModel {
public:
    /// Throws UsageError when the checkpoint is not a snac learned surrogate.
    explicit LearnedModel(CheckpointData checkpoint);
    HardwareEstimate estimate(const nn::NetworkSpec& net, const HlsSettings& hls,
                              const FpgaPart& part) const override;
    /// One batched MLP inference for all networks.
    std::vector<HardwareEstimate> estimate_batch(std::span<const nn::NetworkSpec> nets,
                                                 std::span<const HlsSettings> hls,
                                                 const FpgaPart& part) const override;
    std::string_view name() const noexcept override { return "learned"; }

private:
    CheckpointData checkpoint_;
    AnalyticalModel analytical_;
    std::vector<float> x_mean_, x_std_, y_mean_, y_std_;
    /// The MLP, built once (a per-call rebuild cost 0.2 ms per estimate); shared by copies.
    std::shared_ptr<const nn::Predictor> predictor_;
};

}  // namespace snac::surrogate
