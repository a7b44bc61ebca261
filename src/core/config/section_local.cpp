// The `local:` section (include/snac/core/config/local_config.hpp): precisions in four spellings,
// pruning and selection settings. Every setting acts or is rejected with a hint.
#include <cctype>

#include "config/sections.hpp"

namespace snac::config {
namespace {

constexpr const char* kPrecisionHint =
    "write a width (8: integer bits chosen per layer), an ap_fixed type (\"ap_fixed<8,3>\"), a "
    "[total, integer] pair in the QKeras convention ([8, 3] = ap_fixed<8,4>), or a map "
    "{label: w8, bits: 8, int_bits: auto}";

std::string type_label(const FixedType& t) {
    return "ap" + std::to_string(t.width) + "_" + std::to_string(t.integer);
}

bool valid_label(const std::string& s) {
    if (s.empty() || s.size() > 40) return false;
    for (char c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
    return true;
}

/// One entry of `precisions`; false (with an error reported) when it is not understood.
bool parse_precision(MapReader& in, const YAML::Node& n, LocalPrecision& p) {
    auto bad = [&](const std::string& what) {
        in.error_at("precisions", "unknown precision " + what, kPrecisionHint);
        return false;
    };
    auto bits_ok = [&](int b) {
        if (b >= 2 && b <= 32) return true;
        in.error_at("precisions", "precision width " + std::to_string(b) + " is outside 2..32",
                    "use between 2 and 32 total bits");
        return false;
    };
    try {
        if (n.IsScalar()) {
            const std::string s = n.as<std::string>();
            if (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0])) &&
                s.find_first_not_of("0123456789") == std::string::npos) {
                p.bits = std::stoi(s);
                p.label = "w" + s;
                return bits_ok(p.bits);
            }
            try {
                p.type = FixedType::parse(s);
            } catch (const Error&) {
                return bad("'" + s + "'");
            }
            p.bits = p.type->width;
            p.label = type_label(*p.type);
            return bits_ok(p.bits);
        }
        if (n.IsSequence()) {
            if (n.size() != 2) return bad("(a pair needs two numbers: [total, integer])");
            p.bits = n[0].as<int>();
            p.int_bits = n[1].as<int>();
            p.label = "q" + std::to_string(p.bits) + "_" + std::to_string(*p.int_bits);
            if (*p.int_bits < 0 || *p.int_bits >= p.bits)
                return bad("[" + std::to_string(p.bits) + ", " + std::to_string(*p.int_bits) +
                           "] (integer bits without sign must lie in 0..total-1)");
            return bits_ok(p.bits);
        }
        if (n.IsMap()) {
            for (const auto& kv : n) {
                const std::string k = kv.first.as<std::string>();
                if (k != "label" && k != "bits" && k != "int_bits" && k != "type")
                    return bad("key '" + k + "' (keys: label, bits, int_bits, type)");
            }
            if (n["type"]) {
                if (!parse_precision(in, n["type"], p)) return false;
                if (!p.type) return bad("type '" + n["type"].as<std::string>() + "'");
            } else {
                if (!n["bits"]) return bad("(a map needs bits or type)");
                p.bits = n["bits"].as<int>();
                p.label = "w" + std::to_string(p.bits);
                if (n["int_bits"] && n["int_bits"].as<std::string>() != "auto") {
                    p.int_bits = n["int_bits"].as<int>();
                    p.label = "q" + std::to_string(p.bits) + "_" + std::to_string(*p.int_bits);
                    if (*p.int_bits < 0 || *p.int_bits >= p.bits)
                        return bad("int_bits " + std::to_string(*p.int_bits) +
                                   " (without sign; must lie in 0..bits-1)");
                }
                if (!bits_ok(p.bits)) return false;
            }
            if (n["label"]) p.label = n["label"].as<std::string>();
            if (!valid_label(p.label))
                return bad("label '" + p.label + "' (letters, digits, '_' and '-' only)");
            return true;
        }
    } catch (const YAML::Exception&) {
        return bad("(numbers expected)");
    }
    return bad("(empty entry)");
}

}  // namespace

void parse_local(MapReader& in, LocalConfig& out) {
    in.get("enabled", out.enabled);
    // Model selection moved to its own stage (select: section); say where instead of a bare
    // "unknown key".
    for (const auto& [old_key, new_key] :
         {std::pair{"select", "rule"}, std::pair{"select_count", "count"},
          std::pair{"select_trials", "trials"}})
        if (in.has(old_key)) {
            in.raw(old_key);
            in.error_at(old_key,
                        std::string("'local.") + old_key + "' moved to 'select." + new_key + "'",
                        "write it in a top-level 'select:' section (docs/config.md#select)");
        }
    // The first design's keys, renamed when the stage was built.
    for (const auto& [old_key, new_key] :
         {std::pair{"bit_widths", "precisions"}, std::pair{"pruning_iterations", "pruning_steps"},
          std::pair{"epochs_per_iteration", "pruning_epochs"}})
        if (in.has(old_key)) {
            in.raw(old_key);
            in.error_at(old_key,
                        std::string("'local.") + old_key + "' is now 'local." + new_key + "'",
                        "rename the key (docs/config.md#local)");
        }
    if (in.has("precisions")) {
        const YAML::Node list = in.raw("precisions");
        if (!list.IsSequence() || list.size() == 0) {
            in.error_at("precisions", "local.precisions must be a non-empty list", kPrecisionHint);
        } else {
            std::vector<LocalPrecision> ps;
            for (const auto& n : list) {
                LocalPrecision p;
                if (parse_precision(in, n, p)) {
                    for (const auto& q : ps)
                        if (q.label == p.label)
                            in.error_at("precisions",
                                        "two precisions share the label '" + p.label + "'",
                                        "give one of them another label");
                    ps.push_back(p);
                }
            }
            out.precisions = ps;
        }
    }
    in.get("qat_epochs", out.qat_epochs, 1, 100000);
    if (in.get("pruning_rate", out.pruning_rate) &&
        !(out.pruning_rate > 0.0 && out.pruning_rate < 1.0))
        in.error_at("pruning_rate",
                    "local.pruning_rate " + std::to_string(out.pruning_rate) + " is outside (0, 1)",
                    "the fraction of the remaining weights removed per step, e.g. 0.2");
    if (in.get("pruning_steps", out.pruning_steps) && out.pruning_steps < 1)
        in.error_at("pruning_steps", "local.pruning_steps must be at least 1",
                    "e.g. 20 steps of rate 0.2 reach 98.8 % sparsity");
    in.get("pruning_epochs", out.pruning_epochs, 1, 100000);
    in.get_enum("sparsity_schedule", out.sparsity_schedule,
                {{"geometric", SparsitySchedule::kGeometric},
                 {"polynomial", SparsitySchedule::kPolynomial}});
    if (in.get("final_sparsity", out.final_sparsity) &&
        !(out.final_sparsity > 0.0 && out.final_sparsity < 1.0))
        in.error_at(
            "final_sparsity",
            "local.final_sparsity " + std::to_string(out.final_sparsity) + " is outside (0, 1)",
            "the sparsity of the last step of a polynomial schedule, e.g. 0.9");
    if (in.has("final_sparsity") && out.sparsity_schedule != SparsitySchedule::kPolynomial)
        in.error_at("final_sparsity", "local.final_sparsity acts only with a polynomial schedule",
                    "add sparsity_schedule: polynomial, or remove final_sparsity");
    in.get_enum("scope", out.scope,
                {{"global", PruningScope::kGlobal}, {"per_layer", PruningScope::kPerLayer}});
    in.get_enum("rewind", out.rewind,
                {{"none", PruningRewind::kNone},
                 {"warmup", PruningRewind::kWarmup},
                 {"init", PruningRewind::kInit}});
    in.get_enum("regime", out.regime,
                {{"combined", LocalRegime::kCombined}, {"separated", LocalRegime::kSeparated}});
    if (in.get("tolerance", out.tolerance) && out.tolerance < 0.0)
        in.error_at("tolerance", "local.tolerance must not be negative",
                    "the allowed metric drop from the unpruned step, e.g. 0.01");
    in.get("learning_rate", out.learning_rate, 0.0, 10.0);
    in.get("tpe_trials", out.tpe_trials, 0, 100000);
}

void emit_local(YAML::Emitter& out, const LocalConfig& c) {
    static const char* kScope[] = {"global", "per_layer"};
    static const char* kRewind[] = {"none", "warmup", "init"};
    static const char* kRegime[] = {"combined", "separated"};
    static const char* kSchedule[] = {"geometric", "polynomial"};
    out << YAML::BeginMap;
    out << YAML::Key << "enabled" << YAML::Value << c.enabled;
    out << YAML::Key << "precisions" << YAML::Value << YAML::BeginSeq;
    for (const auto& p : c.precisions) {
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "label" << YAML::Value << p.label;
        if (p.type) {
            out << YAML::Key << "type" << YAML::Value << p.type->str();
        } else {
            out << YAML::Key << "bits" << YAML::Value << p.bits;
            out << YAML::Key << "int_bits" << YAML::Value;
            if (p.int_bits)
                out << *p.int_bits;
            else
                out << "auto";
        }
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "qat_epochs" << YAML::Value << c.qat_epochs;
    out << YAML::Key << "pruning_rate" << YAML::Value << c.pruning_rate;
    out << YAML::Key << "pruning_steps" << YAML::Value << c.pruning_steps;
    out << YAML::Key << "pruning_epochs" << YAML::Value << c.pruning_epochs;
    out << YAML::Key << "sparsity_schedule" << YAML::Value
        << kSchedule[static_cast<int>(c.sparsity_schedule)];
    if (c.sparsity_schedule == SparsitySchedule::kPolynomial && c.final_sparsity > 0.0)
        out << YAML::Key << "final_sparsity" << YAML::Value << c.final_sparsity;
    out << YAML::Key << "scope" << YAML::Value << kScope[static_cast<int>(c.scope)];
    out << YAML::Key << "rewind" << YAML::Value << kRewind[static_cast<int>(c.rewind)];
    out << YAML::Key << "regime" << YAML::Value << kRegime[static_cast<int>(c.regime)];
    out << YAML::Key << "tolerance" << YAML::Value << c.tolerance;
    out << YAML::Key << "learning_rate" << YAML::Value << c.learning_rate;
    out << YAML::Key << "tpe_trials" << YAML::Value << c.tpe_trials;
    out << YAML::EndMap;
}

}  // namespace snac::config
