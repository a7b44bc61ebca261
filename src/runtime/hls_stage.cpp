// `snac hls RUN_DIR`: one project per design the earlier stages chose. Reading checkpoints,
// lowering, emitting and the float reference run on this thread (HDF5 is serial, oneDNN owns
// the cores); the C simulations (a g++ compile and a testbench run each) run in a TBB arena.
#include "snac/runtime/hls_stage.hpp"
#include "snac/runtime/signals.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "hls_project.hpp"
#include "snac/core/atomic_file.hpp"
#include "snac/core/csv.hpp"
#include "snac/core/error.hpp"
#include "snac/core/log.hpp"
#include "snac/hls/project.hpp"
#include "snac/hls/synth.hpp"
#include "snac/core/metrics.hpp"
#include "snac/core/trial_state.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/io/study_store.hpp"
#include "snac/runtime/signals.hpp"
#include "snac/runtime/pipeline.hpp"
#include "snac/runtime/select.hpp"
#include "snac/surrogate/hardware_estimate.hpp"
#include "study_driver.hpp"

namespace snac::runtime {
namespace fs = std::filesystem;
namespace {

std::vector<HlsDesignResult> designs_of(const std::string& run_dir, const RunConfig& cfg,
                                        std::string& source) {
    std::error_code ec;
    if (cfg.local.enabled) {
        const fs::path local = fs::path(run_dir) / "local" / "selected.yaml";
        if (!fs::is_regular_file(local, ec))
            throw UsageError(run_dir + " has no local/selected.yaml",
                             "run the local stage first (snac local " + run_dir +
                                 "), or set local.enabled: false to build the selected models");
        source = local.string();
        std::vector<HlsDesignResult> out;
        try {
            const YAML::Node n = YAML::LoadFile(local.string());
            for (const auto& d : n["designs"]) {
                HlsDesignResult r;
                r.design = d["name"].as<std::string>();
                r.model = d["model"].as<std::string>("");
                r.precision = d["precision"].as<std::string>("");
                r.sparsity = d["sparsity"].as<double>(0.0);
                r.checkpoint = d["checkpoint"].as<std::string>();
                r.from_local = true;
                out.push_back(std::move(r));
            }
        } catch (const YAML::Exception& e) {
            throw UsageError("cannot read " + local.string() + ": " + e.what(),
                             "re-run the local stage: snac local " + run_dir);
        }
        if (out.empty())
            throw UsageError(local.string() + " lists no design", "re-run snac local " + run_dir);
        return out;
    }
    const fs::path sel = fs::path(run_dir) / "selected.yaml";
    if (!fs::is_regular_file(sel, ec))
        throw UsageError(run_dir + " has no selected.yaml",
                         "run the select stage first: snac select " + run_dir);
    source = sel.string();
    std::vector<HlsDesignResult> out;
    for (const SelectedModel& m : read_selection(sel.string()).models) {
        HlsDesignResult d;
        d.design = m.name;
        d.model = m.name;
        d.trial = m.trial;
        d.checkpoint = m.checkpoint;
        out.push_back(std::move(d));
    }
    if (out.empty())
        throw UsageError(sel.string() + " lists no model", "re-run snac select " + run_dir);
    return out;
}

bool metric_differs(const HlsProjectResult& r) {
    return r.metric_fixed && r.metric_local && *r.metric_fixed != *r.metric_local;
}

}  // namespace

std::string design_status(const HlsDesignResult& d) {
    const HlsProjectResult& r = d.result;
    return !d.error.empty()         ? "error"
           : !r.csim_ran            ? "not simulated"
           : r.csim_mismatches != 0 ? "mismatch"
           : metric_differs(r)      ? "metric differs"
                                    : "ok";
}

namespace {

using json = nlohmann::json;

json opt_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
std::optional<double> opt_of(const json& j) {
    return j.is_number() ? std::optional<double>(j.get<double>()) : std::nullopt;
}

/// Everything summary.csv needs of a finished design, to reuse it on resume.
json result_json(const HlsProjectResult& r, const std::string& run_dir) {
    return {{"project", fs::relative(r.project_dir, run_dir).string()},
            {"name", r.name},
            {"test_inputs", r.test_inputs},
            {"csim_samples", r.csim_samples},
            {"csim_mismatches", r.csim_mismatches},
            {"csim_ran", r.csim_ran},
            {"max_abs_diff_vs_float", r.max_abs_diff_vs_float},
            {"accuracy_float", opt_json(r.accuracy_float)},
            {"accuracy_fixed", opt_json(r.accuracy_fixed)},
            {"metric", r.metric},
            {"metric_float", opt_json(r.metric_float)},
            {"metric_fixed", opt_json(r.metric_fixed)},
            {"metric_local", opt_json(r.metric_local)},
            {"estimate", r.estimate},
            {"estimate_source", r.estimate_source},
            {"synth", r.synth},
            {"fits", r.fits},
            {"warnings", r.warnings}};
}

HlsProjectResult result_of(const json& j, const std::string& run_dir) {
    HlsProjectResult r;
    r.project_dir = (fs::path(run_dir) / j.at("project").get<std::string>()).string();
    r.name = j.at("name").get<std::string>();
    r.test_inputs = j.at("test_inputs").get<std::string>();
    r.csim_samples = j.at("csim_samples").get<std::int64_t>();
    r.csim_mismatches = j.at("csim_mismatches").get<std::int64_t>();
    r.csim_ran = j.at("csim_ran").get<bool>();
    r.max_abs_diff_vs_float = j.at("max_abs_diff_vs_float").get<double>();
    r.accuracy_float = opt_of(j.at("accuracy_float"));
    r.accuracy_fixed = opt_of(j.at("accuracy_fixed"));
    r.metric = j.at("metric").get<std::string>();
    r.metric_float = opt_of(j.at("metric_float"));
    r.metric_fixed = opt_of(j.at("metric_fixed"));
    r.metric_local = opt_of(j.at("metric_local"));
    r.estimate = j.at("estimate").get<std::map<std::string, double>>();
    r.estimate_source = j.at("estimate_source").get<std::string>();
    r.synth = j.at("synth").get<std::map<std::string, double>>();
    r.fits = j.at("fits").get<bool>();
    r.warnings = j.at("warnings").get<std::vector<std::string>>();
    return r;
}

std::string file_hash(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return hls::content_hash(text.str());
}

/// The run's study of the HLS stage: one trial per design built, values (firmware metric,
/// est_avg_resource_pct), the summary's figures as user attributes (optuna reads them).
io::StudyDefinition hls_study(const RunConfig& cfg) {
    io::StudyDefinition def;
    def.name = "hls";
    std::string metric = "accuracy";
    Direction dir = Direction::kMaximize;
    for (const auto& o : cfg.search.objectives)
        if (const MetricInfo* m = find_metric(o.metric); m && m->source == MetricSource::kTraining) {
            metric = o.metric;
            dir = o.direction;
            break;
        }
    def.metric_names = {"firmware_" + metric, "est_avg_resource_pct"};
    def.directions = {dir, Direction::kMinimize};
    def.journal = io::study_definition(cfg.search).journal;
    return def;
}

/// Identifies what a design's result depends on: reused only when all of it is unchanged.
std::string design_key(const HlsDesignResult& d, const std::string& run_dir,
                       const std::string& config_hash, bool synth) {
    return d.design + "|" + file_hash((fs::path(run_dir) / d.checkpoint).string()) + "|" +
           config_hash + "|" + (synth ? "synth" : "csim");
}

void record_design(io::StudyStore& study, const HlsDesignResult& d, const std::string& key,
                   const std::string& run_dir) {
    const HlsProjectResult& r = d.result;
    const std::string status = design_status(d);
    std::vector<io::JsonAttr> attrs = {{"design", json(d.design).dump()},
                                       {"model", json(d.model).dump()},
                                       {"precision", json(d.precision).dump()},
                                       {"sparsity", json(d.sparsity).dump()},
                                       {"checkpoint", json(d.checkpoint).dump()},
                                       {"status", json(status).dump()},
                                       {"csim_samples", json(r.csim_samples).dump()},
                                       {"csim_mismatches", json(r.csim_mismatches).dump()},
                                       {"fits_part", json(r.fits).dump()},
                                       {"design_key", json(key).dump()}};
    if (!r.project_dir.empty()) {
        attrs.push_back({"project", json(fs::relative(r.project_dir, run_dir).string()).dump()});
        attrs.push_back({"result", result_json(r, run_dir).dump()});
    }
    if (r.metric_float) attrs.push_back({"metric_float", json(*r.metric_float).dump()});
    if (r.metric_local) attrs.push_back({"metric_fixed_local", json(*r.metric_local).dump()});
    for (const auto& [k, v] : r.estimate) attrs.push_back({k, json(v).dump()});
    for (const auto& [k, v] : r.synth) attrs.push_back({"synth_" + k, json(v).dump()});
    const std::int64_t n = study.create_trial({}, {});
    const auto avg = r.estimate.find(std::string(metric::kEstAvgResourcePct));
    if (status == "ok" && r.metric_fixed && avg != r.estimate.end()) {
        study.finish_trial(n, TrialState::kComplete, {*r.metric_fixed, avg->second}, attrs);
    } else {
        std::string reason = d.error;
        for (const auto& w : r.warnings) reason += (reason.empty() ? "" : "; ") + w;
        attrs.push_back({"fail_reason", json(status + (reason.empty() ? "" : ": " + reason)).dump()});
        study.finish_trial(n, TrialState::kFail, {}, attrs);
    }
}

/// design_key -> result of the COMPLETE trials of the hls study whose project still exists.
std::map<std::string, json> finished_designs(const io::StudyStore& study,
                                             const std::string& run_dir) {
    std::map<std::string, json> out;
    for (const io::StoredTrial& t : study.trials()) {
        if (t.state != TrialState::kComplete) continue;
        std::string key;
        json result;
        bool superseded = false;
        for (const auto& a : t.user_attrs) {
            const json j = json::parse(a.value_json, nullptr, false);
            if (a.key == "design_key" && j.is_string()) key = j.get<std::string>();
            if (a.key == "result" && j.is_object()) result = j;
            if (a.key == "superseded" && j == true) superseded = true;
        }
        if (superseded) continue;
        std::error_code ec;
        if (key.empty() || !result.is_object() || !result.contains("project")) continue;
        const fs::path manifest =
            fs::path(run_dir) / result["project"].get<std::string>() / "snac_hls.json";
        if (fs::is_regular_file(manifest, ec)) out[key] = result;
    }
    return out;
}

std::string num(std::optional<double> v) {
    if (!v) return "";
    std::ostringstream o;
    o.precision(10);
    o << *v;
    return o.str();
}

std::string summary_csv(const std::string& run_dir, const std::vector<HlsDesignResult>& designs,
                        const HlsSettings& settings) {
    // The estimate columns are the metric registry's hardware metrics, named as in the study.
    const std::vector<std::string>& est = surrogate::metric_names();
    std::ostringstream csv;
    csv << "design,model,trial,precision,sparsity,checkpoint,project,status,csim_samples,"
           "csim_mismatches,metric,metric_float,metric_fixed,metric_fixed_local,"
           "max_abs_diff_vs_float";
    for (const std::string& k : est) csv << "," << k;
    // csynth's figures beside the estimates (--synth; empty when it did not run).
    static const char* kSynth[] = {"lut",      "ff",       "dsp",      "bram_18k",
                                   "lut_pct",  "ff_pct",   "dsp_pct",  "bram_pct",
                                   "latency_cycles_max",   "ii_cycles", "clock_ns"};
    for (const char* k : kSynth) csv << ",synth_" << k;
    csv << ",clock_period_ns,fits_part,estimate_source,warnings\n";
    for (const auto& d : designs) {
        const HlsProjectResult& r = d.result;
        const std::string status = design_status(d);
        std::string project;
        if (!r.project_dir.empty()) project = fs::relative(r.project_dir, run_dir).string();
        csv << csv_field(d.design) << "," << csv_field(d.model) << "," << d.trial << ","
            << csv_field(d.precision) << "," << d.sparsity << "," << csv_field(d.checkpoint) << ","
            << csv_field(project) << "," << status << "," << r.csim_samples << ","
            << r.csim_mismatches << "," << r.metric << "," << num(r.metric_float) << ","
            << num(r.metric_fixed) << "," << num(r.metric_local) << ","
            << num(r.max_abs_diff_vs_float);
        for (const std::string& k : est) {
            auto it = r.estimate.find(k);
            csv << "," << (it == r.estimate.end() ? "" : num(it->second));
        }
        for (const char* k : kSynth) {
            auto it = r.synth.find(k);
            csv << "," << (it == r.synth.end() ? "" : num(it->second));
        }
        std::string warnings = d.error;
        for (const auto& w : r.warnings) warnings += (warnings.empty() ? "" : "; ") + w;
        csv << "," << settings.clock_period_ns << "," << (r.fits ? "yes" : "no") << ","
            << csv_field(r.estimate_source) << "," << csv_field(warnings) << "\n";
    }
    return csv.str();
}

}  // namespace

void require_synthesis_tool() {
    if (hls::synthesis_tool().empty())
        throw UsageError(
            "--synth: Vitis HLS was not found (neither vitis_hls nor vivado_hls is on PATH), so "
            "nothing can be synthesized",
            "source the Vitis settings script (settings64.sh) first, or run without --synth: "
            "the C simulation and the surrogate's estimates do not need it");
}

HlsStageResult run_hls_stage(const HlsStageOptions& o) {
    const std::string run_dir = fs::absolute(o.run_dir).lexically_normal().string();
    if (o.synth) require_synthesis_tool();
    const RunConfig cfg = load_run_config(run_dir);
    HlsStageResult out;
    out.designs = designs_of(run_dir, cfg, out.source);
    clear_stage_done(run_dir, Stage::kHls);

    const HlsSettings settings = cfg.hls.to_settings();
    // The run's dataset, as the global and local stages load it: the testbench holds its test
    // split, so the firmware metric is measured on the samples the local stage measured.
    const std::string dataset = io::resolve_dataset(cfg.data, cfg.base_dir);
    std::vector<HlsProjectJob> jobs;
    for (const auto& d : out.designs) {
        HlsProjectJob j;
        j.checkpoint = (fs::path(run_dir) / d.checkpoint).string();
        j.out_dir = (fs::path(run_dir) / "hls" / d.design).string();
        // Design names like "t8" would be renamed by the sanitizer (they look like the emitter's
        // array names); do it here so that the stage does not warn about its own names.
        j.name = hls::sanitize_identifier(d.design);
        j.part = cfg.hls.part;
        j.settings = settings;
        j.settings_from_checkpoint = d.from_local;
        j.data = dataset;
        j.samples = 0;  // the whole test split: the firmware's metric on the same samples
        j.synth = o.synth;
        j.surrogate = cfg.surrogate;
        j.surrogate_base_dir = cfg.base_dir;
        jobs.push_back(std::move(j));
    }

    // Each finished design becomes a trial of the run's `hls` study; on resume the designs an
    // interrupted run finished are taken from it instead of being built again.
    io::StudyStore study =
        io::StudyStore::open((fs::path(run_dir) / "study.db").string(), hls_study(cfg));
    (void)study.fail_running("interrupted: the HLS stage stopped while this design was built");
    const std::string config_hash = stage_config_hash(cfg, Stage::kHls);
    std::vector<std::string> keys;
    for (const auto& d : out.designs) keys.push_back(design_key(d, run_dir, config_hash, o.synth));
    std::map<std::string, json> finished;
    if (o.resume) {
        finished = finished_designs(study, run_dir);
    } else {
        // A fresh run of the stage: earlier designs stay in the study as history but are never
        // reused (their projects are about to be replaced).
        for (const io::StoredTrial& t : study.trials())
            if (t.state == TrialState::kComplete)
                study.set_trial_attrs(t.number, {{"superseded", "true"}}, {});
    }
    std::mutex study_mutex;

    std::vector<std::optional<PreparedHlsProject>> prepared(jobs.size());
    // Ctrl-C / SIGTERM: designs not started yet are skipped (the one compiling finishes), no
    // hls.done is written, and `snac run --resume` builds the stage again.
    const std::string skipped = "not built: stopped on request";
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (const auto it = finished.find(keys[i]); it != finished.end()) {
            out.designs[i].result = result_of(it->second, run_dir);
            out.designs[i].reused = true;
            ++out.reused;
            log::info("hls: " + out.designs[i].design +
                      " finished earlier (study 'hls'); not rebuilt");
            continue;
        }
        if (drain_requested()) {
            out.designs[i].error = skipped;
            continue;
        }
        try {
            prepared[i] = prepare_hls_project(jobs[i]);
        } catch (const Error& e) {
            out.designs[i].error = e.what();
        }
    }
    const int threads = o.threads > 0
                            ? o.threads
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    tbb::task_arena arena(threads);
    arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, jobs.size(), [&](std::size_t i) {
            auto& d = out.designs[i];
            if (d.reused || d.error == skipped) return;
            if (prepared[i]) {
                if (drain_requested()) {
                    d.error = skipped;
                    prepared[i].reset();
                    return;
                }
                try {
                    simulate_hls_project(*prepared[i], jobs[i]);
                } catch (const Error& e) {
                    d.error = e.what();
                }
                d.result = std::move(prepared[i]->result);
            }
            {
                std::lock_guard lock(study_mutex);
                record_design(study, d, keys[i], run_dir);
            }
            test_hook_pause();  // holds each recorded design (kill tests)
        });
    });
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        auto& d = out.designs[i];
        if (design_status(d) != "ok") ++out.failed;
        if (!d.result.fits)
            log::warn("hls: " + d.design + " does not fit " + cfg.hls.part +
                      " by the estimate (see hls/summary.csv and the report)");
    }
    out.summary_csv = (fs::path(run_dir) / "hls" / "summary.csv").string();
    snac::write_file_atomic(out.summary_csv, summary_csv(run_dir, out.designs, settings));
    const auto n = static_cast<std::int64_t>(out.designs.size());
    if (drain_requested()) return out;
    if (out.failed == n)
        throw Error("the HLS stage built no design successfully",
                    "see the errors in " + out.summary_csv);
    if (out.failed == 0) {
        StageRecord rec;
        rec.stage = Stage::kHls;
        rec.counts = {{"designs", n}, {"csim_mismatches", 0}, {"reused", out.reused}};
        write_stage_done(run_dir, cfg, rec);
    }
    return out;
}

}  // namespace snac::runtime
