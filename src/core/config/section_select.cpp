// select: section. A key that only one rule reads is rejected under the others, so that every
// parsed setting acts (bins with knee would otherwise be silently ignored).
#include "config/sections.hpp"

namespace snac {

std::string_view to_string(SelectRule rule) noexcept {
    switch (rule) {
        case SelectRule::kKnee:
            return "knee";
        case SelectRule::kBopsBins:
            return "bops_bins";
        case SelectRule::kTop:
            return "top";
        case SelectRule::kList:
            return "list";
    }
    return "knee";
}

}  // namespace snac

namespace snac::config {

void parse_select(MapReader& in, SelectConfig& out) {
    in.get_enum("rule", out.rule,
                {{"knee", SelectRule::kKnee},
                 {"bops_bins", SelectRule::kBopsBins},
                 {"top", SelectRule::kTop},
                 {"list", SelectRule::kList}});
    in.get("count", out.count, 1, 1000);
    in.get("bins", out.bins, 1, 1000);
    in.get("metric", out.metric);
    in.get("trials", out.trials);
    const std::string rule(to_string(out.rule));
    auto only_for = [&](std::string_view key, std::string_view rules) {
        if (in.has(key))
            in.error_at(key, "'" + in.key_path(key) + "' is not used by rule '" + rule + "'",
                        "remove it, or set 'select.rule' to " + std::string(rules));
    };
    if (out.rule != SelectRule::kBopsBins) only_for("bins", "bops_bins");
    if (out.rule != SelectRule::kBopsBins && out.rule != SelectRule::kTop)
        only_for("metric", "bops_bins or top");
    if (out.rule == SelectRule::kList) {
        only_for("count", "knee, bops_bins or top (list takes every trial it names)");
        if (out.trials.empty())
            in.error_at("trials", "'select.rule: list' needs the trial numbers",
                        "add 'trials: [12, 40]' (global trial numbers, see snac study show)");
        for (std::int64_t t : out.trials)
            if (t < 0)
                in.error_at("trials", "trial number " + std::to_string(t) + " is negative",
                            "trial numbers start at 0");
    } else {
        only_for("trials", "list");
    }
}

void emit_select(YAML::Emitter& out, const SelectConfig& c) {
    out << YAML::BeginMap;
    out << YAML::Key << "rule" << YAML::Value << std::string(to_string(c.rule));
    if (c.rule != SelectRule::kList) out << YAML::Key << "count" << YAML::Value << c.count;
    if (c.rule == SelectRule::kBopsBins)
        out << YAML::Key << "bins" << YAML::Value << (c.bins > 0 ? c.bins : c.count);
    if ((c.rule == SelectRule::kBopsBins || c.rule == SelectRule::kTop) && !c.metric.empty())
        out << YAML::Key << "metric" << YAML::Value << c.metric;
    if (c.rule == SelectRule::kList)
        out << YAML::Key << "trials" << YAML::Value << YAML::Flow << c.trials;
    out << YAML::EndMap;
}

}  // namespace snac::config
