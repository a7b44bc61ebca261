// snac hls CHECKPOINT.h5 --out DIR: emits a Vitis HLS project for a trained network and verifies
// it bit-exactly by C simulation with g++ (docs/hls.md). snac hls RUN_DIR: the pipeline's HLS
// stage over every selected design (docs/pipeline.md#hls). Flags to options and printing only;
// the work is in runtime (hls_stage.hpp).
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "cli_checks.hpp"
#include "command.hpp"
#include "snac/core/config.hpp"
#include "snac/core/error.hpp"
#include "snac/core/hls_settings.hpp"
#include "snac/core/log.hpp"
#include "snac/core/metrics.hpp"
#include "snac/runtime/hls_stage.hpp"
#include "snac/runtime/model_file.hpp"

namespace snac::app {
namespace {

struct HlsArgs {
    std::string checkpoint;
    std::string part;
    std::string out;
    std::string name;
    std::string config;
    std::vector<std::string> precision;
    int reuse_factor = 0;  // 0: from config / default
    std::string strategy;
    std::string io_type;
    double clock_period = 0.0;
    int table_size = 0;
    std::string data;
    std::int64_t samples = 1000;
    int threads = 0;
    std::uint64_t seed = 1;
    bool no_csim = false;
    bool synth = false;
    bool resume = false;
    bool force = false;
};

void set_variable(LayerPrecision& p, const std::string& var, const FixedType& t,
                  const std::string& spec) {
    if (var == "all")
        p = {t, t, t, t};
    else if (var == "weight")
        p.weight = t;
    else if (var == "bias")
        p.bias = t;
    else if (var == "result")
        p.result = t;
    else if (var == "accum")
        p.accum = t;
    else
        throw UsageError("--precision '" + spec + "': unknown variable '" + var + "'",
                         "use TYPE, VAR=TYPE or LAYER:VAR=TYPE with VAR one of "
                         "all, weight, bias, result, accum, table, input");
}

/// --precision TYPE | VAR=TYPE | LAYER:VAR=TYPE (VAR: all weight bias result accum; table, input
/// network-wide only).
void apply_precisions(const std::vector<std::string>& specs, HlsSettings& s) {
    std::map<std::string, std::vector<std::pair<std::string, FixedType>>> per_layer;
    for (const std::string& spec : specs) {
        const auto eq = spec.find('=');
        if (eq == std::string::npos) {
            const FixedType t = FixedType::parse(spec);
            s.default_precision = {t, t, t, t};
            s.input = t;
            continue;
        }
        const std::string lhs = spec.substr(0, eq);
        const FixedType t = FixedType::parse(spec.substr(eq + 1));
        const auto colon = lhs.rfind(':');
        if (colon == std::string::npos) {
            if (lhs == "table") {
                s.table = t;
            } else if (lhs == "input") {
                s.input = t;
            } else {
                if (lhs == "all") s.input = t;
                set_variable(s.default_precision, lhs, t, spec);
            }
        } else {
            per_layer[lhs.substr(0, colon)].emplace_back(lhs.substr(colon + 1), t);
        }
    }
    for (const auto& [layer, vars] : per_layer) {
        LayerHlsSettings ls = s.for_layer(layer);
        for (const auto& [var, t] : vars) set_variable(ls.precision, var, t, layer + ":" + var);
        s.layers[layer] = ls;
    }
}

void print_result(const runtime::HlsProjectResult& r) {
    for (const auto& w : r.warnings) log::warn(w);
    if (r.csim_ran) {
        std::cout << "C simulation: " << r.csim_samples << " samples, " << r.csim_mismatches
                  << " mismatches vs snac's fixed-point inference; max |fixed - float| = "
                  << r.max_abs_diff_vs_float;
        if (r.accuracy_float)
            std::cout << "; accuracy float " << *r.accuracy_float << ", fixed "
                      << *r.accuracy_fixed;
        std::cout << "\n";
    }
    if (!r.estimate.empty()) {
        auto e = [&r](std::string_view k) { return r.estimate.at(std::string(k)); };
        std::cout << "estimate (" << r.estimate_source << "): LUT " << e(metric::kEstLut) << ", FF "
                  << e(metric::kEstFf) << ", DSP " << e(metric::kEstDsp) << ", BRAM_18K "
                  << e(metric::kEstBram) << ", latency " << e(metric::kEstLatencyCycles)
                  << " cycles\n";
    }
    if (!r.synth.empty()) {
        auto e = r.synth;
        std::cout << "csynth: LUT " << e["lut"] << ", FF " << e["ff"] << ", DSP " << e["dsp"]
                  << ", BRAM_18K " << e["bram_18k"] << ", latency " << e["latency_cycles_max"]
                  << " cycles\n";
    }
}

int run_checkpoint(const HlsArgs& a) {
    if (a.out.empty())
        throw UsageError("snac hls CHECKPOINT needs --out DIR",
                         "name the project directory to create, e.g. --out hls/myproject");
    HlsConfig cfg;
    SurrogateConfig surrogate;
    std::string base_dir;
    if (!a.config.empty()) {
        const RunConfig rc = load_config(a.config);
        cfg = rc.hls;
        surrogate = rc.surrogate;
        base_dir = rc.base_dir;
    }
    runtime::HlsProjectJob job;
    job.checkpoint = a.checkpoint;
    job.out_dir = a.out;
    job.name = a.name;
    job.part = a.part.empty() ? cfg.part : a.part;
    HlsSettings& settings = job.settings;
    // A checkpoint's own per-layer precisions (the local stage's hls_settings attribute) replace
    // the config's hls: section; flags still override, as in snac estimate.
    settings = hls_settings_of(runtime::load_model(a.checkpoint).checkpoint, cfg.to_settings(),
                               a.checkpoint);
    if (a.reuse_factor > 0) settings.reuse_factor = a.reuse_factor;
    if (!a.strategy.empty())
        settings.strategy = a.strategy == "resource" ? Strategy::kResource : Strategy::kLatency;
    if (!a.io_type.empty())
        settings.io_type = a.io_type == "io_stream" ? IoType::kStream : IoType::kParallel;
    if (a.clock_period > 0) settings.clock_period_ns = a.clock_period;
    if (a.table_size > 0) settings.table_size = a.table_size;
    apply_precisions(a.precision, settings);
    job.data = a.data;
    job.samples = a.samples;
    job.seed = a.seed;
    job.csim = !a.no_csim;
    job.synth = a.synth;
    job.force = a.force;
    job.surrogate = surrogate;
    job.surrogate_base_dir = base_dir;
    const runtime::HlsProjectResult r = runtime::build_hls_project(job);
    log::info("wrote " + r.project_dir);
    print_result(r);
    std::cout << "project: " << r.project_dir << "\n";
    if (r.csim_ran && r.csim_mismatches != 0)
        throw Error("C simulation disagrees with snac's fixed-point inference",
                    "see " + r.project_dir + "/tb_data/csim_results.log; please report this bug");
    return 0;
}

/// Flags that only a single checkpoint reads are rejected with RUN_DIR, so none is silently
/// ignored (the stage takes its settings from the run's config and the designs' checkpoints).
void reject_checkpoint_flags(const CLI::App& sub) {
    for (const char* flag :
         {"--part", "--out", "--name", "--config", "--precision", "--reuse-factor", "--strategy",
          "--io-type", "--clock-period", "--table-size", "--data", "--samples", "--seed",
          "--no-csim", "--force"})
        if (sub.count(flag) > 0)
            throw UsageError(std::string(flag) + " applies to snac hls CHECKPOINT, not RUN_DIR",
                             "the HLS stage reads the run's config.yaml (hls: section) and the "
                             "designs' checkpoints; edit them, or build one checkpoint alone");
}

int run_stage(const HlsArgs& a, const CLI::App& sub) {
    reject_checkpoint_flags(sub);
    runtime::HlsStageOptions o;
    o.run_dir = a.checkpoint;
    o.synth = a.synth;
    o.threads = a.threads;
    o.resume = a.resume;
    const runtime::HlsStageResult r = runtime::run_hls_stage(o);
    if (r.rank != 0) return r.exit_code;  // an estimator rank: rank 0 reports
    std::cout << "HLS stage: " << r.designs.size() << " design(s) from " << r.source << "\n";
    for (const auto& d : r.designs) {
        std::cout << "  " << d.design << ": ";
        if (!d.error.empty()) {
            std::cout << "FAILED: " << d.error << "\n";
            continue;
        }
        const auto& res = d.result;
        if (d.reused) std::cout << "(finished earlier) ";
        std::cout << res.csim_samples << " samples, " << res.csim_mismatches << " mismatches";
        if (res.metric_fixed) {
            std::cout << ", firmware test " << res.metric << " " << *res.metric_fixed;
            if (res.metric_local) std::cout << " (local stage " << *res.metric_local << ")";
        }
        if (!res.estimate.empty())
            std::cout << ", est. LUT " << res.estimate.at(std::string(metric::kEstLutPct))
                      << " %, latency " << res.estimate.at(std::string(metric::kEstLatencyCycles))
                      << " cycles";
        std::cout << (res.fits ? "" : "  [DOES NOT FIT THE PART]") << "\n    " << res.project_dir
                  << "\n";
        for (const auto& w : res.warnings) log::warn(d.design + ": " + w);
    }
    std::cout << "summary: " << r.summary_csv << "\n";
    if (r.failed > 0)
        throw Error(std::to_string(r.failed) + " of " + std::to_string(r.designs.size()) +
                        " design(s) failed to build or disagree in C simulation",
                    "see " + r.summary_csv);
    return 0;
}

int run_hls(const HlsArgs& a, const CLI::App& sub) {
    std::error_code ec;
    if (std::filesystem::is_directory(a.checkpoint, ec)) return run_stage(a, sub);
    if (a.threads > 0) throw UsageError("--threads applies to snac hls RUN_DIR", "remove it");
    if (a.resume) throw UsageError("--resume applies to snac hls RUN_DIR", "remove it");
    return run_checkpoint(a);
}

std::function<int()> setup_hls(CLI::App& sub) {
    auto a = std::make_shared<HlsArgs>();
    sub.add_option("CHECKPOINT", a->checkpoint,
                   "Trained checkpoint (.h5) from snac train/run, an ONNX model (.onnx), or a "
                   "RUN_DIR: the HLS stage "
                   "over every selected design")
        ->required();
    sub.add_option("--part", a->part, "FPGA part or board name (default: config or xcvu13p)");
    sub.add_option("--out", a->out, "Project directory to create (CHECKPOINT)");
    sub.add_option("--name", a->name, "Project / top-function name (sanitized)");
    sub.add_option("--config", a->config, "Run configuration whose hls: section gives defaults");
    sub.add_option("--precision", a->precision,
                   "TYPE | VAR=TYPE | LAYER:VAR=TYPE, VAR in all/weight/bias/result/accum, or "
                   "table=TYPE (repeatable)")
        ->allow_extra_args(false);
    sub.add_option("--reuse-factor", a->reuse_factor, "Reuse factor of every layer")
        ->check(in_range<long long>(1, 1 << 20));
    sub.add_option("--strategy", a->strategy, "latency | resource")
        ->check(CLI::IsMember({"latency", "resource"}));
    sub.add_option("--io-type", a->io_type,
                   "io_parallel | io_stream (FIFOs between layers; default: config or "
                   "io_parallel)")
        ->check(CLI::IsMember({"io_parallel", "io_stream"}));
    sub.add_option("--clock-period", a->clock_period, "Target clock period in ns")
        ->check(in_range<double>(0.1, 1000.0));
    sub.add_option("--table-size", a->table_size, "Entries of each activation lookup table")
        ->check(in_range<long long>(2, 65536));
    sub.add_option("--data", a->data,
                   "Dataset (.h5) whose test split feeds the testbench (default: the training "
                   "dataset when found, else random inputs)");
    sub.add_option("--samples", a->samples, "Testbench samples")
        ->check(in_range<long long>(1, 1000000))
        ->capture_default_str();
    sub.add_option("--seed", a->seed, "Seed of random test inputs (without --data)")
        ->check(seed_range())
        ->capture_default_str();
    sub.add_flag("--no-csim", a->no_csim, "Write the project but skip the C simulation");
    sub.add_flag("--synth", a->synth, "Run csynth with vitis_hls/vivado_hls from PATH");
    sub.add_flag("--resume", a->resume,
                 "RUN_DIR: keep the designs an interrupted run of the stage finished (recorded "
                 "in the study 'hls'); default: rebuild every design");
    sub.add_option("--threads", a->threads, "Parallel C simulations (RUN_DIR; default: cores)")
        ->check(in_range<long long>(1, 1024));
    sub.add_flag("--force", a->force,
                 "Write into an existing directory that is not a snac project");
    return [a, &sub]() { return run_hls(*a, sub); };
}

const RegisterCommand kRegister{
    {"hls", setup_hls, "Emit a Vitis HLS project and verify it bit-exactly by C simulation"}};

}  // namespace
}  // namespace snac::app
