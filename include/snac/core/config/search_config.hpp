#pragma once
/// `search:` section — objectives, constraints, budget and the sampler of the global search.
#include <cstdint>
#include <string>
#include <vector>

namespace snac {

enum class Direction { kMinimize, kMaximize };
enum class SearchMode { kGenerational, kSteadyState };
enum class ConstraintOp { kLessEqual, kGreaterEqual };

struct ObjectiveConfig {
    std::string metric;  ///< accuracy, loss, mean_distance, params, bops, est_* ...
    Direction direction = Direction::kMinimize;
};

/// metric op value, e.g. est_lut_pct <= 30.
struct ConstraintConfig {
    std::string metric;
    ConstraintOp op = ConstraintOp::kLessEqual;
    double value = 0.0;
};

struct SearchConfig {
    std::vector<ObjectiveConfig> objectives;  ///< default: maximize accuracy, minimize bops
    std::vector<ConstraintConfig> constraints;
    std::string bops_convention = "paper";    ///< macs | nac | snac | paper
    int bits = 32;                            ///< bit width for BOPs in the global stage
    std::int64_t trials = 50;                 ///< trial budget
    double time_limit_s = 0.0;                ///< wall-time budget; 0 = none
    int population = 20;
    SearchMode mode = SearchMode::kSteadyState;
    double crossover_prob = 0.9;
    double swapping_prob = 0.5;
    double mutation_prob = -1.0;              ///< per gene; <0: 1 / number of genes (Optuna)
    std::string crossover = "uniform";        ///< uniform | sbx (numeric genes)
    std::vector<double> reference_point;      ///< hypervolume reference; empty = derived
    std::uint64_t seed = 42;
    std::string study_name = "snac";
};

}  // namespace snac
