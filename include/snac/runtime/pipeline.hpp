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
