// snac's fixed-point inference (nn/fixed_model.hpp): the softmax golden example of
// hls4ml-semantics.md §5, and agreement with the float model (nn::predict) within the error bound
// the chosen precisions imply.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "snac/core/error.hpp"
#include "snac/nn/fixed_model.hpp"
#include "snac/nn/trainer.hpp"
#include "unit/hls/fixtures.hpp"

namespace snac::nn {
namespace {

FixedType T(const char* s) {
    return FixedType::parse(s);
}

TEST(FixedModel, SoftmaxGoldenExample) {
    const NetworkSpec net =
        NetworkSpec::from_yaml("input_shape: [5]\nlayers:\n  - {type: softmax}\n");
    const float x[5] = {1.0f, 2.0f, 0.5f, -1.0f, 1.7f};
    for (const char* accum : {"ap_fixed<16,6>", "ap_fixed<18,8,AP_RND,AP_SAT>"}) {
        HlsSettings s;
        s.default_precision.accum = T(accum);
        const FixedModel m = lower_network(net, CheckpointData{}, s);
        const std::vector<double> y = m.run(x);
        const double want[5] = {0.1630859375, 0.4443359375, 0.0986328125, 0.021484375,
                                0.3349609375};
        for (int i = 0; i < 5; ++i) EXPECT_EQ(y[static_cast<std::size_t>(i)], want[i]) << accum;
    }
}

/// Dense kernels [in, out] and biases with seeded uniform values.
CheckpointData mlp_checkpoint(const NetworkSpec& net, std::uint64_t seed) {
    CheckpointData ck;
    ck.architecture_yaml = net.to_yaml();
    std::mt19937_64 rng(seed);
    std::int64_t in = net.input_shape[0];
    for (const LayerSpec& l : net.layers) {
        if (l.type != LayerType::kDense) continue;
        std::uniform_real_distribution<double> u(-1.5 / std::sqrt(double(in)),
                                                 1.5 / std::sqrt(double(in)));
        NamedTensor k{"kernel", {in, l.units}, {}}, b{"bias", {l.units}, {}};
        for (std::int64_t i = 0; i < in * l.units; ++i) k.values.push_back(float(u(rng)));
        for (std::int64_t i = 0; i < l.units; ++i) b.values.push_back(float(u(rng)));
        ck.layers.push_back({l.name, "dense", {k, b}});
        in = l.units;
    }
    return ck;
}

TEST(FixedModel, MlpAgreesWithFloatWithinThePrecisionBound) {
    const NetworkSpec net = NetworkSpec::from_yaml(
        "input_shape: [24]\nlayers:\n  - {type: dense, units: 64}\n  - {type: relu}\n"
        "  - {type: dense, units: 32}\n  - {type: relu}\n  - {type: dense, units: 5}\n");
    const CheckpointData ck = mlp_checkpoint(net, 17);
    HlsSettings s;
    s.default_precision = {T("ap_fixed<14,3>"), T("ap_fixed<14,3>"), T("ap_fixed<18,8>"),
                           T("ap_fixed<28,12>")};
    const FixedModel m = lower_network(net, ck, s);
    const double dw = std::ldexp(1.0, -11), db = dw, dr = std::ldexp(1.0, -10),
                 da = std::ldexp(1.0, -16);

    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(-3.0, 3.0);
    const int n = 200;
    std::vector<float> x(static_cast<std::size_t>(n * 24));
    for (auto& v : x) v = float(u(rng));
    const std::vector<float> ref = predict(ck, x.data(), n);

    for (int s_i = 0; s_i < n; ++s_i) {
        // Propagate a worst-case bound through the float network: for every dense output,
        // sum |w|·e_in + (|x| + e_in)·dw, one accumulator LSB per product and for the bias, the
        // bias quantization and one result LSB. ReLU is 1-Lipschitz.
        std::vector<double> a(x.begin() + s_i * 24, x.begin() + (s_i + 1) * 24);
        std::vector<double> e(24, dr);
        for (const auto& lw : ck.layers) {
            const auto& k = lw.tensors[0];
            const auto& b = lw.tensors[1];
            const std::int64_t in = k.shape[0], out = k.shape[1];
            std::vector<double> a2(static_cast<std::size_t>(out)),
                e2(static_cast<std::size_t>(out));
            for (std::int64_t j = 0; j < out; ++j) {
                double v = b.values[static_cast<std::size_t>(j)], err = db + (in + 1) * da + dr;
                for (std::int64_t i = 0; i < in; ++i) {
                    const double w = k.values[static_cast<std::size_t>(i * out + j)];
                    v += w * a[static_cast<std::size_t>(i)];
                    err += std::abs(w) * e[static_cast<std::size_t>(i)] +
                           (std::abs(a[static_cast<std::size_t>(i)]) +
                            e[static_cast<std::size_t>(i)]) *
                               dw;
                }
                const bool relu = out != 5;
                a2[static_cast<std::size_t>(j)] = relu ? std::max(v, 0.0) : v;
                e2[static_cast<std::size_t>(j)] = err + (relu ? dr : 0.0);
            }
            a = a2;
            e = e2;
        }
        const std::vector<double> y = m.run(x.data() + s_i * 24);
        for (int j = 0; j < 5; ++j) {
            const double diff = std::abs(y[static_cast<std::size_t>(j)] -
                                         ref[static_cast<std::size_t>(s_i * 5 + j)]);
            ASSERT_LE(diff, e[static_cast<std::size_t>(j)] + 1e-4)
                << "sample " << s_i << " output " << j;
        }
    }
}

TEST(FixedModel, RejectsMissingTensors) {
    const NetworkSpec net =
        NetworkSpec::from_yaml("input_shape: [4]\nlayers:\n  - {type: dense, units: 2}\n");
    EXPECT_THROW(lower_network(net, CheckpointData{}, HlsSettings{}), UsageError);
    const NetworkSpec att = NetworkSpec::from_yaml(
        "input_shape: [2, 4, 4]\nlayers:\n  - {type: conv_attention, hidden: 2}\n  - {type: "
        "flatten}\n"
        "  - {type: dense, units: 2}\n");
    EXPECT_THROW(lower_network(att, CheckpointData{}, HlsSettings{}), UsageError);
}

// ConvAttn in fixed point follows the float layer (layer_conv_attention.cpp): with wide types
// and fine softmax tables the only differences left are the tables' steps, far below what a
// transposed product or a missing residual would cause (O(1) on these outputs).
TEST(FixedModel, ConvAttentionAgreesWithFloat) {
    const NetworkSpec net = NetworkSpec::from_yaml(
        "input_shape: [3, 3, 4]\nlayers:\n  - {type: conv_attention, hidden: 4, name: attn}\n"
        "  - {type: flatten}\n  - {type: dense, units: 5}\n");
    const CheckpointData ck = hls::testing::random_checkpoint(net, 3);
    HlsSettings s;
    s.default_precision = {T("ap_fixed<24,4>"), T("ap_fixed<24,4>"), T("ap_fixed<26,6>"),
                           T("ap_fixed<40,10>")};
    s.input = T("ap_fixed<24,4>");
    s.table = T("ap_fixed<24,6>");
    s.table_size = 1 << 16;
    const FixedModel m = lower_network(net, ck, s);
    ASSERT_EQ(m.layers[0].op, FixedOp::kConvAttention);
    ASSERT_EQ(m.layers[0].parts.size(), 5u);
    EXPECT_EQ(m.layers[0].parts[3].name, "attn/softmax");
    const int n = 50;
    const auto x = hls::testing::random_inputs(n, 36, 9, -1.5, 1.5);
    const std::vector<float> ref = predict(ck, x.data(), n);
    double worst = 0.0;
    for (int i = 0; i < n; ++i) {
        const std::vector<double> y = m.run(x.data() + i * 36);
        for (int j = 0; j < 5; ++j)
            worst = std::max(worst, std::abs(y[static_cast<std::size_t>(j)] -
                                             ref[static_cast<std::size_t>(i * 5 + j)]));
    }
    EXPECT_LT(worst, 0.005);  // measured: 0.0002
}

// GELU: a table over [-8, 8) and the input itself above; wide types leave the table step
// (16/4096 times the slope, at most ~1.13) as the only difference from the float layer.
TEST(FixedModel, GeluAgreesWithFloatAndPassesLargeInputsThrough) {
    const NetworkSpec net = NetworkSpec::from_yaml(
        "input_shape: [6]\nlayers:\n  - {type: dense, units: 8}\n  - {type: gelu}\n");
    const CheckpointData ck = hls::testing::random_checkpoint(net, 4);
    HlsSettings s;
    s.default_precision = {T("ap_fixed<24,6>"), T("ap_fixed<24,6>"), T("ap_fixed<24,8>"),
                           T("ap_fixed<32,10>")};
    s.input = T("ap_fixed<24,6>");
    s.table = T("ap_fixed<24,8>");
    s.table_size = 4096;
    const FixedModel m = lower_network(net, ck, s);
    ASSERT_EQ(m.layers[1].op, FixedOp::kGelu);
    const int n = 200;
    const auto x = hls::testing::random_inputs(n, 6, 2, -12.0, 12.0);  // beyond the table range
    const std::vector<float> ref = predict(ck, x.data(), n);
    double worst = 0.0;
    for (int i = 0; i < n; ++i) {
        const std::vector<double> y = m.run(x.data() + i * 6);
        for (int j = 0; j < 8; ++j)
            worst = std::max(worst, std::abs(y[static_cast<std::size_t>(j)] -
                                             ref[static_cast<std::size_t>(i * 8 + j)]));
    }
    EXPECT_LT(worst, 16.0 / 4096 * 1.2);
}

// Layer norm: with wide types and a fine 1/sqrt table (variance range [0, 8), 2^16 entries) the
// only difference from the float layer is the table's step; a wrong axis, a missing gamma/beta or
// a variance with the wrong divisor would differ by O(0.1) on these outputs.
TEST(FixedModel, LayerNormAgreesWithFloat) {
    const NetworkSpec net = NetworkSpec::from_yaml(
        "input_shape: [3, 5]\nlayers:\n  - {type: layernorm, name: ln0}\n  - {type: flatten}\n"
        "  - {type: dense, units: 6}\n  - {type: layernorm, epsilon: 0.01}\n");
    CheckpointData ck = hls::testing::random_checkpoint(net, 6);
    HlsSettings s;
    s.default_precision = {T("ap_fixed<24,6>"), T("ap_fixed<24,6>"), T("ap_fixed<24,8>"),
                           T("ap_fixed<40,10>")};
    s.input = T("ap_fixed<24,6>");
    s.table = T("ap_fixed<28,8>");
    s.table_size = 1 << 16;
    const FixedModel m = lower_network(net, ck, s);
    ASSERT_EQ(m.layers[0].op, FixedOp::kLayerNorm);
    EXPECT_EQ(m.layers[0].elements, 3);
    EXPECT_EQ(m.layers[0].features, 5);
    const int n = 50;
    const auto x = hls::testing::random_inputs(n, 15, 8, -2.0, 2.0);
    const std::vector<float> ref = predict(ck, x.data(), n);
    double worst = 0.0;
    for (int i = 0; i < n; ++i) {
        const std::vector<double> y = m.run(x.data() + i * 15);
        for (int j = 0; j < 6; ++j)
            worst = std::max(worst, std::abs(y[static_cast<std::size_t>(j)] -
                                             ref[static_cast<std::size_t>(i * 6 + j)]));
    }
    EXPECT_LT(worst, 0.01);
}

// Layer norm over a whole [C, H, W] sample (PyTorch's LayerNorm([C, H, W]), NAC's conv blocks):
// the trainer's oneDNN layer and FixedModel normalise the same C·H·W values. The 1/√ table's
// variance range follows the types: [0, 8) for wide ones, [0, 1) for inputs within [-1, 1).
TEST(FixedModel, LayerNormOverImagesAgreesWithFloatAndSizesItsTable) {
    const NetworkSpec net = NetworkSpec::from_yaml(
        "input_shape: [2, 3, 3]\nlayers:\n  - {type: layernorm}\n  - {type: flatten}\n"
        "  - {type: dense, units: 4}\n");
    CheckpointData ck = hls::testing::random_checkpoint(net, 9);
    HlsSettings s;
    s.default_precision = {T("ap_fixed<24,6>"), T("ap_fixed<24,6>"), T("ap_fixed<24,8>"),
                           T("ap_fixed<40,10>")};
    s.input = T("ap_fixed<24,6>");
    s.table = T("ap_fixed<28,8>");
    s.table_size = 1 << 16;
    const FixedModel m = lower_network(net, ck, s);
    ASSERT_EQ(m.layers[0].op, FixedOp::kLayerNorm);
    EXPECT_EQ(m.layers[0].elements, 1);
    EXPECT_EQ(m.layers[0].features, 18);
    EXPECT_EQ(m.layers[0].table_range_pow2, 3);
    const int n = 40;
    const auto x = hls::testing::random_inputs(n, 18, 4, -2.0, 2.0);
    const std::vector<float> ref = predict(ck, x.data(), n);
    double worst = 0.0;
    for (int i = 0; i < n; ++i) {
        const std::vector<double> y = m.run(x.data() + i * 18);
        for (int j = 0; j < 4; ++j)
            worst = std::max(worst, std::abs(y[static_cast<std::size_t>(j)] -
                                             ref[static_cast<std::size_t>(i * 4 + j)]));
    }
    EXPECT_LT(worst, 0.01);
    s.input = T("ap_fixed<12,1>");  // |x| < 1: variances below 1
    EXPECT_EQ(lower_network(net, ck, s).layers[0].table_range_pow2, 0);
    s.input = T("ap_fixed<16,6>");
    s.default_precision.accum = T("ap_fixed<12,2>");  // var < 2 in this accumulator
    EXPECT_EQ(lower_network(net, ck, s).layers[0].table_range_pow2, 1);
}

TEST(FixedModel, WarnsAboutLargeLatencyLayersAndRejectsNonFiniteWeights) {
    const NetworkSpec net = NetworkSpec::from_yaml(
        "input_shape: [128]\nlayers:\n  - {type: dense, units: 64}\n  - {type: relu}\n"
        "  - {type: dense, units: 5}\n");
    CheckpointData ck = mlp_checkpoint(net, 2);
    const FixedModel m = lower_network(net, ck, HlsSettings{});
    ASSERT_EQ(m.warnings.size(), 1u);  // 8,192 multiplications unrolled in dense_0
    EXPECT_NE(m.warnings[0].find("dense_0"), std::string::npos);
    EXPECT_NE(m.warnings[0].find("--strategy resource"), std::string::npos);
    EXPECT_NE(m.warnings[0].find("--reuse-factor"), std::string::npos);
    HlsSettings rf;
    rf.reuse_factor = 2;  // 4,096 per cycle: at the limit, no warning
    EXPECT_TRUE(lower_network(net, ck, rf).warnings.empty());
    ck.layers[1].tensors[0].values[3] = std::nanf("");
    EXPECT_THROW(lower_network(net, ck, HlsSettings{}), UsageError);
}

}  // namespace
}  // namespace snac::nn
