#include "config/sections.hpp"

namespace snac::config {
namespace {

void parse_params(MapReader& in, std::string_view key, std::vector<ParamConfig>& out) {
    YAML::Node list = in.raw(key);
    if (!list.IsDefined() || list.IsNull()) return;
    if (!list.IsMap()) {
        in.error_at(key, "'" + in.key_path(key) + "' must map parameter names to their values",
                    "e.g. n_layers: {int: [1, 8]} or activation: [relu, tanh]");
        return;
    }
    for (const auto& kv : list) {
        ParamConfig p;
        p.name = kv.first.Scalar();
        const YAML::Node& v = kv.second;
        const std::string path = in.key_path(key) + "." + p.name;
        if (v.IsSequence()) {
            p.kind = ParamKind::kCategorical;
            for (const auto& c : v) p.choices.push_back(c.Scalar());
            if (p.choices.empty())
                in.diag().error(v.Mark(), "'" + path + "' has an empty list of values",
                                "give at least one value");
        } else if (v.IsMap()) {
            MapReader m(v, path, in.diag());
            std::vector<double> range;
            if (m.has("int")) {
                p.kind = ParamKind::kInt;
                m.get("int", range);
            } else if (m.has("float")) {
                p.kind = ParamKind::kFloat;
                m.get("float", range);
            } else if (m.has("values")) {
                p.kind = ParamKind::kCategorical;
                YAML::Node vals = m.raw("values");
                for (const auto& c : vals) p.choices.push_back(c.Scalar());
            } else {
                m.error_at("int", "'" + path + "' needs 'int: [low, high]', 'float: [low, high]' or 'values: [...]'");
            }
            m.get("log", p.log);
            m.get("step", p.step);
            m.get("when", p.condition);
            if (p.kind != ParamKind::kCategorical) {
                if (range.size() != 2) {
                    m.error_at(p.kind == ParamKind::kInt ? "int" : "float",
                               "'" + path + "' needs exactly [low, high]");
                } else {
                    p.low = range[0];
                    p.high = range[1];
                    if (p.low > p.high)
                        m.error_at(p.kind == ParamKind::kInt ? "int" : "float",
                                   "'" + path + "' has low > high", "swap the bounds");
                    if (p.log && p.low <= 0)
                        m.error_at("log", "'" + path + "' is log-scaled but its low bound is <= 0");
                }
            }
        } else {
            in.diag().error(v.Mark(), "'" + path + "' must be a list of values or a range",
                            "e.g. [16, 32, 64] or {int: [1, 8]}");
        }
        out.push_back(std::move(p));
    }
}

}  // namespace

void parse_search_space(MapReader& in, SearchSpaceConfig& out) {
    in.get("family", out.family);
    if (!out.family.empty() && out.family != "mlp" && out.family != "deepsets" &&
        out.family != "conv")
        in.error_at("family", "unknown search-space family '" + out.family + "'",
                    "one of: mlp, deepsets, conv");
    parse_params(in, "params", out.params);
    parse_params(in, "training", out.training);
    YAML::Node fixed = in.raw("fixed");
    if (fixed.IsMap())
        for (const auto& kv : fixed) out.fixed[kv.first.Scalar()] = YAML::Dump(kv.second);
}

void emit_search_space(YAML::Emitter& out, const SearchSpaceConfig& c) {
    auto emit_params = [&](const std::vector<ParamConfig>& ps) {
        out << YAML::BeginMap;
        for (const auto& p : ps) {
            out << YAML::Key << p.name << YAML::Value;
            if (p.kind == ParamKind::kCategorical && p.condition.empty()) {
                out << YAML::Flow << p.choices;
                continue;
            }
            out << YAML::Flow << YAML::BeginMap;
            if (p.kind == ParamKind::kCategorical)
                out << YAML::Key << "values" << YAML::Value << YAML::Flow << p.choices;
            else
                out << YAML::Key << (p.kind == ParamKind::kInt ? "int" : "float") << YAML::Value
                    << YAML::Flow << std::vector<double>{p.low, p.high};
            if (p.log) out << YAML::Key << "log" << YAML::Value << true;
            if (p.step > 0) out << YAML::Key << "step" << YAML::Value << p.step;
            if (!p.condition.empty()) out << YAML::Key << "when" << YAML::Value << p.condition;
            out << YAML::EndMap;
        }
        out << YAML::EndMap;
    };
    out << YAML::BeginMap;
    out << YAML::Key << "family" << YAML::Value << c.family;
    out << YAML::Key << "params" << YAML::Value;
    emit_params(c.params);
    out << YAML::Key << "training" << YAML::Value;
    emit_params(c.training);
    out << YAML::Key << "fixed" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : c.fixed) out << YAML::Key << k << YAML::Value << YAML::Load(v);
    out << YAML::EndMap;
    out << YAML::EndMap;
}

}  // namespace snac::config
