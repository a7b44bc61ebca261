#pragma once
/// One YAML file describes a whole run (docs/config.md). Parsing and validation live in
/// src/core/config/; every problem is reported at once as a ConfigError.
#include <cstdint>
#include <optional>
#include <string>

#include "snac/core/config/data_config.hpp"
#include "snac/core/config/hls_config.hpp"
#include "snac/core/config/local_config.hpp"
#include "snac/core/config/output_config.hpp"
#include "snac/core/config/runtime_config.hpp"
#include "snac/core/config/search_config.hpp"
#include "snac/core/config/search_space_config.hpp"
#include "snac/core/config/select_config.hpp"
#include "snac/core/config/surrogate_config.hpp"
#include "snac/core/config/train_config.hpp"

namespace snac {

struct RunConfig {
    DataConfig data;
    SearchSpaceConfig search_space;
    SearchConfig search;
    TrainConfig train;
    SelectConfig select;
    LocalConfig local;
    HlsConfig hls;
    SurrogateConfig surrogate;
    RuntimeConfig runtime;
    OutputConfig output;

    std::string source_file;  ///< the file it was read from ("" for text)
    std::string base_dir;     ///< directory of source_file: relative paths resolve against it
};

/// Parses and validates YAML text; `file_name` appears in error locations.
RunConfig parse_config(const std::string& yaml_text, const std::string& file_name);
/// Reads and parses a file. Throws UsageError if unreadable, ConfigError listing every problem.
RunConfig load_config(const std::string& path);
/// Command-line values that replace config values (`snac global`, `snac run`); unset = keep.
struct ConfigOverrides {
    std::string out_dir;                 ///< output.dir (RUN_DIR)
    std::optional<std::int64_t> trials;  ///< search.trials (>= 1)
    std::optional<double> time_limit_s;  ///< search.time_limit, seconds
    std::optional<std::uint64_t> seed;   ///< search.seed
};
/// load_config(path) with `overrides` applied. Throws UsageError for trials < 1.
RunConfig load_config(const std::string& path, const ConfigOverrides& overrides);
/// The resolved configuration (every default filled in) as YAML that parse_config accepts.
std::string to_yaml(const RunConfig& config);

}  // namespace snac
