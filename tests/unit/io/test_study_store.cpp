#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "snac/core/error.hpp"
#include "snac/io/study_store.hpp"

using namespace snac;
using namespace snac::io;
namespace fs = std::filesystem;

namespace {

class StudyStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("snac_study_" + std::to_string(::getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        path_ = (dir_ / "study.db").string();
    }
    void TearDown() override { fs::remove_all(dir_); }

    static StudyDefinition def() {
        return {"jets", {"accuracy", "bops"}, {Direction::kMaximize, Direction::kMinimize}};
    }
    static std::vector<StoredParam> params(double units_index, double lr) {
        return {{"units_0", units_index, R"({"name": "CategoricalDistribution", "attributes": {"choices": [16, 32]}})"},
                {"learning_rate", lr,
                 R"({"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0001, "high": 0.01, "log": true}})"}};
    }
    static std::string bytes(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    void expect_usage_error(const std::function<void()>& f, const std::string& needle) {
        try {
            f();
            ADD_FAILURE() << "expected UsageError containing '" << needle << "'";
        } catch (const UsageError& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
            EXPECT_FALSE(e.hint().empty());
        }
    }

    fs::path dir_;
    std::string path_;
};

}  // namespace

TEST_F(StudyStoreTest, RoundTrip) {
    {
        auto store = StudyStore::open(path_, def());
        EXPECT_EQ(store.create_trial(params(0, 0.001), {{"arch", "\"mlp\""}}, {{"NSGAIISampler:generation", "0"}}), 0);
        EXPECT_EQ(store.create_trial(params(1, 0.002)), 1);
        EXPECT_EQ(store.create_trial(params(1, 0.003)), 2);
        store.finish_trial(0, TrialState::kComplete, {0.75, 1024},
                           {{"bops", "1024"}, {"checkpoint", "\"checkpoints/global/0.h5\""}},
                           {{"constraints", "[-3.5]"}});
        store.finish_trial(1, TrialState::kComplete, {0.5, INFINITY});
        store.finish_trial(2, TrialState::kFail, {}, {}, {{"fail_reason", "\"diverged\""}});
        EXPECT_THROW(store.finish_trial(2, TrialState::kComplete, {1, 2}), Error);
        EXPECT_THROW(store.finish_trial(7, TrialState::kComplete, {1, 2}), Error);
        const auto id = store.create_trial(params(0, 0.004));
        EXPECT_THROW(store.finish_trial(id, TrialState::kComplete, {1}), Error);
    }
    auto store = StudyStore::open(path_, def());  // reopen: resumes numbering
    const auto trials = store.trials();
    ASSERT_EQ(trials.size(), 4u);
    for (std::size_t i = 0; i < trials.size(); ++i) EXPECT_EQ(trials[i].number, static_cast<std::int64_t>(i));
    EXPECT_EQ(trials[0].state, TrialState::kComplete);
    EXPECT_EQ(trials[0].values[0].value(), 0.75);
    EXPECT_EQ(trials[0].values[1].value(), 1024);
    EXPECT_EQ(trials[1].values[1].value(), INFINITY);
    EXPECT_EQ(trials[2].state, TrialState::kFail);
    EXPECT_FALSE(trials[2].values[0].has_value());
    EXPECT_EQ(trials[3].state, TrialState::kRunning);
    EXPECT_TRUE(trials[3].datetime_complete.empty());
    ASSERT_EQ(trials[0].params.size(), 2u);
    EXPECT_EQ(trials[0].params[1].name, "learning_rate");
    EXPECT_EQ(trials[0].params[1].internal_value, 0.001);
    EXPECT_EQ(trials[0].user_attrs.size(), 3u);
    EXPECT_EQ(trials[0].system_attrs.size(), 2u);
    EXPECT_EQ(trials[0].datetime_start.size(), 26u);  // "YYYY-MM-DD HH:MM:SS.ffffff"
    EXPECT_EQ(store.summary().metric_names, (std::vector<std::string>{"accuracy", "bops"}));
    EXPECT_EQ(store.summary().complete, 2);
    EXPECT_EQ(store.fail_running("interrupted"), std::vector<std::int64_t>{3});
    EXPECT_EQ(store.trials()[3].state, TrialState::kFail);
    EXPECT_EQ(store.create_trial(params(0, 0.005)), 4);
}

TEST_F(StudyStoreTest, WritesOptunasSchemaAndRows) {
    {
        auto store = StudyStore::open(path_, def());
        store.create_trial(params(1, 0.001));
        store.finish_trial(0, TrialState::kComplete, {0.5, -INFINITY});
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    auto one = [&](const char* q) {
        sqlite3_stmt* s = nullptr;
        EXPECT_EQ(sqlite3_prepare_v2(db, q, -1, &s, nullptr), SQLITE_OK) << q;
        std::string out;
        while (sqlite3_step(s) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(s); ++c) {
                const auto* t = sqlite3_column_text(s, c);
                out += (c ? "|" : "") + std::string(t ? reinterpret_cast<const char*>(t) : "NULL");
            }
            out += "\n";
        }
        sqlite3_finalize(s);
        return out;
    };
    EXPECT_EQ(one("SELECT version_num FROM alembic_version"), "v3.0.0.d\n");
    EXPECT_EQ(one("SELECT * FROM version_info"), "1|12|3.1.0\n");
    EXPECT_EQ(one("SELECT direction, objective FROM study_directions ORDER BY objective"), "MAXIMIZE|0\nMINIMIZE|1\n");
    EXPECT_EQ(one("SELECT number, state FROM trials"), "0|COMPLETE\n");
    EXPECT_EQ(one("SELECT objective, value, value_type FROM trial_values ORDER BY objective"), "0|0.5|FINITE\n1|NULL|INF_NEG\n");
    EXPECT_EQ(one("SELECT param_value FROM trial_params WHERE param_name = 'units_0'"), "1.0\n");
    EXPECT_EQ(one("SELECT value_json FROM study_system_attributes WHERE key = 'study:metric_names'"),
              "[\"accuracy\",\"bops\"]\n");
    sqlite3_close(db);
}

TEST_F(StudyStoreTest, BadFilesAreRejectedAndLeftUnchanged) {
    {
        std::ofstream(path_) << "trial,accuracy\n0,0.5\n";
        const std::string before = bytes(path_);
        expect_usage_error([&] { StudyStore::open(path_, def()); }, "not an SQLite database");
        EXPECT_EQ(bytes(path_), before);
        fs::remove(path_);
    }
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE results (x INTEGER)", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
        const std::string before = bytes(path_);
        expect_usage_error([&] { StudyStore::open(path_, def()); }, "not an Optuna study file");
        EXPECT_EQ(bytes(path_), before);
        fs::remove(path_);
    }
    {
        { auto s = StudyStore::open(path_, def()); }
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db, "UPDATE alembic_version SET version_num = 'v2.4.0.a'", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
        expect_usage_error([&] { StudyStore::open(path_, def()); }, "schema revision 'v2.4.0.a'");
        fs::remove(path_);
    }
}

TEST_F(StudyStoreTest, OtherObjectivesOrDirectionsAreRejected) {
    { auto s = StudyStore::open(path_, def()); s.create_trial(params(0, 0.001)); }
    const std::string before = bytes(path_);
    StudyDefinition three = def();
    three.metric_names.push_back("params");
    three.directions.push_back(Direction::kMinimize);
    expect_usage_error([&] { StudyStore::open(path_, three); }, "has directions");
    StudyDefinition flipped = def();
    flipped.directions[1] = Direction::kMaximize;
    expect_usage_error([&] { StudyStore::open(path_, flipped); }, "has directions");
    StudyDefinition renamed = def();
    renamed.metric_names[1] = "params";
    expect_usage_error([&] { StudyStore::open(path_, renamed); }, "has objectives");
    EXPECT_EQ(bytes(path_), before);
    // Another study name in the same file is a new study.
    StudyDefinition other = three;
    other.name = "other";
    auto s = StudyStore::open(path_, other);
    EXPECT_EQ(s.trial_count(), 0);
    EXPECT_EQ(StudyStore::list_studies(path_).size(), 2u);
}

TEST_F(StudyStoreTest, SecondWriterIsRefused) {
    auto first = StudyStore::open(path_, def());
    first.create_trial(params(0, 0.001));
    const std::string before = bytes(path_);
    expect_usage_error([&] { StudyStore::open(path_, def()); }, "locked by another writer");
    EXPECT_EQ(bytes(path_), before);
    // Readers are welcome while the writer works.
    EXPECT_EQ(StudyStore::open_read_only(path_, "jets").trial_count(), 1);
}

TEST_F(StudyStoreTest, OneDistributionPerParameter) {
    auto s = StudyStore::open(path_, def());
    s.create_trial(params(0, 0.001));
    auto changed = params(0, 0.001);
    changed[0].distribution_json = R"({"name": "CategoricalDistribution", "attributes": {"choices": [16, 32, 64]}})";
    expect_usage_error([&] { s.create_trial(changed); }, "units_0");
    EXPECT_EQ(s.trial_count(), 1);
    // Same distribution with another key order is the same distribution.
    auto reordered = params(1, 0.002);
    reordered[1].distribution_json =
        R"({"attributes": {"log": true, "high": 0.01, "low": 0.0001, "step": null}, "name": "FloatDistribution"})";
    EXPECT_EQ(s.create_trial(reordered), 1);
}

TEST_F(StudyStoreTest, ReadOnlyErrors) {
    expect_usage_error([&] { StudyStore::open_read_only(path_, "jets"); }, "does not exist");
    { auto s = StudyStore::open(path_, def()); }
    expect_usage_error([&] { StudyStore::open_read_only(path_, "jest"); }, "no study named 'jest'");
}

TEST_F(StudyStoreTest, GroupCommitKeepsWholeWritesAndCommitsOnCountFlushAndClose) {
    for (StudyJournal journal : {StudyJournal::kWal, StudyJournal::kDelete}) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        StudyDefinition d = def();
        d.journal = journal;
        auto committed = [&] { return StudyStore::open_read_only(path_, "jets").trial_count(); };
        {
            auto s = StudyStore::open(path_, d);
            s.set_commit_group(5, 1000.0);
            const auto a = s.create_trial(params(0, 0.001));
            const auto b = s.create_trial(params(1, 0.002));
            s.finish_trial(a, TrialState::kComplete, {0.9, 100.0}, {{"bops", "100"}});
            EXPECT_EQ(committed(), 0);  // in the open group: not yet in the file
            EXPECT_EQ(s.trials().size(), 2u);  // but the writer sees its own writes
            // A write that fails half-way leaves nothing and keeps the group's earlier writes.
            EXPECT_THROW(s.finish_trial(a, TrialState::kComplete, {0.5, 1.0}), Error);
            s.flush();
            EXPECT_EQ(committed(), 2);
            auto t = StudyStore::open_read_only(path_, "jets").trials();
            EXPECT_EQ(t[0].state, TrialState::kComplete);
            EXPECT_EQ(*t[0].values[0], 0.9);
            EXPECT_EQ(t[0].user_attrs.size(), 1u);
            EXPECT_EQ(t[1].state, TrialState::kRunning);
            // The fifth write of a group commits it.
            for (int i = 0; i < 4; ++i) s.create_trial(params(0, 0.003));
            EXPECT_EQ(committed(), 2);
            s.finish_trial(b, TrialState::kPruned, {});
            EXPECT_EQ(committed(), 6);
            s.create_trial(params(1, 0.004));
            s.flush_if_due();  // not due: 1 write, well under the age
            EXPECT_EQ(committed(), 6);
        }  // closing the store commits the open group
        EXPECT_EQ(committed(), 7);
        const auto t = StudyStore::open_read_only(path_, "jets").trials();
        EXPECT_EQ(t[1].state, TrialState::kPruned);
        // An age of 0 makes every write due at once.
        {
            auto s = StudyStore::open(path_, d);
            s.set_commit_group(100, 0.0);
            s.create_trial(params(0, 0.005));
            EXPECT_EQ(committed(), 8);
        }
    }
}

TEST_F(StudyStoreTest, DefinitionFromTheSearchSection) {
    SearchConfig c;
    c.study_name = "s";
    c.objectives = {{"mean_distance", Direction::kMinimize}, {"bops", Direction::kMinimize}};
    c.optuna_schema = "v3.2.0.a";
    c.study_journal = StudyJournal::kDelete;
    const StudyDefinition d = study_definition(c);
    EXPECT_EQ(d.name, "s");
    EXPECT_EQ(d.metric_names, (std::vector<std::string>{"mean_distance", "bops"}));
    EXPECT_EQ(d.journal, StudyJournal::kDelete);
    { auto s = StudyStore::open(path_, d); }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT version_num FROM alembic_version", -1, &st, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "v3.2.0.a");
    sqlite3_finalize(st);
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE name = 'ix_trials_study_id'", -1, &st,
                                 nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
    sqlite3_finalize(st);
    sqlite3_close(db);
}
