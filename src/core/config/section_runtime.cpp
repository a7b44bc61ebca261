// The `runtime:` (rank roles, threads, drain) and `output:` (run directory) sections.
#include "config/sections.hpp"

namespace snac::config {

void parse_runtime(MapReader& in, RuntimeConfig& out) {
    in.get("estimators", out.estimators, -1, 1 << 20);
    in.get("threads_per_rank", out.threads_per_rank, 0, 4096);
    in.get("drain_timeout", out.drain_timeout_s, 0.0, 86400.0);
    in.get("embedded_trainers", out.embedded_trainers, 0, 4096);
}

void emit_runtime(YAML::Emitter& out, const RuntimeConfig& c) {
    out << YAML::BeginMap;
    out << YAML::Key << "estimators" << YAML::Value << c.estimators;
    out << YAML::Key << "threads_per_rank" << YAML::Value << c.threads_per_rank;
    out << YAML::Key << "drain_timeout" << YAML::Value << c.drain_timeout_s;
    out << YAML::Key << "embedded_trainers" << YAML::Value << c.embedded_trainers;
    out << YAML::EndMap;
}

void parse_output(MapReader& in, OutputConfig& out) {
    in.get("dir", out.dir);
    in.get("keep_checkpoints", out.keep_checkpoints);
}

void emit_output(YAML::Emitter& out, const OutputConfig& c) {
    out << YAML::BeginMap;
    out << YAML::Key << "dir" << YAML::Value << c.dir;
    out << YAML::Key << "keep_checkpoints" << YAML::Value << c.keep_checkpoints;
    out << YAML::EndMap;
}

}  // namespace snac::config
