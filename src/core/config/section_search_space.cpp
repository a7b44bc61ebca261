#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "config/sections.hpp"
#include "snac/core/config/train_genes.hpp"

namespace snac {

namespace {

std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    std::string out(s.substr(b, e - b));
    if (out.size() >= 2 && (out.front() == '"' || out.front() == '\'') && out.back() == out.front())
        out = out.substr(1, out.size() - 2);
    return out;
}

}  // namespace

std::optional<ParamCondition> parse_condition(const std::string& text, std::string& error) {
    ParamCondition c;
    std::size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t start = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_' ||
                               text[i] == '.' || text[i] == '-'))
        ++i;
    c.parent = text.substr(start, i - start);
    if (c.parent.empty()) {
        error = "condition '" + text + "' does not start with a parameter name";
        return std::nullopt;
    }
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    static const std::pair<std::string_view, ConditionOp> kOps[] = {
        {"==", ConditionOp::kEq}, {"!=", ConditionOp::kNe}, {"<=", ConditionOp::kLe},
        {">=", ConditionOp::kGe}, {"<", ConditionOp::kLt},  {">", ConditionOp::kGt},
        {"in", ConditionOp::kIn}};
    bool found = false;
    for (const auto& [word, op] : kOps) {
        if (text.compare(i, word.size(), word) == 0) {
            c.op = op;
            i += word.size();
            found = true;
            break;
        }
    }
    if (!found) {
        error = "condition '" + text + "' has no operator";
        return std::nullopt;
    }
    std::string rest = trim(std::string_view(text).substr(i));
    if (c.op == ConditionOp::kIn) {
        if (rest.size() < 2 || rest.front() != '[' || rest.back() != ']') {
            error = "condition '" + text + "' needs a list after 'in', e.g. [Conv, ConvAttn]";
            return std::nullopt;
        }
        std::string item;
        for (char ch : rest.substr(1, rest.size() - 2)) {
            if (ch == ',') {
                c.values.push_back(trim(item));
                item.clear();
            } else {
                item += ch;
            }
        }
        if (!trim(item).empty()) c.values.push_back(trim(item));
    } else if (!rest.empty()) {
        c.values.push_back(rest);
    }
    if (c.values.empty() || std::any_of(c.values.begin(), c.values.end(),
                                        [](const std::string& v) { return v.empty(); })) {
        error = "condition '" + text + "' has no value to compare with";
        return std::nullopt;
    }
    return c;
}

namespace config {
namespace {

void parse_params(MapReader& in, std::string_view key, std::vector<ParamConfig>& out,
                  std::vector<YAML::Mark>& marks) {
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
                    if (p.kind == ParamKind::kInt &&
                        (p.low != std::floor(p.low) || p.high != std::floor(p.high)))
                        m.error_at("int", "'" + path + "' has non-integer bounds",
                                   "int ranges take whole numbers");
                    if (p.step < 0)
                        m.error_at("step", "'" + path + "' has a negative step", "use a step > 0");
                    if (p.log && p.step > 0 && p.kind == ParamKind::kFloat)
                        m.error_at("step", "'" + path + "' cannot be both log-scaled and stepped",
                                   "drop 'step' or 'log' (Optuna forbids both)");
                }
            }
        } else {
            in.diag().error(v.Mark(), "'" + path + "' must be a list of values or a range",
                            "e.g. [16, 32, 64] or {int: [1, 8]}");
        }
        if (!p.condition.empty()) {
            std::string error;
            p.when = parse_condition(p.condition, error);
            if (!p.when)
                in.diag().error(v.Mark(), "'" + path + "': " + error,
                                "write e.g. \"n_layers >= 6\", \"block_0 == Conv\" or "
                                "\"block_0 in [Conv, ConvAttn]\"");
        }
        marks.push_back(v.Mark());
        out.push_back(std::move(p));
    }
}

/// Unknown parents, duplicate names and cycles across both parameter lists.
void check_conditions(Diagnostics& diag, const SearchSpaceConfig& space,
                      const std::vector<YAML::Mark>& marks) {
    std::vector<const ParamConfig*> all;
    for (const auto& p : space.params) all.push_back(&p);
    for (const auto& p : space.training) all.push_back(&p);
    std::map<std::string, std::size_t> index;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (!index.emplace(all[i]->name, i).second)
            diag.error(marks[i], "parameter '" + all[i]->name + "' is defined twice",
                       "give each parameter one definition (params and training share names)");
        names.push_back(all[i]->name);
    }
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto& w = all[i]->when;
        if (!w) continue;
        if (!index.count(w->parent)) {
            std::string hint = "conditions name another parameter of the space";
            if (auto close = did_you_mean(w->parent, names); !close.empty())
                hint = "did you mean '" + close + "'?";
            diag.error(marks[i],
                       "the condition of '" + all[i]->name + "' names unknown parameter '" +
                           w->parent + "'",
                       hint);
        } else if (w->parent == all[i]->name) {
            diag.error(marks[i], "parameter '" + all[i]->name + "' is conditional on itself",
                       "a condition must name another parameter");
        }
    }
    // Follow parent links from every parameter; revisiting one means a cycle.
    std::set<std::string> reported;
    for (std::size_t i = 0; i < all.size(); ++i) {
        std::set<std::size_t> seen{i};
        std::size_t cur = i;
        std::string chain = all[i]->name;
        while (all[cur]->when && index.count(all[cur]->when->parent)) {
            const std::size_t next = index.at(all[cur]->when->parent);
            if (next == cur) break;
            chain += " -> " + all[next]->name;
            if (!seen.insert(next).second) {
                if (next == i && reported.insert(all[i]->name).second) {
                    for (std::size_t k : seen) reported.insert(all[k]->name);
                    diag.error(marks[i], "conditions form a cycle: " + chain,
                               "a parameter cannot depend, directly or not, on itself");
                }
                break;
            }
            cur = next;
        }
    }
}

}  // namespace

void parse_search_space(MapReader& in, SearchSpaceConfig& out) {
    in.get("family", out.family);
    if (!out.family.empty() && out.family != "mlp" && out.family != "deepsets" &&
        out.family != "conv")
        in.error_at("family", "unknown search-space family '" + out.family + "'",
                    "one of: mlp, deepsets, conv");
    std::vector<YAML::Mark> marks;
    parse_params(in, "params", out.params, marks);
    parse_params(in, "training", out.training, marks);
    // A training gene acts through the one table of train_genes.hpp, or is rejected here.
    for (const auto& p : out.training) {
        if (!find_train_gene(p.name)) {
            std::string hint = "training genes:";
            for (const auto& n : train_gene_names()) hint += " " + n;
            if (auto close = did_you_mean(p.name, train_gene_names()); !close.empty())
                hint = "did you mean '" + close + "'? " + hint;
            in.error_at("training", "'" + p.name + "' is not a training setting", hint);
            continue;
        }
        for (const auto& choice : p.choices) {
            TrainConfig scratch;
            try {
                apply_train_gene(scratch, p.name, choice);
            } catch (const UsageError& e) {
                in.error_at("training", e.what(), e.hint());
            }
        }
    }
    // An empty section (as `config check` prints when there is no search) is valid; a family
    // with nothing to search is not.
    if (!out.family.empty() && out.params.empty() && out.training.empty())
        in.error_at("params", "the search space has no parameters",
                    "add e.g. 'params: {n_layers: {int: [1, 4]}}'");
    check_conditions(in.diag(), out, marks);
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

}  // namespace config
}  // namespace snac
