#pragma once
// The MLPs a global search over the benchmark space draws (16 inputs, 1-6 hidden dense+relu layers
// of 8-128 units, a 5-unit head), shared by the surrogate benchmarks and the estimator tests so
// they score the same candidates. The draw order is part of the contract: a fixed seed gives the
// same networks everywhere (test_estimator relies on candidate 30 of seed 42).
#include <cstdint>
#include <random>
#include <string>

#include "snac/nn/network_spec.hpp"

namespace snac::test_support {

/// Uniform integer in [lo, hi] drawn with one rng() call.
inline int draw_int(std::mt19937_64& rng, int lo, int hi) {
    return lo + static_cast<int>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
}

inline nn::NetworkSpec random_mlp(std::mt19937_64& rng) {
    static constexpr int kWidths[] = {8, 16, 32, 64, 128};
    nn::NetworkSpec net;
    net.input_shape = {16};
    const int depth = draw_int(rng, 1, 6);
    for (int l = 0; l < depth; ++l) {
        nn::LayerSpec d;
        d.type = nn::LayerType::kDense;
        d.name = "dense_" + std::to_string(l);
        d.units = kWidths[draw_int(rng, 0, 4)];
        net.layers.push_back(d);
        nn::LayerSpec r;
        r.type = nn::LayerType::kRelu;
        r.name = "relu_" + std::to_string(l);
        net.layers.push_back(r);
    }
    nn::LayerSpec head;
    head.type = nn::LayerType::kDense;
    head.name = "head";
    head.units = 5;
    net.layers.push_back(head);
    return net;
}

}  // namespace snac::test_support
