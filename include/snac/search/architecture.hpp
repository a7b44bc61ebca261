#pragma once
/// Built-in families turn a genome into an architecture file (the `nn` vocabulary,
/// docs/architecture-files.md) and apply training genes to a TrainConfig.
#include <cstdint>
#include <string>
#include <vector>

#include "snac/core/config/train_config.hpp"
#include "snac/search/space.hpp"

namespace snac::search {

enum class TaskKind { kClassification, kRegression };

/// What the dataset fixes about every candidate network.
struct ArchitectureContext {
    std::vector<std::int64_t> input_shape;  ///< one sample: [F], [C, H, W] or [elements, features]
    std::int64_t outputs = 1;               ///< classes or regression targets
    TaskKind task = TaskKind::kClassification;
};

/// The architecture-file YAML text (input_shape + layers) of `genome` in `space`'s family.
/// Gene names per family are listed in docs/search.md. Throws UsageError for genomes the family
/// cannot build (e.g. a conv family on a 1-D input).
std::string build_architecture(const SearchSpace& space, const Genome& genome,
                               const ArchitectureContext& context);

/// Overrides `train` with the genome's training genes (learning_rate, l1, l2, batch_size,
/// momentum, epochs); other genes are left alone.
void apply_training_genes(const Genome& genome, TrainConfig& train);

}  // namespace snac::search
