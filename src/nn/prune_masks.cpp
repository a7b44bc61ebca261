// Magnitude pruning masks (see prune.hpp). Thresholds are taken by selecting the k smallest kept
// magnitudes exactly (a sort of (|w|, layer, index)), so the count pruned per step is exact and
// deterministic.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <tuple>

#include "snac/core/error.hpp"
#include "snac/nn/prune.hpp"

namespace snac::nn {
namespace {

const NamedTensor* kernel_of(const CheckpointData& ck, const std::string& layer) {
    for (const LayerWeights& lw : ck.layers)
        if (lw.layer_name == layer)
            for (const NamedTensor& t : lw.tensors)
                if (t.name == "kernel") return &t;
    return nullptr;
}

struct Candidate {
    float magnitude;
    std::size_t layer;
    std::size_t index;
};

/// Prunes the k smallest candidates (by magnitude, then layer, then index).
void prune_smallest(std::vector<Candidate>& c, std::size_t k,
                    std::vector<std::vector<float>*>& masks) {
    k = std::min(k, c.size());
    if (k == 0) return;
    auto less = [](const Candidate& a, const Candidate& b) {
        return std::tie(a.magnitude, a.layer, a.index) < std::tie(b.magnitude, b.layer, b.index);
    };
    std::nth_element(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(k - 1), c.end(), less);
    for (std::size_t i = 0; i < k; ++i) (*masks[c[i].layer])[c[i].index] = 0.0f;
}

}  // namespace

namespace {

/// Dense/conv2d kernels of a layer list, Deep Sets members by path ("<block>/phi/<name>").
void add_masks(const std::vector<LayerSpec>& layers, const std::string& prefix,
               const CheckpointData& weights, PruneMasks& out) {
    for (const LayerSpec& l : layers) {
        const std::string path = prefix + l.name;
        if (l.type == LayerType::kDeepSets) {
            add_masks(l.phi, path + "/phi/", weights, out);
            add_masks(l.rho, path + "/rho/", weights, out);
            continue;
        }
        if (l.type != LayerType::kDense && l.type != LayerType::kConv2d) continue;
        if (const NamedTensor* k = kernel_of(weights, path))
            out[path].assign(k->values.size(), 1.0f);
    }
}

}  // namespace

PruneMasks full_masks(const NetworkSpec& net, const CheckpointData& weights) {
    PruneMasks out;
    add_masks(net.layers, "", weights, out);
    if (out.empty())
        throw UsageError("the network has no dense or conv2d kernel to prune",
                         "pruning needs dense or conv2d layers (top level or inside Deep Sets)");
    return out;
}

PruneMasks prune_step(const CheckpointData& weights, const PruneMasks& current, double rate,
                      PruneScope scope) {
    if (!(rate > 0.0 && rate < 1.0)) throw std::invalid_argument("pruning rate must lie in (0, 1)");
    PruneMasks next = current;
    std::vector<std::vector<float>*> masks;
    std::vector<const NamedTensor*> kernels;
    for (auto& [name, m] : next) {
        const NamedTensor* k = kernel_of(weights, name);
        if (k == nullptr || k->values.size() != m.size())
            throw UsageError(
                "no kernel of " + std::to_string(m.size()) + " values for layer '" + name + "'",
                "the masks do not belong to this checkpoint");
        masks.push_back(&m);
        kernels.push_back(k);
    }
    std::vector<Candidate> all;
    for (std::size_t l = 0; l < masks.size(); ++l) {
        std::vector<Candidate> layer;
        for (std::size_t i = 0; i < masks[l]->size(); ++i)
            if ((*masks[l])[i] != 0.0f) layer.push_back({std::fabs(kernels[l]->values[i]), l, i});
        if (scope == PruneScope::kPerLayer) {
            const auto k =
                static_cast<std::size_t>(std::llround(rate * static_cast<double>(layer.size())));
            prune_smallest(layer, k, masks);
        } else {
            all.insert(all.end(), layer.begin(), layer.end());
        }
    }
    if (scope == PruneScope::kGlobal)
        prune_smallest(
            all, static_cast<std::size_t>(std::llround(rate * static_cast<double>(all.size()))),
            masks);
    return next;
}

double sparsity(const PruneMasks& masks) {
    double total = 0.0, zeros = 0.0;
    for (const auto& [name, m] : masks) {
        total += static_cast<double>(m.size());
        zeros += static_cast<double>(std::count(m.begin(), m.end(), 0.0f));
    }
    return total > 0.0 ? zeros / total : 0.0;
}

PruneMasks masks_from_checkpoint(const CheckpointData& weights) {
    PruneMasks out;
    for (const LayerWeights& lw : weights.layers)
        for (const NamedTensor& t : lw.tensors)
            if (t.name == "kernel_mask") out[lw.layer_name] = t.values;
    return out;
}

}  // namespace snac::nn
