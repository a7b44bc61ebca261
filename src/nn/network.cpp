#include "network.hpp"

namespace snac::nn::detail {

Network::Network(const NetworkSpec& spec, std::uint64_t seed)
    : spec_((infer_shapes(spec), spec)), seq_(spec_.layers, spec_.input_shape, ctx_, seed) {}

std::vector<LayerWeights> Network::save() const {
    std::vector<LayerWeights> out;
    seq_.save(out, "");
    return out;
}

bool Network::ends_with_softmax() const {
    return seq_.layer(seq_.size() - 1).spec().type == LayerType::kSoftmax;
}

bool Network::outputs_probabilities() const {
    const LayerSpec* last = &spec_.layers.back();
    while (last->type == LayerType::kDeepSets) last = &last->rho.back();
    return last->type == LayerType::kSoftmax;
}

}  // namespace snac::nn::detail
