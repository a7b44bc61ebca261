#include "threads.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>

namespace snac::runtime::detail {
namespace {

int env_int(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return 0;
    char* end = nullptr;
    const long x = std::strtol(v, &end, 10);
    return (end && end != v && x > 0 && x < 1 << 20) ? static_cast<int>(x) : 0;
}

/// Slurm's "2(x3),1" task lists: the first node's count (this node's for a homogeneous job).
int slurm_tasks_here(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return 0;
    const long x = std::strtol(v, nullptr, 10);
    return x > 0 && x < 1 << 20 ? static_cast<int>(x) : 0;
}

std::string plural(int n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

namespace {

/// A mask narrower than the node that, times the local ranks, fits in it is this rank's own
/// binding, unless Slurm says the step is not bound (then the mask is the job's cgroup).
bool bound_to_mask(const ThreadInputs& in) {
    const int mask = std::max(1, in.affinity_cpus);
    const int local = std::max(1, in.local_ranks);
    return !in.slurm_unbound && mask < in.node_cpus &&
           static_cast<long>(mask) * local <= in.node_cpus;
}

}  // namespace

double rank_cpus(const ThreadInputs& in) {
    const int mask = std::max(1, in.affinity_cpus);
    const int local = std::max(1, in.local_ranks);
    if (in.slurm_cpus_per_task > 0) return std::min(in.slurm_cpus_per_task, mask);
    if (bound_to_mask(in)) return mask;
    return static_cast<double>(mask) / local;
}

ThreadChoice choose_threads(const ThreadInputs& in) {
    ThreadChoice c;
    const int workers = std::max(1, in.workers_here);
    const int mask = std::max(1, in.affinity_cpus);
    const int local = std::max(1, in.local_ranks);
    const bool bound = bound_to_mask(in);
    int per_rank = 0;
    std::string from;
    if (in.explicit_threads > 0) {
        per_rank = in.explicit_threads * workers;  // the setting is per trainer
        from = "as configured";
    } else if (in.omp_num_threads > 0) {
        per_rank = in.omp_num_threads * workers;
        from = "OMP_NUM_THREADS=" + std::to_string(in.omp_num_threads);
    } else if (in.slurm_cpus_per_task > 0) {
        per_rank = std::min(in.slurm_cpus_per_task, mask);
        from = "SLURM_CPUS_PER_TASK=" + std::to_string(in.slurm_cpus_per_task) + ", affinity " +
               plural(mask, "CPU");
    } else if (bound) {
        per_rank = mask;
        from = "this rank is bound to " + plural(mask, "CPU");
    } else {
        per_rank = std::max(1, mask / local);
        from = plural(mask, "CPU") + " shared by " + plural(local, "rank") + " on this node";
    }
    int per_worker = std::max(1, per_rank / workers);
    // Nothing reserved CPUs for this process (no binding, no cpuset narrower than the node), so
    // other processes may run on them: OpenMP's spinning barriers then wait for descheduled
    // threads on every small layer. A lone quick-start trainer ran 22x slower with 2 threads than
    // with 1 on the loaded 2-CPU machine (docs/performance.md#thread-count-under-every-launcher),
    // so such a rank gives each trainer one thread and says how to get more.
    const bool from_mask =
        in.explicit_threads == 0 && in.omp_num_threads == 0 && in.slurm_cpus_per_task == 0;
    if (from_mask && !bound && mask >= in.node_cpus && per_worker > 1) {
        per_worker = 1;
        from +=
            "; 1 per trainer since these CPUs are not reserved for this job: bind the rank "
            "or set runtime.threads_per_rank for large networks";
    }
    c.threads = (in.explicit_threads > 0)  ? in.explicit_threads
                : (in.omp_num_threads > 0) ? in.omp_num_threads
                                           : per_worker;
    // Compute threads this rank runs against the CPUs it may use (shared mask: its share).
    c.oversubscribed = static_cast<double>(c.threads) * workers > rank_cpus(in) + 1e-9;
    c.why = plural(c.threads, "oneDNN thread") + " per trainer" +
            (workers > 1 ? " x " + plural(workers, "trainer thread") : std::string()) + " (" +
            from + ")";
    return c;
}

ThreadInputs read_thread_inputs(int explicit_threads, int workers_here) {
    ThreadInputs in;
    in.explicit_threads = explicit_threads;
    in.omp_num_threads = env_int("OMP_NUM_THREADS");
    in.node_cpus = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    cpu_set_t set;
    CPU_ZERO(&set);
    in.affinity_cpus =
        sched_getaffinity(0, sizeof(set), &set) == 0 ? std::max(1, CPU_COUNT(&set)) : in.node_cpus;
    in.slurm_cpus_per_task = env_int("SLURM_CPUS_PER_TASK");
    if (std::getenv("SLURM_STEP_ID") || std::getenv("SLURM_JOB_ID")) {
        const char* bind = std::getenv("SLURM_CPU_BIND_TYPE");
        in.slurm_unbound = !bind || !*bind || std::string(bind).rfind("none", 0) == 0;
    }
    int local = 0;
    for (const char* v :
         {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "PMIX_LOCAL_SIZE", "PALS_LOCAL_SIZE"})
        if ((local = env_int(v)) > 0) break;
    if (local == 0) local = slurm_tasks_here("SLURM_STEP_TASKS_PER_NODE");
    if (local == 0) local = env_int("SLURM_NTASKS_PER_NODE");
    in.local_ranks = std::max(1, local);
    in.workers_here = std::max(1, workers_here);
    return in;
}

}  // namespace snac::runtime::detail
