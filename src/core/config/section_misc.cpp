// Small sections: local (runtime and output live in section_runtime.cpp, surrogate in
// section_surrogate.cpp).
#include "config/sections.hpp"

namespace snac::config {

void parse_local(MapReader& in, LocalConfig& out) {
    in.get("enabled", out.enabled);
    // Model selection moved to its own stage (select: section); say where instead of a bare
    // "unknown key".
    for (const auto& [old_key, new_key] : {std::pair{"select", "rule"},
                                           std::pair{"select_count", "count"},
                                           std::pair{"select_trials", "trials"}})
        if (in.has(old_key)) {
            in.raw(old_key);
            in.error_at(old_key, std::string("'local.") + old_key + "' moved to 'select." +
                                     new_key + "'",
                        "write it in a top-level 'select:' section (docs/config.md#select)");
        }
    in.get("tpe_trials", out.tpe_trials, 1, 100000);
    in.get("bit_widths", out.bit_widths);
    for (int b : out.bit_widths)
        if (b < 2 || b > 32)
            in.error_at("bit_widths", "bit width " + std::to_string(b) + " is outside 2..32");
    in.get("pruning_iterations", out.pruning_iterations, 0, 100);
    in.get("pruning_rate", out.pruning_rate, 0.0, 0.99);
    in.get("epochs_per_iteration", out.epochs_per_iteration, 1, 10000);
}

void emit_local(YAML::Emitter& out, const LocalConfig& c) {
    out << YAML::BeginMap;
    out << YAML::Key << "enabled" << YAML::Value << c.enabled;
    out << YAML::Key << "tpe_trials" << YAML::Value << c.tpe_trials;
    out << YAML::Key << "bit_widths" << YAML::Value << YAML::Flow << c.bit_widths;
    out << YAML::Key << "pruning_iterations" << YAML::Value << c.pruning_iterations;
    out << YAML::Key << "pruning_rate" << YAML::Value << c.pruning_rate;
    out << YAML::Key << "epochs_per_iteration" << YAML::Value << c.epochs_per_iteration;
    out << YAML::EndMap;
}

void validate_run(const RunConfig&, Diagnostics&, const YAML::Node&) {}

}  // namespace snac::config
