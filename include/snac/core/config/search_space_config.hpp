#pragma once
/// `search_space:` section — the architecture family and its parameters (values, never indices).
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace snac {

enum class ParamKind { kCategorical, kInt, kFloat };
enum class ConditionOp { kEq, kNe, kLt, kLe, kGt, kGe, kIn };

/// "parent op value" or "parent in [a, b]": the parameter exists only when it holds.
struct ParamCondition {
    std::string parent;
    ConditionOp op = ConditionOp::kEq;
    std::vector<std::string> values;  ///< one operand, or the list of `in`
};

/// One searchable parameter. Categorical values are kept as their YAML text.
struct ParamConfig {
    std::string name;
    ParamKind kind = ParamKind::kCategorical;
    std::vector<std::string> choices;
    double low = 0.0, high = 0.0;
    double step = 0.0;  ///< grid step of int/float ranges; 0 = none (int: 1)
    bool log = false;
    /// Exists only when the parent's value satisfies the condition, e.g. "n_layers >= 6".
    std::string condition;
    std::optional<ParamCondition> when;  ///< parsed `condition`
};

struct SearchSpaceConfig {
    std::string family;                 ///< mlp | deepsets | conv
    std::vector<ParamConfig> params;    ///< family parameters, in sampling order
    std::vector<ParamConfig> training;  ///< training genes (learning_rate, l1, l2, batch_size...)
    std::map<std::string, std::string> fixed;  ///< fixed family settings (YAML text per key)
};

/// Parses a condition text; on failure returns nullopt and sets `error` to what is wrong.
std::optional<ParamCondition> parse_condition(const std::string& text, std::string& error);

}  // namespace snac
