// `snac select RUN_DIR`: reads the global study, applies the select rule, writes the missing
// architecture files (the global stage writes them for its front only) and selected.yaml.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "snac/core/trial_state.hpp"
#include "snac/core/atomic_file.hpp"
#include "snac/core/error.hpp"
#include "snac/core/log.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/io/study_store.hpp"
#include "snac/runtime/pipeline.hpp"
#include "snac/runtime/select.hpp"
#include "snac/runtime/trial_replay.hpp"
#include "study_driver.hpp"

namespace snac::runtime {
namespace fs = std::filesystem;
namespace {

std::vector<SelectTrial> complete_trials(const std::string& run_dir, const RunConfig& cfg) {
    const fs::path db = fs::path(run_dir) / "study.db";
    std::error_code ec;
    if (!fs::is_regular_file(db, ec))
        throw UsageError(run_dir + " has no study.db",
                         "run the global stage first: snac run CONFIG --out " + run_dir);
    const io::StudyStore store = io::StudyStore::open_read_only(db.string(), cfg.search.study_name);
    std::vector<SelectTrial> out;
    for (const io::StoredTrial& st : store.trials()) {
        if (st.state != TrialState::kComplete) continue;
        SelectTrial t;
        t.number = st.number;
        bool all = true;
        for (const auto& v : st.values) {
            if (!v)
                all = false;
            else
                t.values.push_back(*v);
        }
        if (!all || t.values.size() != cfg.search.objectives.size()) continue;
        for (const auto& a : st.user_attrs) {
            const auto j = nlohmann::json::parse(a.value_json, nullptr, false);
            if (j.is_number())
                t.metrics[a.key] = j.get<double>();
            else if (a.key == "checkpoint" && j.is_string())
                t.checkpoint = j.get<std::string>();
            else if (a.key == "architecture" && j.is_string())
                t.architecture = j.get<std::string>();
        }
        for (const auto& a : st.system_attrs)
            if (a.key == "constraints") {
                const auto j = nlohmann::json::parse(a.value_json, nullptr, false);
                if (j.is_array())
                    for (const auto& c : j)
                        t.constraints.push_back(c.is_number() ? c.get<double>() : 0.0);
            }
        out.push_back(std::move(t));
    }
    return out;
}

/// Every selected model needs its checkpoint; the architecture file is written from it when the
/// global stage did not write one (trials off the front).
void complete_files(const std::string& run_dir, SelectedModel& m) {
    std::error_code ec;
    if (m.checkpoint.empty() || !fs::is_regular_file(fs::path(run_dir) / m.checkpoint, ec))
        throw UsageError("trial " + std::to_string(m.trial) + " has no checkpoint in " + run_dir,
                         "the global stage keeps checkpoints unless output.keep_checkpoints is "
                         "false; re-run it with keep_checkpoints: true");
    if (!m.architecture.empty() && fs::is_regular_file(fs::path(run_dir) / m.architecture, ec))
        return;
    // The study's record of the trial adds its seed and training genes (the file's trial block).
    const TrialReplay replay = load_trial_replay(run_dir, m.trial);
    m.architecture = "architectures/global/" + std::to_string(m.trial) + ".yaml";
    snac::write_file_atomic((fs::path(run_dir) / m.architecture).string(),
                            architecture_with_origin(replay.architecture_yaml, replay.origin));
}

}  // namespace

std::string selection_yaml(const Selection& s) {
    YAML::Emitter out;
    out.SetDoublePrecision(10);
    out << YAML::BeginMap;
    out << YAML::Key << "stage" << YAML::Value << "select";
    out << YAML::Key << "rule" << YAML::Value << std::string(to_string(s.rule));
    out << YAML::Key << "models" << YAML::Value << YAML::BeginSeq;
    for (const auto& m : s.models) {
        out << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << m.name;
        out << YAML::Key << "trial" << YAML::Value << m.trial;
        out << YAML::Key << "architecture" << YAML::Value << m.architecture;
        out << YAML::Key << "checkpoint" << YAML::Value << m.checkpoint;
        out << YAML::Key << "metrics" << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto& [k, v] : m.metrics) out << YAML::Key << k << YAML::Value << v;
        out << YAML::EndMap;
        out << YAML::Key << "why" << YAML::Value << YAML::DoubleQuoted << m.why;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    if (!s.warnings.empty()) {
        out << YAML::Key << "warnings" << YAML::Value << YAML::BeginSeq;
        for (const auto& w : s.warnings) out << YAML::DoubleQuoted << w;
        out << YAML::EndSeq;
    }
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

Selection read_selection(const std::string& path) {
    try {
        const YAML::Node n = YAML::LoadFile(path);
        Selection s;
        const std::string rule = n["rule"].as<std::string>("knee");
        for (SelectRule r :
             {SelectRule::kKnee, SelectRule::kBopsBins, SelectRule::kTop, SelectRule::kList})
            if (to_string(r) == rule) s.rule = r;
        for (const auto& m : n["models"]) {
            SelectedModel sm;
            sm.name = m["name"].as<std::string>();
            sm.trial = m["trial"].as<std::int64_t>();
            sm.architecture = m["architecture"].as<std::string>("");
            sm.checkpoint = m["checkpoint"].as<std::string>("");
            if (m["metrics"])
                for (const auto& kv : m["metrics"])
                    sm.metrics[kv.first.as<std::string>()] = kv.second.as<double>();
            sm.why = m["why"].as<std::string>("");
            s.models.push_back(std::move(sm));
        }
        if (n["warnings"])
            for (const auto& w : n["warnings"]) s.warnings.push_back(w.as<std::string>());
        return s;
    } catch (const YAML::Exception& e) {
        throw UsageError("cannot read " + path + ": " + e.what(),
                         "re-create it with snac select RUN_DIR");
    }
}

SelectStageResult run_select(const SelectStageOptions& o) {
    const std::string run_dir = fs::absolute(o.run_dir).lexically_normal().string();
    RunConfig cfg = load_run_config(run_dir);
    if (o.select) cfg.select = *o.select;
    SelectStageResult r;
    const std::vector<SelectTrial> trials = complete_trials(run_dir, cfg);
    r.complete_trials = static_cast<std::int64_t>(trials.size());
    if (trials.empty())
        throw Error("the global study in " + run_dir + " has no COMPLETE trial to select from",
                    "see the failed/pruned reasons with snac study show " + run_dir + " --all");
    r.selection = select_models(trials, cfg.select, cfg.search);
    for (const auto& w : r.selection.warnings) log::warn("select: " + w);
    if (r.selection.models.empty())
        throw Error("select: no model qualifies under rule '" +
                        std::string(to_string(cfg.select.rule)) + "'",
                    "relax the search constraints or choose select.rule: list");
    for (auto& m : r.selection.models) complete_files(run_dir, m);
    r.path = (fs::path(run_dir) / "selected.yaml").string();
    snac::write_file_atomic(r.path, selection_yaml(r.selection));
    StageRecord rec;
    rec.stage = Stage::kSelect;
    rec.counts = {{"models", static_cast<std::int64_t>(r.selection.models.size())},
                  {"complete_trials", r.complete_trials}};
    write_stage_done(run_dir, cfg, rec);
    return r;
}

}  // namespace snac::runtime
