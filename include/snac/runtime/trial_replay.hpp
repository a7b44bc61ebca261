#pragma once
/// Reproducing a global trial exactly (issue 12 item 6): an architecture file carries the trial's
/// training genes and seed (its `trial:` block, docs/architecture-files.md), and
/// `snac train --from-trial RUN_DIR N` retrains trial N with the run's configuration, those genes,
/// that seed and the thread count it trained with, then compares its metrics with the study's.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "snac/core/config.hpp"

namespace snac::runtime {

/// What besides the architecture decides a trial's training.
struct TrialOrigin {
    std::int64_t number = -1;
    std::uint64_t seed = 0;
    std::map<std::string, std::string> training;  ///< training genes as text (apply_train_gene)
};

/// `architecture_yaml` (input_shape + layers) followed by the `trial:` block of `origin`.
std::string architecture_with_origin(const std::string& architecture_yaml,
                                     const TrialOrigin& origin);
/// The `trial:` block of an architecture file's text, if it has one. Throws UsageError naming
/// `source` when the block is malformed.
std::optional<TrialOrigin> origin_from_architecture(const std::string& text,
                                                    const std::string& source);

/// Everything that retrains global trial N of RUN_DIR.
struct TrialReplay {
    RunConfig config;               ///< RUN_DIR/config.yaml with the trial's genes in `train`
    TrialOrigin origin;
    std::string architecture_yaml;  ///< input_shape + layers
    std::string checkpoint;         ///< absolute path of the trial's checkpoint ("" = none kept)
    int threads = 0;                ///< OpenMP threads it trained with (0 = not recorded)
    std::map<std::string, double> recorded;  ///< the study's metrics of the trial
};

/// Reads trial `number` of RUN_DIR's global study. Throws UsageError when the run or the trial
/// is missing or the trial is not COMPLETE.
TrialReplay load_trial_replay(const std::string& run_dir, std::int64_t number);

}  // namespace snac::runtime
