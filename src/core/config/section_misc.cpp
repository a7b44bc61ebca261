// Small sections (local lives in section_local.cpp, runtime and output in section_runtime.cpp,
// surrogate in section_surrogate.cpp).
#include "config/sections.hpp"

#include "snac/core/metrics.hpp"

namespace snac::config {

namespace {

/// The location of search.<key> (or of the nearest enclosing node that exists).
YAML::Mark search_mark(const YAML::Node& root, const char* key) {
    if (!root.IsMap()) return root.Mark();
    const YAML::Node search = root["search"];
    if (!search.IsDefined() || !search.IsMap()) return root.Mark();
    const YAML::Node node = search[key];
    return node.IsDefined() ? node.Mark() : search.Mark();
}

}  // namespace

// Cross-section checks: an objective or constraint the dataset cannot produce would make every
// trial FAIL ("objective 'accuracy' was not measured") after hours of training; reject it here.
void validate_run(const RunConfig& cfg, Diagnostics& diag, const YAML::Node& root) {
    // Only a search config: `snac data import` parses a data-only text with default objectives.
    if (!root.IsMap() || !root["search_space"].IsDefined()) return;
    std::vector<std::pair<std::string, const char*>> metrics;
    for (const auto& o : cfg.search.objectives) metrics.emplace_back(o.metric, "objectives");
    for (const auto& c : cfg.search.constraints) metrics.emplace_back(c.metric, "constraints");
    const TaskChoice task = cfg.data.source.task;
    for (const auto& [metric, key] : metrics) {
        // Training metrics measured on the validation split, per the metric registry.
        const MetricInfo* info = find_metric(metric);
        const bool on_val = info && info->source == MetricSource::kTraining &&
                            info->key.substr(0, 4) == "val_";
        // An explicit data.path brings its own split; the config's split applies on import.
        if (on_val && cfg.data.path.empty() && cfg.data.split.val <= 0.0)
            diag.error(search_mark(root, key),
                       "'" + metric + "' is measured on the validation split, but data.split.val "
                       "is 0: every trial would fail",
                       "give the validation split a fraction (e.g. data.split: {train: 0.7, val: "
                       "0.1, test: 0.2}) or choose another metric");
        if (metric == "accuracy" && task == TaskChoice::kRegression)
            diag.error(search_mark(root, key),
                       "'accuracy' needs a classification dataset, but data.source.task is "
                       "regression",
                       "use 'mean_distance' or 'loss' for regression");
        if (metric == "mean_distance" && task == TaskChoice::kClassification)
            diag.error(search_mark(root, key),
                       "'mean_distance' needs a regression dataset, but data.source.task is "
                       "classification",
                       "use 'accuracy' or 'loss' for classification");
    }
}

}  // namespace snac::config
