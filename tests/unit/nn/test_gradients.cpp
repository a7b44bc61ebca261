// Finite-difference gradient checks for every layer type: dL/dx and dL/dparams from backward()
// against central differences of L = sum(y * r) for a fixed random r.
#include <gtest/gtest.h>

#include <cmath>

#include "layer.hpp"
#include "snac/nn/network_spec.hpp"

namespace snac::nn::detail {
namespace {

struct Check {
    std::string arch;        // architecture YAML
    std::int64_t batch = 3;
    Mode mode = Mode::kTrain;
    float eps = 1e-2f;       // finite-difference step
};

double objective(Sequence& seq, const std::vector<float>& x, const std::vector<float>& r,
                 std::int64_t n, Mode mode) {
    const float* y = seq.forward(x.data(), n, mode);
    double s = 0.0;
    for (std::size_t i = 0; i < r.size(); ++i) s += static_cast<double>(y[i]) * r[i];
    return s;
}

void expect_close(double analytic, double numeric, const std::string& what) {
    const double tol = 2e-3 + 2e-2 * std::max(std::abs(analytic), std::abs(numeric));
    EXPECT_NEAR(analytic, numeric, tol) << what;
}

void check_gradients(const Check& c) {
    const NetworkSpec net = NetworkSpec::from_yaml(c.arch);
    DnnlContext ctx;
    Sequence seq(net.layers, net.input_shape, ctx, 42);
    const std::int64_t n = c.batch;
    const std::int64_t in = numel(net.input_shape), out = numel(seq.out_shape());
    Rng rng(7);
    std::vector<float> x(static_cast<std::size_t>(n * in)), r(static_cast<std::size_t>(n * out));
    for (auto& v : x) v = rng.uniform(-1.0f, 1.0f);
    for (auto& v : r) v = rng.uniform(-1.0f, 1.0f);
    // Perturb biases and batch-norm parameters away from their initial values so that their
    // gradients are exercised at a generic point.
    for (auto& p : seq.params())
        for (std::size_t i = 0; i < p.size; ++i) p.value[i] += rng.uniform(-0.3f, 0.3f);

    std::vector<float> dx(x.size());
    objective(seq, x, r, n, c.mode);
    seq.backward(x.data(), r.data(), dx.data(), n, seq.size());
    std::vector<std::vector<float>> grads;
    for (auto& p : seq.params()) grads.emplace_back(p.grad, p.grad + p.size);

    const float eps = c.eps;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float keep = x[i];
        x[i] = keep + eps;
        const double up = objective(seq, x, r, n, c.mode);
        x[i] = keep - eps;
        const double down = objective(seq, x, r, n, c.mode);
        x[i] = keep;
        expect_close(dx[i], (up - down) / (2 * eps), "dx[" + std::to_string(i) + "]");
    }
    auto params = seq.params();
    for (std::size_t k = 0; k < params.size(); ++k) {
        for (std::size_t i = 0; i < params[k].size; ++i) {
            float& w = params[k].value[i];
            const float keep = w;
            w = keep + eps;
            const double up = objective(seq, x, r, n, c.mode);
            w = keep - eps;
            const double down = objective(seq, x, r, n, c.mode);
            w = keep;
            expect_close(grads[k][i], (up - down) / (2 * eps),
                         "param " + std::to_string(k) + "[" + std::to_string(i) + "]");
        }
    }
}

TEST(Gradients, Dense) {
    check_gradients({"input_shape: [5]\nlayers: [{type: dense, units: 4}]"});
}
TEST(Gradients, DenseWithoutBias) {
    check_gradients({"input_shape: [5]\nlayers: [{type: dense, units: 4, use_bias: false}]"});
}
TEST(Gradients, BatchNormTrainMode) {
    check_gradients({"input_shape: [4]\nlayers: [{type: dense, units: 3}, {type: batchnorm}]", 5});
}
TEST(Gradients, BatchNormEvalMode) {
    check_gradients({"input_shape: [4]\nlayers: [{type: batchnorm}]", 3, Mode::kEval});
}
TEST(Gradients, BatchNormOverChannels) {
    check_gradients({"input_shape: [2, 3, 3]\nlayers: [{type: batchnorm}]", 2});
}
// Layer norm (oneDNN layer_normalization): gamma, beta and the input gradient, over [F] and
// row by row over [rows, F].
TEST(Gradients, LayerNorm) {
    check_gradients({"input_shape: [5]\nlayers: [{type: dense, units: 6}, {type: layernorm}]"});
    check_gradients({"input_shape: [3, 4]\nlayers: [{type: layernorm, epsilon: 0.01}]", 2});
}
TEST(Gradients, Activations) {
    for (const char* act : {"relu", "tanh", "sigmoid", "gelu", "identity"})
        check_gradients({std::string("input_shape: [4]\nlayers: [{type: dense, units: 6}, {type: ") +
                         act + "}]"});
    check_gradients({"input_shape: [4]\nlayers: [{type: dense, units: 6}, "
                     "{type: leaky_relu, alpha: 0.2}]"});
}
TEST(Gradients, Softmax) {
    check_gradients({"input_shape: [4]\nlayers: [{type: dense, units: 5}, {type: softmax}]"});
}
TEST(Gradients, DropoutInEvalModeIsIdentity) {
    check_gradients({"input_shape: [4]\nlayers: [{type: dense, units: 5}, "
                     "{type: dropout, rate: 0.5}]", 3, Mode::kEval});
}
TEST(Gradients, Conv2dValidAndSame) {
    check_gradients({"input_shape: [2, 5, 5]\nlayers: [{type: conv2d, filters: 3, kernel: 3}]", 2});
    check_gradients({"input_shape: [2, 5, 5]\nlayers: [{type: conv2d, filters: 2, kernel: 3, "
                     "stride: 2, padding: same}]", 2});
}
TEST(Gradients, Pooling) {
    check_gradients({"input_shape: [2, 4, 4]\nlayers: [{type: maxpool2d, size: 2}]", 2});
    check_gradients({"input_shape: [2, 5, 5]\nlayers: [{type: avgpool2d, size: 2}]", 2});
}
TEST(Gradients, FlattenAfterConv) {
    check_gradients({"input_shape: [1, 4, 4]\nlayers: [{type: conv2d, filters: 2, kernel: 3}, "
                     "{type: flatten}, {type: dense, units: 3}]", 2});
}
// Eight channels carry oneDNN's blocked layout from conv through batch norm, tanh and average
// pooling to the next conv, which writes plain: its tanh feeds flatten (Sequence's layout plan).
constexpr const char* kBlockedChain =
    "input_shape: [1, 6, 6]\nlayers: [{type: conv2d, filters: 8, kernel: 3}, {type: batchnorm}, "
    "{type: tanh}, {type: avgpool2d, size: 2}, {type: conv2d, filters: 8, kernel: 2}, "
    "{type: tanh}, {type: flatten}, {type: dense, units: 3}]";
// The same with max pooling (snac's own kernel on blocked data) and a pool before flatten, which
// reads blocked and writes plain.
constexpr const char* kBlockedMaxChain =
    "input_shape: [1, 10, 10]\nlayers: [{type: conv2d, filters: 8, kernel: 3}, "
    "{type: batchnorm}, {type: tanh}, {type: maxpool2d, size: 2}, "
    "{type: conv2d, filters: 16, kernel: 1}, {type: tanh}, {type: maxpool2d, size: 2}, "
    "{type: flatten}, {type: dense, units: 3}]";

TEST(Gradients, BlockedLayoutChain) {
    const NetworkSpec net = NetworkSpec::from_yaml(kBlockedChain);
    DnnlContext ctx;
    Sequence seq(net.layers, net.input_shape, ctx, 42);
    if (blocked_channels() > 0) {
        for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(seq.layout(i), Layout::kBlocked) << i;
    }
    for (std::size_t i = 4; i < seq.size(); ++i) EXPECT_EQ(seq.layout(i), Layout::kPlain) << i;
    check_gradients({kBlockedChain, 3});
}

/// Leaves everything as computed; installing it makes the Sequence run all-plain.
class PassThrough final : public SequenceHook {
public:
    void after_forward(std::size_t, const float*, float*, std::int64_t, Mode) override {}
    bool before_backward(std::size_t, const float*, float*, float*, std::int64_t) override {
        return false;
    }
};

// The blocked and the plain layouts compute the same outputs and gradients (oneDNN's kernels
// behind different reorders, snac's max pooling against oneDNN's; batch norm's blocked kernel may
// sum in another order).
void expect_blocked_matches_plain(const char* arch) {
    const NetworkSpec net = NetworkSpec::from_yaml(arch);
    const std::int64_t n = 4, in = numel(net.input_shape);
    Rng rng(3);
    std::vector<float> x(static_cast<std::size_t>(n * in)), r(static_cast<std::size_t>(n * 3));
    for (auto& v : x) v = rng.uniform(-1.0f, 1.0f);
    for (auto& v : r) v = rng.uniform(-1.0f, 1.0f);
    std::vector<float> y[2], dx[2], grads[2], y_eval[2];
    PassThrough hook;
    for (int plain = 0; plain < 2; ++plain) {
        DnnlContext ctx;
        Sequence seq(net.layers, net.input_shape, ctx, 42);
        if (plain) seq.set_hook(&hook);
        const float* out = seq.forward(x.data(), n, Mode::kTrain);
        y[plain].assign(out, out + n * 3);
        dx[plain].resize(x.size());
        seq.backward(x.data(), r.data(), dx[plain].data(), n, seq.size());
        for (auto& p : seq.params())
            grads[plain].insert(grads[plain].end(), p.grad, p.grad + p.size);
        const float* out_eval = seq.forward(x.data(), n, Mode::kEval);  // moving statistics
        y_eval[plain].assign(out_eval, out_eval + n * 3);
    }
    for (auto* v : {y, dx, grads, y_eval}) {
        ASSERT_EQ(v[0].size(), v[1].size());
        for (std::size_t i = 0; i < v[0].size(); ++i)
            EXPECT_NEAR(v[0][i], v[1][i], 1e-5 + 1e-5 * std::abs(v[1][i])) << i;
    }
}

TEST(Gradients, BlockedLayoutMatchesPlain) {
    expect_blocked_matches_plain(kBlockedChain);
    expect_blocked_matches_plain(kBlockedMaxChain);
    const NetworkSpec net = NetworkSpec::from_yaml(kBlockedMaxChain);
    DnnlContext ctx;
    const Sequence seq(net.layers, net.input_shape, ctx, 42);
    if (blocked_channels() > 0) {
        for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(seq.layout(i), Layout::kBlocked) << i;
    }
    EXPECT_EQ(seq.layout(6), Layout::kPlain);  // the pool before flatten writes plain
}

TEST(Gradients, ConvAttention) {
    check_gradients({"input_shape: [3, 3, 2]\nlayers: [{type: conv_attention, hidden: 2}]", 2});
}
// tanh rather than relu in phi, and a small step for max: relu's exact zeros tie under max
// pooling, and a large step lets near-ties swap, where finite differences disagree with any
// subgradient.
TEST(Gradients, DeepSetsEachAggregator) {
    for (const char* agg : {"mean", "max", "sum"}) {
        SCOPED_TRACE(agg);
        check_gradients({std::string("input_shape: [4, 3]\nlayers:\n  - type: deepsets\n"
                                     "    aggregate: ") + agg +
                         "\n    phi: [{type: dense, units: 5}, {type: batchnorm}, {type: tanh}]"
                         "\n    rho: [{type: dense, units: 2}]",
                         3, Mode::kTrain, std::string(agg) == "max" ? 1e-3f : 1e-2f});
    }
}

TEST(Gradients, DeepSetsMaxNoBn) {
    check_gradients({"input_shape: [4, 3]\nlayers:\n  - type: deepsets\n    aggregate: max\n"
                     "    phi: [{type: dense, units: 5}, {type: tanh}]\n"
                     "    rho: [{type: dense, units: 2}]", 3, Mode::kTrain, 1e-3f});
}

TEST(Dropout, MasksAndScalesInTraining) {
    const NetworkSpec net = NetworkSpec::from_yaml(
        "input_shape: [1000]\nlayers: [{type: dropout, rate: 0.25}]");
    DnnlContext ctx;
    Sequence seq(net.layers, net.input_shape, ctx, 3);
    std::vector<float> x(1000, 1.0f), dy(1000, 1.0f), dx(1000);
    const float* y = seq.forward(x.data(), 1, Mode::kTrain);
    int dropped = 0;
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(y[i] == 0.0f || std::abs(y[i] - 1.0f / 0.75f) < 1e-6f);
        dropped += y[i] == 0.0f;
    }
    EXPECT_GT(dropped, 180);
    EXPECT_LT(dropped, 320);
    seq.backward(x.data(), dy.data(), dx.data(), 1, seq.size());
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(dx[i], y[i]);
}

// Evaluation must see every unit unscaled: the output is the input, value for value (a dropout
// that kept masking or scaling in evaluation would pass the gradient check above).
TEST(Dropout, IsTheIdentityInEvaluation) {
    const NetworkSpec net = NetworkSpec::from_yaml(
        "input_shape: [1000]\nlayers: [{type: dropout, rate: 0.5}]");
    DnnlContext ctx;
    Sequence seq(net.layers, net.input_shape, ctx, 3);
    std::vector<float> x(2000);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.25f * static_cast<float>(i % 13) - 1.0f;
    for (int pass = 0; pass < 2; ++pass) {  // also after a training pass drew a mask
        const float* y = seq.forward(x.data(), 2, Mode::kEval);
        for (std::size_t i = 0; i < x.size(); ++i) ASSERT_EQ(y[i], x[i]) << "element " << i;
        seq.forward(x.data(), 2, Mode::kTrain);
    }
}

}  // namespace
}  // namespace snac::nn::detail
