// The thread-count rule (src/runtime/threads.hpp) on the launcher situations it must get right.
#include <gtest/gtest.h>

#include "threads.hpp"

using snac::runtime::detail::choose_threads;
using snac::runtime::detail::rank_cpus;
using snac::runtime::detail::ThreadInputs;

namespace {

ThreadInputs node(int cpus, int mask, int local) {
    ThreadInputs in;
    in.node_cpus = cpus;
    in.affinity_cpus = mask;
    in.local_ranks = local;
    return in;
}

}  // namespace

TEST(Threads, SrunWithoutBindingDividesTheNodeAmongItsRanks) {
    // srun -n 2 on a 2-CPU node without a binding: both masks are the whole node.
    const auto c = choose_threads(node(2, 2, 2));
    EXPECT_EQ(c.threads, 1);
    EXPECT_FALSE(c.oversubscribed);
    EXPECT_NE(c.why.find("shared by 2 ranks"), std::string::npos) << c.why;
}

TEST(Threads, BoundRanksUseTheirOwnMask) {
    // mpirun --bind-to core on a 64-CPU node, 4 ranks of 16 CPUs each.
    EXPECT_EQ(choose_threads(node(64, 16, 4)).threads, 16);
    // Unbound ranks on a whole node that nothing reserved for them: one thread per trainer
    // (other processes may share the CPUs), and the log line says how to get more.
    const auto shared = choose_threads(node(64, 64, 4));
    EXPECT_EQ(shared.threads, 1);
    EXPECT_FALSE(shared.oversubscribed);
    EXPECT_NE(shared.why.find("runtime.threads_per_rank"), std::string::npos) << shared.why;
    // Under a Slurm step without a binding, an 8-CPU mask is the job's cgroup, shared by 4 ranks.
    ThreadInputs in = node(64, 8, 4);
    in.slurm_unbound = true;
    EXPECT_EQ(choose_threads(in).threads, 2);
}

TEST(Threads, SlurmCpusPerTaskWinsOverTheMask) {
    ThreadInputs in = node(128, 128, 4);
    in.slurm_cpus_per_task = 32;
    EXPECT_EQ(choose_threads(in).threads, 32);
    in.affinity_cpus = 8;  // never more than the mask allows
    EXPECT_EQ(choose_threads(in).threads, 8);
}

TEST(Threads, ExplicitSettingAndOmpNumThreadsStand) {
    ThreadInputs in = node(2, 2, 2);
    in.omp_num_threads = 4;
    auto c = choose_threads(in);
    EXPECT_EQ(c.threads, 4);
    EXPECT_TRUE(c.oversubscribed);  // 4 threads on a 1-CPU share
    in.explicit_threads = 1;
    c = choose_threads(in);
    EXPECT_EQ(c.threads, 1);
    EXPECT_FALSE(c.oversubscribed);
}

TEST(Threads, EmbeddedTrainerThreadsShareTheProcess) {
    ThreadInputs in = node(2, 2, 1);
    in.workers_here = 2;
    const auto c = choose_threads(in);
    EXPECT_EQ(c.threads, 1);
    EXPECT_FALSE(c.oversubscribed);
    in.workers_here = 1;  // a lone trainer on the whole, unreserved node: one thread
    EXPECT_EQ(choose_threads(in).threads, 1);
    in.workers_here = 8;  // more trainer threads than cores: never zero threads, but say so
    const auto d = choose_threads(in);
    EXPECT_EQ(d.threads, 1);
    EXPECT_TRUE(d.oversubscribed);
}

TEST(Threads, RankCpusFollowsTheMaskNotTheNode) {
    // mpirun -n 1 binds to one core and `nproc` says 1 while the node has 2: one CPU to use,
    // which is also the default number of embedded trainer threads.
    EXPECT_DOUBLE_EQ(rank_cpus(node(2, 1, 1)), 1.0);
    EXPECT_DOUBLE_EQ(rank_cpus(node(2, 2, 1)), 2.0);
    EXPECT_DOUBLE_EQ(rank_cpus(node(2, 1, 2)), 1.0);  // mpirun -n 2: each rank bound to a core
    EXPECT_DOUBLE_EQ(rank_cpus(node(2, 2, 3)), 2.0 / 3.0);  // mpirun -n 3 --oversubscribe
    ThreadInputs in = node(2, 2, 2);
    in.slurm_unbound = true;  // srun -n 2 with TaskPlugin=task/none
    EXPECT_DOUBLE_EQ(rank_cpus(in), 1.0);
    in.slurm_cpus_per_task = 1;
    EXPECT_DOUBLE_EQ(rank_cpus(in), 1.0);
}
