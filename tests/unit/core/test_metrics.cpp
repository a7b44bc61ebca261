// The metric registry: names unique, docs/config.md's table generated from it, lookups by key.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "snac/core/metrics.hpp"

namespace snac {
namespace {

TEST(MetricRegistry, NamesKeysAndColumnsAreUnique) {
    std::set<std::string_view> names, keys, columns;
    for (const MetricInfo& m : metric_registry()) {
        EXPECT_TRUE(names.insert(m.name).second) << m.name;
        EXPECT_TRUE(keys.insert(m.key).second) << m.key;
        if (!m.csv_column.empty()) {
            EXPECT_TRUE(columns.insert(m.csv_column).second) << m.name;
        }
        EXPECT_FALSE(m.doc.empty()) << m.name;
    }
}

TEST(MetricRegistry, MetricsTheCodeProducesAreKnown) {
    for (const char* name : {"est_uram_pct", "est_latency_cycles_min", "macs", "accuracy",
                             "est_avg_resource_pct", "train_seconds"})
        ASSERT_NE(find_metric(name), nullptr) << name;
    EXPECT_EQ(find_metric("accuracy")->key, "val_accuracy");
    EXPECT_EQ(find_metric("accuracy")->direction, Direction::kMaximize);
    EXPECT_FALSE(find_metric("test_accuracy")->objective);
    EXPECT_EQ(find_metric("no_such_metric"), nullptr);
}

TEST(MetricRegistry, ValuesAreFoundByKey) {
    const std::map<std::string, double> m{{"val_accuracy", 0.9}, {"bops", 12.0}, {"epochs", 3}};
    EXPECT_EQ(find_metric_value(m, "accuracy"), 0.9);
    EXPECT_EQ(find_metric_value(m, "bops"), 12.0);
    EXPECT_EQ(find_metric_value(m, "epochs"), 3.0);  // an unregistered key reads as itself
    EXPECT_FALSE(find_metric_value(m, "loss"));
    EXPECT_TRUE(known_before_training("est_uram_pct"));
    EXPECT_TRUE(known_before_training("macs"));
    EXPECT_FALSE(known_before_training("accuracy"));
    EXPECT_FALSE(known_before_training("unknown"));
}

TEST(MetricRegistry, TrainingKeysFollowTheSplit) {
    EXPECT_EQ(training_metric_key("accuracy", EvalSplit::kValidation), "val_accuracy");
    EXPECT_EQ(training_metric_key("mean_distance", EvalSplit::kTest), "test_mean_distance");
}

// docs/config.md carries the generated table between markers; regenerate it with
// `snac config metrics` when this fails.
TEST(MetricRegistry, DocsTableMatchesTheRegistry) {
    std::ifstream in(std::string(SNAC_SOURCE_DIR) + "/docs/config.md");
    ASSERT_TRUE(in);
    std::stringstream s;
    s << in.rdbuf();
    const std::string text = s.str();
    const std::string begin = "<!-- metrics:begin -->\n", end = "<!-- metrics:end -->";
    const auto a = text.find(begin), b = text.find(end);
    ASSERT_NE(a, std::string::npos);
    ASSERT_NE(b, std::string::npos);
    EXPECT_EQ(text.substr(a + begin.size(), b - a - begin.size()), metric_table_markdown());
}

}  // namespace
}  // namespace snac
