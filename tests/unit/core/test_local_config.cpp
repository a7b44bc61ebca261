// The `local:` section: four spellings of a precision, the QKeras pair convention, a round trip
// through the resolved config, and every bad setting as a located error with a hint.
#include <gtest/gtest.h>

#include "snac/core/config.hpp"
#include "snac/core/error.hpp"

namespace snac {
namespace {

const char* kData = R"(data:
  name: htru2
  source: {format: csv, file: htru2_pulsar/pulsar_stars.csv.gz, label_column: target_class}
)";

std::vector<ConfigIssue> local_issues(const std::string& local) {
    try {
        parse_config(std::string(kData) + "local:\n" + local, "t.yaml");
    } catch (const ConfigError& e) {
        return e.issues();
    }
    ADD_FAILURE() << "expected a ConfigError for:\n" << local;
    return {};
}

void expect_issue(const std::string& local, const std::string& needle) {
    const auto issues = local_issues(local);
    for (const auto& i : issues)
        if (i.message.find(needle) != std::string::npos) {
            EXPECT_FALSE(i.hint.empty()) << i.message;
            return;
        }
    ADD_FAILURE() << "no issue mentions '" << needle << "' for:\n" << local;
}

TEST(LocalConfig, PrecisionSpellingsAndDefaults) {
    const RunConfig d = parse_config(kData, "t.yaml");
    ASSERT_EQ(d.local.precisions.size(), 4u);  // 32/16/8/4 bits, auto integer bits
    EXPECT_EQ(d.local.precisions[2].label, "w8");
    EXPECT_FALSE(d.local.precisions[2].int_bits.has_value());
    EXPECT_EQ(d.local.pruning_steps, 20);
    const RunConfig c = parse_config(
        std::string(kData) +
            "local:\n  precisions: [8, \"ap_fixed<6,3>\", [8, 3], {label: tiny, bits: 4, "
            "int_bits: 1}]\n  pruning_rate: 0.3\n  scope: per_layer\n  rewind: warmup\n",
        "t.yaml");
    const auto& p = c.local.precisions;
    ASSERT_EQ(p.size(), 4u);
    EXPECT_EQ(p[0].label, "w8");
    EXPECT_EQ(p[1].type->str(), "ap_fixed<6,3>");
    EXPECT_EQ(p[2].label, "q8_3");
    EXPECT_EQ(*p[2].int_bits, 3);  // QKeras: means ap_fixed<8,4>
    EXPECT_EQ(p[3].label, "tiny");
    EXPECT_EQ(c.local.scope, PruningScope::kPerLayer);
    EXPECT_EQ(c.local.rewind, PruningRewind::kWarmup);
    const RunConfig back = parse_config(to_yaml(c), "resolved.yaml");
    ASSERT_EQ(back.local.precisions.size(), 4u);
    EXPECT_EQ(back.local.precisions[1].type->str(), "ap_fixed<6,3>");
    EXPECT_EQ(*back.local.precisions[2].int_bits, 3);
    EXPECT_DOUBLE_EQ(back.local.pruning_rate, 0.3);
}

TEST(LocalConfig, BadSettingsAreErrorsWithHints) {
    expect_issue("  precisions: [int8]\n", "unknown precision 'int8'");
    expect_issue("  precisions: [\"ap_fixd<8,3>\"]\n", "unknown precision");
    expect_issue("  precisions: [[8, 9]]\n", "unknown precision");
    expect_issue("  pruning_rate: 1.0\n", "outside (0, 1)");
    expect_issue("  pruning_rate: 0\n", "outside (0, 1)");
    expect_issue("  pruning_steps: 0\n", "at least 1");
    expect_issue("  tolerance: -0.1\n", "must not be negative");
    expect_issue("  regime: apart\n", "regime");
    expect_issue("  tpe_trials: -1\n", "tpe_trials");
    expect_issue("  sparsity_schedule: cubic\n", "sparsity_schedule");
    expect_issue("  sparsity_schedule: polynomial\n  final_sparsity: 1.2\n", "outside (0, 1)");
    expect_issue("  final_sparsity: 0.9\n", "only with a polynomial schedule");
}

TEST(LocalConfig, TpeAndPolynomialScheduleRoundTrip) {
    const RunConfig c = parse_config(std::string(kData) +
                                         "local:\n  tpe_trials: 12\n  sparsity_schedule: "
                                         "polynomial\n  final_sparsity: 0.9\n",
                                     "t.yaml");
    EXPECT_EQ(c.local.tpe_trials, 12);
    EXPECT_EQ(c.local.sparsity_schedule, SparsitySchedule::kPolynomial);
    const RunConfig back = parse_config(to_yaml(c), "resolved.yaml");
    EXPECT_EQ(back.local.tpe_trials, 12);
    EXPECT_EQ(back.local.sparsity_schedule, SparsitySchedule::kPolynomial);
    EXPECT_DOUBLE_EQ(back.local.final_sparsity, 0.9);
}

}  // namespace
}  // namespace snac
