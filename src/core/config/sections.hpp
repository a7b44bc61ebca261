#pragma once
// Private to core: one parse/emit pair per config section, each in section_<name>.cpp.
#include <yaml-cpp/yaml.h>

#include "config/reader.hpp"
#include "snac/core/config.hpp"

namespace snac::config {

void parse_data(MapReader& in, DataConfig& out);
void parse_search_space(MapReader& in, SearchSpaceConfig& out);
void parse_search(MapReader& in, SearchConfig& out);
void parse_train(MapReader& in, TrainConfig& out);
void parse_select(MapReader& in, SelectConfig& out);
void parse_local(MapReader& in, LocalConfig& out);
void parse_hls(MapReader& in, HlsConfig& out);
void parse_surrogate(MapReader& in, SurrogateConfig& out);
void parse_runtime(MapReader& in, RuntimeConfig& out);
void parse_output(MapReader& in, OutputConfig& out);

void emit_data(YAML::Emitter& out, const DataConfig& c);
void emit_search_space(YAML::Emitter& out, const SearchSpaceConfig& c);
void emit_search(YAML::Emitter& out, const SearchConfig& c);
void emit_train(YAML::Emitter& out, const TrainConfig& c);
void emit_select(YAML::Emitter& out, const SelectConfig& c);
void emit_local(YAML::Emitter& out, const LocalConfig& c);
void emit_hls(YAML::Emitter& out, const HlsConfig& c);
void emit_surrogate(YAML::Emitter& out, const SurrogateConfig& c);
void emit_runtime(YAML::Emitter& out, const RuntimeConfig& c);
void emit_output(YAML::Emitter& out, const OutputConfig& c);

/// Cross-section checks that need the whole config (e.g. objectives vs. task type).
void validate_run(const RunConfig& config, Diagnostics& diag, const YAML::Node& root);

}  // namespace snac::config
