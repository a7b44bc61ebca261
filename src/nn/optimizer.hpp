#pragma once
// Private to nn: Adam (Kingma & Ba, arXiv:1412.6980), SGD with momentum and RMSprop, with L1/L2
// penalties on kernels (Keras convention: loss += l1 * sum|w| + l2 * sum w^2) and decoupled weight
// decay (AdamW form).
#include <vector>

#include "layer.hpp"
#include "snac/core/config/train_config.hpp"

namespace snac::nn::detail {

class Optimizer {
public:
    Optimizer(const TrainConfig& config, std::vector<Param> params);
    /// Applies one update with learning rate `lr` from the gradients in the params.
    void step(double lr);

private:
    TrainConfig config_;
    std::vector<Param> params_;
    /// First/second moments (Adam), velocity (SGD, m_), mean square (RMSprop, v_).
    std::vector<std::vector<float>> m_, v_;
    long step_ = 0;
};

}  // namespace snac::nn::detail
