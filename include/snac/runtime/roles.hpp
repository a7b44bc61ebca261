#pragma once
/// Which rank plays which role (../shared/docs/design.md §2): rank 0 coordinates, ranks
/// 1..T train, the last E ranks estimate. One rank: the embedded mode runs every role in-process
/// (runtime.embedded_trainers trainer threads, estimation inline).
#include <vector>

#include "snac/core/config/runtime_config.hpp"

namespace snac::runtime {

struct RoleLayout {
    int world_size = 1;             ///< MPI ranks (1 in embedded mode)
    bool embedded = true;           ///< one process: trainer threads (in-process ranks 1..T)
    std::vector<int> trainers;      ///< ranks that train
    std::vector<int> estimators;    ///< ranks that estimate; empty = the coordinator estimates inline
};

/// The layout for `world_size` ranks. `runtime.estimators` -1 means 1 estimator when there are
/// >= 3 ranks, else 0. Throws ConfigError when the configuration leaves no trainer.
RoleLayout plan_roles(int world_size, const RuntimeConfig& config);

}  // namespace snac::runtime
