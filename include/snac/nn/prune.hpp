#pragma once
/// Iterative magnitude pruning (Han et al., arXiv:1506.02626; Frankle & Carbin, arXiv:1803.03635):
/// masks over the kernels of dense and conv2d layers, Deep Sets members included by path (biases
/// and batch norm are never pruned). A step removes a fraction of the *remaining* weights with the
/// smallest magnitudes, with one threshold across layers (global) or one per layer.
/// TrainOptions::masks keeps them.
#include <map>
#include <string>
#include <vector>

#include "snac/core/checkpoint_data.hpp"
#include "snac/nn/network_spec.hpp"

namespace snac::nn {

enum class PruneScope { kGlobal, kPerLayer };

/// Kernel masks by layer name: 1 keeps a weight, 0 prunes it; kernel layout.
using PruneMasks = std::map<std::string, std::vector<float>>;

/// All-ones masks for every prunable kernel of `net` found in `weights`.
PruneMasks full_masks(const NetworkSpec& net, const CheckpointData& weights);

/// One pruning step: of the weights still kept, round(rate · kept) with the smallest |w| are
/// pruned (per layer with kPerLayer, across all layers with kGlobal; ties go to the lower index,
/// layers in name order). rate must lie in (0, 1).
PruneMasks prune_step(const CheckpointData& weights, const PruneMasks& current, double rate,
                      PruneScope scope);

/// Fraction of masked weights over all masked kernels (0 for no masks).
double sparsity(const PruneMasks& masks);

/// The masks stored in a checkpoint (`kernel_mask` tensors), by layer name.
PruneMasks masks_from_checkpoint(const CheckpointData& weights);

}  // namespace snac::nn
