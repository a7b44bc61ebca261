// A writer killed with SIGKILL in the middle of writing loses at most the trial in flight (with
// group commit: the open group; what is in the file is still whole trials and at most one RUNNING).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "snac/core/error.hpp"
#include "snac/io/study_store.hpp"

using namespace snac;
using namespace snac::io;
namespace fs = std::filesystem;

TEST(StudyStoreKill, KilledWriterLosesAtMostTheTrialInFlight) {
    const fs::path dir = fs::temp_directory_path() / ("snac_study_kill_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string path = (dir / "study.db").string();
    StudyDefinition def{"kill", {"loss"}, {Direction::kMinimize}};
    { auto s = StudyStore::open(path, def); }  // the schema exists before the child starts

    for (int round = 0; round < 5; ++round) {
        // Both journals: WAL (local disks) and the rollback journal (network file systems);
        // rounds 3 and 4 commit in groups, as the global stage does.
        def.journal = round == 1 || round == 4 ? StudyJournal::kDelete : StudyJournal::kWal;
        const bool grouped = round >= 3;
        const std::int64_t before = StudyStore::open_read_only(path, "kill").trial_count();
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            try {
                auto s = StudyStore::open(path, def);
                if (grouped) s.set_commit_group(8, 0.05);
                for (int i = 0;; ++i) {
                    const auto n = s.create_trial(
                        {{"x", static_cast<double>(i % 10),
                          R"({"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 0, "high": 9}})"}},
                        {{"note", "\"" + std::string(200, 'a') + "\""}});
                    s.finish_trial(n, TrialState::kComplete, {static_cast<double>(i)}, {{"bops", std::to_string(i)}},
                                   {{"constraints", "[-1.0]"}});
                    // A coordinator is idle between results; back-to-back commits would starve
                    // the polling reader under the rollback journal.
                    ::usleep(1000);
                }
            } catch (...) {
                ::_exit(3);
            }
        }
        // Let it write for a while (a count, not a time limit: the test does not depend on speed).
        const std::int64_t target = before + (round == 1 || round == 4 ? 5 : 15);
        std::int64_t seen = 0;
        for (int tries = 0; tries < 20000 && seen < target; ++tries) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            try {
                seen = StudyStore::open_read_only(path, "kill").trial_count();
            } catch (const Error&) {
                // The writer holds the database lock during a commit; read again.
            }
        }
        ASSERT_EQ(::kill(child, SIGKILL), 0);
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited with " << WEXITSTATUS(status);

        auto s = StudyStore::open(path, def);  // the lock died with the writer
        auto trials = s.trials();
        ASSERT_GE(static_cast<std::int64_t>(trials.size()), target);
        int running = 0;
        for (std::size_t i = 0; i < trials.size(); ++i) {
            EXPECT_EQ(trials[i].number, static_cast<std::int64_t>(i));
            EXPECT_EQ(trials[i].params.size(), 1u);
            if (trials[i].state == TrialState::kRunning) {
                ++running;
                EXPECT_EQ(i + 1, trials.size()) << "only the last trial can be in flight";
            } else if (trials[i].state == TrialState::kComplete) {
                ASSERT_TRUE(trials[i].values[0].has_value());
                EXPECT_EQ(trials[i].user_attrs.size(), 2u);
                EXPECT_EQ(trials[i].system_attrs.size(), 1u);
            }
        }
        EXPECT_LE(running, 1);
        s.fail_running("writer killed");
        for (const auto& t : s.trials()) EXPECT_NE(t.state, TrialState::kRunning);
    }
    fs::remove_all(dir);
}
