#pragma once
/// A network as plain data: the architecture-file vocabulary every stage agrees on
/// (docs/architecture-files.md). Reads from and writes to YAML; validates and infers shapes.
#include <cstdint>
#include <string>
#include <vector>

#include "snac/core/layer_types.hpp"

namespace snac::nn {

// The layer vocabulary is core's (one table for nn, search, surrogate and hls).
using snac::LayerType;
using snac::to_string;

enum class Padding { kValid, kSame };
enum class Aggregate { kMean, kMax, kSum };

using Shape = std::vector<std::int64_t>;

struct LayerSpec {
    LayerType type = LayerType::kIdentity;
    std::string name;            ///< unique; generated as <type>_<k> when not given
    // dense
    std::int64_t units = 0;
    bool use_bias = true;
    // batchnorm
    double momentum = 0.9;
    double epsilon = 1e-3;
    // leaky_relu
    double alpha = 0.3;
    // dropout
    double rate = 0.0;
    // conv2d
    std::int64_t filters = 0;
    std::int64_t kernel = 3;
    std::int64_t stride = 1;
    Padding padding = Padding::kValid;
    // conv_attention
    std::int64_t hidden = 0;
    // pooling
    std::int64_t size = 2;
    // deepsets
    Aggregate aggregate = Aggregate::kMean;
    std::vector<LayerSpec> phi;  ///< applied to each element
    std::vector<LayerSpec> rho;  ///< applied after pooling over elements
};

struct NetworkSpec {
    Shape input_shape;             ///< one sample: [F], [C,H,W], or [elements, features]
    std::vector<LayerSpec> layers;

    /// Parses an architecture file's text. Throws UsageError naming the layer (index, type, name)
    /// for unknown types or keys, bad values, shapes that do not fit, and empty networks.
    static NetworkSpec from_yaml(const std::string& text, const std::string& source = "<text>");
    static NetworkSpec load(const std::string& path);
    /// Canonical YAML (deterministic; every key that differs from its default, one layer a line).
    std::string to_yaml() const;
};

/// Output shape of every top-level layer (index i = after layers[i]). Validates the network.
std::vector<Shape> infer_shapes(const NetworkSpec& net);
/// Output shape of a sequence of layers applied to `input`; `where` prefixes error messages.
Shape infer_sequence(const std::vector<LayerSpec>& layers, const Shape& input,
                     const std::string& where = "");
/// The network's output shape.
Shape output_shape(const NetworkSpec& net);
/// Every name a per-layer precision may use (hls_settings `layers:`): each layer, Deep Sets
/// members as "<deepsets>/phi/<name>" and "<deepsets>/rho/<name>", and a ConvAttn block's parts
/// "<block>/query", "/key", "/value", "/softmax", "/proj" (the FixedModel's own paths).
std::vector<std::string> precision_layer_paths(const NetworkSpec& net);

/// Values a layer norm normalises together (its gamma/beta length): the last axis of [F] or
/// [rows, F]; all C·H·W values of a [C, H, W] sample (PyTorch's LayerNorm([C, H, W]), the form
/// NAC's convolutional blocks use).
std::int64_t layernorm_group(const Shape& in);

std::string_view to_string(Aggregate a) noexcept;     ///< "mean" | "max" | "sum"
std::string shape_str(const Shape& shape);            ///< "[8, 3]"

}  // namespace snac::nn
