// Config validation: the good example files parse, and every kind of mistake is reported with
// file:line:column and a hint, all problems at once.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "snac/core/config.hpp"
#include "snac/core/error.hpp"

namespace snac {
namespace {

std::vector<ConfigIssue> issues_of(const std::string& yaml) {
    try {
        parse_config(yaml, "t.yaml");
    } catch (const ConfigError& e) {
        return e.issues();
    }
    ADD_FAILURE() << "expected a ConfigError for:\n" << yaml;
    return {};
}

// The one issue whose message contains `needle`; fails when there is none.
ConfigIssue find_issue(const std::vector<ConfigIssue>& issues, const std::string& needle) {
    for (const auto& i : issues)
        if (i.message.find(needle) != std::string::npos) return i;
    std::string all;
    for (const auto& i : issues) all += i.str() + "\n";
    ADD_FAILURE() << "no issue mentions '" << needle << "'; got:\n" << all;
    return {};
}

const char* kGoodData = R"(data:
  name: htru2
  source: {format: csv, file: htru2_pulsar/pulsar_stars.csv.gz, label_column: target_class}
)";

TEST(ConfigValidation, QuickstartConfigParsesWithItsDataSection) {
    const RunConfig cfg = load_config(std::string(SNAC_SOURCE_DIR) + "/configs/quickstart.yaml");
    EXPECT_EQ(cfg.data.name, "mnist8x8");
    EXPECT_EQ(cfg.data.source.format, DataFormat::kIdx);
    EXPECT_EQ(cfg.data.source.images, "mnist/t10k-images-idx3-ubyte.gz");
    EXPECT_EQ(cfg.data.source.resize, (std::vector<std::int64_t>{8, 8}));
    EXPECT_EQ(cfg.data.normalize, Normalization::kStandardize);
    EXPECT_DOUBLE_EQ(cfg.data.split.train, 0.7);
    EXPECT_DOUBLE_EQ(cfg.data.split.val, 0.1);
    EXPECT_DOUBLE_EQ(cfg.data.split.test, 0.2);
}

TEST(ConfigValidation, MinimalDataSectionFillsDefaults) {
    const RunConfig cfg = parse_config(kGoodData, "t.yaml");
    EXPECT_EQ(cfg.data.source.label_column, "target_class");
    EXPECT_EQ(cfg.data.normalize, Normalization::kStandardize);
    EXPECT_EQ(cfg.data.source.task, TaskChoice::kAuto);
    EXPECT_TRUE(cfg.data.split.stratify);
    EXPECT_EQ(cfg.data.split.seed, 1u);
}

TEST(ConfigValidation, ResolvedQuickstartRoundTrips) {
    const RunConfig a = load_config(std::string(SNAC_SOURCE_DIR) + "/configs/quickstart.yaml");
    const RunConfig b = parse_config(to_yaml(a), "resolved.yaml");
    EXPECT_EQ(to_yaml(a), to_yaml(b));
    EXPECT_EQ(b.data.source.resize, a.data.source.resize);
    EXPECT_EQ(b.data.source.labels, "mnist/t10k-labels-idx1-ubyte.gz");
}

TEST(ConfigValidation, UnknownKeyGetsSuggestionAndLocation) {
    const auto issues = issues_of(std::string(kGoodData) + "  normalise: minmax\n");
    const ConfigIssue i = find_issue(issues, "unknown key 'data.normalise'");
    EXPECT_EQ(i.file, "t.yaml");
    EXPECT_EQ(i.line, 4);
    EXPECT_EQ(i.column, 3);
    EXPECT_NE(i.hint.find("did you mean 'normalize'"), std::string::npos) << i.hint;
}

TEST(ConfigValidation, UnknownSourceKeyInFlowMapGetsSuggestion) {
    const auto issues =
        issues_of("data:\n  name: h\n  source: {format: csv, file: f.csv, label_colum: y}\n");
    const ConfigIssue i = find_issue(issues, "label_colum");
    EXPECT_NE(i.hint.find("label_column"), std::string::npos) << i.hint;
    EXPECT_EQ(i.line, 3);
}

TEST(ConfigValidation, WrongTypeIsReported) {
    const auto issues = issues_of(std::string(kGoodData) + "  split: {train: lots}\n");
    const ConfigIssue i = find_issue(issues, "data.split.train");
    EXPECT_EQ(i.line, 4);
    EXPECT_FALSE(i.hint.empty() && i.message.find("number") == std::string::npos);
}

TEST(ConfigValidation, OutOfRangeValueNamesTheRange) {
    const auto issues = issues_of(std::string(kGoodData) + "  split: {train: 1.5}\n");
    const ConfigIssue i = find_issue(issues, "out of range");
    EXPECT_NE(i.message.find("data.split.train"), std::string::npos);
    EXPECT_NE(i.hint.find("[0, 1]"), std::string::npos) << i.hint;
}

TEST(ConfigValidation, SplitFractionsMustNotExceedOne) {
    const auto issues =
        issues_of(std::string(kGoodData) + "  split: {train: 0.8, val: 0.2, test: 0.2}\n");
    find_issue(issues, "sum to at most 1");
}

TEST(ConfigValidation, MissingDataSectionIsReported) {
    const auto issues = issues_of("train: {epochs: 3}\n");
    const ConfigIssue i = find_issue(issues, "missing required section 'data'");
    EXPECT_FALSE(i.hint.empty());
}

TEST(ConfigValidation, MissingFormatIsReported) {
    const auto issues = issues_of("data:\n  name: x\n  source: {file: a.csv}\n");
    find_issue(issues, "missing required key 'data.source.format'");
}

TEST(ConfigValidation, EachFormatRequiresItsSourceFiles) {
    struct Case {
        const char* source;
        const char* missing;
    };
    const Case cases[] = {
        {"{format: idx, images: a.gz}", "data.source.labels"},
        {"{format: csv, file: a.csv}", "data.source.label_column"},
        {"{format: npy, x: x.npy}", "data.source.y"},
        {"{format: hdf5, file: a.h5, y: y}", "data.source.x"},
        {"{format: jets_hlf}", "data.source.file"},
        {"{format: jets_constituents}", "data.source.file"},
    };
    for (const auto& c : cases) {
        const auto issues =
            issues_of(std::string("data:\n  name: x\n  source: ") + c.source + "\n");
        const ConfigIssue i = find_issue(issues, c.missing);
        EXPECT_EQ(i.line, 3) << c.source;
        EXPECT_NE(i.hint.find("add '"), std::string::npos) << i.hint;
    }
}

TEST(ConfigValidation, UnknownFormatAndEnumValuesGetSuggestions) {
    const auto issues = issues_of(
        "data:\n  name: x\n  source: {format: cvs, file: a.csv, label_column: y}\n"
        "  normalize: standardise\n");
    EXPECT_NE(find_issue(issues, "unknown data format 'cvs'").hint.find("did you mean 'csv'"),
              std::string::npos);
    EXPECT_NE(find_issue(issues, "standardise").hint.find("did you mean 'standardize'"),
              std::string::npos);
}

TEST(ConfigValidation, ResizeNeedsTwoPositiveSizes) {
    const auto issues = issues_of(
        "data:\n  name: x\n  source: {format: idx, images: i.gz, labels: l.gz, resize: [8]}\n");
    find_issue(issues, "resize");
}

TEST(ConfigValidation, YamlSyntaxErrorIsLocated) {
    const auto issues = issues_of("data:\n  name: [x\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_NE(issues[0].message.find("YAML syntax error"), std::string::npos);
    EXPECT_GE(issues[0].line, 2);
    EXPECT_FALSE(issues[0].hint.empty());
}

TEST(ConfigValidation, AllProblemsAreReportedTogether) {
    const auto issues = issues_of(
        "data:\n  nmae: x\n  source: {format: idx, images: a.gz}\n  split: {train: 1.5}\n"
        "train:\n  epochs: many\n  batch_sise: 3\n");
    EXPECT_GE(issues.size(), 5u);
    find_issue(issues, "data.nmae");
    find_issue(issues, "data.source.labels");
    find_issue(issues, "out of range");
    find_issue(issues, "train.epochs");
    find_issue(issues, "train.batch_sise");
    // Each renders as file:line:col: message (hint).
    EXPECT_EQ(issues[0].str().rfind("t.yaml:", 0), 0u) << issues[0].str();
}

TEST(ConfigValidation, UnreadableFileIsAUsageError) {
    EXPECT_THROW(load_config("/nonexistent/run.yaml"), UsageError);
}

}  // namespace
}  // namespace snac

namespace snac {
namespace {

// Every metric the estimator produces is a valid objective/constraint (the registry is the list);
// an omitted direction is the metric's usual one; test-split metrics are rejected.
TEST(ConfigValidation, MetricsComeFromTheRegistry) {
    const RunConfig cfg = parse_config(std::string(kGoodData) + R"(search:
  objectives: [{metric: accuracy}, {metric: est_uram_pct}, {metric: macs, direction: minimize}]
  constraints: ["est_latency_cycles_min <= 100"]
)",
                                       "t.yaml");
    EXPECT_EQ(cfg.search.objectives[0].direction, Direction::kMaximize);
    EXPECT_EQ(cfg.search.objectives[1].direction, Direction::kMinimize);
    const auto issues = issues_of(std::string(kGoodData) +
                                  "search:\n  objectives: [{metric: test_accuracy}, {metric: acuracy}]\n");
    EXPECT_NE(find_issue(issues, "may not be optimised").hint.find("'accuracy'"), std::string::npos);
    EXPECT_NE(find_issue(issues, "unknown metric 'acuracy'").hint.find("did you mean 'accuracy'"),
              std::string::npos);
}

}  // namespace
}  // namespace snac
