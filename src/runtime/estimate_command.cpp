// snac estimate ARCH.yaml|CHECKPOINT.h5 --part P [...]: hardware cost of one network (docs/cli.md).
#include "snac/runtime/estimate_command.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "snac/core/config.hpp"
#include "snac/core/error.hpp"
#include "snac/core/fixed_type.hpp"
#include "snac/core/fpga_part.hpp"
#include "snac/core/log.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/runtime/model_file.hpp"
#include "snac/runtime/precision_checks.hpp"
#include "snac/surrogate/cost_model.hpp"

namespace snac::runtime {
namespace {

// Fraction of exactly-zero kernel weights per layer of a trained checkpoint.
// Defaults come from the config's `hls:` section (when --config is given); flags override.
// A checkpoint's own hls_settings attribute (the local stage's per-layer precisions) replaces them.
HlsSettings settings_from(const EstimateOptions& f, HlsSettings hls) {
    if (!f.precision.empty()) {
        const FixedType t = FixedType::parse(f.precision);
        hls.default_precision = {t, t, t, t};
        hls.input = t;
    }
    if (!f.weight_precision.empty()) {
        const FixedType t = FixedType::parse(f.weight_precision);
        hls.default_precision.weight = t;
        hls.default_precision.bias = t;
    }
    if (f.rf_set) {
        if (f.reuse_factor < 1)
            throw UsageError("--reuse-factor " + std::to_string(f.reuse_factor) + " is below 1",
                             "use a reuse factor >= 1 (1 = fully parallel)");
        hls.reuse_factor = f.reuse_factor;
    }
    if (f.strategy == "latency")
        hls.strategy = Strategy::kLatency;
    else if (f.strategy == "resource")
        hls.strategy = Strategy::kResource;
    else if (!f.strategy.empty())
        throw UsageError("--strategy '" + f.strategy + "' is not valid", "use latency or resource");
    if (f.io_type == "io_parallel")
        hls.io_type = IoType::kParallel;
    else if (f.io_type == "io_stream")
        hls.io_type = IoType::kStream;
    else if (!f.io_type.empty())
        throw UsageError("--io-type '" + f.io_type + "' is not valid",
                         "use io_parallel or io_stream");
    if (f.clock_set) {
        if (!(f.clock_ns > 0)) throw UsageError("--clock-period must be > 0 ns");
        hls.clock_period_ns = f.clock_ns;
    }
    return hls;
}

nlohmann::json to_json(const surrogate::HardwareEstimate& e, const HlsSettings& hls) {
    nlohmann::json j;
    j["part"] = e.part;
    j["model"] = e.model;
    j["reuse_factor"] = e.reuse_factor;
    j["strategy"] = std::string(to_string(hls.strategy));
    j["clock_period_ns"] = hls.clock_period_ns;
    j["total"] = nlohmann::json::object();
    for (const auto& f : surrogate::hardware_figures(e)) {
        if (f.count)
            j["total"][f.name] = static_cast<std::int64_t>(f.value);
        else
            j["total"][f.name] = f.value;
    }
    j["layers"] = nlohmann::json::array();
    for (const auto& l : e.layers)
        j["layers"].push_back({{"name", l.name},
                               {"type", l.type},
                               {"reuse_factor", l.reuse_factor},
                               {"strategy", std::string(to_string(l.strategy))},
                               {"multipliers", l.multipliers},
                               {"dsp_multipliers", l.dsp_multipliers},
                               {"lut", l.resources.lut},
                               {"ff", l.resources.ff},
                               {"dsp", l.resources.dsp},
                               {"bram_18k", l.resources.bram_18k},
                               {"uram", l.resources.uram},
                               {"latency_cycles_min", l.latency_min},
                               {"latency_cycles_max", l.latency_max},
                               {"ii_cycles", l.ii}});
    j["fits_part"] = e.fits_part();
    j["fit"] = nlohmann::json::array();
    for (const auto& f : e.fit)
        j["fit"].push_back({{"resource", f.resource},
                            {"used", f.used},
                            {"available", f.available},
                            {"margin", f.margin()},
                            {"fits", f.fits()}});
    j["warnings"] = e.warnings;
    return j;
}

void print_table(const surrogate::HardwareEstimate& e, const FpgaPart& part) {
    std::printf("model %s, part %s (%s)\n", e.model.c_str(), part.part.c_str(), part.board.c_str());
    std::printf("%-28s %-10s %6s %8s %7s %9s %9s %6s %10s %8s\n", "layer", "type", "RF", "mults",
                "DSP", "LUT", "FF", "BRAM", "latency", "II");
    for (const auto& l : e.layers) {
        const std::string lat =
            l.latency_min == l.latency_max
                ? std::to_string(l.latency_min)
                : std::to_string(l.latency_min) + "-" + std::to_string(l.latency_max);
        std::printf("%-28s %-10s %6d %8lld %7lld %9lld %9lld %6lld %10s %8lld\n", l.name.c_str(),
                    l.type.c_str(), l.reuse_factor, static_cast<long long>(l.multipliers),
                    static_cast<long long>(l.resources.dsp),
                    static_cast<long long>(l.resources.lut), static_cast<long long>(l.resources.ff),
                    static_cast<long long>(l.resources.bram_18k), lat.c_str(),
                    static_cast<long long>(l.ii));
    }
    if (e.model == "learned")
        std::printf("(layer rows: analytical model; totals: learned model)\n");
    std::printf(
        "%-28s %-10s %6s %8s %7lld %9lld %9lld %6lld %10s %8lld\n", "total", "", "", "",
        static_cast<long long>(e.total.dsp), static_cast<long long>(e.total.lut),
        static_cast<long long>(e.total.ff), static_cast<long long>(e.total.bram_18k),
        (std::to_string(e.latency_cycles_min) + "-" + std::to_string(e.latency_cycles_max)).c_str(),
        static_cast<long long>(e.ii_cycles));
    std::printf("%% of part: LUT %.2f  FF %.2f  DSP %.2f  BRAM %.2f  URAM %.2f  avg %.2f\n",
                e.lut_pct, e.ff_pct, e.dsp_pct, e.bram_pct, e.uram_pct, e.avg_resource_pct);
    std::string over;
    for (const auto& f : e.fit)
        if (!f.fits())
            over += (over.empty() ? "" : ", ") + f.resource + " over by " +
                    std::to_string(-f.margin()) + " (" + std::to_string(f.used) + " of " +
                    std::to_string(f.available) + ")";
    if (over.empty()) {
        // Say by how much: the resource with the least headroom (relative to the part).
        const surrogate::ResourceFit* tight = nullptr;
        for (const auto& f : e.fit)
            if (f.available > 0 && (!tight || double(f.used) / double(f.available) >
                                                  double(tight->used) / double(tight->available)))
                tight = &f;
        if (tight)
            std::printf(
                "fits %s: every resource within the part; tightest %s %lld of %lld (%lld "
                "left)\n",
                part.part.c_str(), tight->resource.c_str(), static_cast<long long>(tight->used),
                static_cast<long long>(tight->available), static_cast<long long>(tight->margin()));
        else
            std::printf("fits %s: every resource within the part\n", part.part.c_str());
    } else {
        std::printf("does NOT fit %s: %s\n", part.part.c_str(), over.c_str());
    }
    for (const auto& w : e.warnings) std::printf("warning: %s\n", w.c_str());
}

int run_estimate_impl(const EstimateOptions& f) {
    RunConfig cfg;
    if (!f.config.empty()) cfg = load_config(f.config);
    if (f.part.empty() && f.config.empty())
        throw UsageError("--part is required",
                         "name a part or board (e.g. --part zcu102), or "
                         "pass --config FILE whose hls.part is used");
    const FpgaPart& part = find_part(f.part.empty() ? cfg.hls.part : f.part);
    const runtime::ModelFile model_file = runtime::load_model(f.input);
    const nn::NetworkSpec& net = model_file.spec;
    HlsSettings hls;
    if (model_file.has_weights()) {
        // A checkpoint's own per-layer precisions (local stage) first; flags on top; pruned
        // weights become per-layer sparsity.
        hls = settings_from(f,
                            hls_settings_of(model_file.checkpoint, cfg.hls.to_settings(), f.input));
        apply_checkpoint_sparsity(model_file.checkpoint, hls);
    } else {
        hls = settings_from(f, cfg.hls.to_settings());
    }
    SurrogateConfig sc = cfg.surrogate;  // defaults: analytical, shipped coefficients
    std::string base_dir = cfg.base_dir;
    if (!f.model.empty() || !f.model_file.empty()) {
        if (f.model.empty() || f.model == "analytical")
            sc.model = SurrogateModel::kAnalytical;
        else if (f.model == "learned")
            sc.model = SurrogateModel::kLearned;
        else
            throw UsageError("--model '" + f.model + "' is not valid", "use analytical or learned");
        if (!f.model_file.empty()) {
            sc.file = f.model_file;
            base_dir.clear();  // command-line paths are relative to the working directory
        } else if (sc.model != cfg.surrogate.model) {
            sc.file.clear();  // the config's file belongs to the other model
        }
    }
    for (const auto& w : runtime::precision_warnings(hls)) log::warn(w);
    const auto model = surrogate::make_cost_model(sc, base_dir, io::read_checkpoint);
    const surrogate::HardwareEstimate e = model->estimate(net, hls, part);
    if (f.json)
        std::cout << to_json(e, hls).dump(2) << "\n";
    else
        print_table(e, part);
    return 0;
}

}  // namespace

int run_estimate(const EstimateOptions& options) {
    return run_estimate_impl(options);
}

}  // namespace snac::runtime
