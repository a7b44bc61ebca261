#include "snac/runtime/roles.hpp"

#include <algorithm>
#include <string>

#include "snac/core/error.hpp"
#include "threads.hpp"

namespace snac::runtime {

RoleLayout plan_roles(int world_size, const RuntimeConfig& config) {
    if (world_size < 1) throw_runtime("a world needs at least one rank");
    RoleLayout layout;
    layout.world_size = world_size;
    if (world_size == 1) {
        // Embedded: trainer threads are ranks 1..T of an in-process world; estimation is inline.
        // Small networks train fastest single-threaded, so the default is one trainer per CPU
        // this process may use (its affinity mask, not the node: `taskset -c 0` or `mpirun -n 1`
        // bound to a core must not start one trainer per core of the node).
        layout.embedded = true;
        const int cores = std::max(
            1, static_cast<int>(detail::rank_cpus(detail::read_thread_inputs(0, 1)) + 1e-9));
        const int trainers = config.embedded_trainers > 0 ? config.embedded_trainers : cores;
        for (int r = 1; r <= trainers; ++r) layout.trainers.push_back(r);
        return layout;
    }
    layout.embedded = false;
    const int workers = world_size - 1;
    const int estimators = config.estimators >= 0 ? config.estimators : (world_size >= 3 ? 1 : 0);
    const int trainers = workers - estimators;
    if (trainers < 1) {
        ConfigIssue issue;
        issue.message = "runtime.estimators = " + std::to_string(estimators) + " leaves " +
                        std::to_string(trainers) + " trainer ranks out of " +
                        std::to_string(world_size) +
                        " (rank 0 coordinates; every other rank trains or estimates)";
        issue.hint = "lower runtime.estimators to at most " + std::to_string(workers - 1) +
                     " (or -1 for the default), or start more ranks";
        throw ConfigError({issue});
    }
    for (int r = 1; r <= trainers; ++r) layout.trainers.push_back(r);
    for (int r = trainers + 1; r < world_size; ++r) layout.estimators.push_back(r);
    return layout;
}

}  // namespace snac::runtime
