#pragma once
/// The local stage (`snac local RUN_DIR`, docs/local-search.md): for each model, for each precision
/// of `local.precisions`, a chain of quantization-aware training from the trained float weights
/// (step 0) and `local.pruning_steps` magnitude-pruning steps; every step's checkpoint, a trial per
/// step in the model's own study in RUN_DIR/study.db, RUN_DIR/local/summary.csv and
/// RUN_DIR/local/selected.yaml (the selection rule), RUN_DIR/stages/local.done.
#include <cstdint>
#include <string>
#include <vector>

namespace snac::runtime {

struct LocalRunOptions {
    std::string run_dir;
    std::string config_path;                 ///< "" = RUN_DIR/config.yaml
    std::vector<std::int64_t> trials;        ///< global-study trials (checkpoints/global/N.h5)
    std::vector<std::string> checkpoints;    ///< trained checkpoints (.h5)
    std::vector<std::string> architectures;  ///< architecture files, trained in float first
    bool resume = false;                     ///< continue each chain after its last finished step
};

/// Runs the stage in this process; returns the exit code (0 when every chain finished or was
/// stopped by a signal with consistent files, 1 when no step succeeded). Throws UsageError for
/// bad input (missing selection, checkpoint, config), before writing anything.
int run_local(const LocalRunOptions& options);

}  // namespace snac::runtime
