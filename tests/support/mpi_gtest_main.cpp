// main() of the MPI gtest binaries (tests/mpi/*.cpp, run by ctest under mpiexec): every rank runs
// every test; a failed assertion is printed with its rank, and at the end rank 0 names the ranks
// that failed. Every rank exits 1 when any rank failed, so mpiexec and ctest report it.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "support/mpi_gtest.hpp"

namespace snac::test {

const runtime::MpiSession& mpi_session() {
    static const runtime::MpiSession session;
    return session;
}

}  // namespace snac::test

namespace {

class RankPrinter : public ::testing::EmptyTestEventListener {
public:
    explicit RankPrinter(int rank) : rank_(rank) {}
    // The name is kept here: asking gtest for the current test while it reports a result would
    // take a lock gtest already holds.
    void OnTestStart(const ::testing::TestInfo& test) override {
        test_ = std::string(test.test_suite_name()) + "." + test.name();
    }
    void OnTestPartResult(const ::testing::TestPartResult& r) override {
        if (!r.failed()) return;
        std::fprintf(stderr, "[rank %d] FAILED %s at %s:%d\n%s\n", rank_, test_.c_str(),
                     r.file_name() ? r.file_name() : "?", r.line_number(), r.message());
        std::fflush(stderr);
    }

private:
    int rank_;
    std::string test_ = "?";
};

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    const snac::runtime::MpiSession& session = snac::test::mpi_session();
    ::testing::UnitTest::GetInstance()->listeners().Append(new RankPrinter(session.rank()));
    const int failed = RUN_ALL_TESTS() != 0 ? 1 : 0;
    const std::vector<int> all = session.gather(failed);
    int status = 0;
    std::string ranks;
    for (std::size_t r = 0; r < all.size(); ++r)
        if (all[r] != 0) {
            status = 1;
            ranks += (ranks.empty() ? "" : " ") + std::to_string(r);
        }
    if (session.rank() == 0) {
        if (status != 0)
            std::fprintf(stderr, "MPI tests FAILED on rank(s): %s (of %d)\n", ranks.c_str(),
                         session.size());
        else
            std::printf("MPI tests passed on all %d rank(s)\n", session.size());
    }
    session.broadcast(status, ranks);
    return status;
}
