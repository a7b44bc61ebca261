// `snac hls RUN_DIR`: one project per design the earlier stages chose. Reading checkpoints,
// lowering, emitting and the float reference run on this thread (HDF5 is serial, oneDNN owns
// the cores); the C simulations (a g++ compile and a testbench run each) run in a TBB arena.
#include "snac/runtime/hls_stage.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "hls_project.hpp"
#include "snac/core/atomic_file.hpp"
#include "snac/core/csv.hpp"
#include "snac/core/error.hpp"
#include "snac/core/log.hpp"
#include "snac/core/metrics.hpp"
#include "snac/core/trial_state.hpp"
#include "snac/hls/project.hpp"
#include "snac/hls/synth.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/io/study_store.hpp"
#include "snac/runtime/mpi.hpp"
#include "snac/runtime/pipeline.hpp"
#include "snac/runtime/roles.hpp"
#include "snac/runtime/run_lock.hpp"
#include "snac/runtime/select.hpp"
#include "snac/runtime/signals.hpp"
#include "snac/surrogate/hardware_estimate.hpp"
#include "study_driver.hpp"

namespace snac::runtime {
namespace fs = std::filesystem;
namespace {

/// The error of a design that was not built because of Ctrl-C / SIGTERM.
const std::string kSkipped = "not built: stopped on request";

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

json opt_json(const std::optional<double>& v) {
    return v ? json(*v) : json(nullptr);
}
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
        if (const MetricInfo* m = find_metric(o.metric);
            m && m->source == MetricSource::kTraining) {
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
                                       {"built_on_rank", json(d.built_on_rank).dump()},
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
        attrs.push_back(
            {"fail_reason", json(status + (reason.empty() ? "" : ": " + reason)).dump()});
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
    static const char* kSynth[] = {"lut",       "ff",       "dsp",
                                   "bram_18k",  "lut_pct",  "ff_pct",
                                   "dsp_pct",   "bram_pct", "latency_cycles_max",
                                   "ii_cycles", "clock_ns"};
    for (const char* k : kSynth) csv << ",synth_" << k;
    csv << ",clock_period_ns,fits_part,estimate_source,warnings,built_on_rank\n";
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
            << csv_field(r.estimate_source) << "," << csv_field(warnings) << ","
            << (d.reused || d.error == kSkipped ? std::string() : std::to_string(d.built_on_rank))
            << "\n";
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

namespace {

/// What the stage decided before building: the designs, their jobs and keys, the study.
struct StagePlan {
    std::string run_dir;
    RunConfig cfg;
    HlsSettings settings;
    std::string dataset;
    HlsStageResult out;
    std::vector<HlsProjectJob> jobs;
    std::vector<std::string> keys;
    std::optional<io::StudyStore> study;
};

/// The project job of one design (the same on rank 0 and on the estimator rank that builds it).
HlsProjectJob job_of(const HlsDesignResult& d, const std::string& run_dir, const RunConfig& cfg,
                     const std::string& dataset, bool synth) {
    HlsProjectJob j;
    j.checkpoint = (fs::path(run_dir) / d.checkpoint).string();
    j.out_dir = (fs::path(run_dir) / "hls" / d.design).string();
    // Design names like "t8" would be renamed by the sanitizer (they look like the emitter's
    // array names); do it here so that the stage does not warn about its own names.
    j.name = hls::sanitize_identifier(d.design);
    j.part = cfg.hls.part;
    j.settings = cfg.hls.to_settings();
    j.settings_from_checkpoint = d.from_local;
    j.data = dataset;
    j.samples = 0;  // the whole test split: the firmware's metric on the same samples
    j.synth = synth;
    j.surrogate = cfg.surrogate;
    j.surrogate_base_dir = cfg.base_dir;
    return j;
}

/// Reads the designs, opens the study, takes over what an interrupted run finished (resume).
StagePlan plan_stage(const HlsStageOptions& o) {
    StagePlan p;
    p.run_dir = fs::absolute(o.run_dir).lexically_normal().string();
    p.cfg = load_run_config(p.run_dir);
    p.out.designs = designs_of(p.run_dir, p.cfg, p.out.source);
    clear_stage_done(p.run_dir, Stage::kHls);
    p.settings = p.cfg.hls.to_settings();
    // The run's dataset, as the global and local stages load it: the testbench holds its test
    // split, so the firmware metric is measured on the samples the local stage measured.
    p.dataset = io::resolve_dataset(p.cfg.data, p.cfg.base_dir);
    for (const auto& d : p.out.designs)
        p.jobs.push_back(job_of(d, p.run_dir, p.cfg, p.dataset, o.synth));

    // Each finished design becomes a trial of the run's `hls` study; on resume the designs an
    // interrupted run finished are taken from it instead of being built again.
    p.study.emplace(
        io::StudyStore::open((fs::path(p.run_dir) / "study.db").string(), hls_study(p.cfg)));
    (void)p.study->fail_running("interrupted: the HLS stage stopped while this design was built");
    const std::string config_hash = stage_config_hash(p.cfg, Stage::kHls);
    for (const auto& d : p.out.designs)
        p.keys.push_back(design_key(d, p.run_dir, config_hash, o.synth));
    std::map<std::string, json> finished;
    if (o.resume) {
        finished = finished_designs(*p.study, p.run_dir);
    } else {
        // A fresh run of the stage: earlier designs stay in the study as history but are never
        // reused (their projects are about to be replaced).
        for (const io::StoredTrial& t : p.study->trials())
            if (t.state == TrialState::kComplete)
                p.study->set_trial_attrs(t.number, {{"superseded", "true"}}, {});
    }
    for (std::size_t i = 0; i < p.jobs.size(); ++i) {
        if (const auto it = finished.find(p.keys[i]); it != finished.end()) {
            p.out.designs[i].result = result_of(it->second, p.run_dir);
            p.out.designs[i].reused = true;
            ++p.out.reused;
            log::info("hls: " + p.out.designs[i].design +
                      " finished earlier (study 'hls'); not rebuilt");
        }
    }
    return p;
}

/// One process: lowering on this thread, the C simulations in a TBB arena of `threads`.
void build_in_process(StagePlan& p, int threads) {
    auto& out = p.out;
    std::mutex study_mutex;
    std::vector<std::optional<PreparedHlsProject>> prepared(p.jobs.size());
    // Ctrl-C / SIGTERM: designs not started yet are skipped (the one compiling finishes), no
    // hls.done is written, and `snac run --resume` builds the stage again.
    for (std::size_t i = 0; i < p.jobs.size(); ++i) {
        if (out.designs[i].reused) continue;
        if (drain_requested()) {
            out.designs[i].error = kSkipped;
            continue;
        }
        try {
            prepared[i] = prepare_hls_project(p.jobs[i]);
        } catch (const Error& e) {
            out.designs[i].error = e.what();
        }
    }
    tbb::task_arena arena(threads);
    arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, p.jobs.size(), [&](std::size_t i) {
            auto& d = out.designs[i];
            if (d.reused || d.error == kSkipped) return;
            if (prepared[i]) {
                if (drain_requested()) {
                    d.error = kSkipped;
                    prepared[i].reset();
                    return;
                }
                try {
                    simulate_hls_project(*prepared[i], p.jobs[i]);
                } catch (const Error& e) {
                    d.error = e.what();
                }
                d.result = std::move(prepared[i]->result);
            }
            {
                std::lock_guard lock(study_mutex);
                record_design(*p.study, d, p.keys[i], p.run_dir);
            }
            test_hook_pause();  // holds each recorded design (kill tests)
        });
    });
}

Message hls_message(MessageKind kind, std::int64_t index, std::string payload) {
    Message m;
    m.header.kind = kind;
    m.header.trial = index;
    m.header.payload_bytes = payload.size();
    m.payload = std::move(payload);
    return m;
}

/// An estimator rank: builds each design rank 0 sends (emit, C simulation, estimate, manifest:
/// everything inside the design's own project directory) and sends the result back.
void run_design_worker(Transport& transport, const std::string& run_dir, const std::string& dataset,
                       bool synth) {
    const RunConfig cfg = load_run_config(run_dir);
    for (;;) {
        auto env = transport.receive(std::chrono::milliseconds(500));
        if (!env) continue;
        if (env->message.header.kind == MessageKind::kShutdown) break;
        if (env->message.header.kind != MessageKind::kHlsDesignTask)
            throw Error("hls stage: unexpected message " +
                        std::string(to_string(env->message.header.kind)) + " on an estimator rank");
        const json task = json::parse(env->message.payload);
        HlsDesignResult d;
        d.design = task.at("design").get<std::string>();
        d.checkpoint = task.at("checkpoint").get<std::string>();
        d.from_local = task.at("from_local").get<bool>();
        json reply = json::object();
        if (drain_requested()) {
            reply["error"] = kSkipped;
        } else {
            const HlsProjectJob job = job_of(d, run_dir, cfg, dataset, synth);
            std::optional<PreparedHlsProject> p;
            try {
                p = prepare_hls_project(job);
                simulate_hls_project(*p, job);
            } catch (const std::exception& e) {
                reply["error"] = e.what();
            }
            if (p && !p->result.project_dir.empty())
                reply["result"] = result_json(p->result, run_dir);
        }
        transport.send(
            0, hls_message(MessageKind::kHlsDesignResult, env->message.header.trial, reply.dump()));
    }
    transport.flush();
}

/// Rank 0 under a launcher: hands each design to the next idle estimator rank and records every
/// result as it arrives (rank 0 is the only writer of the study and the run directory's files).
void build_distributed(StagePlan& p, Transport& transport, const std::vector<int>& ranks) {
    auto& out = p.out;
    std::vector<int> idle(ranks.rbegin(), ranks.rend());
    std::size_t next = 0;
    int running = 0;
    for (;;) {
        while (!drain_requested() && !idle.empty() && next < p.jobs.size()) {
            auto& d = out.designs[next];
            if (d.reused) {
                ++next;
                continue;
            }
            const json task = {
                {"design", d.design}, {"checkpoint", d.checkpoint}, {"from_local", d.from_local}};
            transport.send(idle.back(), hls_message(MessageKind::kHlsDesignTask,
                                                    static_cast<std::int64_t>(next), task.dump()));
            d.built_on_rank = idle.back();
            log::info("hls: " + d.design + " to rank " + std::to_string(idle.back()));
            idle.pop_back();
            ++next;
            ++running;
        }
        if (running == 0 && (next >= p.jobs.size() || drain_requested())) break;
        auto env = transport.receive(std::chrono::milliseconds(200));
        if (!env) continue;
        const MessageHeader& h = env->message.header;
        if (h.kind != MessageKind::kHlsDesignResult || h.trial < 0 ||
            static_cast<std::size_t>(h.trial) >= p.jobs.size())
            throw Error("hls stage: unexpected message " + std::string(to_string(h.kind)) +
                        " from rank " + std::to_string(env->source));
        --running;
        idle.push_back(env->source);
        auto& d = out.designs[static_cast<std::size_t>(h.trial)];
        const json reply = json::parse(env->message.payload);
        if (reply.contains("result")) d.result = result_of(reply.at("result"), p.run_dir);
        if (reply.contains("error")) {
            const std::string error = reply.at("error").get<std::string>();
            if (error == kSkipped) {
                d.error = kSkipped;
                continue;  // not built: nothing to record
            }
            d.error = "rank " + std::to_string(env->source) + ": " + error;
            log::error("hls: " + d.design + " failed on rank " + std::to_string(env->source) +
                       ": " + error);
        }
        record_design(*p.study, d, p.keys[static_cast<std::size_t>(h.trial)], p.run_dir);
        test_hook_pause();  // holds each recorded design (kill tests)
    }
    for (std::size_t i = next; i < p.jobs.size(); ++i)
        if (!out.designs[i].reused) out.designs[i].error = kSkipped;
}

/// The summary, the warnings and the stage record (rank 0, after the designs).
HlsStageResult finish_stage(StagePlan& p) {
    auto& out = p.out;
    for (std::size_t i = 0; i < p.jobs.size(); ++i) {
        auto& d = out.designs[i];
        if (design_status(d) != "ok") ++out.failed;
        if (!d.result.fits)
            log::warn("hls: " + d.design + " does not fit " + p.cfg.hls.part +
                      " by the estimate (see hls/summary.csv and the report)");
    }
    out.summary_csv = (fs::path(p.run_dir) / "hls" / "summary.csv").string();
    snac::write_file_atomic(out.summary_csv, summary_csv(p.run_dir, out.designs, p.settings));
    const auto n = static_cast<std::int64_t>(out.designs.size());
    if (drain_requested()) return std::move(out);
    if (out.failed == n)
        throw Error("the HLS stage built no design successfully",
                    "see the errors in " + out.summary_csv);
    if (out.failed == 0) {
        StageRecord rec;
        rec.stage = Stage::kHls;
        rec.counts = {{"designs", n}, {"csim_mismatches", 0}, {"reused", out.reused}};
        write_stage_done(p.run_dir, p.cfg, rec);
    }
    return std::move(out);
}

}  // namespace

HlsStageResult run_hls_stage(const HlsStageOptions& o) {
    if (o.synth) require_synthesis_tool();
    MpiSession session;  // joins snac run's session; inactive without a launcher
    if (!session.active() || session.size() == 1) {
        StagePlan p = plan_stage(o);
        const int threads =
            o.threads > 0 ? o.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        build_in_process(p, threads);
        return finish_stage(p);
    }
    log::set_prefix("[rank " + std::to_string(session.rank()) + "] ");
    std::optional<StagePlan> plan;
    std::optional<RunDirLock> lock;  // rank 0 is the only writer
    auto [status, text] = session.setup_on_rank0([&] {
        lock.emplace(fs::absolute(o.run_dir).lexically_normal().string());
        plan.emplace(plan_stage(o));
        // The ranks that build: the estimators of the run's role layout, else every rank but 0.
        std::vector<int> ranks = plan_roles(session.size(), plan->cfg.runtime).estimators;
        if (ranks.empty())
            for (int r = 1; r < session.size(); ++r) ranks.push_back(r);
        std::string shared = plan->run_dir + "\n" + plan->dataset + "\n";
        for (int r : ranks) shared += std::to_string(r) + " ";
        return shared;
    });
    HlsStageResult none;
    none.rank = session.rank();
    none.exit_code = status;
    if (status != 0) return none;  // rank 0 reported the problem
    std::istringstream lines(text);
    std::string run_dir, dataset, rank_list;
    std::getline(lines, run_dir);
    std::getline(lines, dataset);
    std::getline(lines, rank_list);
    std::vector<int> ranks;
    std::istringstream rl(rank_list);
    for (int r; rl >> r;) ranks.push_back(r);
    auto transport = make_mpi_transport(session);
    if (session.rank() != 0) {
        try {
            if (std::find(ranks.begin(), ranks.end(), session.rank()) != ranks.end())
                run_design_worker(*transport, run_dir, dataset, o.synth);
        } catch (const std::exception& e) {
            std::cerr << "[rank " << session.rank() << "] error: " << e.what() << "\n";
            session.abort(1);
        }
        return none;
    }
    try {
        build_distributed(*plan, *transport, ranks);
        for (int r : ranks) transport->send(r, make_shutdown());
        transport->flush();
    } catch (const std::exception& e) {
        // The estimator ranks wait for messages that will never come: take the job down.
        std::cerr << "[rank 0] error: " << e.what() << "\n";
        session.abort(1);
    }
    return finish_stage(*plan);
}

}  // namespace snac::runtime
