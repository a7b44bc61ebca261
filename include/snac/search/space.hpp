#pragma once
/// The search space: typed parameters with conditions, and genomes that hold values (never list
/// indices). Built from the `search_space:` config; validation errors are ConfigErrors.
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "snac/core/config/search_space_config.hpp"

namespace snac::search {

/// The random engine every sampler takes explicitly.
using Rng = std::mt19937_64;

/// A gene's value: a number (int and float parameters) or a categorical choice's YAML text.
using Gene = std::variant<double, std::string>;
/// Parameter name -> value. Inactive conditional parameters are absent.
using Genome = std::map<std::string, Gene>;

/// One parameter of the space (a validated ParamConfig).
struct Param {
    std::string name;
    ParamKind kind = ParamKind::kCategorical;
    std::vector<std::string> choices;  ///< categorical values (YAML text)
    double low = 0.0, high = 0.0;      ///< inclusive bounds of int/float ranges
    double step = 0.0;                 ///< grid step; int parameters always have step >= 1
    bool log = false;
    std::optional<ParamCondition> when;
    bool training = false;             ///< a training gene rather than an architecture gene

    bool numeric() const { return kind != ParamKind::kCategorical; }
    /// Whether `value` lies in this parameter's domain (choice, bounds, integrality, step grid).
    bool contains(const Gene& value) const;
};

class SearchSpace {
public:
    /// Validates (empty lists, low > high, unknown or later-declared parents, cycles, bad
    /// operands) and throws ConfigError listing every problem.
    explicit SearchSpace(const SearchSpaceConfig& config);

    const std::string& family() const { return family_; }
    /// Parameters in dependency order: every parent before its children.
    const std::vector<Param>& params() const { return params_; }
    const Param* find(const std::string& name) const;
    const std::map<std::string, std::string>& fixed() const { return fixed_; }

    /// Whether `p` exists in a genome whose earlier (parent) genes are `partial`.
    bool active(const Param& p, const Genome& partial) const;
    /// A uniformly random value of `p` (log-uniform when log, on the step grid when stepped).
    Gene sample_value(const Param& p, Rng& rng) const;
    /// A uniformly random genome: every active parameter, nothing inactive.
    Genome sample(Rng& rng) const;
    /// Drops inactive genes and samples missing active ones, in dependency order.
    Genome repair(Genome genome, Rng& rng) const;
    /// Throws UsageError naming the first gene that is unknown, out of domain, missing or inactive.
    void validate(const Genome& genome) const;
    /// Canonical text of a genome, equal for equal genomes (duplicate detection).
    static std::string key(const Genome& genome);
    /// The number of distinct genomes (conditions respected), or nullopt when it is infinite (a
    /// continuous parameter) or too large to count cheaply: then the space is never exhausted.
    std::optional<double> distinct_genomes() const;

private:
    std::string family_;
    std::vector<Param> params_;
    std::map<std::string, std::string> fixed_;
};

/// Numeric value of a gene (throws UsageError for a non-numeric categorical text).
double gene_number(const Gene& g);
/// Text of a gene as it would appear in YAML (numbers with shortest round-trip formatting).
std::string gene_text(const Gene& g);

}  // namespace snac::search
