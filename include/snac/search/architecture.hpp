#pragma once
/// Built-in families turn a genome into an architecture file (the `nn` vocabulary,
/// docs/architecture-files.md) and apply training genes to a TrainConfig.
#include <cstdint>
#include <map>
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

/// Every value of the space (categorical choices and `fixed` settings) that the family reads as
/// an activation, a normalisation or a block type and the layer vocabulary cannot build: a
/// ConfigError listing each, thrown before any candidate is built (`snac config check`, the
/// start of every search). `file` names the config in the messages.
void check_vocabulary(const SearchSpace& space, const std::string& file);

/// The genome's training genes (the space's `training:` parameters) as texts, the form in which
/// they travel to the trainer.
std::map<std::string, std::string> training_genes(const SearchSpace& space, const Genome& genome);
/// Applies training genes to `train`, numbers and words alike, through the one table of
/// snac/core/config/train_genes.hpp. Throws UsageError for a gene the table does not know.
void apply_training_genes(const std::map<std::string, std::string>& genes, TrainConfig& train);

}  // namespace snac::search
