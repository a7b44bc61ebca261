// A bad architecture file of each kind is a UsageError that names the layer and the fix.
#include <gtest/gtest.h>

#include "snac/core/error.hpp"
#include "snac/nn/network_spec.hpp"

namespace snac::nn {
namespace {

void expect_error(const std::string& yaml, const std::string& needle) {
    try {
        NetworkSpec::from_yaml(yaml, "arch.yaml");
        FAIL() << "expected UsageError for:\n" << yaml;
    } catch (const UsageError& e) {
        const std::string msg = std::string(e.what()) + " | " + e.hint();
        EXPECT_NE(msg.find(needle), std::string::npos) << msg;
        EXPECT_NE(msg.find("arch.yaml"), std::string::npos) << msg;
    }
}

TEST(ArchitectureErrors, UnknownType) {
    expect_error("input_shape: [4]\nlayers: [{type: dense, units: 2}, {type: densse}]",
                 "layer 1 has unknown type 'densse'");
}
TEST(ArchitectureErrors, UnknownKey) {
    expect_error("input_shape: [4]\nlayers: [{type: dense, unit: 2}]",
                 "layer 0 (dense) has unknown key 'unit'");
}
TEST(ArchitectureErrors, ShapeThatDoesNotFit) {
    expect_error("input_shape: [1, 8, 8]\nlayers: [{type: conv2d, filters: 2}, {type: dense, "
                 "units: 3}]",
                 "layer 1 (dense 'dense_0'): dense expects a 1-D input");
    expect_error("input_shape: [1, 2, 2]\nlayers: [{type: conv2d, filters: 2, kernel: 3}]",
                 "kernel is larger than the input");
}
TEST(ArchitectureErrors, LayerNormNeedsAPositiveEpsilon) {
    // [F], [rows, F] and [C, H, W] (NAC's conv blocks) are accepted by train, hls and estimate.
    EXPECT_NO_THROW(NetworkSpec::from_yaml("input_shape: [2, 4, 4]\nlayers: [{type: layernorm}]"));
    expect_error("input_shape: [4]\nlayers: [{type: layernorm, epsilon: 0}]", "epsilon must be > 0");
}

// Per-layer precision names: ConvAttn parts and Deep Sets members are addressable (the names
// FixedModel and the surrogate look settings up by).
TEST(ArchitectureFiles, PrecisionLayerPathsIncludeConvAttnPartsAndDeepSetsMembers) {
    const NetworkSpec net = NetworkSpec::from_yaml(
        "input_shape: [2, 3, 3]\nlayers:\n  - {type: conv_attention, hidden: 2, name: att}\n"
        "  - {type: flatten, name: f}\n  - {type: layernorm, name: ln}\n");
    const std::vector<std::string> want = {"att",       "att/query", "att/key", "att/value",
                                           "att/softmax", "att/proj", "f",       "ln"};
    EXPECT_EQ(precision_layer_paths(net), want);
    const NetworkSpec ds = NetworkSpec::from_yaml(
        "input_shape: [4, 3]\nlayers:\n  - type: deepsets\n    name: ds\n"
        "    phi: [{type: dense, units: 2, name: p0}]\n    rho: [{type: dense, units: 1, name: r0}]\n");
    const std::vector<std::string> want_ds = {"ds", "ds/phi/p0", "ds/rho/r0"};
    EXPECT_EQ(precision_layer_paths(ds), want_ds);
}

TEST(ArchitectureErrors, EmptyNetwork) {
    expect_error("input_shape: [4]\nlayers: []", "the network has no layers");
}
TEST(ArchitectureErrors, BadValues) {
    expect_error("input_shape: [4]\nlayers: [{type: dense, units: 0}]", "units must be >= 1");
    expect_error("input_shape: [4]\nlayers: [{type: dropout, rate: 1.5}]", "rate must be");
    expect_error("input_shape: [4]\nlayers: [{type: dense, units: many}]", "invalid value 'many'");
}
TEST(ArchitectureErrors, DeepSetsNeedsPhiAndRhoAndSets) {
    expect_error("input_shape: [8, 3]\nlayers: [{type: deepsets, phi: [{type: relu}]}]",
                 "needs both 'phi' and 'rho'");
    expect_error("input_shape: [24]\nlayers:\n  - {type: deepsets, phi: [{type: relu}], rho: "
                 "[{type: relu}]}",
                 "deepsets expects [elements, features]");
}
TEST(ArchitectureErrors, MissingInputShapeAndDuplicateNames) {
    expect_error("layers: [{type: relu}]", "missing 'input_shape'");
    expect_error("input_shape: [4]\nlayers: [{type: relu, name: a}, {type: tanh, name: a}]",
                 "used twice");
}

TEST(ArchitectureFiles, RoundTripThroughYaml) {
    const auto net = NetworkSpec::from_yaml(R"(input_shape: [8, 3]
layers:
  - type: deepsets
    aggregate: max
    phi: [{type: dense, units: 8}, {type: batchnorm, momentum: 0.8}, {type: leaky_relu, alpha: 0.1}]
    rho: [{type: dense, units: 5, use_bias: false}, {type: softmax}]
)");
    const auto again = NetworkSpec::from_yaml(net.to_yaml());
    EXPECT_EQ(again.to_yaml(), net.to_yaml());
    EXPECT_EQ(again.layers[0].phi[1].momentum, 0.8);
    EXPECT_FALSE(again.layers[0].rho[0].use_bias);
}

}  // namespace
}  // namespace snac::nn
