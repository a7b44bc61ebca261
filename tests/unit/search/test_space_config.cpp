#include <gtest/gtest.h>

#include "snac/core/config.hpp"
#include "snac/core/error.hpp"
#include "snac/search/space.hpp"

using namespace snac;

namespace {

std::vector<ConfigIssue> issues_of(const std::string& yaml) {
    try {
        parse_config(yaml, "run.yaml");
    } catch (const ConfigError& e) {
        return e.issues();
    }
    return {};
}

bool has(const std::vector<ConfigIssue>& issues, const std::string& needle, int line) {
    for (const auto& i : issues)
        if (i.message.find(needle) != std::string::npos && i.line == line) return true;
    return false;
}

const char* kData = "data: {name: x, path: x.h5}\n";

}  // namespace

TEST(SearchSpaceConfig, ParsesConditionsAndRanges) {
    const RunConfig c = parse_config(std::string(kData) +
                                         "search_space:\n"
                                         "  family: conv\n"
                                         "  params:\n"
                                         "    block_0: [Conv, None]\n"
                                         "    block_0_kernel_0: {values: [1, 3], when: \"block_0 in [Conv, ConvAttn]\"}\n"
                                         "    width: {int: [8, 64], step: 8}\n"
                                         "  training:\n"
                                         "    learning_rate: {float: [1.0e-4, 1.0e-2], log: true}\n",
                                     "run.yaml");
    ASSERT_EQ(c.search_space.params.size(), 3u);
    const auto& k = c.search_space.params[1];
    ASSERT_TRUE(k.when.has_value());
    EXPECT_EQ(k.when->parent, "block_0");
    EXPECT_EQ(k.when->op, ConditionOp::kIn);
    EXPECT_EQ(k.when->values, (std::vector<std::string>{"Conv", "ConvAttn"}));
    EXPECT_EQ(c.search_space.params[2].step, 8);
    EXPECT_TRUE(c.search_space.training[0].log);
    EXPECT_NO_THROW(search::SearchSpace space(c.search_space));
    // The resolved configuration parses back to the same space.
    const RunConfig again = parse_config(to_yaml(c), "resolved.yaml");
    EXPECT_EQ(again.search_space.params[1].condition, k.condition);
}

TEST(SearchSpaceConfig, EveryProblemIsReportedWithItsLine) {
    const auto issues = issues_of(std::string(kData) +
                                  "search_space:\n"                                  // line 2
                                  "  family: mlp\n"                                  // 3
                                  "  params:\n"                                      // 4
                                  "    empty: []\n"                                  // 5
                                  "    r: {float: [2, 1]}\n"                         // 6
                                  "    a: {values: [1, 2], when: \"ghost >= 2\"}\n"  // 7
                                  "    b: {values: [1, 2], when: \"c == 1\"}\n"      // 8
                                  "    c: {values: [1, 2], when: \"b == 1\"}\n"      // 9
                                  "    d: {values: [1], when: \"nonsense\"}\n"       // 10
                                  "search:\n"
                                  "  sampler: nsga3\n"
                                  "  optuna_schema: v9\n");
    EXPECT_TRUE(has(issues, "empty list", 5));
    EXPECT_TRUE(has(issues, "low > high", 6));
    EXPECT_TRUE(has(issues, "unknown parameter 'ghost'", 7));
    EXPECT_TRUE(has(issues, "cycle", 8) || has(issues, "cycle", 9));
    EXPECT_TRUE(has(issues, "has no operator", 10));
    bool sampler = false, schema = false;
    for (const auto& i : issues) {
        sampler = sampler || i.message.find("nsga3") != std::string::npos;
        schema = schema || i.message.find("schema revision 'v9'") != std::string::npos;
    }
    EXPECT_TRUE(sampler);
    EXPECT_TRUE(schema);
}

TEST(SearchSpaceConfig, ShippedQuickstartStaysASmallMlpSpaceOnMnist) {
    const RunConfig c = load_config(std::string(SNAC_SOURCE_DIR) + "/configs/quickstart.yaml");
    EXPECT_EQ(c.search_space.family, "mlp");
    EXPECT_EQ(c.data.name, "mnist8x8");
    ASSERT_EQ(c.search.objectives.size(), 2u);
    EXPECT_EQ(c.search.objectives[0].metric, "accuracy");
    EXPECT_EQ(c.search.objectives[1].metric, "bops");
    EXPECT_NO_THROW(search::SearchSpace space(c.search_space));
}
