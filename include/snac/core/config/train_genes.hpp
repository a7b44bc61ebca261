#pragma once
/// The training settings a search-space `training:` gene may set, in one table
/// (src/core/config/train_genes.cpp). The sampler's genome reaches the trainer as gene texts and
/// apply_train_gene() turns each into a TrainConfig field, numbers and words alike
/// (`optimizer: [adam, sgd]` works like `learning_rate: {float: [...]}`). A new training setting
/// is one row.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "snac/core/config/train_config.hpp"

namespace snac {

struct TrainGene {
    std::string_view name;  ///< gene name in `search_space.training`
    std::string_view doc;   ///< one line for docs/config.md
    /// Sets the field from the gene's text; returns "" or what is wrong with the value.
    std::string (*apply)(TrainConfig& config, std::string_view text);
};

/// Every training gene, in docs order.
std::span<const TrainGene> train_genes();
/// The row of `name`, or nullptr.
const TrainGene* find_train_gene(std::string_view name);
/// Names of all training genes (for did-you-mean hints).
std::vector<std::string> train_gene_names();
/// Applies gene `name` = `text` to `config`. Throws UsageError for an unknown name or a value
/// the setting cannot take.
void apply_train_gene(TrainConfig& config, std::string_view name, std::string_view text);

/// Names of the optimizer and schedule enums, shared by the `train:` parser and the genes.
std::string_view to_string(OptimizerKind k) noexcept;
std::string_view to_string(LrSchedule s) noexcept;
std::span<const std::pair<std::string_view, OptimizerKind>> optimizer_names() noexcept;
std::span<const std::pair<std::string_view, LrSchedule>> schedule_names() noexcept;

}  // namespace snac
