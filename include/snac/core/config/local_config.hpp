#pragma once
/// `local:` section — per selected model: quantization-aware training at each precision of a sweep
/// with iterative magnitude pruning in the loop, every step kept, and a stated selection rule
/// (docs/local-search.md, docs/config.md#local).
#include <optional>
#include <string>
#include <vector>

#include "snac/core/fixed_type.hpp"

namespace snac {

enum class PruningScope { kGlobal, kPerLayer };
/// Where each pruning step starts its fine-tuning: the pruned current weights (none), the
/// post-warm-up weights of step 0 × mask (warmup, lottery-ticket rewind) or the trained float
/// weights the chain started from × mask (init).
enum class PruningRewind { kNone, kWarmup, kInit };
enum class LocalRegime { kCombined, kSeparated };
/// How much each pruning step removes: `pruning_rate` of the remaining weights (geometric), or
/// Zhu & Gupta's gradual schedule s_k = s_f (1 - (1 - k/N)^3) towards `final_sparsity`.
enum class SparsitySchedule { kGeometric, kPolynomial };

/// One precision of the sweep (see nn::QatPrecision): an explicit type, or total bits with
/// integer bits in the QKeras convention (sign not counted) or chosen per layer (auto).
struct LocalPrecision {
    std::string label;  ///< used in file names, studies and selected.yaml
    int bits = 8;
    std::optional<int> int_bits;    ///< empty: auto
    std::optional<FixedType> type;  ///< explicit ap_fixed type for everything
};

struct LocalConfig {
    bool enabled = false;  ///< `snac run` runs the stage; `snac local` always does
    std::vector<LocalPrecision> precisions = {
        {"w32", 32, {}, {}}, {"w16", 16, {}, {}}, {"w8", 8, {}, {}}, {"w4", 4, {}, {}}};
    int qat_epochs = 5;         ///< step 0: QAT of the unpruned network
    double pruning_rate = 0.2;  ///< fraction of the remaining weights removed per step
    int pruning_steps = 20;     ///< 20 steps of 0.2 reach 98.8 % sparsity
    int pruning_epochs = 2;     ///< fine-tuning epochs per step
    SparsitySchedule sparsity_schedule = SparsitySchedule::kGeometric;
    double final_sparsity = 0.0;  ///< polynomial: sparsity of step N; 0 = 1 - (1 - rate)^N
    PruningScope scope = PruningScope::kGlobal;
    PruningRewind rewind = PruningRewind::kNone;
    LocalRegime regime = LocalRegime::kCombined;
    double tolerance = 0.01;     ///< selection: metric within this of the unpruned step
    double learning_rate = 0.0;  ///< fine-tuning rate; 0 = train.learning_rate
    int tpe_trials = 0;          ///< TPE trials over training settings per model; 0 = off
};

}  // namespace snac
