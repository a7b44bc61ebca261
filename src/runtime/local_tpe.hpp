#pragma once
// Private to runtime: the local stage's TPE search over training settings
// (docs/local-search.md#tpe).
// Per model: trial 0 trains with the `train:` section as written (the baseline), then snac's TPE
// sampler proposes settings from the training-gene space of local_tpe_space(); every trial trains
// the architecture in float from a fresh seeded initialisation, is a trial of the model's own
// study `local_tpe_<model>` and keeps its checkpoint. A killed run continues after its last
// finished trial. The best trial's settings then train the QAT x pruning chains.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "snac/core/config.hpp"
#include "snac/core/dataset.hpp"

namespace snac::runtime::detail {

/// The searched training settings around `base` (the `train:` section): every range and list
/// holds base's own value, so the baseline trial is a point of the space.
SearchSpaceConfig local_tpe_space(const TrainConfig& base);

struct TpeOutcome {
    bool stopped = false;              ///< a signal arrived: nothing more was started
    std::int64_t trials = 0;           ///< trials in the study (all states)
    std::optional<std::int64_t> best;  ///< the best COMPLETE trial
    double best_metric = 0.0;          ///< its float validation metric
    TrainConfig best_settings;         ///< its training settings (`train:` + its genes)
    std::string best_checkpoint;       ///< its float checkpoint, relative to the run directory
};

/// Runs or continues the TPE stage of one model up to `cfg.local.tpe_trials` trials.
TpeOutcome run_local_tpe(const RunConfig& cfg, const Dataset& data, const std::string& run_dir,
                         const std::string& model, const std::string& architecture_yaml,
                         const std::atomic<bool>* stop);

}  // namespace snac::runtime::detail
