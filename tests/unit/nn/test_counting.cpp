// Parameter and BOPs counts against hand-computed values (../shared/docs/reference/bops-and-params.md).
#include <gtest/gtest.h>

#include <cmath>

#include "snac/core/error.hpp"
#include "snac/nn/counting.hpp"

namespace snac::nn {
namespace {

const char* kTinyDeepSets = R"(input_shape: [8, 3]
layers:
  - type: deepsets
    aggregate: mean
    phi: [{type: dense, units: 8}, {type: batchnorm}, {type: relu}, {type: dense, units: 8}]
    rho: [{type: dense, units: 32}, {type: relu}, {type: dense, units: 5}]
)";

TEST(Counting, TinyDeepSetsHas573Parameters) {
    const auto c = count_network(NetworkSpec::from_yaml(kTinyDeepSets));
    EXPECT_EQ(c.params, 573);  // 589 would count BN running stats, 557 would ignore BN
    ASSERT_EQ(c.layers.size(), 8u);
    EXPECT_EQ(c.layers[0].name, "deepsets_0");
    EXPECT_EQ(c.layers[1].name, "deepsets_0/phi/dense_0");
    EXPECT_EQ(c.layers[2].params, 16);
    EXPECT_EQ(c.layers[6].output_shape, (Shape{32}));
}

TEST(Counting, DenseConventionsByHand) {
    const auto net = NetworkSpec::from_yaml("input_shape: [16]\nlayers: [{type: dense, units: 8}]");
    CountOptions o;
    o.weight_bits = 8;
    o.activation_bits = 8;
    o.sparsity["dense_0"] = 0.5;
    const auto c = count_network(net, o);
    EXPECT_EQ(c.params, 136);
    EXPECT_EQ(c.macs, 128);
    EXPECT_DOUBLE_EQ(c.bops.at(BopsConvention::kMacs), 128.0);
    EXPECT_DOUBLE_EQ(c.bops.at(BopsConvention::kNac), 128.0 * (0.5 * 64 + 16 + 4));    // 6656
    EXPECT_DOUBLE_EQ(c.bops.at(BopsConvention::kSnac), 128.0 * (64 + 16) + 8 * 8 * 4);  // 10496
    EXPECT_DOUBLE_EQ(c.bops.at(BopsConvention::kPaper), 128.0 * (0.5 * 64 + 8 + 8 + 4));
    o.activation_bits = 4;  // paper separates b_a and b_w; nac and snac use b = b_w
    const auto d = count_network(net, o);
    EXPECT_DOUBLE_EQ(d.bops.at(BopsConvention::kPaper), 128.0 * (0.5 * 32 + 4 + 8 + 4));
    EXPECT_DOUBLE_EQ(d.bops.at(BopsConvention::kNac), 6656.0);
}

TEST(Counting, DenseWithoutBiasAndBatchNorm) {
    const auto net = NetworkSpec::from_yaml(
        "input_shape: [10]\nlayers: [{type: dense, units: 4, use_bias: false}, {type: batchnorm}, "
        "{type: relu}, {type: dropout, rate: 0.2}, {type: softmax}]");
    const auto c = count_network(net);
    EXPECT_EQ(c.params, 40 + 8);
    EXPECT_EQ(c.layers[1].bops.at(BopsConvention::kPaper), 0.0);
    EXPECT_EQ(c.layers[2].params, 0);
}

TEST(Counting, Conv2dByHand) {
    const auto net = NetworkSpec::from_yaml(
        "input_shape: [2, 5, 5]\nlayers: [{type: conv2d, filters: 3, kernel: 3}]");
    CountOptions o;
    o.weight_bits = o.activation_bits = 8;
    const auto c = count_network(net, o);
    EXPECT_EQ(c.params, 3 * 2 * 9 + 3);
    EXPECT_EQ(c.macs, 9 * 3 * 2 * 9);  // H_out W_out C_out C_in k^2
    EXPECT_DOUBLE_EQ(c.bops.at(BopsConvention::kMacs), 486.0);
    // The paper form as written: no output-spatial factor.
    EXPECT_NEAR(c.bops.at(BopsConvention::kPaper), 54.0 * (64 + 16 + std::log2(18.0)), 1e-9);
    // NAC: dense-equivalent map of the 50-element input to the 27-element output.
    EXPECT_NEAR(c.bops.at(BopsConvention::kNac), 27.0 * 50 * 9 * (64 + 16 + std::log2(450.0)),
                1e-6);
}

TEST(Counting, ConvAttentionParameters) {
    const auto net = NetworkSpec::from_yaml(
        "input_shape: [4, 3, 3]\nlayers: [{type: conv_attention, hidden: 2}]");
    const auto c = count_network(net);
    EXPECT_EQ(c.params, 3 * (4 * 2 + 2) + (2 * 4 + 4));
    EXPECT_EQ(c.macs, 3 * 9 * 4 * 2 + 2 * 81 * 2 + 9 * 2 * 4);
}

// NAC appendix (bops-and-params.md §4.2), by hand for C = 4, h = 2, E = 3·3 = 9, b = 8, no
// sparsity, batch factor 1: three 1x1 convs C->h and the projection h->C, each a dense map at
// the block's input shape (36 elements in, 18 hidden); softmax E²·1.5·(b−1) + E·(E−1) + E²; two
// matmuls with seq = C: seq²·E·b² + seq²·(E−1)·b each.
TEST(Counting, ConvAttentionBopsByHand) {
    const auto net = NetworkSpec::from_yaml(
        "input_shape: [4, 3, 3]\nlayers: [{type: conv_attention, hidden: 2}]");
    CountOptions o;
    o.weight_bits = o.activation_bits = 8;
    const auto c = count_network(net, o);
    const double qkv = 3 * (18.0 * 36.0) * (64 + 16 + std::log2(36.0));
    const double proj = 36.0 * 18.0 * (64 + 16 + std::log2(18.0));
    const double softmax = 81 * 1.5 * 7 + 9 * 8 + 81;
    const double matmuls = 2 * (16.0 * 9 * 64 + 16.0 * 8 * 8);
    EXPECT_NEAR(c.layers[0].bops.at(BopsConvention::kNac), qkv + proj + softmax + matmuls, 1e-6);
    // MACs: Q, K, V (9·4·2 each), projection (9·2·4), QᵀK and V·Aᵀ (9·9·2 each).
    EXPECT_DOUBLE_EQ(c.layers[0].bops.at(BopsConvention::kMacs), 3 * 72.0 + 72.0 + 2 * 162.0);
}

// LayerNorm over F features: 2·F parameters, 0 BOPs in every convention (bops-and-params §2, §4.4);
// over [rows, F] gamma and beta are per feature, shared by the rows.
TEST(Counting, LayerNormParametersAndNoBops) {
    const auto net = NetworkSpec::from_yaml(
        "input_shape: [3, 4]\nlayers: [{type: layernorm}, {type: flatten}, {type: dense, units: 2},"
        " {type: layernorm}]");
    const auto c = count_network(net, CountOptions{});
    EXPECT_EQ(c.layers[0].params, 8);
    EXPECT_EQ(c.layers[3].params, 4);
    for (const auto& [conv, v] : c.layers[0].bops) EXPECT_EQ(v, 0.0);
    EXPECT_EQ(c.params, 8 + 12 * 2 + 2 + 4);
}

TEST(Counting, DeepSetsPoolingTermsAndPhiMultiplicity) {
    auto yaml = std::string(kTinyDeepSets);
    CountOptions o;
    o.weight_bits = o.activation_bits = 8;
    const auto mean = count_network(NetworkSpec::from_yaml(yaml), o);
    EXPECT_DOUBLE_EQ(mean.layers[0].bops.at(BopsConvention::kNac), 448.0 + 192.0 + 384.0);
    yaml.replace(yaml.find("mean"), 4, "max");
    const auto max = count_network(NetworkSpec::from_yaml(yaml), o);
    EXPECT_DOUBLE_EQ(max.layers[0].bops.at(BopsConvention::kNac), 448.0 + 384.0);
    // phi counted once by default; per element on request (parameters unchanged).
    o.phi_multiplicity = 8;
    const auto per_element = count_network(NetworkSpec::from_yaml(yaml), o);
    EXPECT_EQ(per_element.params, 573);
    EXPECT_EQ(per_element.macs, 8 * (3 * 8 + 8 * 8) + 8 * 32 + 32 * 5);
    EXPECT_EQ(max.macs, (3 * 8 + 8 * 8) + 8 * 32 + 32 * 5);
}

TEST(Counting, ConventionNamesAndBadOptions) {
    for (auto c : {BopsConvention::kMacs, BopsConvention::kNac, BopsConvention::kSnac,
                   BopsConvention::kPaper})
        EXPECT_EQ(parse_bops_convention(to_string(c)), c);
    EXPECT_THROW(parse_bops_convention("b3"), UsageError);
    CountOptions o;
    o.weight_bits = 0;
    EXPECT_THROW(count_network(NetworkSpec::from_yaml(kTinyDeepSets), o), UsageError);
}

}  // namespace
}  // namespace snac::nn
