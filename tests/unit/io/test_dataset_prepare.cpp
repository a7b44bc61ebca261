// Split and normalisation: seeded, stratified, exact totals, statistics from the training split.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "snac/core/config.hpp"
#include "snac/core/error.hpp"
#include "snac/io/import.hpp"

namespace snac::io {
namespace {

// n samples with one feature equal to the index; label = 1 for every 10th sample (imbalanced).
Dataset imbalanced(std::int64_t n) {
    Dataset d;
    d.n_samples = n;
    d.sample_shape = {1};
    d.n_classes = 2;
    d.class_names = {"0", "1"};
    for (std::int64_t i = 0; i < n; ++i) {
        d.x.push_back(static_cast<float>(i));
        d.labels.push_back(i % 10 == 0 ? 1 : 0);
    }
    return d;
}

std::int64_t positives(const Dataset& d, const std::vector<std::int64_t>& idx) {
    return std::count_if(idx.begin(), idx.end(), [&](std::int64_t i) {
        return d.labels[static_cast<std::size_t>(i)] == 1;
    });
}

TEST(DatasetSplit, SameSeedSameSplitOtherSeedOtherSplit) {
    Dataset a = imbalanced(1000), b = imbalanced(1000), c = imbalanced(1000);
    split_dataset(a, {0.7, 0.1, 0.2, 5, true});
    split_dataset(b, {0.7, 0.1, 0.2, 5, true});
    split_dataset(c, {0.7, 0.1, 0.2, 6, true});
    EXPECT_EQ(a.train_idx, b.train_idx);
    EXPECT_EQ(a.val_idx, b.val_idx);
    EXPECT_EQ(a.test_idx, b.test_idx);
    EXPECT_NE(a.train_idx, c.train_idx);
}

TEST(DatasetSplit, StratifiedKeepsClassSharesAndExactTotals) {
    Dataset d = imbalanced(1003);
    split_dataset(d, {0.7, 0.1, 0.2, 1, true});
    EXPECT_EQ(d.train_idx.size(), 702u);  // round(0.7 * 1003)
    EXPECT_EQ(d.val_idx.size(), 100u);
    EXPECT_EQ(d.test_idx.size(), 201u);
    // 101 positives: 70.7 / 10.1 / 20.2 expected per split.
    EXPECT_NEAR(positives(d, d.train_idx), 70.7, 1.0);
    EXPECT_NEAR(positives(d, d.val_idx), 10.1, 1.0);
    EXPECT_NEAR(positives(d, d.test_idx), 20.2, 1.0);
    // A partition: every sample in exactly one split, indices ascending.
    std::set<std::int64_t> all(d.train_idx.begin(), d.train_idx.end());
    all.insert(d.val_idx.begin(), d.val_idx.end());
    all.insert(d.test_idx.begin(), d.test_idx.end());
    EXPECT_EQ(all.size(), 1003u);
    EXPECT_TRUE(std::is_sorted(d.train_idx.begin(), d.train_idx.end()));
}

TEST(DatasetSplit, FractionsBelowOneLeaveSamplesOut) {
    Dataset d = imbalanced(100);
    split_dataset(d, {0.5, 0.1, 0.1, 1, false});
    EXPECT_EQ(d.train_idx.size(), 50u);
    EXPECT_EQ(d.val_idx.size(), 10u);
    EXPECT_EQ(d.test_idx.size(), 10u);
}

TEST(DatasetSplit, RegressionIsNeverStratified) {
    Dataset d;
    d.task = TaskType::kRegression;
    d.n_samples = 50;
    d.sample_shape = {1};
    d.target_dim = 1;
    d.x.assign(50, 0.0f);
    d.targets.assign(50, 1.0f);
    split_dataset(d, {0.6, 0.2, 0.2, 3, true});
    EXPECT_EQ(d.train_idx.size() + d.val_idx.size() + d.test_idx.size(), 50u);
}

TEST(DatasetNormalize, StatisticsComeFromTheTrainingSplitOnly) {
    Dataset d = imbalanced(10);
    d.train_idx = {0, 1, 2, 3};  // x = 0..3: mean 1.5, population std sqrt(1.25)
    d.test_idx = {4, 5, 6, 7, 8, 9};
    normalize_dataset(d, Normalization::kStandardize);
    ASSERT_EQ(d.scaling.shift.size(), 1u);
    EXPECT_FLOAT_EQ(d.scaling.shift[0], 1.5f);
    EXPECT_FLOAT_EQ(d.scaling.scale[0], std::sqrt(1.25f));
    EXPECT_FLOAT_EQ(d.x[9], (9.0f - 1.5f) / std::sqrt(1.25f));
}

TEST(DatasetNormalize, MinMaxAndRobust) {
    Dataset a = imbalanced(11);
    a.train_idx = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    Dataset b = a;
    normalize_dataset(a, Normalization::kMinMax);
    EXPECT_FLOAT_EQ(a.scaling.shift[0], 0.0f);
    EXPECT_FLOAT_EQ(a.scaling.scale[0], 10.0f);
    EXPECT_FLOAT_EQ(a.x[5], 0.5f);
    // Robust: median 5, IQR = q75 - q25 = 7.5 - 2.5 (linear interpolation, as NumPy).
    normalize_dataset(b, Normalization::kRobust);
    EXPECT_FLOAT_EQ(b.scaling.shift[0], 5.0f);
    EXPECT_FLOAT_EQ(b.scaling.scale[0], 5.0f);
    EXPECT_FLOAT_EQ(b.x[10], 1.0f);
}

TEST(DatasetNormalize, ConstantChannelKeepsUnitScale) {
    Dataset d = imbalanced(4);
    d.x = {3, 3, 3, 3};
    d.train_idx = {0, 1, 2, 3};
    normalize_dataset(d, Normalization::kStandardize);
    EXPECT_FLOAT_EQ(d.scaling.scale[0], 1.0f);
    EXPECT_FLOAT_EQ(d.x[0], 0.0f);
}

TEST(DatasetNormalize, ImagesArePerChannelSetsPerFeature) {
    Dataset img;
    img.n_samples = 2;
    img.sample_shape = {2, 1, 2};  // two channels of 1x2 pixels
    img.x = {0, 2, 10, 10, 4, 6, 30, 30};
    img.train_idx = {0, 1};
    normalize_dataset(img, Normalization::kMinMax);
    EXPECT_EQ(img.scaling.shift, (std::vector<float>{0.0f, 10.0f}));
    EXPECT_EQ(img.scaling.scale, (std::vector<float>{6.0f, 20.0f}));

    Dataset set;
    set.n_samples = 1;
    set.sample_shape = {3, 2};  // 3 particles x 2 features
    set.x = {1, 10, 2, 20, 3, 30};
    set.train_idx = {0};
    normalize_dataset(set, Normalization::kMinMax);
    EXPECT_EQ(set.scaling.shift, (std::vector<float>{1.0f, 10.0f}));
    EXPECT_EQ(set.scaling.scale, (std::vector<float>{2.0f, 20.0f}));
}

// A config's `source: {format: synth_bragg, samples, seed}` generates the patches on first use,
// deterministically; the import signature changes with the count and seed so a stored dataset
// generated with other settings is not reused.
TEST(DatasetSource, SynthBraggGeneratesTheConfiguredPatches) {
    DataSourceConfig s;
    s.format = DataFormat::kSynthBragg;
    s.samples = 64;
    s.seed = 9;
    const Dataset a = read_source(s, {});
    const Dataset b = read_source(s, {});
    EXPECT_EQ(a.n_samples, 64);
    EXPECT_EQ(a.task, TaskType::kRegression);
    EXPECT_EQ(a.target_dim, 2);
    EXPECT_EQ(a.sample_size(), 121);
    EXPECT_EQ(a.x, b.x);
    EXPECT_EQ(a.targets, b.targets);
    s.seed = 10;
    EXPECT_NE(read_source(s, {}).x, a.x);
    DataConfig c1, c2;
    c1.source = s;
    c2.source = s;
    c2.source.samples = 65;
    EXPECT_NE(import_signature(c1), import_signature(c2));
}

// The run directory's config.yaml (to_yaml of the resolved config) signs its dataset exactly as
// the user's config does; otherwise every stage after the global one re-imports it.
TEST(DatasetSource, ResolvedConfigKeepsTheImportSignature) {
    const std::string text = R"(
data:
  name: jets
  source: {format: jets_constituents, file: jets_constituents_150p, n_particles: 8,
           features: [pt, eta, phi], layout: set, subset: 100}
  normalize: standardize
search_space: {family: mlp, params: {units_0: [8]}}
)";
    const snac::RunConfig cfg = snac::parse_config(text, "jets.yaml");
    const snac::RunConfig again = snac::parse_config(snac::to_yaml(cfg), "run/config.yaml");
    EXPECT_EQ(import_signature(cfg.data), import_signature(again.data));
}

// A missing jet source names the exact fetch command for the directory snac looks in first.
TEST(DatasetSource, MissingJetDataNamesTheFetchCommand) {
    DataSourceConfig s;
    s.format = DataFormat::kJetsConstituents;
    s.file = "jets_constituents_30p";
    try {
        read_source(s, {"/nonexistent/snac-data"});
        FAIL() << "expected a UsageError";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/snac-data/jets_constituents_30p"),
                  std::string::npos);
        EXPECT_NE(e.hint().find("scripts/fetch_data.sh --dir /nonexistent/snac-data "
                                "jets_constituents 30"),
                  std::string::npos)
            << e.hint();
    }
}

}  // namespace
}  // namespace snac::io
