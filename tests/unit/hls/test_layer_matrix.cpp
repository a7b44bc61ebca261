// The coverage matrix of docs/hls.md: every layer type of the vocabulary (core/layer_types) x
// {Latency, Resource} x {io_parallel, io_stream} is emitted in a small model, compiled with g++
// -Werror and C-simulated against snac's FixedModel with 0 mismatches. The projects compile in
// parallel (one g++ per core).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <set>
#include <thread>

#include "fixtures.hpp"
#include "snac/core/layer_types.hpp"
#include "snac/hls/project.hpp"

namespace snac::hls {
namespace {
namespace fs = std::filesystem;

struct Row {
    std::string name;
    std::vector<std::string> covers;  ///< layer types this model exercises
    std::string yaml;
    double lo = -2.0, hi = 2.0;  ///< input range
    bool pruned = false;         ///< every third kernel weight exactly 0 (a pruned checkpoint)
};

const std::vector<Row>& rows() {
    static const std::vector<Row> r = {
        {"dense",
         {"dense", "dropout", "identity", "layernorm"},
         "input_shape: [3, 4]\nlayers:\n  - {type: layernorm}\n  - {type: flatten}\n"
         "  - {type: dense, units: 8}\n  - {type: dropout, rate: 0.2}\n  - {type: identity}\n"
         "  - {type: layernorm, epsilon: 0.01}\n  - {type: dense, units: 4, use_bias: false}\n"},
        {"activations",
         {"batchnorm", "relu", "leaky_relu", "tanh", "sigmoid", "gelu", "softmax"},
         "input_shape: [10]\nlayers:\n  - {type: dense, units: 8}\n  - {type: batchnorm}\n"
         "  - {type: tanh}\n  - {type: dense, units: 8}\n  - {type: sigmoid}\n"
         "  - {type: dense, units: 6}\n  - {type: leaky_relu, alpha: 0.2}\n"
         "  - {type: dense, units: 6}\n  - {type: relu}\n  - {type: dense, units: 6}\n"
         "  - {type: gelu}\n  - {type: dense, units: 4}\n"
         "  - {type: softmax}\n",
         -4.0,
         4.0},
        {"cnn",
         {"conv2d", "maxpool2d", "avgpool2d", "flatten"},
         "input_shape: [2, 8, 8]\nlayers:\n  - {type: conv2d, filters: 3, kernel: 3, padding: "
         "same}\n  - {type: maxpool2d, size: 2}\n  - {type: conv2d, filters: 2, kernel: 3, "
         "padding: same}\n  - {type: avgpool2d, size: 2}\n  - {type: flatten}\n"
         "  - {type: dense, units: 3}\n"},
        // Pruned weights: Latency folds the zeros (constants), Resource packs the non-zero ones
        // (nnet::dense_compressed), conv2d keeps its full ROM.
        {"pruned",
         {},
         "input_shape: [1, 4, 4]\nlayers:\n  - {type: conv2d, filters: 2, kernel: 3}\n"
         "  - {type: flatten}\n  - {type: dense, units: 7}\n  - {type: relu}\n"
         "  - {type: dense, units: 3}\n",
         -2.0,
         2.0,
         true},
        {"deepsets",
         {"deepsets"},
         "input_shape: [5, 3]\nlayers:\n  - type: deepsets\n    aggregate: mean\n"
         "    phi: [{type: dense, units: 6}, {type: relu}]\n"
         "    rho: [{type: dense, units: 4}, {type: relu}, {type: dense, units: 2}]\n"},
        {"conv_attention",
         {"conv_attention"},
         "input_shape: [3, 4, 4]\nlayers:\n  - {type: conv_attention, hidden: 4}\n"
         "  - {type: relu}\n  - {type: flatten}\n  - {type: dense, units: 3}\n"},
        // Image-shaped element-wise layers and the line buffers' edge cases: a strided valid
        // convolution that leaves a row and a column unread, a same-padded one, pooling with a
        // leftover row, batch and layer norm over [C, H, W], an image-shaped output.
        {"image",
         {"batchnorm", "layernorm", "leaky_relu", "sigmoid"},
         "input_shape: [2, 11, 11]\nlayers:\n"
         "  - {type: conv2d, filters: 3, kernel: 2, stride: 2}\n"
         "  - {type: batchnorm}\n  - {type: leaky_relu, alpha: 0.1}\n"
         "  - {type: conv2d, filters: 2, kernel: 2, padding: same}\n  - {type: layernorm}\n"
         "  - {type: maxpool2d, size: 2}\n  - {type: sigmoid}\n"},
    };
    return r;
}

TEST(LayerMatrix, EveryLayerTypeHasARow) {
    std::set<std::string> covered;
    for (const Row& r : rows()) covered.insert(r.covers.begin(), r.covers.end());
    for (const LayerTypeInfo& info : layer_types())
        EXPECT_TRUE(covered.count(std::string(info.name)))
            << "layer type '" << info.name << "' has no row in the HLS coverage matrix";
}

struct Case {
    const Row* row;
    Strategy strategy;
    IoType io;
    nn::FixedModel model;
    TestBench bench;
    EmittedProject project;
};

TEST(LayerMatrix, EveryLayerAndStrategyCSimulatesBitExactly) {
    const fs::path root =
        fs::temp_directory_path() / ("snac_hls_matrix_" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);
    std::vector<Case> cases;
    const std::int64_t n = 200;
    for (const Row& r : rows())
        for (const IoType io : {IoType::kParallel, IoType::kStream})
            for (const Strategy s : {Strategy::kLatency, Strategy::kResource}) {
                HlsSettings settings;
                settings.strategy = s;
                settings.reuse_factor = s == Strategy::kResource ? 2 : 1;
                const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(r.yaml);
                CheckpointData ck = testing::random_checkpoint(net, 5);
                if (r.pruned)
                    for (LayerWeights& lw : ck.layers)
                        for (NamedTensor& t : lw.tensors)
                            if (t.name == "kernel")
                                for (std::size_t i = 0; i < t.values.size(); i += 3)
                                    t.values[i] = 0;
                Case c{&r, s, io, nn::lower_network(net, ck, settings), {}, {}};
                if (r.pruned && s == Strategy::kResource) {
                    // The dense layers are packed: [8, 7] with every third weight zero.
                    const nn::FixedLayer& d = c.model.layers[2];
                    EXPECT_GE(d.n_zeros, 19);
                    EXPECT_EQ(static_cast<std::int64_t>(d.packed.size()), 56 - d.n_zeros);
                    EXPECT_TRUE(c.model.layers[0].packed.empty());  // conv2d
                }
                const auto x = testing::random_inputs(n, c.model.input_size(), 13, r.lo, r.hi);
                c.bench = make_testbench(c.model, x.data(), n);
                ProjectOptions opt;
                opt.name =
                    r.name + "_" + std::string(to_string(s)) + "_" + std::string(to_string(io));
                opt.io_type = io;
                c.project = emit_project(c.model, opt, c.bench, (root / opt.name).string());
                cases.push_back(std::move(c));
            }
    // One g++ per core: the compiles dominate and are independent.
    const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
    std::vector<CsimResult> results(cases.size());
    std::vector<std::string> errors(cases.size());
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> pool;
    for (unsigned w = 0; w < workers; ++w)
        pool.emplace_back([&] {
            for (std::size_t i = next++; i < cases.size(); i = next++) {
                try {
                    results[i] = run_csim(cases[i].project);
                } catch (const std::exception& e) {
                    errors[i] = e.what();
                }
            }
        });
    for (auto& t : pool) t.join();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const std::string what = cases[i].row->name + " / " +
                                 std::string(to_string(cases[i].strategy)) + " / " +
                                 std::string(to_string(cases[i].io));
        EXPECT_EQ(errors[i], "") << what;
        EXPECT_EQ(results[i].samples, n) << what;
        EXPECT_EQ(results[i].mismatches, 0) << what;
        ASSERT_EQ(results[i].outputs.size(), cases[i].bench.expected.size()) << what;
        EXPECT_TRUE(results[i].outputs == cases[i].bench.expected) << what;
    }
    fs::remove_all(root);
}

}  // namespace
}  // namespace snac::hls
