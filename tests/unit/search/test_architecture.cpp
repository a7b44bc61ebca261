#include <gtest/gtest.h>

#include "snac/core/error.hpp"
#include "snac/search/architecture.hpp"

using namespace snac;
using namespace snac::search;

namespace {
ParamConfig cat(std::string name, std::vector<std::string> choices, std::string when = {}) {
    ParamConfig p;
    p.name = std::move(name);
    p.choices = std::move(choices);
    p.condition = std::move(when);
    return p;
}
}  // namespace

TEST(Architecture, MlpGenome) {
    SearchSpaceConfig c;
    c.family = "mlp";
    c.params = {cat("n_layers", {"1", "2"}), cat("units_0", {"16"}), cat("units_1", {"8"}, "n_layers >= 2"),
                cat("activation", {"tanh"}), cat("batchnorm", {"true"}), cat("dropout", {"0.1"})};
    SearchSpace space(c);
    const Genome g = {{"n_layers", std::string("2")}, {"units_0", std::string("16")}, {"units_1", std::string("8")},
                      {"activation", std::string("tanh")}, {"batchnorm", std::string("true")},
                      {"dropout", std::string("0.1")}};
    EXPECT_EQ(build_architecture(space, g, {{1, 8, 8}, 10, TaskKind::kClassification}),
              "input_shape: [1, 8, 8]\nlayers:\n"
              "  - {type: flatten}\n"
              "  - {type: dense, units: 16}\n  - {type: batchnorm}\n  - {type: tanh}\n  - {type: dropout, rate: 0.1}\n"
              "  - {type: dense, units: 8}\n  - {type: batchnorm}\n  - {type: tanh}\n  - {type: dropout, rate: 0.1}\n"
              "  - {type: dense, units: 10}\n  - {type: softmax}\n");
    const Genome one = {{"n_layers", std::string("1")}, {"units_0", std::string("16")},
                        {"activation", std::string("tanh")}, {"batchnorm", std::string("true")},
                        {"dropout", std::string("0.1")}};
    const std::string text = build_architecture(space, one, {{64}, 3, TaskKind::kRegression});
    EXPECT_EQ(text.find("units: 8"), std::string::npos);
    EXPECT_EQ(text.find("softmax"), std::string::npos);
    EXPECT_EQ(text.find("flatten"), std::string::npos);
}

TEST(Architecture, DeepSetsGenome) {
    SearchSpaceConfig c;
    c.family = "deepsets";
    c.params = {cat("phi_len", {"2"}), cat("phi_units_0", {"32"}), cat("bottleneck", {"4"}),
                cat("aggregator", {"max"}), cat("rho_len", {"2"}), cat("rho_units_0", {"16"}),
                cat("phi_act_0", {"leaky_relu"}), cat("phi_norm_0", {"batch"})};
    SearchSpace space(c);
    Rng rng(1);
    const Genome g = space.sample(rng);
    EXPECT_EQ(build_architecture(space, g, {{8, 3}, 5, TaskKind::kClassification}),
              "input_shape: [8, 3]\nlayers:\n"
              "  - type: deepsets\n    aggregate: max\n    phi:\n"
              "      - {type: dense, units: 32}\n      - {type: batchnorm}\n      - {type: leaky_relu}\n"
              "      - {type: dense, units: 4}\n      - {type: relu}\n"
              "    rho:\n"
              "      - {type: dense, units: 16}\n      - {type: relu}\n"
              "      - {type: dense, units: 5}\n"
              "  - {type: softmax}\n");
    EXPECT_THROW(build_architecture(space, g, {{24}, 5, TaskKind::kClassification}), UsageError);
}

TEST(Architecture, ConvGenomeShrinksKernelsThatWouldNotFit) {
    SearchSpaceConfig c;
    c.family = "conv";
    c.params = {cat("stem_channels", {"8"}), cat("block_0", {"Conv"}), cat("block_0_channels_0", {"4"}),
                cat("block_0_channels_1", {"4"}), cat("block_0_kernel_0", {"5"}), cat("block_0_kernel_1", {"5"}),
                cat("block_1", {"ConvAttn"}), cat("block_1_hidden", {"2"}), cat("head_units_0", {"8"})};
    c.fixed["head_len"] = "2";
    SearchSpace space(c);
    Rng rng(1);
    const std::string text = build_architecture(space, space.sample(rng), {{1, 11, 11}, 2, TaskKind::kRegression});
    // 11 -> 9 (stem 3x3) -> 5 (5x5) -> second 5x5 would give 1: allowed; a third would not fit.
    EXPECT_NE(text.find("{type: conv2d, filters: 8, kernel: 3}"), std::string::npos) << text;
    EXPECT_NE(text.find("{type: conv2d, filters: 4, kernel: 5}\n  - {type: relu}\n  - {type: conv2d, filters: 4, kernel: 5}"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("{type: conv_attention, hidden: 2}"), std::string::npos);
    EXPECT_NE(text.find("{type: flatten}\n  - {type: dense, units: 8}\n  - {type: relu}\n  - {type: dense, units: 2}\n"),
              std::string::npos)
        << text;
}

TEST(Architecture, TrainingGenesOverrideTheTrainSection) {
    TrainConfig t;
    apply_training_genes({{"learning_rate", gene_text(0.002)},
                          {"batch_size", "64"},
                          {"l1", gene_text(1e-5)},
                          {"optimizer", "sgd"}},
                         t);
    EXPECT_DOUBLE_EQ(t.learning_rate, 0.002);
    EXPECT_EQ(t.batch_size, 64);
    EXPECT_DOUBLE_EQ(t.l1, 1e-5);
    EXPECT_EQ(t.optimizer, OptimizerKind::kSgd);  // a categorical training gene acts too
    EXPECT_THROW(apply_training_genes({{"n_layers", "3"}}, t), UsageError);
}

TEST(Architecture, UnknownVocabularyIsAUsageError) {
    SearchSpaceConfig c;
    c.family = "mlp";
    c.params = {cat("units_0", {"8"}), cat("activation", {"swish"})};
    SearchSpace space(c);
    Rng rng(1);
    EXPECT_THROW(build_architecture(space, space.sample(rng), {{4}, 2, TaskKind::kClassification}), UsageError);
}
