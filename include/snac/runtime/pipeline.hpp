#pragma once
/// The pipeline's stages and their completion records (docs/pipeline.md): every stage driver
/// writes RUN_DIR/stages/<stage>.done when it completes; `snac run --resume` skips finished
/// stages and refuses a config whose changes invalidate them.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "snac/core/config.hpp"

namespace snac::runtime {

enum class Stage { kGlobal, kSelect, kLocal, kHls, kReport };

/// Every stage in pipeline order.
const std::vector<Stage>& all_stages();
std::string_view to_string(Stage stage) noexcept;  ///< "global", "select", ...
/// Parses a stage name; throws UsageError naming the stages otherwise.
Stage parse_stage(std::string_view name);

/// RUN_DIR/stages/<stage>.done (YAML: stage, finished_at, config_hash, counts).
struct StageRecord {
    Stage stage = Stage::kGlobal;
    std::string finished_at;  ///< UTC, ISO 8601
    std::string config_hash;  ///< of the config sections the stage reads (stage_config_hash)
    std::map<std::string, std::int64_t> counts;  ///< e.g. {models: 3}
};

/// The config sections a stage reads, e.g. {"select"} for select.
const std::vector<std::string>& stage_sections(Stage stage);
/// FNV-1a (hex) of the resolved YAML of the stage's sections.
std::string stage_config_hash(const RunConfig& config, Stage stage);

/// Writes the record atomically (finished_at and config_hash filled in when empty).
void write_stage_done(const std::string& run_dir, const RunConfig& config, StageRecord record);
/// The record of a finished stage, or nullopt when the stage has not completed.
std::optional<StageRecord> read_stage_done(const std::string& run_dir, Stage stage);
/// Removes a stage's record (a stage that is re-run is not finished until it completes again).
void clear_stage_done(const std::string& run_dir, Stage stage);

/// The run's resolved configuration (RUN_DIR/config.yaml, written by the global stage). Throws
/// UsageError naming the fix when RUN_DIR is not a run directory.
RunConfig load_run_config(const std::string& run_dir);

}  // namespace snac::runtime

namespace snac::runtime {

/// `snac run CONFIG --out RUN_DIR [--resume] [--from STAGE] [--until STAGE]` (docs/pipeline.md).
struct PipelineOptions {
    std::string config_path;
    ConfigOverrides overrides;   ///< RUN_DIR; global: trials, time limit, seed
    bool resume = false;         ///< skip finished stages, continue an interrupted one
    std::optional<Stage> from;   ///< re-run this stage and every later one
    std::optional<Stage> until;  ///< stop after this stage
    bool progress = true;        ///< global: live progress line on stderr
    bool synth = false;                  ///< hls: also run Vitis HLS csynth (refused up front
                                         ///< when the tool is not on PATH)
};

/// The config keys (dotted paths, e.g. "local.pruning_steps") of `stage`'s sections whose values
/// differ between two resolved configurations.
std::vector<std::string> changed_stage_keys(const RunConfig& before, const RunConfig& after,
                                            Stage stage);

/// Runs global -> select -> local -> hls -> report, each through its own stage driver; returns
/// the exit code (0 when every stage asked for finished or the run was stopped by a signal with
/// consistent files, 1 naming the stage that failed). Throws UsageError for a refused run
/// (existing records without --resume, a config change that invalidates a finished stage).
/// Under an MPI launcher only the global stage is distributed: the other ranks return after it
/// and rank 0 runs the later stages.
int run_pipeline(const PipelineOptions& options);

}  // namespace snac::runtime
