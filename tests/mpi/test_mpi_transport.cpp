// The MPI transport between real ranks (run under mpiexec by ctest; main() in
// tests/support/mpi_gtest_main.cpp names a failing rank).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <string>

#include "support/mpi_gtest.hpp"

namespace snac::runtime {
namespace {

const MpiSession& session() {
    return test::mpi_session();
}

/// On leaving a test (also by a failed ASSERT), no rank but 0 goes on before rank 0 is done with
/// it: the next test's messages to rank 0 cannot overtake this test's.
struct WaitForRankZero {
    ~WaitForRankZero() {
        int status = 0;
        std::string text;
        session().broadcast(status, text);
    }
};

Message note(int from, const std::string& text) {
    Message m;
    m.header.kind = MessageKind::kHello;
    m.header.status = from;
    m.header.trial = 1000 + from;
    m.payload = text;
    m.header.payload_bytes = m.payload.size();
    return m;
}

TEST(MpiTransport, RingDeliversHeaderAndPayloadFromTheLeftNeighbour) {
    ASSERT_TRUE(session().active()) << "run under mpiexec";
    const WaitForRankZero sync;
    const auto t = make_mpi_transport(session());
    const int n = t->size(), r = t->rank();
    ASSERT_EQ(r, session().rank());
    t->send((r + 1) % n, note(r, std::string(1000 + r, 'x') + " from " + std::to_string(r)));
    const auto got = t->receive(std::chrono::seconds(60));
    ASSERT_TRUE(got.has_value()) << "nothing from rank " << (r + n - 1) % n;
    const int left = (r + n - 1) % n;
    EXPECT_EQ(got->source, left);
    EXPECT_EQ(got->message.header.kind, MessageKind::kHello);
    EXPECT_EQ(got->message.header.status, left);
    EXPECT_EQ(got->message.header.trial, 1000 + left);
    EXPECT_EQ(got->message.payload,
              std::string(1000 + left, 'x') + " from " + std::to_string(left));
    t->flush();
}

TEST(MpiTransport, RankZeroHearsEveryOtherRankOnce) {
    const auto t = make_mpi_transport(session());
    if (t->rank() != 0) {
        t->send(0, note(t->rank(), "hi"));
        t->flush();
        return;
    }
    std::set<int> sources;
    for (int i = 1; i < t->size(); ++i) {
        const auto got = t->receive(std::chrono::seconds(60));
        ASSERT_TRUE(got.has_value()) << "heard " << sources.size() << " of " << t->size() - 1;
        EXPECT_EQ(got->message.header.status, got->source);
        EXPECT_TRUE(sources.insert(got->source).second) << "rank " << got->source << " twice";
    }
    EXPECT_EQ(static_cast<int>(sources.size()), t->size() - 1);
}

// Checks the harness itself: with SNAC_MPI_TEST_FAIL_RANK=k this test fails on rank k only, and
// the ctest registration expects the summary to name rank k (tests/mpi/gtest.cmake).
TEST(MpiHarness, FailsOnlyOnTheRankTheEnvironmentNames) {
    const char* env = std::getenv("SNAC_MPI_TEST_FAIL_RANK");
    if (!env) GTEST_SKIP() << "SNAC_MPI_TEST_FAIL_RANK not set";
    EXPECT_NE(session().rank(), std::atoi(env)) << "deliberate failure";
}

}  // namespace
}  // namespace snac::runtime
