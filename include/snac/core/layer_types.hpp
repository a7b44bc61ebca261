#pragma once
/// The layer vocabulary: every layer type snac knows, its architecture-file spelling, the keys it
/// takes and its role. The network spec (nn), the search-space families (search), the surrogate
/// and the HLS emitter all read this one table (docs/architecture.md#add-a-layer-type).
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace snac {

enum class LayerType {
    kDense,
    kBatchNorm,
    kRelu,
    kLeakyRelu,
    kTanh,
    kSigmoid,
    kSoftmax,
    kIdentity,
    kDropout,
    kConv2d,
    kConvAttention,
    kMaxPool2d,
    kAvgPool2d,
    kFlatten,
    kDeepSets,
    kGelu,
    kLayerNorm
};

/// What a layer does, as the search families and the hardware mappings group them.
enum class LayerRole {
    kWeighted,        ///< has a kernel: dense, conv2d, conv_attention
    kNormalization,   ///< batchnorm, layernorm
    kActivation,      ///< element-wise or row-wise non-linearity
    kPooling,         ///< spatial pooling windows
    kShape,           ///< identity, flatten: no arithmetic
    kRegularization,  ///< dropout: identity at inference
    kContainer,       ///< deepsets: nests phi and rho layer lists
};

struct LayerTypeInfo {
    LayerType type;
    std::string_view name;  ///< architecture-file spelling, e.g. "conv2d"
    LayerRole role;
    std::span<const std::string_view> keys;     ///< accepted keys besides `type` and `name`
    std::span<const std::string_view> aliases;  ///< other spellings of search genes ("convattn")
    std::string_view doc;                       ///< one line for the docs and error hints
};

/// Every layer type, in the order of the enum.
std::span<const LayerTypeInfo> layer_types() noexcept;
const LayerTypeInfo& layer_info(LayerType type) noexcept;
/// Exact architecture-file spelling; nullptr when unknown.
const LayerTypeInfo* find_layer_type(std::string_view name) noexcept;
/// A search gene's value: the spelling or an alias, case-insensitive ("ReLU", "LeakyReLU",
/// "ConvAttn"); nullptr when unknown.
const LayerTypeInfo* find_layer_gene(std::string_view value) noexcept;
/// "dense, batchnorm, ..." of every type (or of one role), for error hints.
std::string layer_type_list(std::optional<LayerRole> role = std::nullopt);

std::string_view to_string(LayerType type) noexcept;  ///< YAML spelling, e.g. "conv2d"

}  // namespace snac
