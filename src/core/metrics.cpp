// The metric table. Order = column order of pareto_global.csv and row order of docs/config.md.
#include "snac/core/metrics.hpp"

#include <array>

#include "snac/core/error.hpp"

namespace snac {

namespace {

using D = Direction;
using S = MetricSource;

constexpr D kMin = D::kMinimize;
constexpr D kMax = D::kMaximize;

// clang-format off
constexpr std::array kRegistry{
    //         name                           dir   source          key                      csv column               unit          doc
    MetricInfo{metric::kParams,               kMin, S::kCount,     "params",                "params",                "",           "trainable parameters (weights and biases)"},
    MetricInfo{metric::kBops,                 kMin, S::kCount,     "bops",                  "bops",                  "bit ops",    "bit operations per inference in `search.bops_convention` at `search.bits`"},
    MetricInfo{metric::kMacs,                 kMin, S::kCount,     "macs",                  "",                      "",           "multiply-accumulates per inference"},
    MetricInfo{metric::kEstAvgResourcePct,    kMin, S::kDerived,   "est_avg_resource_pct",  "est_avg_resource_pct",  "%",          "mean of est_lut_pct, est_ff_pct, est_dsp_pct and est_bram_pct (SNAC-Pack's avg_resource)"},
    MetricInfo{metric::kEstLutPct,            kMin, S::kSurrogate, "est_lut_pct",           "est_lut_pct",           "% of part",  "estimated LUTs as a share of the target part"},
    MetricInfo{metric::kEstFfPct,             kMin, S::kSurrogate, "est_ff_pct",            "est_ff_pct",            "% of part",  "estimated flip-flops as a share of the target part"},
    MetricInfo{metric::kEstDspPct,            kMin, S::kSurrogate, "est_dsp_pct",           "est_dsp_pct",           "% of part",  "estimated DSP slices as a share of the target part"},
    MetricInfo{metric::kEstBramPct,           kMin, S::kSurrogate, "est_bram_pct",          "est_bram_pct",          "% of part",  "estimated 18 Kb BRAM blocks as a share of the target part"},
    MetricInfo{metric::kEstUramPct,           kMin, S::kSurrogate, "est_uram_pct",          "",                      "% of part",  "estimated UltraRAM blocks as a share of the target part (0 on parts without URAM)"},
    MetricInfo{metric::kEstLatencyCycles,     kMin, S::kSurrogate, "est_latency_cycles",    "est_latency_cycles",    "cycles",     "estimated worst-case latency"},
    MetricInfo{metric::kEstLatencyCyclesMin,  kMin, S::kSurrogate, "est_latency_cycles_min","",                      "cycles",     "estimated best-case latency"},
    MetricInfo{metric::kEstIiCycles,          kMin, S::kSurrogate, "est_ii_cycles",         "est_ii_cycles",         "cycles",     "estimated initiation interval"},
    MetricInfo{metric::kEstLut,               kMin, S::kSurrogate, "est_lut",               "",                      "LUTs",       "estimated LUTs"},
    MetricInfo{metric::kEstFf,                kMin, S::kSurrogate, "est_ff",                "",                      "FFs",        "estimated flip-flops"},
    MetricInfo{metric::kEstDsp,               kMin, S::kSurrogate, "est_dsp",               "",                      "DSPs",       "estimated DSP slices"},
    MetricInfo{metric::kEstBram,              kMin, S::kSurrogate, "est_bram",              "",                      "BRAM18",     "estimated 18 Kb BRAM blocks"},
    MetricInfo{metric::kEstUram,              kMin, S::kSurrogate, "est_uram",              "",                      "URAMs",      "estimated UltraRAM blocks"},
    MetricInfo{metric::kAccuracy,             kMax, S::kTraining,  "val_accuracy",          "val_accuracy",          "fraction",   "classification accuracy on the validation split"},
    MetricInfo{metric::kTestAccuracy,         kMax, S::kTraining,  "test_accuracy",         "test_accuracy",         "fraction",   "classification accuracy on the test split (reported, never optimised)", false},
    MetricInfo{metric::kLoss,                 kMin, S::kTraining,  "val_loss",              "val_loss",              "",           "the training loss (cross-entropy or MSE) on the validation split"},
    MetricInfo{metric::kTestLoss,             kMin, S::kTraining,  "test_loss",             "test_loss",             "",           "the loss on the test split (reported, never optimised)", false},
    MetricInfo{metric::kMeanDistance,         kMin, S::kTraining,  "val_mean_distance",     "val_mean_distance",     "target units","regression: mean Euclidean distance to the target on the validation split"},
    MetricInfo{metric::kTestMeanDistance,     kMin, S::kTraining,  "test_mean_distance",    "test_mean_distance",    "target units","regression: mean distance on the test split (reported, never optimised)", false},
    MetricInfo{metric::kTrainSeconds,         kMin, S::kTraining,  "train_seconds",         "train_seconds",         "s",          "wall time of the candidate's training"},
};
// clang-format on

}  // namespace

std::span<const MetricInfo> metric_registry() { return kRegistry; }

const MetricInfo* find_metric(std::string_view name) {
    for (const MetricInfo& m : kRegistry)
        if (m.name == name) return &m;
    return nullptr;
}

std::vector<std::string> objective_metric_names() {
    std::vector<std::string> out;
    for (const MetricInfo& m : kRegistry)
        if (m.objective) out.emplace_back(m.name);
    return out;
}

std::vector<std::string> metric_names(MetricSource source) {
    std::vector<std::string> out;
    for (const MetricInfo& m : kRegistry)
        if (m.source == source) out.emplace_back(m.name);
    return out;
}

bool known_before_training(std::string_view name) {
    const MetricInfo* m = find_metric(name);
    return m && m->source != MetricSource::kTraining;
}

std::optional<double> find_metric_value(const std::map<std::string, double>& metrics,
                                        std::string_view name) {
    const MetricInfo* m = find_metric(name);
    // Unregistered names are keys themselves (e.g. "val_accuracy", "epochs").
    const auto it = metrics.find(std::string(m ? m->key : name));
    if (it == metrics.end()) return std::nullopt;
    return it->second;
}

std::string training_metric_key(std::string_view base, EvalSplit split) {
    const std::string name =
        split == EvalSplit::kValidation ? std::string(base) : "test_" + std::string(base);
    const MetricInfo* m = find_metric(name);
    if (!m || m->source != MetricSource::kTraining)
        throw Error("training metric '" + name + "' is not in the metric registry",
                    "add a row to src/core/metrics.cpp");
    return std::string(m->key);
}

std::string_view to_string(MetricSource s) noexcept {
    switch (s) {
        case MetricSource::kCount: return "count";
        case MetricSource::kSurrogate: return "surrogate";
        case MetricSource::kTraining: return "training";
        case MetricSource::kDerived: return "derived";
    }
    return "?";
}

std::string metric_table_markdown() {
    std::string out =
        "| metric | direction | source | study attribute | unit | meaning |\n"
        "|---|---|---|---|---|---|\n";
    for (const MetricInfo& m : kRegistry) {
        out += "| `" + std::string(m.name) + "` | ";
        out += m.direction == Direction::kMaximize ? "maximize" : "minimize";
        out += " | " + std::string(to_string(m.source)) + " | `" + std::string(m.key) + "` | " +
               std::string(m.unit) + " | " + std::string(m.doc) + " |\n";
    }
    return out;
}

}  // namespace snac
