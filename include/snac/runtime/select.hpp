#pragma once
/// The select stage (`snac select RUN_DIR`, docs/pipeline.md#select): picks K models from the
/// global search by a stated rule and writes RUN_DIR/selected.yaml for the local and HLS stages.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "snac/core/config.hpp"

namespace snac::runtime {

/// One COMPLETE global trial as the rules see it.
struct SelectTrial {
    std::int64_t number = 0;
    std::vector<double> values;       ///< objective values in config order and direction
    std::vector<double> constraints;  ///< "violated when > 0"; empty = none
    std::map<std::string, double>
        metrics;               ///< the trial's user attributes (val_accuracy, bops, ...)
    std::string architecture;  ///< relative to RUN_DIR; may be empty
    std::string checkpoint;    ///< relative to RUN_DIR; may be empty
};

struct SelectedModel {
    std::string name;  ///< "t<trial>": the model id of later stages
    std::int64_t trial = 0;
    std::string architecture;
    std::string checkpoint;
    std::map<std::string, double> metrics;
    std::string why;
};

struct Selection {
    SelectRule rule = SelectRule::kKnee;
    std::vector<SelectedModel> models;
    std::vector<std::string> warnings;  ///< e.g. fewer models qualified than asked for
};

/// Applies `select.rule` to the COMPLETE trials (pure: no files). Throws UsageError for a list
/// naming a trial that is not among them, or an unknown ranking metric.
Selection select_models(std::span<const SelectTrial> trials, const SelectConfig& select,
                        const SearchConfig& search);

/// Direction of a ranking metric: the objective's when it is one, else maximise accuracies and
/// minimise everything else.
Direction metric_direction(const std::string& metric, const SearchConfig& search);

/// The selected.yaml text (docs/pipeline.md#selectedyaml).
std::string selection_yaml(const Selection& selection);
/// Reads a selected.yaml back (the report and resume use it). Throws UsageError when malformed.
Selection read_selection(const std::string& path);

struct SelectStageOptions {
    std::string run_dir;
    /// When set, replaces the run's resolved select: section (flags of `snac select`).
    std::optional<SelectConfig> select;
};

struct SelectStageResult {
    std::string path;  ///< RUN_DIR/selected.yaml
    Selection selection;
    std::int64_t complete_trials = 0;
};

/// Runs the stage on RUN_DIR (its config.yaml and study.db): selects, writes missing
/// architecture files from the checkpoints, then selected.yaml and stages/select.done.
SelectStageResult run_select(const SelectStageOptions& options);

}  // namespace snac::runtime
