// Training genes: one table turns gene texts into TrainConfig fields, categorical ones included,
// and the config rejects a training gene the table does not know.
#include <gtest/gtest.h>

#include "snac/core/config.hpp"
#include "snac/core/config/train_genes.hpp"
#include "snac/core/error.hpp"

namespace snac {
namespace {

TEST(TrainGenes, NumbersAndWordsSetTheirFields) {
    TrainConfig c;
    apply_train_gene(c, "learning_rate", "0.0035");
    apply_train_gene(c, "batch_size", "128");
    apply_train_gene(c, "optimizer", "sgd");
    apply_train_gene(c, "schedule", "cosine");
    apply_train_gene(c, "weight_decay", "1e-4");
    apply_train_gene(c, "l2", "2e-4");
    apply_train_gene(c, "plateau_patience", "4");
    apply_train_gene(c, "decay_rate", "0.95");
    EXPECT_DOUBLE_EQ(c.learning_rate, 0.0035);
    EXPECT_EQ(c.batch_size, 128);
    EXPECT_EQ(c.optimizer, OptimizerKind::kSgd);
    EXPECT_EQ(c.schedule, LrSchedule::kCosine);
    EXPECT_DOUBLE_EQ(c.weight_decay, 1e-4);  // decoupled, not the L2 penalty
    EXPECT_DOUBLE_EQ(c.l2, 2e-4);
    EXPECT_EQ(c.plateau_patience, 4);
    EXPECT_DOUBLE_EQ(c.decay_rate, 0.95);
    apply_train_gene(c, "optimizer", "rmsprop");
    apply_train_gene(c, "schedule", "reduce_on_plateau");
    EXPECT_EQ(c.optimizer, OptimizerKind::kRmsprop);
    EXPECT_EQ(c.schedule, LrSchedule::kPlateau);
    apply_train_gene(c, "schedule", "exponential");
    EXPECT_EQ(c.schedule, LrSchedule::kExponential);
}

TEST(TrainGenes, BadNamesAndValuesAreUsageErrors) {
    TrainConfig c;
    EXPECT_THROW(apply_train_gene(c, "optimizer", "adagrad"), UsageError);
    EXPECT_THROW(apply_train_gene(c, "learning_rate", "fast"), UsageError);
    EXPECT_THROW(apply_train_gene(c, "batch_size", "0"), UsageError);
    try {
        apply_train_gene(c, "learnin_rate", "0.1");
        FAIL() << "no error for an unknown gene";
    } catch (const UsageError& e) {
        EXPECT_NE(e.hint().find("did you mean 'learning_rate'"), std::string::npos) << e.hint();
    }
}

TEST(TrainGenes, ConfigRejectsUnknownGenesAndBadChoices) {
    const std::string base = R"(data:
  name: htru2
  source: {format: csv, file: htru2_pulsar/pulsar_stars.csv.gz, label_column: target_class}
search_space:
  family: mlp
  params: {n_layers: {int: [1, 2]}}
  training:
)";
    EXPECT_NO_THROW(parse_config(base + "    optimizer: [adam, sgd]\n", "t.yaml"));
    try {
        parse_config(base + "    lernrate: {float: [0.001, 0.01]}\n    optimizer: [adam, adagrad]\n",
                     "t.yaml");
        FAIL() << "no ConfigError";
    } catch (const ConfigError& e) {
        ASSERT_EQ(e.issues().size(), 2u);
        EXPECT_NE(e.issues()[0].message.find("'lernrate' is not a training setting"),
                  std::string::npos);
        EXPECT_NE(e.issues()[1].message.find("adagrad"), std::string::npos);
    }
}

}  // namespace
}  // namespace snac
