// `snac hls RUN_DIR`: one project per design the earlier stages chose. Reading checkpoints,
// lowering, emitting and the float reference run on this thread (HDF5 is serial, oneDNN owns
// the cores); the C simulations (a g++ compile and a testbench run each) run in a TBB arena.
#include "snac/runtime/hls_stage.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include "hls_project.hpp"
#include "snac/core/atomic_file.hpp"
#include "snac/core/csv.hpp"
#include "snac/core/error.hpp"
#include "snac/core/log.hpp"
#include "snac/hls/project.hpp"
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
           "csim_mismatches,accuracy_float,accuracy_fixed,max_abs_diff_vs_float";
    for (const std::string& k : est) csv << "," << k;
    csv << ",clock_period_ns,fits_part,estimate_source,warnings\n";
    for (const auto& d : designs) {
        const HlsProjectResult& r = d.result;
        const std::string status = !d.error.empty()         ? "error"
                                   : !r.csim_ran            ? "not simulated"
                                   : r.csim_mismatches == 0 ? "ok"
                                                            : "mismatch";
        std::string project;
        if (!r.project_dir.empty()) project = fs::relative(r.project_dir, run_dir).string();
        csv << csv_field(d.design) << "," << csv_field(d.model) << "," << d.trial << ","
            << csv_field(d.precision) << "," << d.sparsity << "," << csv_field(d.checkpoint) << ","
            << csv_field(project) << "," << status << "," << r.csim_samples << ","
            << r.csim_mismatches << "," << num(r.accuracy_float) << "," << num(r.accuracy_fixed)
            << "," << num(r.max_abs_diff_vs_float);
        for (const std::string& k : est) {
            auto it = r.estimate.find(k);
            csv << "," << (it == r.estimate.end() ? "" : num(it->second));
        }
        std::string warnings = d.error;
        for (const auto& w : r.warnings) warnings += (warnings.empty() ? "" : "; ") + w;
        csv << "," << settings.clock_period_ns << "," << (r.fits ? "yes" : "no") << ","
            << csv_field(r.estimate_source) << "," << csv_field(warnings) << "\n";
    }
    return csv.str();
}

}  // namespace

HlsStageResult run_hls_stage(const HlsStageOptions& o) {
    const std::string run_dir = fs::absolute(o.run_dir).lexically_normal().string();
    const RunConfig cfg = load_run_config(run_dir);
    HlsStageResult out;
    out.designs = designs_of(run_dir, cfg, out.source);
    clear_stage_done(run_dir, Stage::kHls);

    const HlsSettings settings = cfg.hls.to_settings();
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
        j.samples = 0;  // the whole test split: the firmware's metric on the same samples
        j.synth = o.synth;
        j.surrogate = cfg.surrogate;
        j.surrogate_base_dir = cfg.base_dir;
        jobs.push_back(std::move(j));
    }

    std::vector<std::optional<PreparedHlsProject>> prepared(jobs.size());
    for (std::size_t i = 0; i < jobs.size(); ++i) {
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
            if (!prepared[i]) return;
            try {
                simulate_hls_project(*prepared[i], jobs[i]);
            } catch (const Error& e) {
                out.designs[i].error = e.what();
            }
        });
    });
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        auto& d = out.designs[i];
        if (prepared[i]) d.result = std::move(prepared[i]->result);
        if (!d.error.empty() || d.result.csim_mismatches != 0) ++out.failed;
    }
    out.summary_csv = (fs::path(run_dir) / "hls" / "summary.csv").string();
    snac::write_file_atomic(out.summary_csv, summary_csv(run_dir, out.designs, settings));
    const auto n = static_cast<std::int64_t>(out.designs.size());
    if (out.failed == n)
        throw Error("the HLS stage built no design successfully",
                    "see the errors in " + out.summary_csv);
    if (out.failed == 0) {
        StageRecord rec;
        rec.stage = Stage::kHls;
        rec.counts = {{"designs", n}, {"csim_mismatches", 0}};
        write_stage_done(run_dir, cfg, rec);
    }
    return out;
}

}  // namespace snac::runtime
