#include "snac/core/hls_settings.hpp"

#include <yaml-cpp/yaml.h>

#include "config/reader.hpp"

namespace snac {

LayerHlsSettings HlsSettings::for_layer(const std::string& layer_name) const {
    if (auto it = layers.find(layer_name); it != layers.end()) return it->second;
    LayerHlsSettings s;
    s.precision = default_precision;
    s.reuse_factor = reuse_factor;
    s.strategy = strategy;
    return s;
}

std::string_view to_string(Strategy s) noexcept {
    return s == Strategy::kLatency ? "latency" : "resource";
}

std::string_view to_string(IoType t) noexcept {
    return t == IoType::kParallel ? "io_parallel" : "io_stream";
}

namespace {

void emit_precision(YAML::Emitter& out, const LayerPrecision& p) {
    out << YAML::Key << "weight" << YAML::Value << YAML::DoubleQuoted << p.weight.str();
    out << YAML::Key << "bias" << YAML::Value << YAML::DoubleQuoted << p.bias.str();
    out << YAML::Key << "result" << YAML::Value << YAML::DoubleQuoted << p.result.str();
    out << YAML::Key << "accum" << YAML::Value << YAML::DoubleQuoted << p.accum.str();
}

void read_precision(config::MapReader& in, LayerPrecision& p) {
    in.get("weight", p.weight);
    in.get("bias", p.bias);
    in.get("result", p.result);
    in.get("accum", p.accum);
}

void read_strategy(config::MapReader& in, Strategy& s) {
    in.get_enum("strategy", s,
                {{"latency", Strategy::kLatency}, {"resource", Strategy::kResource}});
}

}  // namespace

std::string hls_settings_to_yaml(const HlsSettings& s) {
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "default" << YAML::Value << YAML::Flow << YAML::BeginMap;
    emit_precision(out, s.default_precision);
    out << YAML::EndMap;
    out << YAML::Key << "input" << YAML::Value << YAML::DoubleQuoted << s.input.str();
    out << YAML::Key << "table" << YAML::Value << YAML::DoubleQuoted << s.table.str();
    out << YAML::Key << "table_size" << YAML::Value << s.table_size;
    out << YAML::Key << "reuse_factor" << YAML::Value << s.reuse_factor;
    out << YAML::Key << "strategy" << YAML::Value << std::string(to_string(s.strategy));
    out << YAML::Key << "io_type" << YAML::Value << std::string(to_string(s.io_type));
    out << YAML::Key << "clock_period_ns" << YAML::Value << s.clock_period_ns;
    if (!s.layers.empty()) {
        out << YAML::Key << "layers" << YAML::Value << YAML::BeginMap;
        for (const auto& [name, l] : s.layers) {
            out << YAML::Key << name << YAML::Value << YAML::Flow << YAML::BeginMap;
            emit_precision(out, l.precision);
            out << YAML::Key << "reuse_factor" << YAML::Value << l.reuse_factor;
            out << YAML::Key << "strategy" << YAML::Value << std::string(to_string(l.strategy));
            out << YAML::EndMap;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

HlsSettings hls_settings_from_yaml(const std::string& text, const std::string& source) {
    config::Diagnostics diag(source);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        diag.error(e.mark, "YAML syntax error in HLS settings: " + e.msg,
                   "write the settings with snac::hls_settings_to_yaml (docs/hls.md#per-layer)");
        throw ConfigError(diag.take());
    }
    HlsSettings s;
    if (!root.IsDefined() || root.IsNull()) {
        diag.error(YAML::Mark(), "the HLS settings are empty",
                   "give at least 'default: {weight: ..., result: ...}' or drop the attribute");
        throw ConfigError(diag.take());
    }
    {
        config::MapReader top(root, "", diag);
        {
            auto def = top.map("default");
            read_precision(def, s.default_precision);
        }
        top.get("input", s.input);
        top.get("table", s.table);
        top.get("table_size", s.table_size, 2, 1 << 20);
        top.get("reuse_factor", s.reuse_factor, 1, 1 << 20);
        read_strategy(top, s.strategy);
        top.get_enum("io_type", s.io_type,
                     {{"io_parallel", IoType::kParallel}, {"io_stream", IoType::kStream}});
        top.get("clock_period_ns", s.clock_period_ns, 0.5, 1000.0);
        YAML::Node layers = top.raw("layers");
        if (layers.IsDefined() && !layers.IsNull()) {
            if (!layers.IsMap()) {
                top.error_at("layers", "'layers' must map layer names to settings",
                             "write 'layers: {dense_0: {weight: \"ap_fixed<8,1>\"}}'");
            } else {
                auto by_name = top.map("layers");
                for (const auto& kv : layers) {
                    const std::string name = kv.first.Scalar();
                    LayerHlsSettings l;
                    l.precision = s.default_precision;
                    l.reuse_factor = s.reuse_factor;
                    l.strategy = s.strategy;
                    auto in = by_name.map(name);
                    read_precision(in, l.precision);
                    in.get("reuse_factor", l.reuse_factor, 1, 1 << 20);
                    read_strategy(in, l.strategy);
                    s.layers[name] = l;
                }
            }
        }
    }  // readers report unknown keys as they close
    if (!diag.empty()) throw ConfigError(diag.take());
    return s;
}

}  // namespace snac
