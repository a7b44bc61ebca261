#pragma once
/// `train:` section — how one candidate is trained.
#include <cstdint>
#include <string>

namespace snac {

enum class OptimizerKind { kAdam, kSgd, kRmsprop };
enum class LrSchedule { kConstant, kStep, kCosine, kExponential, kPlateau };
enum class LossKind { kAuto, kCrossEntropy, kMse };

struct TrainConfig {
    int epochs = 10;
    int batch_size = 256;
    OptimizerKind optimizer = OptimizerKind::kAdam;
    double learning_rate = 1e-3;
    double momentum = 0.9;           ///< SGD
    double rho = 0.9;                ///< RMSprop: decay of the squared-gradient average
    double l1 = 0.0;                 ///< penalty on kernels, added to the gradient
    double l2 = 0.0;                 ///< penalty on kernels, added to the gradient
    double weight_decay = 0.0;       ///< decoupled decay of kernels (AdamW form): w -= lr*wd*w
    LrSchedule schedule = LrSchedule::kConstant;
    int step_size = 10;              ///< epochs between decays (step schedule)
    double gamma = 0.1;              ///< decay factor (step, reduce_on_plateau schedules)
    double decay_rate = 0.9;         ///< exponential schedule: lr * decay_rate^epoch
    int plateau_patience = 3;        ///< reduce_on_plateau: epochs without improvement
    int early_stopping_patience = 0; ///< epochs without improvement of the validation metric; 0 = off
    LossKind loss = LossKind::kAuto; ///< auto: cross-entropy for classification, MSE for regression
    int kfold = 1;                   ///< >1: k-fold cross-validation on the training split
    int threads = 0;                 ///< oneDNN/OpenMP threads per trainer; 0 = all cores of the rank
    std::uint64_t seed = 0;          ///< 0: derived from the run seed
};

/// The section as YAML (every key written), e.g. for a checkpoint's training attribute.
std::string train_config_yaml(const TrainConfig& config);

}  // namespace snac
