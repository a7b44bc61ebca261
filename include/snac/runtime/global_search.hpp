#pragma once
/// The global stage end to end (`snac global`, `snac run`): every rank calls run_global; rank 0
/// coordinates, the others train or estimate. Without an MPI launcher every role runs in this
/// process (embedded mode). Outputs in RUN_DIR: config.yaml, study.db, events.jsonl,
/// checkpoints/global/<trial>.h5, architectures/global/<trial>.yaml, pareto_global.csv.
#include <cstdint>
#include <optional>
#include <string>

#include "snac/core/config.hpp"

namespace snac::runtime {

struct GlobalRunOptions {
    std::string config_path;
    ConfigOverrides overrides;  ///< RUN_DIR, trials, time limit, seed from the command line
    bool resume = false;        ///< continue the study in RUN_DIR
    bool progress = true;       ///< live progress line on stderr
};

/// Runs the global search; returns the process exit code (0 also after a drain by signal: the
/// study is consistent and resumable). Throws UsageError/ConfigError for bad input (rank 0
/// reports it; other ranks return the same code quietly).
int run_global(const GlobalRunOptions& options);

/// Values of the search space the architecture language cannot build (an activation it lacks):
/// config errors before anything is written — `snac config check` and every search start.
void check_search_vocabulary(const RunConfig& cfg);

/// Throws UsageError naming the keys when `config` changes settings of the study in RUN_DIR
/// (its config.yaml) that --resume must keep: everything the global stage reads except
/// search.trials and search.time_limit.
void check_resume_settings(const std::string& run_dir, const RunConfig& config);

/// Parses "90", "90s", "30m", "2h", "1h30m" into seconds; throws UsageError otherwise.
double parse_duration(const std::string& text);

}  // namespace snac::runtime
