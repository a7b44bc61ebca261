#include "config/sections.hpp"
#include "snac/core/fpga_part.hpp"

namespace snac {

HlsSettings HlsConfig::to_settings() const {
    HlsSettings s;
    s.input = precision;
    s.default_precision.result = precision;
    s.default_precision.accum = precision;
    s.default_precision.weight = weight_precision_set ? weight_precision : precision;
    s.default_precision.bias = weight_precision_set ? weight_precision : precision;
    s.reuse_factor = reuse_factor;
    s.strategy = strategy;
    s.io_type = io_type;
    s.clock_period_ns = clock_period_ns;
    return s;
}

namespace config {

void parse_hls(MapReader& in, HlsConfig& out) {
    if (in.get("part", out.part)) {
        try {
            out.part = find_part(out.part).part;
        } catch (const Error& e) {
            in.error_at("part", e.what(), e.hint());
        }
    }
    in.get("precision", out.precision);
    if (in.get("weight_precision", out.weight_precision)) out.weight_precision_set = true;
    in.get("reuse_factor", out.reuse_factor, 1, 1 << 20);
    in.get_enum("strategy", out.strategy,
                {{"latency", Strategy::kLatency}, {"resource", Strategy::kResource}});
    in.get_enum("io_type", out.io_type,
                {{"io_parallel", IoType::kParallel}, {"io_stream", IoType::kStream}});
    in.get("clock_period", out.clock_period_ns, 0.5, 1000.0);
}

void emit_hls(YAML::Emitter& out, const HlsConfig& c) {
    out << YAML::BeginMap;
    out << YAML::Key << "part" << YAML::Value << c.part;
    out << YAML::Key << "precision" << YAML::Value << c.precision.str();
    out << YAML::Key << "weight_precision" << YAML::Value
        << (c.weight_precision_set ? c.weight_precision : c.precision).str();
    out << YAML::Key << "reuse_factor" << YAML::Value << c.reuse_factor;
    out << YAML::Key << "strategy" << YAML::Value << std::string(to_string(c.strategy));
    out << YAML::Key << "io_type" << YAML::Value << std::string(to_string(c.io_type));
    out << YAML::Key << "clock_period" << YAML::Value << c.clock_period_ns;
    out << YAML::EndMap;
}

}  // namespace config
}  // namespace snac
