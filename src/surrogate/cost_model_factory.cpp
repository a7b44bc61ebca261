// The `surrogate:` config section -> a CostModel (what the global search scores candidates with).
#include <filesystem>

#include "snac/core/error.hpp"
#include "snac/surrogate/analytical_model.hpp"
#include "snac/surrogate/cost_model.hpp"
#include "snac/surrogate/learned_model.hpp"

namespace snac::surrogate {

std::unique_ptr<CostModel> make_cost_model(const SurrogateConfig& config,
                                           const std::string& base_dir,
                                           const CheckpointLoader& load_checkpoint) {
    namespace fs = std::filesystem;
    std::string path = config.file;
    if (!path.empty() && fs::path(path).is_relative() && !base_dir.empty())
        path = (fs::path(base_dir) / path).string();
    if (config.model == SurrogateModel::kAnalytical) {
        if (path.empty()) path = default_coefficients_path();
        return std::make_unique<AnalyticalModel>(load_coefficients(path));
    }
    if (path.empty()) path = default_learned_model_path();  // the shipped one
    if (!load_checkpoint)
        throw Error("make_cost_model: no checkpoint loader for the learned model");
    if (!fs::exists(path))
        throw UsageError("learned surrogate model '" + path + "' does not exist",
                         "train one with 'snac surrogate fit --records PATH --out model.h5'");
    return std::make_unique<LearnedModel>(load_checkpoint(path));
}

}  // namespace snac::surrogate
