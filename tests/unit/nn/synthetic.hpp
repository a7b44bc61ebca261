#pragma once
// Small seeded synthetic datasets for trainer tests (real-data checks are integration tests).
#include <cmath>
#include <random>

#include "snac/core/dataset.hpp"

namespace snac::nn::testing {

/// `classes` Gaussian blobs in `features` dimensions; 60/20/20 train/val/test split.
inline Dataset blobs(std::int64_t n, std::int64_t features, std::int64_t classes,
                     std::uint64_t seed = 5) {
    Dataset d;
    d.name = "blobs";
    d.task = TaskType::kClassification;
    d.sample_shape = {features};
    d.n_samples = n;
    d.n_classes = classes;
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> noise(0.0f, 0.6f);
    for (std::int64_t i = 0; i < n; ++i) {
        const auto c = static_cast<std::int32_t>(i % classes);
        d.labels.push_back(c);
        for (std::int64_t f = 0; f < features; ++f)
            d.x.push_back((f % classes == c ? 1.5f : 0.0f) + noise(rng));
    }
    for (std::int64_t i = 0; i < n; ++i)
        (i % 5 < 3 ? d.train_idx : i % 5 == 3 ? d.val_idx : d.test_idx).push_back(i);
    return d;
}

/// Regression: 2 targets, a smooth function of 3 features.
inline Dataset regression(std::int64_t n, std::uint64_t seed = 9) {
    Dataset d;
    d.name = "regression";
    d.task = TaskType::kRegression;
    d.sample_shape = {3};
    d.n_samples = n;
    d.target_dim = 2;
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (std::int64_t i = 0; i < n; ++i) {
        const float a = u(rng), b = u(rng), c = u(rng);
        d.x.insert(d.x.end(), {a, b, c});
        d.targets.insert(d.targets.end(), {a + 0.5f * b, std::sin(c) - a * 0.3f});
    }
    for (std::int64_t i = 0; i < n; ++i)
        (i % 5 < 3 ? d.train_idx : i % 5 == 3 ? d.val_idx : d.test_idx).push_back(i);
    return d;
}

}  // namespace snac::nn::testing
