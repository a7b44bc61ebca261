#pragma once
// Networks with seeded random weights (named as snac's trainer names them) for HLS tests.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "snac/core/checkpoint_data.hpp"
#include "snac/nn/network_spec.hpp"

namespace snac::hls::testing {

inline void add_layer_weights(const nn::LayerSpec& l, const nn::Shape& in, const std::string& path,
                              std::mt19937_64& rng, CheckpointData& ck) {
    auto tensor = [&](const std::string& name, nn::Shape shape, double lo, double hi) {
        std::int64_t n = 1;
        for (auto d : shape) n *= d;
        std::uniform_real_distribution<double> u(lo, hi);
        NamedTensor t{name, shape, {}};
        for (std::int64_t i = 0; i < n; ++i) t.values.push_back(static_cast<float>(u(rng)));
        return t;
    };
    LayerWeights lw{path, std::string(nn::to_string(l.type)), {}};
    switch (l.type) {
        case nn::LayerType::kDense: {
            const double s = 1.0 / std::sqrt(static_cast<double>(in[0]));
            lw.tensors.push_back(tensor("kernel", {in[0], l.units}, -1.5 * s, 1.5 * s));
            if (l.use_bias) lw.tensors.push_back(tensor("bias", {l.units}, -0.2, 0.2));
            break;
        }
        case nn::LayerType::kConv2d: {
            const double s = 1.0 / std::sqrt(static_cast<double>(in[0] * l.kernel * l.kernel));
            lw.tensors.push_back(
                tensor("kernel", {l.filters, in[0], l.kernel, l.kernel}, -1.5 * s, 1.5 * s));
            if (l.use_bias) lw.tensors.push_back(tensor("bias", {l.filters}, -0.2, 0.2));
            break;
        }
        case nn::LayerType::kBatchNorm:
            lw.tensors.push_back(tensor("gamma", {in[0]}, 0.5, 1.5));
            lw.tensors.push_back(tensor("beta", {in[0]}, -0.3, 0.3));
            lw.tensors.push_back(tensor("moving_mean", {in[0]}, -0.5, 0.5));
            lw.tensors.push_back(tensor("moving_variance", {in[0]}, 0.5, 2.0));
            break;
        case nn::LayerType::kLayerNorm:
            lw.tensors.push_back(tensor("gamma", {nn::layernorm_group(in)}, 0.5, 1.5));
            lw.tensors.push_back(tensor("beta", {nn::layernorm_group(in)}, -0.3, 0.3));
            break;
        case nn::LayerType::kConvAttention: {
            const double s = 1.0 / std::sqrt(static_cast<double>(in[0]));
            for (const char* part : {"query", "key", "value"}) {
                lw.tensors.push_back(
                    tensor(std::string(part) + "_kernel", {in[0], l.hidden}, -1.5 * s, 1.5 * s));
                lw.tensors.push_back(tensor(std::string(part) + "_bias", {l.hidden}, -0.2, 0.2));
            }
            const double sp = 1.0 / std::sqrt(static_cast<double>(l.hidden));
            lw.tensors.push_back(tensor("proj_kernel", {l.hidden, in[0]}, -1.5 * sp, 1.5 * sp));
            lw.tensors.push_back(tensor("proj_bias", {in[0]}, -0.2, 0.2));
            break;
        }
        case nn::LayerType::kDeepSets: {
            nn::Shape cur{in[1]};
            for (const auto& p : l.phi) {
                add_layer_weights(p, cur, path + "/phi/" + p.name, rng, ck);
                cur = nn::infer_sequence({p}, cur);
            }
            for (const auto& r : l.rho) {
                add_layer_weights(r, cur, path + "/rho/" + r.name, rng, ck);
                cur = nn::infer_sequence({r}, cur);
            }
            return;
        }
        default:
            return;
    }
    ck.layers.push_back(std::move(lw));
}

/// A checkpoint for `net` with uniform random weights from `seed`.
inline CheckpointData random_checkpoint(const nn::NetworkSpec& net, std::uint64_t seed) {
    CheckpointData ck;
    ck.architecture_yaml = net.to_yaml();
    std::mt19937_64 rng(seed);
    nn::Shape cur = net.input_shape;
    for (const auto& l : net.layers) {
        add_layer_weights(l, cur, l.name, rng, ck);
        cur = nn::infer_sequence({l}, cur);
    }
    return ck;
}

/// n samples of uniform random inputs in [lo, hi).
inline std::vector<float> random_inputs(std::int64_t n, std::int64_t size, std::uint64_t seed,
                                        double lo = -2.0, double hi = 2.0) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<float> x(static_cast<std::size_t>(n * size));
    for (auto& v : x) v = static_cast<float>(u(rng));
    return x;
}

}  // namespace snac::hls::testing
