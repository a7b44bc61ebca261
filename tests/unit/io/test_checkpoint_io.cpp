// Checkpoint HDF5 round trip: everything written reads back identically (weights bit for bit).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "snac/core/error.hpp"
#include "snac/io/checkpoint_io.hpp"

namespace snac::io {
namespace {

namespace fs = std::filesystem;

class CheckpointIo : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("snac_ckpt_test_" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

CheckpointData sample() {
    CheckpointData d;
    d.architecture_yaml = "input_shape: [8, 3]\nlayers: []\n";
    d.training_yaml = "epochs: 3\n";
    d.layers.push_back({"deepsets_0", "deepsets", {}});
    d.layers.push_back({"deepsets_0/phi/dense_0", "dense",
                        {{"kernel", {3, 2}, {0.1f, -0.2f, 1e-30f, 3.5f, -0.0f, 7.25f}},
                         {"bias", {2}, {0.5f, -0.5f}}}});
    d.layers.push_back({"batchnorm_0", "batchnorm",
                        {{"gamma", {2}, {1, 2}}, {"beta", {2}, {0, 0}},
                         {"moving_mean", {2}, {0.25f, 0.75f}}, {"moving_variance", {2}, {1, 3}}}});
    d.layers.push_back({"conv2d_0", "conv2d", {{"kernel", {1, 1, 2, 2}, {1, 2, 3, 4}}}});
    d.history["train_loss"] = {1.0, 0.5, 0.25};
    d.history["val_accuracy"] = {0.5, 0.75, 0.875};
    d.final_metrics = {{"test_accuracy", 0.8125}, {"epochs", 3}};
    d.attributes = {{"seed", "42"}, {"dataset", "jets"}};
    return d;
}

TEST_F(CheckpointIo, RoundTripIsExact) {
    const std::string path = (dir_ / "a.h5").string();
    const CheckpointData d = sample();
    write_checkpoint(path, d);
    EXPECT_TRUE(is_checkpoint(path));
    const CheckpointData r = read_checkpoint(path);
    EXPECT_EQ(r.architecture_yaml, d.architecture_yaml);
    EXPECT_EQ(r.training_yaml, d.training_yaml);
    ASSERT_EQ(r.layers.size(), d.layers.size());
    for (std::size_t i = 0; i < d.layers.size(); ++i) {
        EXPECT_EQ(r.layers[i].layer_name, d.layers[i].layer_name);
        EXPECT_EQ(r.layers[i].layer_type, d.layers[i].layer_type);
        ASSERT_EQ(r.layers[i].tensors.size(), d.layers[i].tensors.size());
        for (std::size_t t = 0; t < d.layers[i].tensors.size(); ++t) {
            EXPECT_EQ(r.layers[i].tensors[t].name, d.layers[i].tensors[t].name);
            EXPECT_EQ(r.layers[i].tensors[t].shape, d.layers[i].tensors[t].shape);
            EXPECT_EQ(r.layers[i].tensors[t].values, d.layers[i].tensors[t].values);
        }
    }
    EXPECT_EQ(r.history, d.history);
    EXPECT_EQ(r.final_metrics, d.final_metrics);
    EXPECT_EQ(r.attributes, d.attributes);
    // No temporary file is left next to the checkpoint.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(CheckpointIo, OverwriteReplacesWholeFile) {
    const std::string path = (dir_ / "a.h5").string();
    write_checkpoint(path, sample());
    CheckpointData small;
    small.architecture_yaml = "x";
    write_checkpoint(path, small);
    const CheckpointData r = read_checkpoint(path);
    EXPECT_TRUE(r.layers.empty());
    EXPECT_TRUE(r.history.empty());
    EXPECT_EQ(r.architecture_yaml, "x");
}

TEST_F(CheckpointIo, MissingOrForeignFilesAreUsageErrors) {
    EXPECT_THROW(read_checkpoint((dir_ / "none.h5").string()), UsageError);
    EXPECT_FALSE(is_checkpoint((dir_ / "none.h5").string()));
    const std::string text = (dir_ / "text.h5").string();
    std::ofstream(text) << "not hdf5";
    EXPECT_THROW(read_checkpoint(text), UsageError);
    EXPECT_FALSE(is_checkpoint(text));
}

TEST_F(CheckpointIo, UnwritableDirectoryThrowsAndLeavesNothing) {
    EXPECT_THROW(write_checkpoint((dir_ / "no" / "such" / "dir.h5").string(), sample()), Error);
    EXPECT_FALSE(fs::exists(dir_ / "no"));
}

}  // namespace
}  // namespace snac::io
