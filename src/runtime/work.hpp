#pragma once
// Private to runtime: the real work behind the actors. Estimation (counts, hardware estimate,
// pre-training constraint check) and training (oneDNN, HDF5 checkpoint). Metric names and their
// keys come from the registry (snac/core/metrics.hpp).
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "snac/core/config.hpp"
#include "snac/core/dataset.hpp"
#include "snac/core/fpga_part.hpp"
#include "snac/core/metrics.hpp"
#include "snac/runtime/messages.hpp"
#include "snac/surrogate/cost_model.hpp"
#include "snac/surrogate/hardware_estimate.hpp"

namespace snac::runtime::detail {

/// Constraint values in config order ("violated when > 0"); nullopt entries when unknown.
std::vector<std::optional<double>> constraint_values(const SearchConfig& search,
                                                     const std::map<std::string, double>& metrics);

/// Estimates candidates: parameters, MACs, BOPs (config convention and bit width) and the cost
/// model's est_* metrics; rejects candidates that violate a pre-training constraint.
class Estimator {
public:
    explicit Estimator(const RunConfig& config);
    EstimateResult operator()(const Candidate& c) const;
    /// The results of operator() on each candidate, in order (an estimator rank's batched task).
    /// Throws when any candidate fails; the estimator loop then retries one at a time.
    std::vector<EstimateResult> operator()(const std::vector<Candidate>& cs) const;

private:
    EstimateResult counted(const Candidate& c, nn::NetworkSpec& net) const;
    void judge(EstimateResult& r, const surrogate::HardwareEstimate& hw) const;

    const RunConfig& config_;
    std::unique_ptr<surrogate::CostModel> model_;
    const FpgaPart& part_;
};

/// Trains candidates on this rank's copy of the dataset and writes their checkpoints.
class Trainer {
public:
    Trainer(const RunConfig& config, const Dataset& data, std::string run_dir, int threads,
            const std::atomic<bool>* stop);
    TrainReport operator()(const Candidate& c) const;

private:
    const RunConfig& config_;
    const Dataset& data_;
    std::string run_dir_;
    int threads_;
    const std::atomic<bool>* stop_;
    std::vector<std::int64_t> fail_trials_;  // test hook SNAC_TEST_FAIL_TRIALS
};

/// Checkpoint path of a global-stage trial, relative to RUN_DIR.
std::string checkpoint_relpath(std::int64_t trial);

}  // namespace snac::runtime::detail
