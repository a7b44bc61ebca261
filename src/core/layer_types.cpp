// The one table of layer types (include/snac/core/layer_types.hpp). Adding a layer type starts
// with a row here; docs/architecture.md#add-a-layer-type lists the other files.
#include "snac/core/layer_types.hpp"

#include <array>
#include <cctype>

namespace snac {
namespace {

using K = std::string_view;
constexpr K kNone[] = {""};
constexpr std::span<const K> none() {
    return std::span<const K>(kNone, 0);
}

constexpr K kDenseKeys[] = {"units", "use_bias"};
constexpr K kBatchNormKeys[] = {"momentum", "epsilon"};
constexpr K kBatchNormAliases[] = {"batch", "bn", "batch_norm"};
constexpr K kLayerNormKeys[] = {"epsilon"};
constexpr K kLayerNormAliases[] = {"layer_norm", "ln", "layer"};
constexpr K kLeakyKeys[] = {"alpha"};
constexpr K kLeakyAliases[] = {"leakyrelu"};
constexpr K kIdentityAliases[] = {"none", "null", "linear", "~", ""};
constexpr K kDropoutKeys[] = {"rate"};
constexpr K kConvKeys[] = {"filters", "kernel", "stride", "padding", "use_bias"};
constexpr K kConvAliases[] = {"conv"};
constexpr K kAttnKeys[] = {"hidden"};
constexpr K kAttnAliases[] = {"convattn"};
constexpr K kPoolKeys[] = {"size"};
constexpr K kDeepSetsKeys[] = {"aggregate", "phi", "rho"};

constexpr std::array<LayerTypeInfo, 17> kTable{{
    {LayerType::kDense, "dense", LayerRole::kWeighted, kDenseKeys, none(),
     "fully connected: y = x W + b"},
    {LayerType::kBatchNorm, "batchnorm", LayerRole::kNormalization, kBatchNormKeys,
     kBatchNormAliases, "batch normalisation (folded to scale and bias for inference)"},
    {LayerType::kRelu, "relu", LayerRole::kActivation, none(), none(), "max(x, 0)"},
    {LayerType::kLeakyRelu, "leaky_relu", LayerRole::kActivation, kLeakyKeys, kLeakyAliases,
     "x if x > 0 else alpha x"},
    {LayerType::kTanh, "tanh", LayerRole::kActivation, none(), none(), "hyperbolic tangent"},
    {LayerType::kSigmoid, "sigmoid", LayerRole::kActivation, none(), none(), "logistic"},
    {LayerType::kSoftmax, "softmax", LayerRole::kActivation, none(), none(),
     "softmax over a 1-D input"},
    {LayerType::kIdentity, "identity", LayerRole::kShape, none(), kIdentityAliases, "no operation"},
    {LayerType::kDropout, "dropout", LayerRole::kRegularization, kDropoutKeys, none(),
     "dropout while training, identity at inference"},
    {LayerType::kConv2d, "conv2d", LayerRole::kWeighted, kConvKeys, kConvAliases,
     "2-D convolution, channels first"},
    {LayerType::kConvAttention, "conv_attention", LayerRole::kWeighted, kAttnKeys, kAttnAliases,
     "NAC ConvAttn block: 1x1 Q/K/V, attention over positions, 1x1 projection, skip"},
    {LayerType::kMaxPool2d, "maxpool2d", LayerRole::kPooling, kPoolKeys, none(),
     "max pooling, size x size windows"},
    {LayerType::kAvgPool2d, "avgpool2d", LayerRole::kPooling, kPoolKeys, none(),
     "average pooling, size x size windows"},
    {LayerType::kFlatten, "flatten", LayerRole::kShape, none(), none(), "[C, H, W] -> [C*H*W]"},
    {LayerType::kDeepSets, "deepsets", LayerRole::kContainer, kDeepSetsKeys, none(),
     "phi per set element, aggregate (mean/max/sum), rho"},
    {LayerType::kGelu, "gelu", LayerRole::kActivation, none(), none(),
     "x * Phi(x), the exact (erf) form"},
    {LayerType::kLayerNorm, "layernorm", LayerRole::kNormalization, kLayerNormKeys,
     kLayerNormAliases, "layer normalisation over the last axis (gamma, beta per feature)"},
}};

constexpr bool table_in_enum_order() {
    for (std::size_t i = 0; i < kTable.size(); ++i)
        if (static_cast<std::size_t>(kTable[i].type) != i) return false;
    return true;
}
static_assert(table_in_enum_order(), "kTable rows must follow the LayerType enum order");

bool same_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

}  // namespace

std::span<const LayerTypeInfo> layer_types() noexcept {
    return kTable;
}

const LayerTypeInfo& layer_info(LayerType type) noexcept {
    return kTable[static_cast<std::size_t>(type)];
}

const LayerTypeInfo* find_layer_type(std::string_view name) noexcept {
    for (const LayerTypeInfo& info : kTable)
        if (info.name == name) return &info;
    return nullptr;
}

const LayerTypeInfo* find_layer_gene(std::string_view value) noexcept {
    for (const LayerTypeInfo& info : kTable) {
        if (same_ignoring_case(info.name, value)) return &info;
        for (std::string_view alias : info.aliases)
            if (same_ignoring_case(alias, value)) return &info;
    }
    return nullptr;
}

std::string layer_type_list(std::optional<LayerRole> role) {
    std::string out;
    for (const LayerTypeInfo& info : kTable) {
        if (role && info.role != *role) continue;
        out += (out.empty() ? "" : ", ") + std::string(info.name);
    }
    return out;
}

std::string_view to_string(LayerType type) noexcept {
    return layer_info(type).name;
}

}  // namespace snac
