// Importers on the real files in ../shared/data: MNIST (IDX.gz), HTRU2 (CSV.gz with a spaced
// header and CRLF line ends) and the qubit I/Q readout set.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "import_source.hpp"
#include "snac/io/import.hpp"

namespace snac::io {
namespace {

const std::vector<std::string> kDirs{SNAC_SHARED_DATA_DIR};

DataSourceConfig mnist_source() {
    DataSourceConfig s;
    s.format = DataFormat::kIdx;
    s.images = "mnist/t10k-images-idx3-ubyte.gz";
    s.labels = "mnist/t10k-labels-idx1-ubyte.gz";
    return s;
}

TEST(ImportReal, MnistTestSetHas10000ImagesAndTheFileLabels) {
    const Dataset d = read_source(mnist_source(), kDirs);
    ASSERT_EQ(d.n_samples, 10000);
    EXPECT_EQ(d.sample_shape, (std::vector<std::int64_t>{1, 28, 28}));
    EXPECT_EQ(d.task, TaskType::kClassification);
    EXPECT_EQ(d.n_classes, 10);
    // Labels equal the bytes of the IDX file (8-byte header, then one byte per image).
    const std::string raw =
        detail::read_bytes(std::string(SNAC_SHARED_DATA_DIR) + "/mnist/t10k-labels-idx1-ubyte.gz");
    ASSERT_EQ(raw.size(), 10008u);
    for (std::size_t i = 0; i < 10000; ++i)
        ASSERT_EQ(d.labels[i], static_cast<unsigned char>(raw[8 + i])) << "image " << i;
    // The famous first test digit is a 7; pixels are scaled to [0, 1].
    EXPECT_EQ(d.labels[0], 7);
    const auto [lo, hi] = std::minmax_element(d.x.begin(), d.x.end());
    EXPECT_EQ(*lo, 0.0f);
    EXPECT_EQ(*hi, 1.0f);
    const std::string img =
        detail::read_bytes(std::string(SNAC_SHARED_DATA_DIR) + "/mnist/t10k-images-idx3-ubyte.gz");
    for (std::size_t p = 0; p < 784; ++p)
        ASSERT_FLOAT_EQ(d.x[p], static_cast<unsigned char>(img[16 + p]) / 255.0f);
}

TEST(ImportReal, MnistAreaDownsizeTo8x8PreservesEachImageMean) {
    DataSourceConfig s = mnist_source();
    s.subset = 200;
    const Dataset full = read_source(s, kDirs);
    s.resize = {8, 8};
    const Dataset small = read_source(s, kDirs);
    ASSERT_EQ(small.n_samples, 200);
    EXPECT_EQ(small.sample_shape, (std::vector<std::int64_t>{1, 8, 8}));
    EXPECT_EQ(small.labels, full.labels);
    for (std::int64_t i = 0; i < 200; ++i) {
        const float* a = full.x.data() + i * 784;
        const float* b = small.x.data() + i * 64;
        // 28/8 = 3.5: every output pixel averages the same area, so means agree exactly.
        EXPECT_NEAR(std::accumulate(a, a + 784, 0.0) / 784, std::accumulate(b, b + 64, 0.0) / 64,
                    1e-5);
    }
    // Output pixel (0,0) of image 0 averages input rows/cols [0, 3.5): 3x3 full + half pixels.
    const float* a = full.x.data();
    double sum = 0;
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x)
            sum += (y == 3 ? 0.5 : 1.0) * (x == 3 ? 0.5 : 1.0) * a[y * 28 + x];
    EXPECT_NEAR(small.x[0], sum / 12.25, 1e-6);
    // The first image (a 7) keeps visible ink after down-sizing.
    EXPECT_GT(*std::max_element(small.x.begin(), small.x.begin() + 64), 0.3f);
}

TEST(ImportReal, Htru2Has17898RowsAnd2Classes) {
    DataSourceConfig s;
    s.format = DataFormat::kCsv;
    s.file = "htru2_pulsar/pulsar_stars.csv.gz";
    s.label_column = "target_class";
    const Dataset d = read_source(s, kDirs);
    ASSERT_EQ(d.n_samples, 17898);
    EXPECT_EQ(d.sample_shape, (std::vector<std::int64_t>{8}));
    EXPECT_EQ(d.n_classes, 2);
    EXPECT_EQ(std::count(d.labels.begin(), d.labels.end(), 0), 16259);
    EXPECT_EQ(std::count(d.labels.begin(), d.labels.end(), 1), 1639);
    // The header's leading spaces and the CRLF line ends are not part of the names.
    ASSERT_EQ(d.feature_names.size(), 8u);
    EXPECT_EQ(d.feature_names[0], "Mean of the integrated profile");
    EXPECT_EQ(d.feature_names[7], "Skewness of the DM-SNR curve");
    for (float v : d.x) ASSERT_TRUE(std::isfinite(v));
}

TEST(ImportReal, QubitIqHas49108BalancedShots) {
    DataSourceConfig s;
    s.format = DataFormat::kCsv;
    s.file = "qubit_readout_iq_q3/q3_iq_fixed.csv.gz";
    s.label_column = "label";
    const Dataset d = read_source(s, kDirs);
    ASSERT_EQ(d.n_samples, 49108);
    EXPECT_EQ(d.feature_names, (std::vector<std::string>{"I", "Q"}));
    EXPECT_EQ(std::count(d.labels.begin(), d.labels.end(), 0), 24560);
    EXPECT_EQ(std::count(d.labels.begin(), d.labels.end(), 1), 24548);
    // First data row: 3849,57873,0 and second: -61535,-646,1.
    EXPECT_EQ(d.x[0], 3849.0f);
    EXPECT_EQ(d.x[1], 57873.0f);
    EXPECT_EQ(d.labels[0], 0);
    EXPECT_EQ(d.x[2], -61535.0f);
    EXPECT_EQ(d.labels[1], 1);
}

TEST(ImportReal, QuickstartImportSplitsStratifiedAndNormalisesOnTrain) {
    DataConfig c;
    c.name = "mnist8x8";
    c.source = mnist_source();
    c.source.resize = {8, 8};
    const Dataset d = import_dataset(c, kDirs);
    EXPECT_EQ(d.train_idx.size(), 7000u);
    EXPECT_EQ(d.val_idx.size(), 1000u);
    EXPECT_EQ(d.test_idx.size(), 2000u);
    // Stratified: each digit's share of the training split is within one sample of its share.
    for (int k = 0; k < 10; ++k) {
        const auto total = std::count(d.labels.begin(), d.labels.end(), k);
        const auto in_train = std::count_if(
            d.train_idx.begin(), d.train_idx.end(),
            [&](std::int64_t i) { return d.labels[static_cast<std::size_t>(i)] == k; });
        EXPECT_NEAR(static_cast<double>(in_train), 0.7 * static_cast<double>(total), 1.0) << k;
    }
    // Standardised with training statistics: exactly mean 0 / std 1 on train only.
    double sum = 0, sq = 0;
    for (auto i : d.train_idx)
        for (int e = 0; e < 64; ++e) {
            const double v = d.x[static_cast<std::size_t>(i * 64 + e)];
            sum += v;
            sq += v * v;
        }
    const double n = 7000.0 * 64;
    EXPECT_NEAR(sum / n, 0.0, 1e-4);
    EXPECT_NEAR(sq / n, 1.0, 1e-3);
    EXPECT_EQ(d.scaling.method, Normalization::kStandardize);
    ASSERT_EQ(d.scaling.shift.size(), 1u);
    EXPECT_GT(d.scaling.scale[0], 0.1f);
}

}  // namespace
}  // namespace snac::io
