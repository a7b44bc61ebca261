// Emitted projects on real test data: MNIST digits down-sized to 8x8 (imported through
// io/dataset_store.hpp from the shared raw files), fed to a Deep Sets model (rows of the image as
// the set's elements), to a BN + tanh/sigmoid + softmax MLP and to an io_stream CNN. C simulation
// must reproduce snac's fixed-point inference with 0 mismatches on the test split.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "fixtures.hpp"
#include "snac/hls/project.hpp"
#include "snac/io/dataset_store.hpp"

namespace snac::hls {
namespace {
namespace fs = std::filesystem;

/// The MNIST 8x8 test split (first 1,000 images of t10k, imported once per test process).
const Dataset& mnist8x8() {
    static const Dataset data = [] {
        if (std::getenv("SNAC_DATA_DIR") == nullptr)
            ::setenv("SNAC_DATA_DIR", SNAC_SHARED_DATA_DIR, 1);
        const fs::path dir =
            fs::temp_directory_path() / ("snac_hls_data_" + std::to_string(::getpid()));
        fs::create_directories(dir);
        DataConfig cfg;
        cfg.name = "mnist8x8_hls_unit";
        cfg.path = (dir / "mnist8x8.h5").string();
        cfg.source.format = DataFormat::kIdx;
        cfg.source.images = "mnist/t10k-images-idx3-ubyte.gz";
        cfg.source.labels = "mnist/t10k-labels-idx1-ubyte.gz";
        cfg.source.resize = {8, 8};
        cfg.source.subset = 1000;
        const fs::path cwd = fs::current_path();
        fs::current_path(dir);
        Dataset d = io::load_dataset(io::resolve_dataset(cfg, dir.string()));
        fs::current_path(cwd);
        return d;
    }();
    return data;
}

void simulate_on_test_split(const std::string& yaml, const std::string& name,
                            const HlsSettings& settings = {}) {
    const Dataset& d = mnist8x8();
    ASSERT_EQ(d.sample_size(), 64);
    const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(yaml);
    const nn::FixedModel model =
        nn::lower_network(net, testing::random_checkpoint(net, 21), settings);
    std::vector<float> x;
    for (const auto i : d.test_idx)
        x.insert(x.end(), d.x.begin() + i * 64, d.x.begin() + (i + 1) * 64);
    const auto n = static_cast<std::int64_t>(d.test_idx.size());
    ASSERT_GE(n, 150);
    const TestBench tb = make_testbench(model, x.data(), n);
    ProjectOptions opt;
    opt.name = name;
    opt.io_type = settings.io_type;
    const fs::path out =
        fs::temp_directory_path() / ("snac_hls_data_" + std::to_string(::getpid())) / name;
    const CsimResult r = run_csim(emit_project(model, opt, tb, out.string()));
    EXPECT_EQ(r.samples, n);
    EXPECT_EQ(r.mismatches, 0);
    ASSERT_EQ(r.outputs.size(), tb.expected.size());
    EXPECT_EQ(r.outputs, tb.expected);
}

TEST(HlsRealData, DeepSetsOnMnistRows) {
    simulate_on_test_split(
        "input_shape: [8, 8]\nlayers:\n"
        "  - type: deepsets\n    aggregate: sum\n"
        "    phi: [{type: dense, units: 16}, {type: relu}, {type: dense, units: 8}, {type: "
        "sigmoid}]\n"
        "    rho: [{type: dense, units: 16}, {type: relu}, {type: dense, units: 10}, {type: "
        "softmax}]\n",
        "deepsets_mnist");
}

// io_stream on real images: line-buffered convolutions (same-padded and valid), pooling, layer
// norm over [C, H, W], flatten to a Resource dense (reuse factor 4) and softmax.
TEST(HlsRealData, StreamedCnnOnMnistImages) {
    HlsSettings s;
    s.io_type = IoType::kStream;
    LayerHlsSettings dense = s.for_layer("dense_0");
    dense.strategy = Strategy::kResource;
    dense.reuse_factor = 4;
    s.layers["dense_0"] = dense;
    simulate_on_test_split(
        "input_shape: [1, 8, 8]\nlayers:\n"
        "  - {type: conv2d, filters: 4, kernel: 3, padding: same}\n  - {type: relu}\n"
        "  - {type: maxpool2d, size: 2}\n  - {type: conv2d, filters: 4, kernel: 3}\n"
        "  - {type: layernorm}\n  - {type: flatten}\n  - {type: dense, units: 10}\n"
        "  - {type: softmax}\n",
        "cnn_stream_mnist", s);
}

TEST(HlsRealData, BatchNormTanhSigmoidSoftmaxOnMnist) {
    simulate_on_test_split(
        "input_shape: [64]\nlayers:\n"
        "  - {type: dense, units: 32}\n  - {type: batchnorm}\n  - {type: tanh}\n"
        "  - {type: dense, units: 16}\n  - {type: sigmoid}\n"
        "  - {type: dense, units: 10}\n  - {type: softmax}\n",
        "bn_mnist");
}

}  // namespace
}  // namespace snac::hls
