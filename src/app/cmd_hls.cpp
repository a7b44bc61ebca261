// snac hls CHECKPOINT.h5 --part P --out DIR: emits a Vitis HLS project for a trained network and
// verifies it bit-exactly by C simulation with g++ (docs/hls.md).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>

#include "command.hpp"
#include "snac/core/config.hpp"
#include "snac/core/error.hpp"
#include "snac/core/fpga_part.hpp"
#include "snac/core/log.hpp"
#include "snac/hls/project.hpp"
#include "snac/hls/synth.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/nn/trainer.hpp"
#include "snac/surrogate/cost_model.hpp"

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
    double clock_period = 0.0;
    int table_size = 0;
    std::string data;
    std::int64_t samples = 1000;
    std::uint64_t seed = 1;
    bool no_csim = false;
    bool synth = false;
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

/// Every layer name of the network (Deep Sets members as paths), to check per-layer settings.
void collect_names(const std::vector<nn::LayerSpec>& layers, const std::string& prefix,
                   std::vector<std::string>& out) {
    for (const auto& l : layers) {
        out.push_back(prefix + l.name);
        collect_names(l.phi, prefix + l.name + "/phi/", out);
        collect_names(l.rho, prefix + l.name + "/rho/", out);
    }
}

struct Inputs {
    std::vector<float> x;
    std::vector<std::int32_t> labels;  // empty unless a classification dataset was given
    std::int64_t n = 0;
    std::string source;
};

/// The dataset a checkpoint was trained on, when it can be found: its recorded path, or
/// <name>.h5 in the data directories. Empty otherwise.
std::string training_dataset(const CheckpointData& ck) {
    namespace fs = std::filesystem;
    const auto it = ck.attributes.find("dataset");
    if (it == ck.attributes.end() || it->second.empty()) return {};
    std::error_code ec;
    if (fs::is_regular_file(it->second, ec)) return it->second;
    for (const std::string& dir : io::data_search_dirs()) {
        const fs::path p = fs::path(dir) / (it->second + ".h5");
        if (fs::is_regular_file(p, ec)) return p.string();
    }
    return {};
}

Inputs dataset_inputs(const std::string& path, const HlsArgs& a, std::int64_t size) {
    Inputs in;
    {
        const Dataset d = io::load_dataset(path);
        if (d.sample_size() != size)
            throw UsageError("dataset " + path + " has samples of " +
                                 std::to_string(d.sample_size()) + " values, the network expects " +
                                 std::to_string(size),
                             "pass the dataset the checkpoint was trained on");
        const auto& idx = d.test_idx.empty() ? d.indices(Split::kVal) : d.test_idx;
        in.n = std::min<std::int64_t>(a.samples, static_cast<std::int64_t>(idx.size()));
        for (std::int64_t i = 0; i < in.n; ++i) {
            const auto s = idx[static_cast<std::size_t>(i)];
            in.x.insert(in.x.end(), d.x.begin() + s * size, d.x.begin() + (s + 1) * size);
            if (d.task == TaskType::kClassification)
                in.labels.push_back(d.labels[static_cast<std::size_t>(s)]);
        }
        in.source = path + " (test split)";
        return in;
    }
}

Inputs test_inputs(const HlsArgs& a, const nn::FixedModel& model, const CheckpointData& ck) {
    const std::int64_t size = model.input_size();
    if (!a.data.empty()) return dataset_inputs(a.data, a, size);
    if (const std::string found = training_dataset(ck); !found.empty()) {
        try {
            return dataset_inputs(found, a, size);
        } catch (const Error& e) {
            log::warn("not using the training dataset " + found + ": " + e.what());
        }
    }
    Inputs in;
    std::mt19937_64 rng(a.seed);
    std::uniform_real_distribution<double> u(-2.0, 2.0);
    in.n = a.samples;
    in.x.resize(static_cast<std::size_t>(in.n * size));
    for (auto& v : in.x) v = static_cast<float>(u(rng));
    in.source = "uniform random in [-2, 2), seed " + std::to_string(a.seed);
    return in;
}

template <class T>
std::int64_t argmax(const T* v, std::int64_t n) {
    return std::max_element(v, v + n) - v;
}

std::map<std::string, double> estimate_map(const surrogate::HardwareEstimate& e) {
    return {{"lut", static_cast<double>(e.total.lut)},
            {"ff", static_cast<double>(e.total.ff)},
            {"dsp", static_cast<double>(e.total.dsp)},
            {"bram_18k", static_cast<double>(e.total.bram_18k)},
            {"uram", static_cast<double>(e.total.uram)},
            {"lut_pct", e.lut_pct},
            {"ff_pct", e.ff_pct},
            {"dsp_pct", e.dsp_pct},
            {"bram_pct", e.bram_pct},
            {"latency_cycles_min", static_cast<double>(e.latency_cycles_min)},
            {"latency_cycles_max", static_cast<double>(e.latency_cycles_max)},
            {"ii_cycles", static_cast<double>(e.ii_cycles)}};
}

int run_hls(const HlsArgs& a) {
    const CheckpointData ck = io::read_checkpoint(a.checkpoint);
    const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(ck.architecture_yaml, a.checkpoint);

    HlsConfig cfg;
    if (!a.config.empty()) cfg = load_config(a.config).hls;
    if (!a.part.empty()) cfg.part = a.part;
    const FpgaPart& part = find_part(cfg.part);
    // The checkpoint's own per-layer precisions (local stage) replace the config's defaults.
    HlsSettings settings = hls_settings_of(ck, cfg.to_settings(), a.checkpoint);
    if (a.reuse_factor > 0) settings.reuse_factor = a.reuse_factor;
    if (!a.strategy.empty())
        settings.strategy = a.strategy == "resource" ? Strategy::kResource : Strategy::kLatency;
    if (a.clock_period > 0) settings.clock_period_ns = a.clock_period;
    if (a.table_size > 0) settings.table_size = a.table_size;
    apply_precisions(a.precision, settings);
    if (settings.io_type == IoType::kStream)
        log::warn("io_stream is not implemented by snac's emitter; the project uses io_parallel");
    std::vector<std::string> names;
    collect_names(net.layers, "", names);
    for (const auto& [layer, _] : settings.layers)
        if (std::find(names.begin(), names.end(), layer) == names.end())
            throw UsageError(
                "--precision names layer '" + layer + "', which the network lacks",
                "layers are: " + [&] {
                    std::string s;
                    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
                    return s;
                }());

    const nn::FixedModel model = nn::lower_network(net, ck, settings);
    for (const auto& w : model.warnings) log::warn(w);

    hls::ProjectOptions opt;
    opt.name = a.name.empty() ? std::filesystem::path(a.checkpoint).stem().string() : a.name;
    opt.part = part.part;
    opt.clock_period_ns = settings.clock_period_ns;
    opt.existing = a.force ? hls::ExistingDir::kOverwrite : hls::ExistingDir::kRefuse;
    const std::string sanitized = hls::sanitize_identifier(opt.name);
    if (sanitized != opt.name)
        log::warn("project name '" + opt.name + "' sanitized to '" + sanitized + "'");

    const Inputs inputs = test_inputs(a, model, ck);
    const hls::TestBench bench = hls::make_testbench(model, inputs.x.data(), inputs.n);
    const hls::EmittedProject project = hls::emit_project(model, opt, bench, a.out);
    log::info("wrote " + project.dir + " (" + std::to_string(project.files.size()) + " files)");

    hls::ManifestExtras extras;
    extras.provenance["checkpoint"] = std::filesystem::absolute(a.checkpoint).string();
    extras.provenance["test_inputs"] = inputs.source;
    extras.provenance["snac_version"] = SNAC_VERSION;
    try {
        const auto model_cost =
            surrogate::make_cost_model(SurrogateConfig{}, "", io::read_checkpoint);
        HlsSettings pruned = settings;
        apply_checkpoint_sparsity(ck, pruned);
        extras.estimate = estimate_map(model_cost->estimate(net, pruned, part));
        extras.estimate_source = std::string(model_cost->name());
    } catch (const Error& e) {
        extras.warnings.push_back(std::string("no surrogate estimate: ") + e.what());
        log::warn(extras.warnings.back());
    }

    if (a.synth) {
        const hls::SynthResult synth = hls::run_synthesis(project);
        extras.estimate = synth.report;
        extras.estimate_source = "csynth (" + synth.tool + ")";
    }

    int status = 0;
    if (!a.no_csim) {
        const hls::CsimResult csim = hls::run_csim(project);
        extras.csim = csim;
        const std::int64_t n_out = model.output_size();
        const std::vector<float> ref = nn::predict(ck, inputs.x.data(), inputs.n);
        double max_diff = 0.0;
        std::int64_t right_float = 0, right_fixed = 0;
        for (std::int64_t s = 0; s < inputs.n; ++s) {
            const double* fixed = bench.expected.data() + s * n_out;
            const float* flt = ref.data() + s * n_out;
            for (std::int64_t j = 0; j < n_out; ++j)
                max_diff = std::max(max_diff, std::abs(fixed[j] - static_cast<double>(flt[j])));
            if (!inputs.labels.empty()) {
                const auto label = inputs.labels[static_cast<std::size_t>(s)];
                right_float += argmax(flt, n_out) == label ? 1 : 0;
                right_fixed += argmax(fixed, n_out) == label ? 1 : 0;
            }
        }
        extras.max_abs_diff_vs_float = max_diff;
        if (!inputs.labels.empty() && inputs.n > 0) {
            extras.accuracy_float =
                static_cast<double>(right_float) / static_cast<double>(inputs.n);
            extras.accuracy_fixed =
                static_cast<double>(right_fixed) / static_cast<double>(inputs.n);
        }
        std::ostringstream msg;
        msg << "C simulation: " << csim.samples << " samples, " << csim.mismatches
            << " mismatches vs snac's fixed-point inference; max |fixed - float| = " << max_diff;
        if (extras.accuracy_float)
            msg << "; accuracy float " << *extras.accuracy_float << ", fixed "
                << *extras.accuracy_fixed;
        std::cout << msg.str() << "\n";
        if (csim.mismatches != 0 || csim.samples != inputs.n) status = 1;
    }
    if (!extras.estimate.empty())
        std::cout << "estimate (" << extras.estimate_source << "): LUT " << extras.estimate["lut"]
                  << ", FF " << extras.estimate["ff"] << ", DSP " << extras.estimate["dsp"]
                  << ", BRAM_18K " << extras.estimate["bram_18k"] << ", latency "
                  << extras.estimate["latency_cycles_max"] << " cycles\n";
    hls::write_manifest(project, model, opt, extras);
    std::cout << "project: " << project.dir << "\n";
    if (status != 0)
        throw Error("C simulation disagrees with snac's fixed-point inference",
                    "see " + project.dir + "/tb_data/csim_results.log; please report this bug");
    return 0;
}

std::function<int()> setup_hls(CLI::App& sub) {
    auto a = std::make_shared<HlsArgs>();
    sub.add_option("CHECKPOINT", a->checkpoint, "Trained checkpoint (.h5) from snac train/run")
        ->required();
    sub.add_option("--part", a->part, "FPGA part or board name (default: config or xcvu13p)");
    sub.add_option("--out", a->out, "Project directory to create")->required();
    sub.add_option("--name", a->name, "Project / top-function name (sanitized)");
    sub.add_option("--config", a->config, "Run configuration whose hls: section gives defaults");
    sub.add_option("--precision", a->precision,
                   "TYPE | VAR=TYPE | LAYER:VAR=TYPE, VAR in all/weight/bias/result/accum, or "
                   "table=TYPE (repeatable)")
        ->allow_extra_args(false);
    sub.add_option("--reuse-factor", a->reuse_factor, "Reuse factor of every layer")
        ->check(CLI::Range(1, 1 << 20));
    sub.add_option("--strategy", a->strategy, "latency | resource")
        ->check(CLI::IsMember({"latency", "resource"}));
    sub.add_option("--clock-period", a->clock_period, "Target clock period in ns")
        ->check(CLI::Range(0.1, 1000.0));
    sub.add_option("--table-size", a->table_size, "Entries of each activation lookup table")
        ->check(CLI::Range(2, 65536));
    sub.add_option("--data", a->data,
                   "Dataset (.h5) whose test split feeds the testbench (default: the training "
                   "dataset when found, else random inputs)");
    sub.add_option("--samples", a->samples, "Testbench samples")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();
    sub.add_option("--seed", a->seed, "Seed of random test inputs (without --data)")
        ->capture_default_str();
    sub.add_flag("--no-csim", a->no_csim, "Write the project but skip the C simulation");
    sub.add_flag("--synth", a->synth, "Run csynth with vitis_hls/vivado_hls from PATH");
    sub.add_flag("--force", a->force,
                 "Write into an existing directory that is not a snac project");
    return [a]() { return run_hls(*a); };
}

const RegisterCommand kRegister{
    {"hls", setup_hls, "Emit a Vitis HLS project and verify it bit-exactly by C simulation"}};

}  // namespace
}  // namespace snac::app
