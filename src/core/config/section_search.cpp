#include <sstream>

#include "config/sections.hpp"
#include "snac/core/error.hpp"
#include "snac/core/metrics.hpp"

namespace snac::config {
namespace {

// Closed sets of the section: one name table each, read by the parser and the emitter.
constexpr EnumNames<BopsConvention, 4> kBopsConventions{{{"macs", BopsConvention::kMacs},
                                                          {"nac", BopsConvention::kNac},
                                                          {"snac", BopsConvention::kSnac},
                                                          {"paper", BopsConvention::kPaper}}};
constexpr EnumNames<Crossover, 2> kCrossovers{{{"uniform", Crossover::kUniform},
                                               {"sbx", Crossover::kSbx}}};
constexpr EnumNames<StudyJournal, 3> kJournals{{{"auto", StudyJournal::kAuto},
                                                {"wal", StudyJournal::kWal},
                                                {"delete", StudyJournal::kDelete}}};

}  // namespace
}  // namespace snac::config

namespace snac {

std::span<const std::pair<std::string_view, BopsConvention>> bops_conventions() noexcept {
    return config::kBopsConventions;
}

std::string_view to_string(BopsConvention c) noexcept {
    for (const auto& [name, v] : config::kBopsConventions)
        if (v == c) return name;
    return "?";
}

BopsConvention parse_bops_convention(std::string_view name) {
    for (const auto& [n, v] : config::kBopsConventions)
        if (n == name) return v;
    std::string names;
    for (const auto& [n, v] : config::kBopsConventions)
        names += (names.empty() ? "" : ", ") + std::string(n);
    throw UsageError("unknown BOPs convention '" + std::string(name) + "'", "use one of: " + names);
}

}  // namespace snac

namespace snac::config {
namespace {

// Objectives and constraints name metrics of the registry (snac/core/metrics.hpp).
bool check_metric(MapReader& in, std::string_view key, const std::string& metric) {
    if (const MetricInfo* m = find_metric(metric)) {
        if (m->objective) return true;
        in.error_at(key, "metric '" + metric + "' may not be optimised or constrained",
                    "test-split metrics are reported only; use '" +
                        metric.substr(std::string_view("test_").size()) + "' (validation split)");
        return false;
    }
    const std::vector<std::string> known = objective_metric_names();
    std::string hint = "known metrics:";
    for (const auto& m : known) hint += " " + m;
    if (auto close = did_you_mean(metric, known); !close.empty())
        hint = "did you mean '" + close + "'? " + hint;
    in.error_at(key, "unknown metric '" + metric + "'", hint);
    return false;
}

}  // namespace

void parse_search(MapReader& in, SearchConfig& out) {
    if (YAML::Node objs = in.raw("objectives"); objs.IsDefined() && !objs.IsNull()) {
        if (!objs.IsSequence()) {
            in.error_at("objectives", "'search.objectives' must be a list",
                        "e.g. [{metric: accuracy, direction: maximize}, {metric: bops, direction: minimize}]");
        } else {
            out.objectives.clear();
            for (std::size_t i = 0; i < objs.size(); ++i) {
                MapReader o(objs[i], "search.objectives[" + std::to_string(i) + "]", in.diag());
                ObjectiveConfig oc;
                o.require("metric", oc.metric);
                if (const MetricInfo* m = find_metric(oc.metric)) oc.direction = m->direction;
                o.get_enum("direction", oc.direction,
                           {{"minimize", Direction::kMinimize}, {"maximize", Direction::kMaximize}});
                if (!oc.metric.empty()) check_metric(o, "metric", oc.metric);
                out.objectives.push_back(oc);
            }
        }
    }
    if (out.objectives.empty())
        out.objectives = {{"accuracy", Direction::kMaximize}, {"bops", Direction::kMinimize}};
    std::vector<std::string> constraints;
    if (in.get("constraints", constraints)) {
        for (const auto& text : constraints) {
            std::istringstream s(text);
            ConstraintConfig c;
            std::string op;
            s >> c.metric >> op >> c.value;
            if (!s || (op != "<=" && op != ">=")) {
                in.error_at("constraints", "cannot read constraint '" + text + "'",
                            "write 'metric <= value' or 'metric >= value', e.g. 'est_lut_pct <= 30'");
                continue;
            }
            c.op = op == "<=" ? ConstraintOp::kLessEqual : ConstraintOp::kGreaterEqual;
            check_metric(in, "constraints", c.metric);
            out.constraints.push_back(c);
        }
    }
    in.get_enum("bops_convention", out.bops_convention, kBopsConventions);
    in.get("bits", out.bits, 1, 64);
    in.get("trials", out.trials, std::int64_t{1}, kMaxTrials);
    in.get("time_limit", out.time_limit_s, 0.0, 1e9);
    in.get("population", out.population, 2, 1 << 20);
    in.get_enum("mode", out.mode,
                {{"generational", SearchMode::kGenerational},
                 {"steady_state", SearchMode::kSteadyState}});
    in.get("crossover_prob", out.crossover_prob, 0.0, 1.0);
    in.get("swapping_prob", out.swapping_prob, 0.0, 1.0);
    in.get("mutation_prob", out.mutation_prob, -1.0, 1.0);
    in.get_enum("crossover", out.crossover, kCrossovers);
    in.get("sbx_eta", out.sbx_eta, 0.0, 1e6);
    in.get("mutation_eta", out.mutation_eta, 0.0, 1e6);
    in.get_enum("sampler", out.sampler,
                {{"nsga2", SamplerKind::kNsga2}, {"tpe", SamplerKind::kTpe},
                 {"random", SamplerKind::kRandom}});
    in.get("tpe_startup_trials", out.tpe_startup_trials, 0, 1 << 30);
    in.get("tpe_candidates", out.tpe_candidates, 1, 1 << 20);
    in.get("tpe_multivariate", out.tpe_multivariate);
    in.get("optuna_schema", out.optuna_schema);
    if (out.optuna_schema != "v3.0.0.d" && out.optuna_schema != "v3.2.0.a")
        in.error_at("optuna_schema", "unknown Optuna schema revision '" + out.optuna_schema + "'",
                    "v3.0.0.d (Optuna 3.0/3.1, e.g. Debian's python3-optuna) or v3.2.0.a "
                    "(Optuna >= 3.2)");
    in.get_enum("study_journal", out.study_journal, kJournals);
    in.get("reference_point", out.reference_point);
    if (!out.reference_point.empty() && out.reference_point.size() != out.objectives.size())
        in.error_at("reference_point", "the reference point needs one value per objective",
                    "give " + std::to_string(out.objectives.size()) + " values or leave it out");
    in.get("seed", out.seed);
    in.get("study_name", out.study_name);
    in.get("baselines", out.baselines);
    if (static_cast<std::int64_t>(out.baselines.size()) > out.trials)
        in.error_at("baselines",
                    std::to_string(out.baselines.size()) + " baselines do not fit in " +
                        std::to_string(out.trials) + " trials",
                    "baselines are the study's first trials and count towards 'trials': raise "
                    "'trials' or list fewer baselines");
}

void emit_search(YAML::Emitter& out, const SearchConfig& c) {
    out << YAML::BeginMap;
    out << YAML::Key << "objectives" << YAML::Value << YAML::BeginSeq;
    for (const auto& o : c.objectives)
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "metric" << YAML::Value << o.metric
            << YAML::Key << "direction" << YAML::Value
            << (o.direction == Direction::kMaximize ? "maximize" : "minimize") << YAML::EndMap;
    out << YAML::EndSeq;
    out << YAML::Key << "constraints" << YAML::Value << YAML::BeginSeq;
    for (const auto& k : c.constraints) {
        std::ostringstream s;
        s << k.metric << (k.op == ConstraintOp::kLessEqual ? " <= " : " >= ") << k.value;
        out << s.str();
    }
    out << YAML::EndSeq;
    out << YAML::Key << "bops_convention" << YAML::Value << enum_name(kBopsConventions, c.bops_convention);
    out << YAML::Key << "bits" << YAML::Value << c.bits;
    out << YAML::Key << "trials" << YAML::Value << c.trials;
    out << YAML::Key << "time_limit" << YAML::Value << c.time_limit_s;
    out << YAML::Key << "population" << YAML::Value << c.population;
    out << YAML::Key << "mode" << YAML::Value
        << (c.mode == SearchMode::kGenerational ? "generational" : "steady_state");
    out << YAML::Key << "crossover_prob" << YAML::Value << c.crossover_prob;
    out << YAML::Key << "swapping_prob" << YAML::Value << c.swapping_prob;
    out << YAML::Key << "mutation_prob" << YAML::Value << c.mutation_prob;
    out << YAML::Key << "crossover" << YAML::Value << enum_name(kCrossovers, c.crossover);
    out << YAML::Key << "sbx_eta" << YAML::Value << c.sbx_eta;
    out << YAML::Key << "mutation_eta" << YAML::Value << c.mutation_eta;
    out << YAML::Key << "sampler" << YAML::Value
        << (c.sampler == SamplerKind::kNsga2 ? "nsga2"
            : c.sampler == SamplerKind::kTpe ? "tpe"
                                             : "random");
    out << YAML::Key << "tpe_startup_trials" << YAML::Value << c.tpe_startup_trials;
    out << YAML::Key << "tpe_candidates" << YAML::Value << c.tpe_candidates;
    out << YAML::Key << "tpe_multivariate" << YAML::Value << c.tpe_multivariate;
    out << YAML::Key << "optuna_schema" << YAML::Value << c.optuna_schema;
    out << YAML::Key << "study_journal" << YAML::Value << enum_name(kJournals, c.study_journal);
    out << YAML::Key << "reference_point" << YAML::Value << YAML::Flow << c.reference_point;
    out << YAML::Key << "seed" << YAML::Value << c.seed;
    out << YAML::Key << "study_name" << YAML::Value << c.study_name;
    if (!c.baselines.empty()) {  // absent when empty: configs without baselines hash as before
        out << YAML::Key << "baselines" << YAML::Value << YAML::BeginSeq;
        for (const auto& b : c.baselines) out << b;
        out << YAML::EndSeq;
    }
    out << YAML::EndMap;
}

}  // namespace snac::config
