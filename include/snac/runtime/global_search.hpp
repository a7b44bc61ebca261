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

/// Parses "90", "90s", "30m", "2h", "1h30m" into seconds; throws UsageError otherwise.
double parse_duration(const std::string& text);

}  // namespace snac::runtime
