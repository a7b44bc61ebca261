#pragma once
/// The HLS stage (docs/pipeline.md#hls): for a checkpoint, emit the Vitis HLS project, run its C
/// simulation with g++ against snac's fixed-point inference, estimate it with the surrogate and
/// check that it fits the part. `snac hls CHECKPOINT` builds one project; `snac hls RUN_DIR`
/// builds every design the earlier stages chose, in parallel.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "snac/core/config.hpp"
#include "snac/core/hls_settings.hpp"

namespace snac::runtime {

/// One project to build.
struct HlsProjectJob {
    std::string checkpoint;  ///< .h5 path
    std::string out_dir;     ///< project directory to create
    std::string name;        ///< project / top-function name ("" = checkpoint file stem)
    std::string part;        ///< FPGA part or board name (resolved with find_part)
    HlsSettings settings;
    /// Take the settings from the checkpoint's attributes["hls_settings"] (the local stage's
    /// per-layer precisions) instead of `settings`; a checkpoint without them is an error.
    bool settings_from_checkpoint = false;
    std::string data;             ///< dataset whose test split feeds the testbench; "" = the
                                  ///< checkpoint's training dataset when found, else random
    std::int64_t samples = 1000;  ///< testbench samples; 0 = the whole test split
    std::uint64_t seed = 1;       ///< of random inputs
    bool csim = true;
    bool synth = false;
    bool force = false;         ///< write into a non-snac directory
    SurrogateConfig surrogate;  ///< cost model of the estimate
    std::string surrogate_base_dir;
};

/// What building one project found.
struct HlsProjectResult {
    std::string project_dir;
    std::string name;         ///< sanitized top-function name
    std::string test_inputs;  ///< where the testbench inputs came from
    std::int64_t csim_samples = 0;
    std::int64_t csim_mismatches = 0;
    bool csim_ran = false;
    double max_abs_diff_vs_float = 0.0;
    std::optional<double> accuracy_float;    ///< classification datasets only
    std::optional<double> accuracy_fixed;    ///< the fixed-point (firmware) test accuracy
    /// The task metric on the test inputs ("accuracy" | "mean_distance"; "" = random inputs):
    /// of the float network, of the C simulation's outputs (the firmware), and as the local
    /// stage recorded it for the checkpoint (attribute final_metrics fixed_test_<metric>).
    std::string metric;
    std::optional<double> metric_float;
    std::optional<double> metric_fixed;
    std::optional<double> metric_local;
    std::map<std::string, double> estimate;  ///< surrogate::metric_values: est_lut_pct, ...
    std::string estimate_source;
    std::map<std::string, double> synth;  ///< csynth report when --synth ran
    bool fits = true;                     ///< every resource <= 100 % of the part
    std::vector<std::string> warnings;
};

/// Builds one project: lower, testbench, emit, C simulation, estimate, manifest
/// (DIR/snac_hls.json). Throws UsageError for bad input (unknown part or layer in the
/// settings), Error when the project does not compile; a C-simulation mismatch is reported in
/// the result (callers decide: it is a failed design, not a crash).
HlsProjectResult build_hls_project(const HlsProjectJob& job);

struct HlsStageOptions {
    std::string run_dir;
    bool synth = false;  ///< run Vitis HLS csynth when vitis_hls/vivado_hls is on PATH
    int threads = 0;     ///< parallel C simulations; 0 = the machine's cores
    /// Reuse the designs an interrupted run of the stage finished: a COMPLETE trial of the
    /// study's `hls` study for the same design, checkpoint content, hls: section and --synth,
    /// whose project is still there. Otherwise every design is rebuilt.
    bool resume = false;
};

/// One design of the stage and its outcome.
struct HlsDesignResult {
    std::string design;  ///< model or local design name; the project is hls/<design>
    std::string model;
    std::int64_t trial = -1;
    std::string precision;  ///< local stage's precision label ("" = config hls: section)
    double sparsity = 0.0;
    std::string checkpoint;   ///< relative to RUN_DIR
    bool from_local = false;  ///< a local-stage design: settings from the checkpoint
    std::string error;        ///< non-empty when the build failed
    HlsProjectResult result;
    bool reused = false;      ///< finished by an earlier, interrupted run (resume)
};

struct HlsStageResult {
    std::string source;       ///< the designs file read (selected.yaml or local/selected.yaml)
    std::string summary_csv;  ///< RUN_DIR/hls/summary.csv
    std::vector<HlsDesignResult> designs;
    std::int64_t failed = 0;  ///< designs that did not build or whose C simulation mismatched
    std::int64_t reused = 0;  ///< designs taken from an interrupted run (resume)
};

/// Throws UsageError naming the problem when --synth was asked for and neither vitis_hls nor
/// vivado_hls is on PATH.
void require_synthesis_tool();

/// "ok" | "error" | "not simulated" | "mismatch" (C simulation differs from snac's fixed-point
/// inference) | "metric differs" (the firmware's test metric is not the local stage's).
std::string design_status(const HlsDesignResult& design);

/// Runs the stage on RUN_DIR. Writes hls/<design>/, hls/summary.csv and stages/hls.done (only
/// when every design built and matched), and records each design as it finishes as a trial of
/// the study `hls` in RUN_DIR/study.db (values: the firmware metric and est_avg_resource_pct;
/// user attributes: the summary's columns). Throws Error when no design succeeded.
HlsStageResult run_hls_stage(const HlsStageOptions& options);

}  // namespace snac::runtime
