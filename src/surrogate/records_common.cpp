#include "records_common.hpp"

#include <algorithm>

namespace snac::surrogate::detail {
namespace {

void key_of(const std::vector<nn::LayerSpec>& layers, std::string& out) {
    for (const nn::LayerSpec& l : layers) {
        out += std::string(nn::to_string(l.type));
        switch (l.type) {
            case nn::LayerType::kDense:
                out += "(" + std::to_string(l.units) + (l.use_bias ? "" : ",nobias") + ")";
                break;
            case nn::LayerType::kConv2d:
                out += "(" + std::to_string(l.filters) + "," + std::to_string(l.kernel) + "," +
                       std::to_string(l.stride) + (l.padding == nn::Padding::kSame ? ",same" : "") +
                       ")";
                break;
            case nn::LayerType::kMaxPool2d:
            case nn::LayerType::kAvgPool2d:
                out += "(" + std::to_string(l.size) + ")";
                break;
            case nn::LayerType::kDeepSets:
                out += "(" + std::string(nn::to_string(l.aggregate)) + ";phi:";
                key_of(l.phi, out);
                out += ";rho:";
                key_of(l.rho, out);
                out += ")";
                break;
            default:
                break;
        }
        out += " ";
    }
}

}  // namespace

std::string architecture_key(const nn::NetworkSpec& net) {
    std::string out = nn::shape_str(net.input_shape) + " ";
    key_of(net.layers, out);
    return out;
}

FixedType inferred_accum(const FixedType& input, const FixedType& weight, std::int64_t n_in) {
    int log2n = 0;
    while ((std::int64_t{1} << log2n) < n_in) ++log2n;
    FixedType t;
    t.width = std::min(64, input.width + weight.width + log2n + 1);
    t.integer = std::min(t.width, input.integer + weight.integer + log2n + 1);
    return t;
}

}  // namespace snac::surrogate::detail
