#pragma once
/// Float inference of one checkpoint, many times: the network and its oneDNN primitives are built
/// once, not per call as nn::predict does (the learned surrogate scores candidates one at a time).
#include <cstdint>
#include <memory>
#include <vector>

#include "snac/core/checkpoint_data.hpp"

namespace snac::nn {

class Predictor {
public:
    /// Throws UsageError when the checkpoint's architecture or weights do not load.
    explicit Predictor(const CheckpointData& checkpoint);
    ~Predictor();
    Predictor(const Predictor&) = delete;
    Predictor& operator=(const Predictor&) = delete;
    /// Outputs for `n` samples laid out as in Dataset::x, as nn::predict. Calls are serialised:
    /// the network's activation buffers are shared between them.
    std::vector<float> operator()(const float* x, std::int64_t n) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace snac::nn
