// The training-gene table. A row = a gene name and how its text sets a TrainConfig field.
#include "snac/core/config/train_genes.hpp"

#include <array>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "snac/core/error.hpp"
#include "snac/core/suggest.hpp"

namespace snac {
namespace {

// The names of the closed training settings: the genes below, the `train:` parser and emitter.
constexpr std::array<std::pair<std::string_view, OptimizerKind>, 3> kOptimizers{{
    {"adam", OptimizerKind::kAdam},
    {"sgd", OptimizerKind::kSgd},
    {"rmsprop", OptimizerKind::kRmsprop},
}};
constexpr std::array<std::pair<std::string_view, LrSchedule>, 5> kSchedules{{
    {"constant", LrSchedule::kConstant},
    {"step", LrSchedule::kStep},
    {"cosine", LrSchedule::kCosine},
    {"exponential", LrSchedule::kExponential},
    {"reduce_on_plateau", LrSchedule::kPlateau},
}};

std::string number(std::string_view text, double& out) {
    const std::string s(text);
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || !std::isfinite(out)) return "'" + s + "' is not a number";
    return {};
}

template <double TrainConfig::*F>
std::string real(TrainConfig& c, std::string_view text) {
    return number(text, c.*F);
}

template <int TrainConfig::*F>
std::string whole(TrainConfig& c, std::string_view text) {
    double v = 0.0;
    if (auto err = number(text, v); !err.empty()) return err;
    if (v < 1.0 || v > 1e9) return "'" + std::string(text) + "' is not a positive whole number";
    c.*F = static_cast<int>(std::lround(v));
    return {};
}

template <class E, std::size_t N, E TrainConfig::*F>
std::string word(TrainConfig& c, std::string_view text,
                 const std::array<std::pair<std::string_view, E>, N>& names) {
    std::string list;
    for (const auto& [name, value] : names) {
        if (name == text) {
            c.*F = value;
            return {};
        }
        list += (list.empty() ? "" : ", ") + std::string(name);
    }
    return "'" + std::string(text) + "' is not one of " + list;
}

// clang-format off
constexpr std::array<TrainGene, 16> kGenes{{
    {"learning_rate", "initial learning rate", real<&TrainConfig::learning_rate>},
    {"lr", "alias of learning_rate", real<&TrainConfig::learning_rate>},
    {"l1", "L1 penalty on weights", real<&TrainConfig::l1>},
    {"l2", "L2 penalty on weights", real<&TrainConfig::l2>},
    {"weight_decay", "decoupled weight decay of kernels (AdamW form)",
     real<&TrainConfig::weight_decay>},
    {"momentum", "SGD momentum", real<&TrainConfig::momentum>},
    {"rho", "RMSprop squared-gradient decay", real<&TrainConfig::rho>},
    {"batch_size", "samples per batch", whole<&TrainConfig::batch_size>},
    {"epochs", "passes over the training split", whole<&TrainConfig::epochs>},
    {"step_size", "epochs between decays (step schedule)", whole<&TrainConfig::step_size>},
    {"gamma", "decay factor (step and reduce_on_plateau schedules)", real<&TrainConfig::gamma>},
    {"decay_rate", "per-epoch factor (exponential schedule)", real<&TrainConfig::decay_rate>},
    {"plateau_patience", "epochs without improvement before a decay (reduce_on_plateau)",
     whole<&TrainConfig::plateau_patience>},
    {"early_stopping_patience", "epochs without improvement before stopping",
     [](TrainConfig& c, std::string_view t) {
         double v = 0.0;
         if (auto err = number(t, v); !err.empty()) return err;
         c.early_stopping_patience = static_cast<int>(std::lround(v));
         return std::string();
     }},
    {"optimizer", "adam, sgd or rmsprop",
     [](TrainConfig& c, std::string_view t) {
         return word<OptimizerKind, 3, &TrainConfig::optimizer>(c, t, kOptimizers);
     }},
    {"schedule", "learning-rate schedule: constant, step, cosine, exponential or reduce_on_plateau",
     [](TrainConfig& c, std::string_view t) {
         return word<LrSchedule, 5, &TrainConfig::schedule>(c, t, kSchedules);
     }},
}};
// clang-format on

}  // namespace

std::span<const TrainGene> train_genes() { return kGenes; }

const TrainGene* find_train_gene(std::string_view name) {
    for (const TrainGene& g : kGenes)
        if (g.name == name) return &g;
    return nullptr;
}

std::vector<std::string> train_gene_names() {
    std::vector<std::string> out;
    for (const TrainGene& g : kGenes) out.emplace_back(g.name);
    return out;
}

void apply_train_gene(TrainConfig& config, std::string_view name, std::string_view text) {
    const TrainGene* g = find_train_gene(name);
    if (!g) {
        std::string hint = "training genes: ";
        for (const auto& n : train_gene_names()) hint += n + " ";
        if (auto close = did_you_mean(name, train_gene_names()); !close.empty())
            hint = "did you mean '" + close + "'? " + hint;
        throw UsageError("'" + std::string(name) + "' is not a training setting", hint);
    }
    if (auto err = g->apply(config, text); !err.empty())
        throw UsageError("training gene '" + std::string(name) + "': " + err);
}

std::string_view to_string(OptimizerKind k) noexcept {
    for (const auto& [n, v] : kOptimizers)
        if (v == k) return n;
    return "?";
}

std::string_view to_string(LrSchedule s) noexcept {
    for (const auto& [n, v] : kSchedules)
        if (v == s) return n;
    return "?";
}

std::span<const std::pair<std::string_view, OptimizerKind>> optimizer_names() noexcept {
    return kOptimizers;
}

std::span<const std::pair<std::string_view, LrSchedule>> schedule_names() noexcept {
    return kSchedules;
}

}  // namespace snac
