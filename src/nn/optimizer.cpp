#include "optimizer.hpp"

#include <cmath>

namespace snac::nn::detail {

Optimizer::Optimizer(const TrainConfig& config, std::vector<Param> params)
    : config_(config), params_(std::move(params)) {
    const bool second_moment = config_.optimizer != OptimizerKind::kSgd;
    for (const auto& p : params_) {
        m_.emplace_back(p.size, 0.0f);
        v_.emplace_back(second_moment ? p.size : 0, 0.0f);
    }
}

void Optimizer::step(double lr) {
    ++step_;
    const auto l1 = static_cast<float>(config_.l1), l2 = static_cast<float>(config_.l2);
    const OptimizerKind kind = config_.optimizer;
    constexpr double kBeta1 = 0.9, kBeta2 = 0.999;
    constexpr float kEps = 1e-8f;
    const auto t = static_cast<double>(step_);
    // Bias corrections folded into the step size (Kingma & Ba, section 2).
    const auto alpha = static_cast<float>(kind == OptimizerKind::kAdam
                                              ? lr * std::sqrt(1.0 - std::pow(kBeta2, t)) /
                                                    (1.0 - std::pow(kBeta1, t))
                                              : lr);
    const auto eps_hat = static_cast<float>(kEps * std::sqrt(1.0 - std::pow(kBeta2, t)));
    const auto mom = static_cast<float>(config_.momentum);
    const auto rho = static_cast<float>(config_.rho);
    // Decoupled weight decay (Loshchilov & Hutter, AdamW): a shrink of the weight itself, not a
    // gradient term, so Adam's and RMSprop's scaling leave it unchanged.
    const auto shrink = static_cast<float>(1.0 - lr * config_.weight_decay);
    for (std::size_t k = 0; k < params_.size(); ++k) {
        Param& p = params_[k];
        float* m = m_[k].data();
        float* v = v_[k].data();
        const bool penalty = p.decay == Decay::kApply && (l1 > 0.0f || l2 > 0.0f);
        const bool decay = p.decay == Decay::kApply && config_.weight_decay > 0.0;
        for (std::size_t i = 0; i < p.size; ++i) {
            float g = p.grad[i];
            if (penalty) {
                const float w = p.value[i];
                g += 2.0f * l2 * w + l1 * static_cast<float>((w > 0.0f) - (w < 0.0f));
            }
            if (decay) p.value[i] *= shrink;
            switch (kind) {
                case OptimizerKind::kAdam:
                    m[i] = static_cast<float>(kBeta1) * m[i] + static_cast<float>(1.0 - kBeta1) * g;
                    v[i] = static_cast<float>(kBeta2) * v[i] +
                           static_cast<float>(1.0 - kBeta2) * g * g;
                    p.value[i] -= alpha * m[i] / (std::sqrt(v[i]) + eps_hat);
                    break;
                case OptimizerKind::kSgd:
                    m[i] = mom * m[i] + g;  // PyTorch's SGD momentum form
                    p.value[i] -= alpha * m[i];
                    break;
                case OptimizerKind::kRmsprop: {
                    // Tieleman & Hinton's RMSprop in PyTorch's form (eps outside the root),
                    // without momentum as Keras and PyTorch default: `momentum` is SGD's.
                    v[i] = rho * v[i] + (1.0f - rho) * g * g;
                    p.value[i] -= alpha * g / (std::sqrt(v[i]) + kEps);
                    break;
                }
            }
        }
    }
}

}  // namespace snac::nn::detail
