// One HLS project from one checkpoint: lower to fixed point, build the testbench from the test
// split, emit, C-simulate with g++, estimate with the surrogate, write the manifest. Moved here
// from the command line (issue 10) so that the HLS stage runs the same code for every design.
#include "hls_project.hpp"
#include "snac/runtime/precision_checks.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <sstream>

#include "snac/core/error.hpp"
#include "snac/core/fpga_part.hpp"
#include "snac/core/log.hpp"
#include "snac/core/metrics.hpp"
#include "snac/hls/project.hpp"
#include "snac/hls/synth.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/nn/trainer.hpp"
#include "snac/runtime/model_file.hpp"
#include "snac/surrogate/cost_model.hpp"

namespace snac::runtime {
namespace fs = std::filesystem;
namespace {

/// Every layer name of the network (Deep Sets members as paths), to check per-layer settings.
TestInputs dataset_inputs(const std::string& path, std::int64_t samples, std::int64_t size) {
    TestInputs in;
    const Dataset d = io::load_dataset(path);
    if (d.sample_size() != size)
        throw UsageError("dataset " + path + " has samples of " + std::to_string(d.sample_size()) +
                             " values, the network expects " + std::to_string(size),
                         "pass the dataset the checkpoint was trained on");
    const auto& idx = d.test_idx.empty() ? d.indices(Split::kVal) : d.test_idx;
    const auto avail = static_cast<std::int64_t>(idx.size());
    in.n = samples > 0 ? std::min(samples, avail) : avail;
    for (std::int64_t i = 0; i < in.n; ++i) {
        const auto s = idx[static_cast<std::size_t>(i)];
        in.x.insert(in.x.end(), d.x.begin() + s * size, d.x.begin() + (s + 1) * size);
        if (d.task == TaskType::kClassification) {
            in.labels.push_back(d.labels[static_cast<std::size_t>(s)]);
        } else if (!d.targets.empty()) {
            const auto outs = static_cast<std::int64_t>(d.targets.size()) / d.n_samples;
            in.targets.insert(in.targets.end(), d.targets.begin() + s * outs,
                              d.targets.begin() + (s + 1) * outs);
        }
    }
    in.source = path + (d.test_idx.empty() ? " (validation split)" : " (test split)");
    return in;
}

TestInputs test_inputs(const HlsProjectJob& job, std::int64_t size, const CheckpointData& ck) {
    if (!job.data.empty()) return dataset_inputs(job.data, job.samples, size);
    if (const std::string found = checkpoint_dataset(ck); !found.empty()) {
        try {
            return dataset_inputs(found, job.samples, size);
        } catch (const Error& e) {
            log::warn("not using the training dataset " + found + ": " + e.what());
        }
    }
    TestInputs in;
    std::mt19937_64 rng(job.seed);
    std::uniform_real_distribution<double> u(-2.0, 2.0);
    in.n = job.samples > 0 ? job.samples : 1000;
    in.x.resize(static_cast<std::size_t>(in.n * size));
    for (auto& v : in.x) v = static_cast<float>(u(rng));
    in.source = "uniform random in [-2, 2), seed " + std::to_string(job.seed);
    // Said on the terminal: random inputs check the C simulation bit for bit but measure no
    // accuracy, which a user comparing against float would otherwise assume was done.
    log::warn("testbench inputs: no dataset (no --data, and the checkpoint's training dataset was "
              "not found), so " + std::to_string(in.n) + " " + in.source +
              " inputs are used; no accuracy is measured. Pass --data DATASET.h5 for real "
              "samples");
    return in;
}

/// The task metric of `out` (n x outs) on the inputs' labels or targets, computed as
/// nn::evaluate_fixed computes the local stage's: accuracy with the first maximum winning, or the
/// mean Euclidean distance. Nothing when the inputs carry neither (random inputs).
template <class T>
std::optional<double> task_metric(const T* out, std::int64_t n, std::int64_t outs,
                                  const TestInputs& in) {
    if (n == 0) return std::nullopt;
    if (!in.labels.empty()) {
        std::int64_t right = 0;
        for (std::int64_t s = 0; s < n; ++s) {
            const T* v = out + s * outs;
            right += std::max_element(v, v + outs) - v == in.labels[static_cast<std::size_t>(s)];
        }
        return static_cast<double>(right) / static_cast<double>(n);
    }
    if (in.targets.size() != static_cast<std::size_t>(n * outs)) return std::nullopt;
    double distance = 0.0;
    for (std::int64_t s = 0; s < n; ++s) {
        double d2 = 0.0;
        for (std::int64_t j = 0; j < outs; ++j) {
            const double d = static_cast<double>(out[s * outs + j]) -
                             in.targets[static_cast<std::size_t>(s * outs + j)];
            d2 += d * d;
        }
        distance += std::sqrt(d2);
    }
    return distance / static_cast<double>(n);
}

void check_layer_names(const nn::NetworkSpec& net, const HlsSettings& settings) {
    const std::vector<std::string> names = nn::precision_layer_paths(net);
    for (const auto& [layer, _] : settings.layers)
        if (std::find(names.begin(), names.end(), layer) == names.end()) {
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
            throw UsageError(
                "the precision settings name layer '" + layer + "', which the network lacks",
                "layers are: " + list);
        }
}

}  // namespace

std::string checkpoint_dataset(const CheckpointData& ck) {
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

PreparedHlsProject prepare_hls_project(const HlsProjectJob& job) {
    PreparedHlsProject p;
    // A checkpoint or an ONNX model (docs/onnx.md); an architecture file has no weights.
    const ModelFile model = load_model(job.checkpoint);
    if (!model.has_weights())
        throw UsageError("'" + job.checkpoint + "' is an architecture file without weights",
                         "pass a trained checkpoint (.h5) or an ONNX model (.onnx)");
    const CheckpointData& ck = model.checkpoint;
    const nn::NetworkSpec& net = model.spec;
    const FpgaPart& part = find_part(job.part);
    HlsSettings settings = job.settings;
    if (job.settings_from_checkpoint) {
        const auto it = ck.attributes.find("hls_settings");
        if (it == ck.attributes.end())
            throw UsageError(job.checkpoint +
                                 " has no per-layer precisions (attribute "
                                 "hls_settings)",
                             "it should come from the local stage (snac local RUN_DIR)");
        settings = hls_settings_from_yaml(it->second, job.checkpoint + ":hls_settings");
    }
    HlsProjectResult& r = p.result;
    check_layer_names(net, settings);
    for (auto& w : precision_warnings(settings)) r.warnings.push_back(std::move(w));

    p.model = nn::lower_network(net, ck, settings);
    for (const auto& w : p.model.warnings) r.warnings.push_back(w);

    p.options.name = job.name.empty() ? fs::path(job.checkpoint).stem().string() : job.name;
    p.options.part = part.part;
    p.options.clock_period_ns = settings.clock_period_ns;
    p.options.io_type = settings.io_type;
    p.options.existing = job.force ? hls::ExistingDir::kOverwrite : hls::ExistingDir::kRefuse;
    r.name = hls::sanitize_identifier(p.options.name);
    if (r.name != p.options.name)
        r.warnings.push_back("project name '" + p.options.name + "' sanitized to '" + r.name + "'");

    p.inputs = test_inputs(job, p.model.input_size(), ck);
    r.test_inputs = p.inputs.source;
    if (!p.inputs.labels.empty() || !p.inputs.targets.empty()) {
        r.metric = p.inputs.labels.empty() ? "mean_distance" : "accuracy";
        // What the local stage measured for this checkpoint with FixedModel on the test split
        // (local_stage.cpp): the HLS stage must reproduce it sample for sample.
        if (const auto it = ck.final_metrics.find("fixed_test_" + r.metric);
            it != ck.final_metrics.end())
            r.metric_local = it->second;
    }
    p.bench = hls::make_testbench(p.model, p.inputs.x.data(), p.inputs.n);
    p.project = hls::emit_project(p.model, p.options, p.bench, job.out_dir);
    r.project_dir = p.project.dir;
    // The float reference runs here, outside any worker pool: oneDNN owns the cores.
    if (job.csim) p.reference = nn::predict(ck, p.inputs.x.data(), p.inputs.n);

    p.extras.provenance["checkpoint"] = fs::absolute(job.checkpoint).string();
    p.extras.provenance["test_inputs"] = p.inputs.source;
    p.extras.provenance["snac_version"] = SNAC_VERSION;
    try {
        const auto cost =
            surrogate::make_cost_model(job.surrogate, job.surrogate_base_dir, io::read_checkpoint);
        HlsSettings pruned = settings;  // pruned kernels lower the multiplier count
        apply_checkpoint_sparsity(ck, pruned);
        const surrogate::HardwareEstimate e = cost->estimate(net, pruned, part);
        r.estimate = surrogate::metric_values(e);
        r.estimate_source = std::string(cost->name());
        for (const std::string_view k : {metric::kEstLutPct, metric::kEstFfPct, metric::kEstDspPct,
                                         metric::kEstBramPct, metric::kEstUramPct})
            if (r.estimate[std::string(k)] > 100.0) r.fits = false;
        if (!r.fits) {
            std::ostringstream w;
            w.precision(3);
            w << "does not fit " << part.part << ": estimated LUT " << e.lut_pct << " %, FF "
              << e.ff_pct << " %, DSP " << e.dsp_pct << " %, BRAM " << e.bram_pct
              << " % of the part";
            r.warnings.push_back(w.str());
        }
        for (const auto& f : surrogate::hardware_figures(e)) p.extras.estimate[f.name] = f.value;
        p.extras.estimate_source = r.estimate_source;
    } catch (const Error& e) {
        r.warnings.push_back(std::string("no surrogate estimate: ") + e.what());
    }
    return p;
}

void simulate_hls_project(PreparedHlsProject& p, const HlsProjectJob& job) {
    HlsProjectResult& r = p.result;
    if (job.synth) {
        const hls::SynthResult synth = hls::run_synthesis(p.project);
        r.synth = synth.report;
        p.extras.estimate = synth.report;
        p.extras.estimate_source = "csynth (" + synth.tool + ")";
    }
    if (job.csim) {
        const hls::CsimResult csim = hls::run_csim(p.project);
        const std::int64_t n = p.inputs.n;
        p.extras.csim = csim;
        r.csim_ran = true;
        r.csim_samples = csim.samples;
        r.csim_mismatches = csim.mismatches;
        // A testbench that stopped early is a failure even without a differing sample.
        if (csim.samples != n) r.csim_mismatches = std::max<std::int64_t>(1, csim.mismatches);
        const std::int64_t n_out = p.model.output_size();
        double max_diff = 0.0;
        for (std::int64_t s = 0; s < n * n_out; ++s)
            max_diff = std::max(max_diff, std::abs(p.bench.expected[static_cast<std::size_t>(s)] -
                                                   static_cast<double>(p.reference[static_cast<std::size_t>(s)])));
        r.max_abs_diff_vs_float = max_diff;
        p.extras.max_abs_diff_vs_float = max_diff;
        // The firmware metric is the compiled design's own outputs scored against the test
        // split; with 0 mismatches it equals snac's fixed-point inference's.
        if (csim.samples == n && csim.outputs.size() == static_cast<std::size_t>(n * n_out))
            r.metric_fixed = task_metric(csim.outputs.data(), n, n_out, p.inputs);
        r.metric_float = task_metric(p.reference.data(), n, n_out, p.inputs);
        if (!p.inputs.labels.empty()) {
            r.accuracy_float = r.metric_float;
            r.accuracy_fixed = r.metric_fixed;
            p.extras.accuracy_float = r.accuracy_float;
            p.extras.accuracy_fixed = r.accuracy_fixed;
            if (auto w = accuracy_collapse_warning(*r.accuracy_float, *r.accuracy_fixed))
                r.warnings.push_back(*w);
        }
        if (r.metric_fixed && r.metric_local && *r.metric_fixed != *r.metric_local) {
            std::ostringstream w;
            w.precision(10);
            w << "the firmware's test " << r.metric << " " << *r.metric_fixed
              << " differs from the local stage's " << *r.metric_local
              << " for the same checkpoint";
            r.warnings.push_back(w.str());
        }
    }
    p.extras.warnings = r.warnings;
    hls::write_manifest(p.project, p.model, p.options, p.extras);
}

HlsProjectResult build_hls_project(const HlsProjectJob& job) {
    PreparedHlsProject p = prepare_hls_project(job);
    simulate_hls_project(p, job);
    return p.result;
}

}  // namespace snac::runtime
