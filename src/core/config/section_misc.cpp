// Small sections: local (runtime and output live in section_runtime.cpp, surrogate in
// section_surrogate.cpp).
#include "config/sections.hpp"

namespace snac::config {

void parse_local(MapReader& in, LocalConfig& out) {
    in.get("enabled", out.enabled);
    // Model selection moved to its own stage (select: section); say where instead of a bare
    // "unknown key".
    for (const auto& [old_key, new_key] : {std::pair{"select", "rule"},
                                           std::pair{"select_count", "count"},
                                           std::pair{"select_trials", "trials"}})
        if (in.has(old_key)) {
            in.raw(old_key);
            in.error_at(old_key, std::string("'local.") + old_key + "' moved to 'select." +
                                     new_key + "'",
                        "write it in a top-level 'select:' section (docs/config.md#select)");
        }
    in.get("tpe_trials", out.tpe_trials, 1, 100000);
    in.get("bit_widths", out.bit_widths);
    for (int b : out.bit_widths)
        if (b < 2 || b > 32)
            in.error_at("bit_widths", "bit width " + std::to_string(b) + " is outside 2..32");
    in.get("pruning_iterations", out.pruning_iterations, 0, 100);
    in.get("pruning_rate", out.pruning_rate, 0.0, 0.99);
    in.get("epochs_per_iteration", out.epochs_per_iteration, 1, 10000);
}

void emit_local(YAML::Emitter& out, const LocalConfig& c) {
    out << YAML::BeginMap;
    out << YAML::Key << "enabled" << YAML::Value << c.enabled;
    out << YAML::Key << "tpe_trials" << YAML::Value << c.tpe_trials;
    out << YAML::Key << "bit_widths" << YAML::Value << YAML::Flow << c.bit_widths;
    out << YAML::Key << "pruning_iterations" << YAML::Value << c.pruning_iterations;
    out << YAML::Key << "pruning_rate" << YAML::Value << c.pruning_rate;
    out << YAML::Key << "epochs_per_iteration" << YAML::Value << c.epochs_per_iteration;
    out << YAML::EndMap;
}

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
        const bool on_val = metric == "accuracy" || metric == "loss" || metric == "mean_distance";
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
