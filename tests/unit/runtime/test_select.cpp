// The select rules on hand-made fronts (docs/pipeline.md#select): each rule picks what its
// definition says, with the stated reason, and fails loudly on what it cannot do.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "snac/core/config.hpp"
#include "snac/core/error.hpp"
#include "snac/runtime/pipeline.hpp"
#include "snac/runtime/select.hpp"

namespace snac::runtime {
namespace {

SearchConfig acc_vs_bops() {
    SearchConfig s;
    s.objectives = {{"accuracy", Direction::kMaximize}, {"bops", Direction::kMinimize}};
    return s;
}

SelectTrial trial(std::int64_t n, double acc, double bops) {
    SelectTrial t;
    t.number = n;
    t.values = {acc, bops};
    t.metrics = {{"val_accuracy", acc}, {"bops", bops}, {"params", bops / 10}};
    t.checkpoint = "checkpoints/global/" + std::to_string(n) + ".h5";
    return t;
}

std::vector<std::int64_t> numbers(const Selection& s) {
    std::vector<std::int64_t> out;
    for (const auto& m : s.models) out.push_back(m.trial);
    return out;
}

// A front from (acc 0.5, 100 BOPs) to (0.95, 10000): trial 2 sits far inside the line between
// the extremes (the knee), trial 3 a little, trial 4 is dominated.
std::vector<SelectTrial> front() {
    return {trial(0, 0.50, 100), trial(1, 0.95, 10000), trial(2, 0.90, 1000), trial(3, 0.93, 6000),
            trial(4, 0.60, 9000)};
}

TEST(SelectKnee, PicksLargestDistanceToTheLineBetweenExtremes) {
    SelectConfig c;
    c.rule = SelectRule::kKnee;
    c.count = 1;
    const auto trials = front();
    const Selection s = select_models(trials, c, acc_vs_bops());
    ASSERT_EQ(numbers(s), (std::vector<std::int64_t>{2}));
    // normalised: acc (0.95-0.90)/0.45 = 0.111, bops (1000-100)/9900 = 0.0909:
    // (1 - 0.2020) / sqrt(2) = 0.5643
    EXPECT_NE(s.models[0].why.find("knee: distance 0.5643"), std::string::npos) << s.models[0].why;
    EXPECT_DOUBLE_EQ(s.models[0].metrics.at("accuracy"), 0.90);
    EXPECT_DOUBLE_EQ(s.models[0].metrics.at("bops"), 1000);
    EXPECT_EQ(s.models[0].name, "t2");
    EXPECT_TRUE(s.warnings.empty());
}

TEST(SelectKnee, RanksFrontOnlyAndWarnsWhenTooFew) {
    SelectConfig c;
    c.count = 6;
    const auto trials = front();
    const Selection s = select_models(trials, c, acc_vs_bops());
    // the extremes lie on the line (distance 0) and come last, lower trial first
    EXPECT_EQ(numbers(s), (std::vector<std::int64_t>{2, 3, 0, 1}));
    ASSERT_EQ(s.warnings.size(), 1u);
    EXPECT_NE(s.warnings[0].find("4 member(s)"), std::string::npos);
}

TEST(SelectKnee, SkipsInfeasibleFrontMembers) {
    SelectConfig c;
    c.count = 1;
    auto trials = front();
    trials[2].constraints = {0.5};  // the knee violates a constraint
    for (auto& t : trials)
        if (t.constraints.empty()) t.constraints = {-1.0};
    const Selection s = select_models(trials, c, acc_vs_bops());
    ASSERT_EQ(s.models.size(), 1u);
    EXPECT_EQ(s.models[0].trial, 3);
}

TEST(SelectBopsBins, BestMetricPerLogBin) {
    SelectConfig c;
    c.rule = SelectRule::kBopsBins;
    c.count = 3;
    // log10 BOPs from 2 to 5: bins [2, 3), [3, 4), [4, 5]
    std::vector<SelectTrial> trials = {trial(0, 0.50, 100),    trial(1, 0.55, 900),
                                       trial(2, 0.80, 1100),   trial(3, 0.70, 5000),
                                       trial(4, 0.97, 100000), trial(5, 0.90, 20000)};
    const Selection s = select_models(trials, c, acc_vs_bops());
    EXPECT_EQ(numbers(s), (std::vector<std::int64_t>{1, 2, 4}));
    EXPECT_NE(s.models[1].why.find("best accuracy (0.8) in BOPs bin 2 of 3 [1000, 1e+04]"),
              std::string::npos)
        << s.models[1].why;
}

TEST(SelectBopsBins, MoreBinsThanCountKeepsTheBestBins) {
    SelectConfig c;
    c.rule = SelectRule::kBopsBins;
    c.count = 2;
    c.bins = 3;
    std::vector<SelectTrial> trials = {trial(0, 0.50, 100), trial(2, 0.80, 1100),
                                       trial(4, 0.97, 100000)};
    const Selection s = select_models(trials, c, acc_vs_bops());
    EXPECT_EQ(numbers(s), (std::vector<std::int64_t>{2, 4}));  // in BOPs order
}

TEST(SelectBopsBins, EmptyBinsWarn) {
    SelectConfig c;
    c.rule = SelectRule::kBopsBins;
    c.count = 3;
    std::vector<SelectTrial> trials = {trial(0, 0.50, 100), trial(1, 0.97, 100000)};
    const Selection s = select_models(trials, c, acc_vs_bops());
    EXPECT_EQ(numbers(s), (std::vector<std::int64_t>{0, 1}));
    ASSERT_EQ(s.warnings.size(), 1u);
    EXPECT_NE(s.warnings[0].find("2 of 3 BOPs bins"), std::string::npos);
}

TEST(SelectTop, RanksByMetricUnderConstraints) {
    SelectConfig c;
    c.rule = SelectRule::kTop;
    c.count = 2;
    auto trials = front();
    SearchConfig search = acc_vs_bops();
    search.constraints = {{"bops", ConstraintOp::kLessEqual, 8000.0}};
    for (auto& t : trials) t.constraints = {t.values[1] - 8000.0};
    const Selection s = select_models(trials, c, search);
    EXPECT_EQ(numbers(s), (std::vector<std::int64_t>{3, 2}));  // 1 and 4 violate
    EXPECT_NE(s.models[0].why.find("rank 1 of 3 trials meeting the constraints"), std::string::npos)
        << s.models[0].why;

    c.metric = "params";  // minimised (not an objective, not an accuracy)
    const Selection p = select_models(trials, c, search);
    EXPECT_EQ(numbers(p), (std::vector<std::int64_t>{0, 2}));
    EXPECT_DOUBLE_EQ(p.models[0].metrics.at("params"), 10.0);
}

TEST(SelectTop, UnknownMetricIsAUsageError) {
    SelectConfig c;
    c.rule = SelectRule::kTop;
    c.metric = "est_nonsense_pct";
    const auto trials = front();
    EXPECT_THROW(select_models(trials, c, acc_vs_bops()), UsageError);
}

TEST(SelectList, TakesNamedTrialsInOrderAndRejectsUnknownOnes) {
    SelectConfig c;
    c.rule = SelectRule::kList;
    c.trials = {4, 0, 4};
    const auto trials = front();
    const Selection s = select_models(trials, c, acc_vs_bops());
    EXPECT_EQ(numbers(s), (std::vector<std::int64_t>{4, 0}));
    c.trials = {0, 17};
    try {
        select_models(trials, c, acc_vs_bops());
        FAIL() << "trial 17 does not exist";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("17"), std::string::npos);
    }
}

TEST(SelectYaml, RoundTrips) {
    SelectConfig c;
    c.count = 2;
    const auto trials = front();
    const Selection s = select_models(trials, c, acc_vs_bops());
    const auto path = std::filesystem::temp_directory_path() /
                      ("snac_select_" +
                       std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".yaml");
    std::ofstream(path) << selection_yaml(s);
    const Selection back = read_selection(path.string());
    std::filesystem::remove(path);
    ASSERT_EQ(back.models.size(), 2u);
    EXPECT_EQ(back.rule, SelectRule::kKnee);
    EXPECT_EQ(back.models[0].name, s.models[0].name);
    EXPECT_EQ(back.models[0].checkpoint, "checkpoints/global/2.h5");
    EXPECT_EQ(back.models[0].why, s.models[0].why);
    EXPECT_DOUBLE_EQ(back.models[0].metrics.at("accuracy"), 0.90);
}

TEST(SelectConfigSection, KeysOfOtherRulesAreRejected) {
    EXPECT_NO_THROW(parse_config("data: {name: x}\nselect: {rule: bops_bins, bins: 4}\n", "t"));
    EXPECT_THROW(parse_config("data: {name: x}\nselect: {rule: knee, bins: 4}\n", "t"),
                 ConfigError);
    EXPECT_THROW(parse_config("data: {name: x}\nselect: {rule: list}\n", "t"), ConfigError);
    EXPECT_THROW(parse_config("data: {name: x}\nselect: {rule: top, trials: [1]}\n", "t"),
                 ConfigError);
    EXPECT_THROW(parse_config("data: {name: x}\nlocal: {select: knee}\n", "t"), ConfigError);
    const RunConfig r =
        parse_config("data: {name: x}\nselect: {rule: list, trials: [3, 5]}\n", "t");
    EXPECT_EQ(r.select.trials, (std::vector<std::int64_t>{3, 5}));
    // the resolved config re-parses to the same section
    const RunConfig again = parse_config(to_yaml(r), "resolved");
    EXPECT_EQ(again.select.rule, SelectRule::kList);
    EXPECT_EQ(again.select.trials, r.select.trials);
}

TEST(StageRecords, HashFollowsOnlyTheStagesSections) {
    RunConfig a = parse_config("data: {name: x}\n", "t");
    RunConfig b = a;
    b.select.count = 5;
    EXPECT_NE(stage_config_hash(a, Stage::kSelect), stage_config_hash(b, Stage::kSelect));
    EXPECT_EQ(stage_config_hash(a, Stage::kGlobal), stage_config_hash(b, Stage::kGlobal));
    b.runtime.drain_timeout_s = 5;
    EXPECT_EQ(stage_config_hash(a, Stage::kGlobal), stage_config_hash(b, Stage::kGlobal));
}

}  // namespace
}  // namespace snac::runtime
