#include "loss.hpp"

#include <algorithm>
#include <cmath>

namespace snac::nn::detail {

double cross_entropy(const float* out, const std::int32_t* labels, std::int64_t n,
                     std::int64_t classes, OutputKind kind, float* grad) {
    double total = 0.0;
    const float inv_n = 1.0f / static_cast<float>(n);
    for (std::int64_t b = 0; b < n; ++b) {
        const float* o = out + b * classes;
        float* g = grad ? grad + b * classes : nullptr;
        const std::int32_t y = labels[b];
        if (kind == OutputKind::kNestedProbabilities) {
            const double p = std::max(static_cast<double>(o[y]), 1e-12);
            total -= std::log(p);
            if (g) {
                std::fill(g, g + classes, 0.0f);
                g[y] = static_cast<float>(-1.0 / p) * inv_n;
            }
            continue;
        }
        if (kind == OutputKind::kProbabilities) {
            // d(-log p_y)/d(logits) = p - onehot(y): the softmax Jacobian folds into the loss.
            total -= std::log(std::max(static_cast<double>(o[y]), 1e-12));
            if (g)
                for (std::int64_t c = 0; c < classes; ++c)
                    g[c] = (o[c] - (c == y ? 1.0f : 0.0f)) * inv_n;
            continue;
        }
        const float mx = *std::max_element(o, o + classes);
        double sum = 0.0;
        for (std::int64_t c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(o[c] - mx));
        const double log_z = std::log(sum) + mx;
        total += log_z - o[y];
        if (g)
            for (std::int64_t c = 0; c < classes; ++c)
                g[c] = (static_cast<float>(std::exp(o[c] - log_z)) - (c == y ? 1.0f : 0.0f)) *
                       inv_n;
    }
    return total;
}

double mean_squared_error(const float* out, const float* targets, std::int64_t n,
                          std::int64_t dim, float* grad) {
    double total = 0.0;
    const float scale = 2.0f / static_cast<float>(n * dim);
    for (std::int64_t i = 0; i < n * dim; ++i) {
        const float d = out[i] - targets[i];
        total += static_cast<double>(d) * d;
        if (grad) grad[i] = scale * d;
    }
    return total / static_cast<double>(dim);
}

std::int64_t correct_count(const float* out, const std::int32_t* labels, std::int64_t n,
                           std::int64_t classes) {
    std::int64_t correct = 0;
    for (std::int64_t b = 0; b < n; ++b) {
        const float* o = out + b * classes;
        correct += (std::max_element(o, o + classes) - o) == labels[b];
    }
    return correct;
}

double distance_sum(const float* out, const float* targets, std::int64_t n, std::int64_t dim) {
    double total = 0.0;
    for (std::int64_t b = 0; b < n; ++b) {
        double s = 0.0;
        for (std::int64_t j = 0; j < dim; ++j) {
            const double d = out[b * dim + j] - targets[b * dim + j];
            s += d * d;
        }
        total += std::sqrt(s);
    }
    return total;
}

}  // namespace snac::nn::detail
