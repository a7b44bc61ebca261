#include "snac/search/space.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <set>

#include "random.hpp"
#include "snac/core/error.hpp"

namespace snac::search {
namespace {

std::optional<double> to_number(const std::string& text) {
    double v = 0.0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || ptr != end) return std::nullopt;
    return v;
}

/// Compares a gene with one condition operand; numbers compare numerically.
bool compare(const Gene& value, ConditionOp op, const std::string& operand) {
    std::optional<double> lhs;
    if (const double* d = std::get_if<double>(&value)) lhs = *d;
    else lhs = to_number(std::get<std::string>(value));
    const std::optional<double> rhs = to_number(operand);
    if (lhs && rhs) {
        switch (op) {
            case ConditionOp::kEq: case ConditionOp::kIn: return *lhs == *rhs;
            case ConditionOp::kNe: return *lhs != *rhs;
            case ConditionOp::kLt: return *lhs < *rhs;
            case ConditionOp::kLe: return *lhs <= *rhs;
            case ConditionOp::kGt: return *lhs > *rhs;
            case ConditionOp::kGe: return *lhs >= *rhs;
        }
    }
    const std::string text = gene_text(value);
    switch (op) {
        case ConditionOp::kEq: case ConditionOp::kIn: return text == operand;
        case ConditionOp::kNe: return text != operand;
        case ConditionOp::kLt: return text < operand;
        case ConditionOp::kLe: return text <= operand;
        case ConditionOp::kGt: return text > operand;
        case ConditionOp::kGe: return text >= operand;
    }
    return false;
}

double grid_count(const Param& p) { return std::floor((p.high - p.low) / p.step + 1e-9); }

}  // namespace

bool Param::contains(const Gene& value) const {
    if (kind == ParamKind::kCategorical) {
        const std::string* s = std::get_if<std::string>(&value);
        return s && std::find(choices.begin(), choices.end(), *s) != choices.end();
    }
    const double* d = std::get_if<double>(&value);
    if (!d || !std::isfinite(*d) || *d < low || *d > high) return false;
    if (kind == ParamKind::kInt && *d != std::floor(*d)) return false;
    if (step > 0 && !log) {
        const double k = (*d - low) / step;
        if (std::fabs(k - std::round(k)) > 1e-9 * std::max(1.0, std::fabs(k))) return false;
    }
    return true;
}

SearchSpace::SearchSpace(const SearchSpaceConfig& config)
    : family_(config.family), fixed_(config.fixed) {
    std::vector<ConfigIssue> issues;
    auto issue = [&](std::string message, std::string hint) {
        issues.push_back({"search_space", 0, 0, std::move(message), std::move(hint)});
    };
    std::vector<Param> all;
    auto add = [&](const ParamConfig& c, bool training) {
        Param p;
        p.name = c.name;
        p.kind = c.kind;
        p.choices = c.choices;
        p.low = c.low;
        p.high = c.high;
        p.step = c.step;
        p.log = c.log;
        p.training = training;
        p.when = c.when;
        if (!p.when && !c.condition.empty()) {
            std::string error;
            p.when = parse_condition(c.condition, error);
            if (!p.when) issue("parameter '" + p.name + "': " + error, "write e.g. \"n_layers >= 6\"");
        }
        if (p.kind == ParamKind::kCategorical && p.choices.empty())
            issue("parameter '" + p.name + "' has an empty list of values", "give at least one value");
        if (p.numeric() && !(p.low <= p.high))
            issue("parameter '" + p.name + "' has low > high", "swap the bounds");
        if (p.numeric() && p.log && p.low <= 0)
            issue("parameter '" + p.name + "' is log-scaled but its low bound is <= 0",
                  "use a positive low bound");
        if (p.kind == ParamKind::kInt && p.step <= 0) p.step = 1;
        if (p.kind == ParamKind::kInt && p.log) p.step = 1;
        all.push_back(std::move(p));
    };
    for (const auto& c : config.params) add(c, false);
    for (const auto& c : config.training) add(c, true);
    if (all.empty()) issue("the search space has no parameters", "add parameters under 'params:'");

    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < all.size(); ++i)
        if (!index.emplace(all[i].name, i).second)
            issue("parameter '" + all[i].name + "' is defined twice", "give it one definition");
    for (const auto& p : all)
        if (p.when && !index.count(p.when->parent))
            issue("the condition of '" + p.name + "' names unknown parameter '" + p.when->parent +
                      "'",
                  "conditions name another parameter of the space");

    // Topological order (parents first), stable with respect to the declaration order; what
    // cannot be placed lies on a cycle.
    std::vector<bool> placed(all.size(), false);
    bool progress = true;
    while (progress) {
        progress = false;
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (placed[i]) continue;
            const auto& w = all[i].when;
            const bool ready = !w || !index.count(w->parent) || placed[index.at(w->parent)];
            if (ready && (!w || w->parent != all[i].name)) {
                placed[i] = true;
                params_.push_back(all[i]);
                progress = true;
            }
        }
    }
    for (std::size_t i = 0; i < all.size(); ++i)
        if (!placed[i])
            issue("the condition of '" + all[i].name + "' is part of a cycle",
                  "a parameter cannot depend, directly or not, on itself");
    if (!issues.empty()) throw ConfigError(std::move(issues));
}

const Param* SearchSpace::find(const std::string& name) const {
    for (const auto& p : params_)
        if (p.name == name) return &p;
    return nullptr;
}

bool SearchSpace::active(const Param& p, const Genome& partial) const {
    if (!p.when) return true;
    auto it = partial.find(p.when->parent);
    if (it == partial.end()) return false;
    if (p.when->op == ConditionOp::kIn)
        return std::any_of(p.when->values.begin(), p.when->values.end(),
                           [&](const std::string& v) { return compare(it->second, ConditionOp::kIn, v); });
    return compare(it->second, p.when->op, p.when->values.front());
}

Gene SearchSpace::sample_value(const Param& p, Rng& rng) const {
    switch (p.kind) {
        case ParamKind::kCategorical:
            return p.choices[uniform_index(rng, p.choices.size())];
        case ParamKind::kInt: {
            if (p.log) {
                // Optuna: log-uniform over [low - 0.5, high + 0.5], rounded.
                const double lo = std::log(p.low - 0.5 + 1e-12), hi = std::log(p.high + 0.5);
                double v = std::round(std::exp(uniform(rng, lo, hi)));
                return std::clamp(v, p.low, p.high);
            }
            const double n = grid_count(p);
            return p.low + p.step * static_cast<double>(uniform_index(rng, static_cast<std::size_t>(n) + 1));
        }
        case ParamKind::kFloat: {
            if (p.log) return std::clamp(std::exp(uniform(rng, std::log(p.low), std::log(p.high))), p.low, p.high);
            if (p.step > 0) {
                const double n = grid_count(p);
                return std::min(p.high, p.low + p.step * static_cast<double>(
                                                             uniform_index(rng, static_cast<std::size_t>(n) + 1)));
            }
            return p.low == p.high ? p.low : uniform(rng, p.low, p.high);
        }
    }
    return 0.0;
}

Genome SearchSpace::sample(Rng& rng) const { return repair({}, rng); }

Genome SearchSpace::repair(Genome genome, Rng& rng) const {
    Genome out;
    for (const auto& p : params_) {
        if (!active(p, out)) continue;
        auto it = genome.find(p.name);
        if (it != genome.end() && p.contains(it->second)) out.emplace(p.name, it->second);
        else out.emplace(p.name, sample_value(p, rng));
    }
    return out;
}

void SearchSpace::validate(const Genome& genome) const {
    for (const auto& [name, value] : genome)
        if (!find(name))
            throw UsageError("genome has unknown parameter '" + name + "'",
                             "the genome comes from another search space");
    Genome seen;
    for (const auto& p : params_) {
        const bool on = active(p, seen);
        auto it = genome.find(p.name);
        if (on && it == genome.end())
            throw UsageError("genome lacks active parameter '" + p.name + "'");
        if (!on && it != genome.end())
            throw UsageError("genome holds parameter '" + p.name + "', which its condition excludes",
                             "conditional parameters are absent when their parent excludes them");
        if (it == genome.end()) continue;
        if (!p.contains(it->second))
            throw UsageError("genome value '" + gene_text(it->second) + "' of '" + p.name +
                             "' is outside its domain");
        seen.emplace(p.name, it->second);
    }
}

std::string SearchSpace::key(const Genome& genome) {
    std::string k;
    for (const auto& [name, value] : genome) {
        k += name;
        k += std::holds_alternative<double>(value) ? '=' : ':';
        k += gene_text(value);
        k += ';';
    }
    return k;
}

namespace {

/// Every value of a parameter with a finite domain; nullopt for a continuous range or more than
/// `limit` values.
std::optional<std::vector<Gene>> domain_values(const Param& p, std::size_t limit) {
    std::vector<Gene> out;
    if (p.kind == ParamKind::kCategorical) {
        std::set<std::string> seen;
        for (const auto& c : p.choices)
            if (seen.insert(c).second) out.emplace_back(c);
        return out;
    }
    if (p.low == p.high) return std::vector<Gene>{p.low};
    if (p.kind == ParamKind::kFloat && (p.log || p.step <= 0)) return std::nullopt;
    const double n = grid_count(p) + 1;  // int log ranges have step 1 (see the constructor)
    if (n > static_cast<double>(limit)) return std::nullopt;
    for (double k = 0; k < n; ++k) out.emplace_back(std::min(p.high, p.low + p.step * k));
    return out;
}

}  // namespace

std::optional<double> SearchSpace::distinct_genomes() const {
    // Branch only on parents (the values a condition reads); a parameter no condition reads
    // multiplies the count. `work` bounds the branches so a huge conditional tree costs little.
    std::set<std::string> parents;
    for (const auto& p : params_)
        if (p.when) parents.insert(p.when->parent);
    constexpr std::size_t kLimit = 100000;
    std::size_t work = 0;
    bool unknown = false;
    Genome partial;
    std::function<double(std::size_t)> count = [&](std::size_t i) -> double {
        if (unknown) return 0.0;
        if (i == params_.size()) return 1.0;
        const Param& p = params_[i];
        if (!active(p, partial)) return count(i + 1);
        const auto values = domain_values(p, kLimit);
        if (!values) {
            unknown = true;
            return 0.0;
        }
        if (!parents.count(p.name)) return static_cast<double>(values->size()) * count(i + 1);
        double total = 0.0;
        for (const Gene& v : *values) {
            if (++work > kLimit) {
                unknown = true;
                return 0.0;
            }
            partial[p.name] = v;
            total += count(i + 1);
        }
        partial.erase(p.name);
        return total;
    };
    const double n = count(0);
    if (unknown) return std::nullopt;
    return n;
}

double gene_number(const Gene& g) {
    if (const double* d = std::get_if<double>(&g)) return *d;
    const auto& s = std::get<std::string>(g);
    if (auto v = to_number(s)) return *v;
    throw UsageError("value '" + s + "' is not a number");
}

std::string gene_text(const Gene& g) {
    if (const std::string* s = std::get_if<std::string>(&g)) return *s;
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, std::get<double>(g));
    return ec == std::errc() ? std::string(buf, ptr) : std::string("nan");
}

}  // namespace snac::search
