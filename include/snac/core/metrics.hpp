#pragma once
/// The metric registry: every metric snac knows, in one table (src/core/metrics.cpp). Config
/// validation, the estimator, the trainer's val_/test_ names, the study driver, the CSV exports
/// and docs/config.md (checked by a test) all read it. Adding a metric = one row here + the code
/// that computes it.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "snac/core/config/search_config.hpp"

namespace snac {

/// The registered names as constants, for code that reads one metric by name (a misspelt
/// name is then a compile error, not an empty column). Each is the name of a registry row.
namespace metric {
inline constexpr std::string_view kParams = "params";
inline constexpr std::string_view kBops = "bops";
inline constexpr std::string_view kMacs = "macs";
inline constexpr std::string_view kEstAvgResourcePct = "est_avg_resource_pct";
inline constexpr std::string_view kEstLutPct = "est_lut_pct";
inline constexpr std::string_view kEstFfPct = "est_ff_pct";
inline constexpr std::string_view kEstDspPct = "est_dsp_pct";
inline constexpr std::string_view kEstBramPct = "est_bram_pct";
inline constexpr std::string_view kEstUramPct = "est_uram_pct";
inline constexpr std::string_view kEstLatencyCycles = "est_latency_cycles";
inline constexpr std::string_view kEstLatencyCyclesMin = "est_latency_cycles_min";
inline constexpr std::string_view kEstIiCycles = "est_ii_cycles";
inline constexpr std::string_view kEstLut = "est_lut";
inline constexpr std::string_view kEstFf = "est_ff";
inline constexpr std::string_view kEstDsp = "est_dsp";
inline constexpr std::string_view kEstBram = "est_bram";
inline constexpr std::string_view kEstUram = "est_uram";
inline constexpr std::string_view kAccuracy = "accuracy";
inline constexpr std::string_view kTestAccuracy = "test_accuracy";
inline constexpr std::string_view kLoss = "loss";
inline constexpr std::string_view kTestLoss = "test_loss";
inline constexpr std::string_view kMeanDistance = "mean_distance";
inline constexpr std::string_view kTestMeanDistance = "test_mean_distance";
inline constexpr std::string_view kTrainSeconds = "train_seconds";
}  // namespace metric

/// Where a metric's value comes from.
enum class MetricSource {
    kCount,      ///< counted from the architecture (nn/counting), before training
    kSurrogate,  ///< the hardware cost model's estimate (surrogate), before training
    kTraining,   ///< measured by training (nn/trainer)
    kDerived,    ///< computed from other metrics of the same source, before training
};

struct MetricInfo {
    std::string_view name;       ///< the name a config uses (objectives, constraints)
    Direction direction;         ///< the usual direction (used when a config omits it)
    MetricSource source;
    std::string_view key;        ///< its key in a trial's metrics and study user attributes
    std::string_view csv_column; ///< column in pareto_global.csv; "" = not exported there
    std::string_view unit;       ///< "" for a dimensionless count
    std::string_view doc;        ///< one line for docs/config.md
    bool objective = true;       ///< may be an objective or constraint (test_* may not: leakage)
};

/// Every metric, in the order of exports and docs.
std::span<const MetricInfo> metric_registry();
/// The row of `name`, or nullptr.
const MetricInfo* find_metric(std::string_view name);
/// Names usable as objectives/constraints.
std::vector<std::string> objective_metric_names();
/// Names of the metrics `source` produces.
std::vector<std::string> metric_names(MetricSource source);
/// Known before training (count, surrogate, derived): a violated constraint on it prunes.
bool known_before_training(std::string_view name);
/// The value of metric `name` among a trial's metrics (by its key), or nullopt.
std::optional<double> find_metric_value(const std::map<std::string, double>& metrics,
                                        std::string_view name);
/// Which split a training metric was evaluated on.
enum class EvalSplit { kValidation, kTest };
/// The key under which training metric `base` ("accuracy", "loss", "mean_distance") evaluated on
/// `split` is stored ("val_accuracy", "test_accuracy"). Throws Error for an unregistered metric.
std::string training_metric_key(std::string_view base, EvalSplit split);
std::string_view to_string(MetricSource s) noexcept;  ///< "count", "surrogate", ...

/// The metric table of docs/config.md (Markdown), generated from the registry.
std::string metric_table_markdown();

}  // namespace snac
