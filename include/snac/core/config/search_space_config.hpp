#pragma once
/// `search_space:` section — the architecture family and its parameters (values, never indices).
#include <map>
#include <string>
#include <vector>

namespace snac {

enum class ParamKind { kCategorical, kInt, kFloat };

/// One searchable parameter. Categorical values are kept as their YAML text.
struct ParamConfig {
    std::string name;
    ParamKind kind = ParamKind::kCategorical;
    std::vector<std::string> choices;
    double low = 0.0, high = 0.0;
    double step = 0.0;
    bool log = false;
    /// Exists only when the parent's value satisfies the condition, e.g. "n_layers >= 6".
    std::string condition;
};

struct SearchSpaceConfig {
    std::string family;                 ///< mlp | deepsets | conv
    std::vector<ParamConfig> params;    ///< family parameters, in sampling order
    std::vector<ParamConfig> training;  ///< training genes (lr, l1, dropout, batch size...)
    std::map<std::string, std::string> fixed;  ///< fixed family settings (output units, ...)
};

}  // namespace snac
