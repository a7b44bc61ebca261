// `snac run`: the pipeline driver. Each stage runs through its own stage driver (the same code as
// `snac global|select|local|hls|report`); this file only decides which stages run, checks that
// finished stages still match the configuration, and prints the summary at the end.
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "snac/core/atomic_file.hpp"
#include "snac/core/error.hpp"
#include "snac/core/log.hpp"
#include "snac/core/metrics.hpp"
#include "snac/runtime/global_search.hpp"
#include "snac/runtime/hls_stage.hpp"
#include "snac/runtime/local_stage.hpp"
#include "snac/runtime/pipeline.hpp"
#include "snac/runtime/report.hpp"
#include "snac/runtime/run_lock.hpp"
#include "snac/runtime/select.hpp"
#include "snac/runtime/signals.hpp"

namespace snac::runtime {
namespace fs = std::filesystem;
namespace {

/// Dotted key -> scalar text of every leaf under `node`.
void flatten(const YAML::Node& node, const std::string& prefix,
             std::map<std::string, std::string>& out) {
    if (node.IsMap()) {
        for (const auto& kv : node)
            flatten(kv.second, prefix + "." + kv.first.as<std::string>(), out);
    } else if (node.IsSequence()) {
        // A list is one value (an added precision changes "local.precisions").
        YAML::Emitter e;
        e << YAML::Flow << node;
        out[prefix] = e.c_str();
    } else if (node.IsDefined() && !node.IsNull()) {
        out[prefix] = node.Scalar();
    } else {
        out[prefix] = "~";
    }
}

/// The rank of this process in its MPI launch (0 without a launcher). Read from the launcher's
/// environment because the global stage's MPI session has ended when later stages start.
int launcher_rank() {
    for (const char* var : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"})
        if (const char* v = std::getenv(var); v && *v) return std::atoi(v);
    return 0;
}

bool has_any_record(const std::string& run_dir) {
    for (Stage s : all_stages())
        if (read_stage_done(run_dir, s)) return true;
    return false;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

/// A minimal CSV line splitter for the files snac writes (double-quoted fields with "" escapes).
std::vector<std::string> split_csv(const std::string& line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                out.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                out.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.emplace_back();
        } else {
            out.back() += c;
        }
    }
    return out;
}

/// Metrics of each design from the file the HLS stage read (local/selected.yaml or selected.yaml).
std::map<std::string, std::map<std::string, double>> design_metrics(const std::string& run_dir,
                                                                    bool local) {
    std::map<std::string, std::map<std::string, double>> out;
    const fs::path p = fs::path(run_dir) / (local ? "local/selected.yaml" : "selected.yaml");
    try {
        const YAML::Node n = YAML::LoadFile(p.string());
        for (const auto& d : n[local ? "designs" : "models"])
            if (d["metrics"] && d["metrics"].IsMap())
                for (const auto& kv : d["metrics"])
                    out[d["name"].as<std::string>()][kv.first.as<std::string>()] =
                        kv.second.as<double>();
    } catch (const YAML::Exception&) {
        // The summary then shows no BOPs; the stage that wrote the file reported its own errors.
    }
    return out;
}

void print_summary(const std::string& run_dir, const RunConfig& cfg,
                   const std::vector<std::pair<Stage, std::string>>& statuses) {
    std::cout << "\nsnac run: " << run_dir << "\n";
    for (const auto& [stage, status] : statuses) {
        std::cout << "  " << std::left << std::setw(7) << to_string(stage) << " " << status;
        if (auto rec = read_stage_done(run_dir, stage); rec && !rec->counts.empty()) {
            std::cout << " (";
            bool first = true;
            for (const auto& [k, v] : rec->counts) {
                std::cout << (first ? "" : ", ") << k << " " << v;
                first = false;
            }
            std::cout << ")";
        }
        std::cout << "\n";
    }
    const fs::path summary = fs::path(run_dir) / "hls" / "summary.csv";
    std::ifstream in(summary);
    std::string line;
    if (in && std::getline(in, line)) {
        const std::vector<std::string> header = split_csv(line);
        auto col = [&](const std::vector<std::string>& row, std::string_view name) {
            for (std::size_t i = 0; i < header.size() && i < row.size(); ++i)
                if (header[i] == name) return row[i];
            return std::string();
        };
        const auto metrics = design_metrics(run_dir, cfg.local.enabled);
        auto pct = [](const std::string& v) {
            if (v.empty()) return std::string("?");
            std::ostringstream o;
            o << std::fixed << std::setprecision(1) << std::stod(v);
            return o.str();
        };
        std::cout << "  designs (hls/summary.csv):\n";
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            const auto row = split_csv(line);
            const std::string name = col(row, "design");
            std::cout << "    " << name << ":";
            if (auto it = metrics.find(name); it != metrics.end())
                for (const auto& [k, v] : it->second)
                    if (k.find("pct") == std::string::npos) std::cout << " " << k << " " << v;
            if (!col(row, "metric_fixed").empty()) {
                std::cout << ", test " << col(row, "metric") << ": C-sim "
                          << col(row, "metric_fixed");
                if (!col(row, "metric_fixed_local").empty())
                    std::cout << " (local stage " << col(row, "metric_fixed_local") << ")";
            }
            std::cout << ", est. LUT " << pct(col(row, std::string(metric::kEstLutPct))) << " % FF "
                      << pct(col(row, std::string(metric::kEstFfPct))) << " % DSP " << pct(col(row, std::string(metric::kEstDspPct)))
                      << " % BRAM " << pct(col(row, std::string(metric::kEstBramPct))) << " %"
                      << ", C-sim " << col(row, "status") << " (" << col(row, "csim_mismatches")
                      << " mismatches of " << col(row, "csim_samples") << ")";
            if (col(row, "fits_part") == "no") std::cout << ", DOES NOT FIT " << cfg.hls.part;
            std::cout << "\n      project: " << (fs::path(run_dir) / col(row, "project")).string()
                      << "\n";
        }
    }
    const fs::path report = fs::path(run_dir) / "report" / "index.html";
    if (fs::exists(report)) std::cout << "  report: " << report.string() << "\n";
}

}  // namespace

std::vector<std::string> changed_stage_keys(const RunConfig& before, const RunConfig& after,
                                            Stage stage) {
    const YAML::Node a = YAML::Load(to_yaml(before));
    const YAML::Node b = YAML::Load(to_yaml(after));
    std::vector<std::string> changed;
    for (const std::string& section : stage_sections(stage)) {
        std::map<std::string, std::string> fa, fb;
        flatten(a[section], section, fa);
        flatten(b[section], section, fb);
        for (const auto& [k, v] : fa) {
            auto it = fb.find(k);
            if (it == fb.end() || it->second != v) changed.push_back(k);
        }
        for (const auto& [k, v] : fb)
            if (!fa.count(k)) changed.push_back(k);
    }
    return changed;
}

int run_pipeline(const PipelineOptions& o) {
    RunConfig cfg = load_config(o.config_path, o.overrides);
    const std::string run_dir = fs::absolute(cfg.output.dir).lexically_normal().string();
    const auto& stages = all_stages();
    const auto index = [&](Stage s) {
        return static_cast<std::size_t>(std::find(stages.begin(), stages.end(), s) -
                                        stages.begin());
    };
    if (o.from && o.until && index(*o.from) > index(*o.until))
        throw UsageError("--from " + std::string(to_string(*o.from)) + " comes after --until " +
                             std::string(to_string(*o.until)),
                         "the stages run in the order global, select, local, hls, report");
    const int rank = launcher_rank();
    // Refused before the global stage, not hours later in the HLS stage.
    if (o.synth) require_synthesis_tool();

    // Rank 0 holds the run directory for the whole pipeline (the stages lock it again); nothing
    // is written before. A refused or failed start leaves no directory it created behind.
    std::optional<RunDirLock> lock;
    if (rank == 0) lock.emplace(run_dir);
    struct RemoveIfUnused {
        const std::optional<RunDirLock>& lock;
        std::string dir;
        ~RemoveIfUnused() {
            if (!lock || !lock->created_dir()) return;
            std::error_code e;
            for (const auto& entry : fs::directory_iterator(dir, e))
                if (entry.path().filename() != "run.lock") return;
            fs::remove_all(dir, e);
        }
    } remove_if_unused{lock, run_dir};

    // Checks, on every rank alike (they read the same files), before anything is written.
    std::error_code ec;
    const bool has_study = fs::exists(fs::path(run_dir) / "study.db", ec);
    const bool existing = has_study || has_any_record(run_dir);
    if (existing && !o.resume && !o.from)
        throw UsageError(run_dir + " already holds a run (study.db, stages/*.done)",
                         "continue it with --resume (finished stages are skipped), re-run from a "
                         "stage with --from STAGE, or choose another --out");
    std::map<Stage, bool> finished;
    if (existing && fs::exists(fs::path(run_dir) / "config.yaml", ec)) {
        const RunConfig stored = load_run_config(run_dir);
        for (Stage s : stages) {
            const auto rec = read_stage_done(run_dir, s);
            if (!rec) continue;
            const bool rerun = o.from && index(s) >= index(*o.from);
            if (rec->config_hash != stage_config_hash(cfg, s) && !rerun) {
                std::vector<std::string> keys = changed_stage_keys(stored, cfg, s);
                if (keys.empty()) keys.push_back("(the stored record's config hash)");
                throw UsageError("the configuration changed since the " +
                                     std::string(to_string(s)) + " stage finished: " + join(keys),
                                 "restore the old values (see " + run_dir +
                                     "/config.yaml), re-run from that "
                                     "stage with --from " +
                                     std::string(to_string(s)) + ", or choose another --out");
            }
            finished[s] = !rerun;
        }
    }
    // An interrupted global stage continues its study: the study's settings must not change.
    if (has_study && !read_stage_done(run_dir, Stage::kGlobal) &&
        !(o.from && index(*o.from) > index(Stage::kGlobal)))
        check_resume_settings(run_dir, cfg);
    // Stages from --from on start again: their records (and the later ones') are cleared first,
    // so an interruption now cannot leave a stale record behind.
    if (o.from && rank == 0)
        for (Stage s : stages)
            if (index(s) >= index(*o.from)) clear_stage_done(run_dir, s);

    // The accepted configuration becomes the run's: later stages read RUN_DIR/config.yaml, and
    // the next `snac run` compares against it (finished stages keep their own config hashes).
    if (existing && rank == 0)
        snac::write_file_atomic((fs::path(run_dir) / "config.yaml").string(), to_yaml(cfg));

    std::vector<std::pair<Stage, std::string>> statuses;
    for (Stage s : stages) {
        const std::string name(to_string(s));
        if (o.until && index(s) > index(*o.until)) {
            statuses.emplace_back(s, "not run (--until " + std::string(to_string(*o.until)) + ")");
            continue;
        }
        if (s == Stage::kLocal && !cfg.local.enabled) {
            if (rank == 0)
                log::info("local: disabled in the config (local.enabled: false); skipped");
            statuses.emplace_back(s, "skipped (local.enabled: false)");
            continue;
        }
        if (finished[s]) {
            if (rank == 0)
                log::info(name + ": finished earlier (stages/" + name + ".done); skipped");
            statuses.emplace_back(s, "finished earlier");
            continue;
        }
        if (s != Stage::kGlobal && rank != 0) {
            // Only the global stage is distributed: the other ranks are done.
            return 0;
        }
        if (rank == 0) log::info(name + ": running");
        int code = 0;
        try {
            switch (s) {
                case Stage::kGlobal: {
                    GlobalRunOptions g;
                    g.config_path = o.config_path;
                    g.overrides = o.overrides;
                    g.overrides.out_dir = run_dir;
                    // An existing study is continued (the interrupted-stage case, or --from
                    // global with a larger budget); the study driver checks it fits the config.
                    g.resume = has_study;
                    g.progress = o.progress;
                    code = run_global(g);
                    if (code == 0 && !drain_requested() && rank == 0) {
                        StageRecord rec;
                        rec.stage = Stage::kGlobal;
                        rec.counts = {{"trials", cfg.search.trials}};
                        write_stage_done(run_dir, cfg, rec);
                    }
                    break;
                }
                case Stage::kSelect:
                    (void)run_select({run_dir, std::nullopt});
                    break;
                case Stage::kLocal: {
                    LocalRunOptions l;
                    l.run_dir = run_dir;
                    l.resume = fs::exists(fs::path(run_dir) / "local" / "summary.csv", ec);
                    code = run_local(l);
                    break;
                }
                case Stage::kHls: {
                    HlsStageOptions h;
                    h.run_dir = run_dir;
                    h.synth = o.synth;
                    // An interrupted stage keeps the designs it finished; --from rebuilds them.
                    h.resume = o.resume && !(o.from && index(*o.from) <= index(Stage::kHls));
                    (void)run_hls_stage(h);
                    break;
                }
                case Stage::kReport:
                    (void)run_report({run_dir});
                    break;
            }
        } catch (const UsageError&) {
            if (rank == 0) log::error("the " + name + " stage was refused");
            throw;
        } catch (const std::exception& e) {
            if (rank != 0) throw;
            log::error("the " + name + " stage failed: " + e.what());
            code = code == 0 ? 1 : code;
            if (auto* se = dynamic_cast<const Error*>(&e)) code = static_cast<int>(se->exit_code());
            statuses.emplace_back(s, "FAILED");
            print_summary(run_dir, cfg, statuses);
            return code == 0 ? 1 : code;
        }
        if (s == Stage::kGlobal && rank != 0) return code;  // later stages run on rank 0 only
        if (drain_requested()) {
            log::warn("stopped on request during the " + name +
                      " stage: finished work is kept; continue with snac run --resume");
            statuses.emplace_back(s, "stopped on request");
            print_summary(run_dir, cfg, statuses);
            return 0;
        }
        if (code != 0 || !read_stage_done(run_dir, s)) {
            log::error("the " + name + " stage did not finish" +
                       (code != 0 ? " (exit code " + std::to_string(code) + ")" : std::string()) +
                       "; the pipeline stops here");
            statuses.emplace_back(s, "FAILED");
            print_summary(run_dir, cfg, statuses);
            return code != 0 ? code : 1;
        }
        statuses.emplace_back(s, "done");
    }
    if (rank == 0) print_summary(run_dir, cfg, statuses);
    return 0;
}

}  // namespace snac::runtime
