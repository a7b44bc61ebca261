#pragma once
// Private to runtime: how many oneDNN/OpenMP threads a trainer uses. Without a CPU binding every
// rank's OpenMP runtime takes every core of the node, and ranks sharing the node fight (the
// quick-start search ran 15-20x slower under `srun` than under `mpirun` for this reason). The
// choice follows what the rank may use: an explicit setting, the launcher's OMP_NUM_THREADS,
// Slurm's CPUs per task, the affinity mask, and how many computing ranks share the node.
#include <string>

namespace snac::runtime::detail {

/// What the environment says (read by read_thread_inputs; plain data so the rule is testable).
struct ThreadInputs {
    int explicit_threads = 0;  ///< runtime.threads_per_rank or train.threads (0 = not set)
    int omp_num_threads = 0;   ///< OMP_NUM_THREADS (0 = unset or invalid)
    int node_cpus = 1;         ///< online CPUs of the node
    int affinity_cpus = 1;     ///< CPUs in this process's affinity mask
    int slurm_cpus_per_task = 0;  ///< SLURM_CPUS_PER_TASK (0 = unset)
    bool slurm_unbound = false;   ///< a Slurm step without a CPU binding: the mask is the job's
    int local_ranks = 1;       ///< ranks of this job on this node (1 when not under a launcher)
    int workers_here = 1;      ///< trainer threads in this process (embedded mode) else 1
};

struct ThreadChoice {
    int threads = 1;          ///< OpenMP threads per trainer; never 0
    bool oversubscribed = false;  ///< more compute threads than CPUs this rank may use
    std::string why;          ///< one line for the log: what was chosen and from what
};

/// The rule (docs/running-on-hpc.md#threads): explicit setting > OMP_NUM_THREADS >
/// SLURM_CPUS_PER_TASK > the affinity mask. A mask narrower than the node that, times the local
/// ranks, fits in the node is taken as this rank's own binding (unless Slurm says the step is not
/// bound: then the mask is the job's cgroup); otherwise the mask is shared by the local ranks and
/// divided among them. Embedded trainer threads divide the result again. A rank whose mask is
/// the whole node and that no launcher bound (CPUs not reserved for it) gives each trainer one
/// thread: other processes may share those CPUs, and spinning OpenMP barriers then cost 10-25x.
ThreadChoice choose_threads(const ThreadInputs& in);

/// CPUs this rank may use (never 0): SLURM_CPUS_PER_TASK within the mask, the whole mask when
/// the rank is bound to it, otherwise its share of a mask that the node's ranks share. The
/// default number of embedded trainer threads (src/runtime/roles.cpp) follows it, so that
/// `taskset -c 0`, `mpirun -n 1` (bound to one core) or `srun -n 1 -c 1` start one trainer.
double rank_cpus(const ThreadInputs& in);

/// Reads the environment of this process (affinity via sched_getaffinity, launcher variables of
/// Open MPI, MPICH/Hydra, PMIx and Slurm).
ThreadInputs read_thread_inputs(int explicit_threads, int workers_here);

}  // namespace snac::runtime::detail
