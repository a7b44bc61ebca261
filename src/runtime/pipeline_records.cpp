// Stage completion records (RUN_DIR/stages/<stage>.done) and the config hash that tells whether
// a finished stage still matches the configuration.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "snac/core/atomic_file.hpp"
#include "snac/core/error.hpp"
#include "snac/runtime/pipeline.hpp"
#include "study_driver.hpp"

namespace snac::runtime {
namespace fs = std::filesystem;
namespace {

std::string now_utc() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

fs::path record_path(const std::string& run_dir, Stage stage) {
    return fs::path(run_dir) / "stages" / (std::string(to_string(stage)) + ".done");
}

}  // namespace

const std::vector<Stage>& all_stages() {
    static const std::vector<Stage> kStages = {Stage::kGlobal, Stage::kSelect, Stage::kLocal,
                                               Stage::kHls, Stage::kReport};
    return kStages;
}

std::string_view to_string(Stage stage) noexcept {
    switch (stage) {
        case Stage::kGlobal:
            return "global";
        case Stage::kSelect:
            return "select";
        case Stage::kLocal:
            return "local";
        case Stage::kHls:
            return "hls";
        case Stage::kReport:
            return "report";
    }
    return "global";
}

Stage parse_stage(std::string_view name) {
    for (Stage s : all_stages())
        if (to_string(s) == name) return s;
    throw UsageError("unknown stage '" + std::string(name) + "'",
                     "stages are: global, select, local, hls, report");
}

const std::vector<std::string>& stage_sections(Stage stage) {
    // What each stage reads; a change to one of these sections invalidates the stage and every
    // later one. `runtime` and `output` never change results, so they are in none.
    static const std::map<Stage, std::vector<std::string>> kSections = {
        {Stage::kGlobal, {"data", "search_space", "search", "train", "surrogate", "hls"}},
        {Stage::kSelect, {"select"}},
        {Stage::kLocal, {"local"}},
        {Stage::kHls, {"hls"}},
        {Stage::kReport, {}},
    };
    return kSections.at(stage);
}

std::string stage_config_hash(const RunConfig& config, Stage stage) {
    const YAML::Node root = YAML::Load(to_yaml(config));
    std::string text;
    for (const auto& section : stage_sections(stage))
        text += section + ":" + YAML::Dump(root[section]) + "\n";
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

void write_stage_done(const std::string& run_dir, const RunConfig& config, StageRecord record) {
    if (record.finished_at.empty()) record.finished_at = now_utc();
    if (record.config_hash.empty()) record.config_hash = stage_config_hash(config, record.stage);
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "stage" << YAML::Value << std::string(to_string(record.stage));
    out << YAML::Key << "finished_at" << YAML::Value << record.finished_at;
    out << YAML::Key << "config_hash" << YAML::Value << record.config_hash;
    out << YAML::Key << "counts" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : record.counts) out << YAML::Key << k << YAML::Value << v;
    out << YAML::EndMap << YAML::EndMap;
    snac::write_file_atomic(record_path(run_dir, record.stage).string(),
                              std::string(out.c_str()) + "\n");
}

std::optional<StageRecord> read_stage_done(const std::string& run_dir, Stage stage) {
    const fs::path p = record_path(run_dir, stage);
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) return std::nullopt;
    try {
        const YAML::Node n = YAML::LoadFile(p.string());
        StageRecord r;
        r.stage = parse_stage(n["stage"].as<std::string>());
        r.finished_at = n["finished_at"].as<std::string>("");
        r.config_hash = n["config_hash"].as<std::string>("");
        if (n["counts"] && n["counts"].IsMap())
            for (const auto& kv : n["counts"])
                r.counts[kv.first.as<std::string>()] = kv.second.as<std::int64_t>(0);
        if (r.stage != stage) return std::nullopt;
        return r;
    } catch (const YAML::Exception&) {
        return std::nullopt;  // a damaged record means "not finished": the stage runs again
    }
}

void clear_stage_done(const std::string& run_dir, Stage stage) {
    std::error_code ec;
    fs::remove(record_path(run_dir, stage), ec);
}

RunConfig load_run_config(const std::string& run_dir) {
    const fs::path cfg = fs::path(run_dir) / "config.yaml";
    std::error_code ec;
    if (!fs::is_regular_file(cfg, ec))
        throw UsageError(run_dir + " is not a run directory (no config.yaml)",
                         "pass the --out directory of snac run / snac global");
    return load_config(cfg.string());
}

}  // namespace snac::runtime
