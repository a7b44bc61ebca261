#pragma once
/// `runtime:` section — rank roles and threads.
namespace snac {

struct RuntimeConfig {
    int estimators = -1;         ///< estimator ranks; -1: 1 when there are >= 3 ranks, else 0
    int threads_per_rank = 0;    ///< OpenMP threads for oneDNN per rank; 0 = cores / ranks
    double drain_timeout_s = 60; ///< after SIGTERM, how long to wait for running trials
    int embedded_trainers = 0;   ///< trainer threads without MPI; 0 = one per core
};

}  // namespace snac
