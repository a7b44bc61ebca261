// snac_hls.json: what was generated, with which settings, and what C simulation found.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "snac/core/atomic_file.hpp"
#include "snac/core/error.hpp"
#include "snac/hls/project.hpp"

namespace snac::hls {
namespace {

using nlohmann::ordered_json;

ordered_json layer_json(const nn::FixedLayer& l) {
    ordered_json j;
    j["index"] = l.index;
    j["name"] = l.name;
    j["op"] = std::string(nn::to_string(l.op));
    j["input_shape"] = l.in_shape;
    j["output_shape"] = l.out_shape;
    j["result"] = l.result.str();
    if (l.op == nn::FixedOp::kDense || l.op == nn::FixedOp::kConv2d) {
        j["weight"] = l.weight.str();
        j["bias"] = l.bias.str();
        j["accum"] = l.accum.str();
        j["reuse_factor"] = l.reuse_factor;
        j["strategy"] = std::string(to_string(l.strategy));
        j["n_weights"] = l.weights.size();
        j["n_zeros"] = l.n_zeros;
    } else if (l.op == nn::FixedOp::kBatchNorm) {
        j["scale"] = l.weight.str();
        j["bias"] = l.bias.str();
    } else if (l.op == nn::FixedOp::kLayerNorm) {
        j["scale"] = l.weight.str();
        j["bias"] = l.bias.str();
        j["accum"] = l.accum.str();
        j["table"] = l.table_type.str();
        j["table_size"] = l.table.size();
        j["table_range_pow2"] = l.table_range_pow2;
    } else if (l.op == nn::FixedOp::kSigmoid || l.op == nn::FixedOp::kTanh ||
               l.op == nn::FixedOp::kGelu) {
        j["table"] = l.table_type.str();
        j["table_size"] = l.table.size();
    } else if (l.op == nn::FixedOp::kSoftmax) {
        j["accum"] = l.accum.str();
        j["exp_table"] = l.table_type.str();
        j["inv_table"] = l.inv_table_type.str();
        j["table_size"] = l.table.size();
    } else if (l.op == nn::FixedOp::kAvgPool2d || l.op == nn::FixedOp::kDeepSets ||
               l.op == nn::FixedOp::kConvAttention) {
        j["accum"] = l.accum.str();
    }
    if (l.op == nn::FixedOp::kConvAttention) {
        j["hidden"] = l.hidden;
        ordered_json parts = ordered_json::array();
        for (const auto& p : l.parts) parts.push_back(layer_json(p));
        j["parts"] = parts;
    }
    if (l.op == nn::FixedOp::kDeepSets) {
        j["aggregate"] = std::string(nn::to_string(l.aggregate));
        ordered_json phi = ordered_json::array(), rho = ordered_json::array();
        for (const auto& p : l.phi) phi.push_back(layer_json(p));
        for (const auto& r : l.rho) rho.push_back(layer_json(r));
        j["phi"] = phi;
        j["rho"] = rho;
    }
    return j;
}

ordered_json number_or_null(const std::optional<double>& v) {
    if (!v || !std::isfinite(*v)) return nullptr;
    return *v;
}

}  // namespace

void write_manifest(const EmittedProject& project, const nn::FixedModel& model,
                    const ProjectOptions& options, const ManifestExtras& extras) {
    ordered_json j;
    j["format"] = "snac-hls-project";
    j["version"] = 1;
    j["project"] = project.name;
    j["settings"] = {{"part", options.part},
                     {"clock_period_ns", options.clock_period_ns},
                     {"clock_uncertainty_pct", options.clock_uncertainty_pct},
                     {"io_type", std::string(to_string(options.io_type))},
                     {"input", model.input_type.str()},
                     {"output", model.output_type().str()},
                     {"input_shape", model.input_shape},
                     {"output_size", model.output_size()}};
    ordered_json layers = ordered_json::array();
    for (const auto& l : model.layers) layers.push_back(layer_json(l));
    j["layers"] = layers;
    ordered_json warnings = ordered_json::array();
    for (const auto& w : model.warnings) warnings.push_back(w);
    for (const auto& w : extras.warnings) warnings.push_back(w);
    j["warnings"] = warnings;
    if (!extras.estimate.empty()) {
        ordered_json e;
        e["source"] = extras.estimate_source;
        for (const auto& [k, v] : extras.estimate) e[k] = v;
        j["estimate"] = e;
    } else {
        j["estimate"] = nullptr;
    }
    if (extras.csim) {
        j["csim"] = {{"samples", extras.csim->samples},
                     {"mismatches", extras.csim->mismatches},
                     {"max_abs_diff_vs_float", number_or_null(extras.max_abs_diff_vs_float)},
                     {"accuracy_float", number_or_null(extras.accuracy_float)},
                     {"accuracy_fixed", number_or_null(extras.accuracy_fixed)}};
    } else {
        j["csim"] = nullptr;
    }
    ordered_json prov = ordered_json::object();
    for (const auto& [k, v] : extras.provenance) prov[k] = v;
    j["provenance"] = prov;
    ordered_json hashes = ordered_json::object();
    for (const auto& [path, hash] : project.files) hashes[path] = hash;
    j["hashes_fnv1a64"] = hashes;

    write_file_atomic((std::filesystem::path(project.dir) / "snac_hls.json").string(),
                      j.dump(2) + "\n");
}

}  // namespace snac::hls
