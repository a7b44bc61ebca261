#pragma once
// Private to nn: a whole network (its oneDNN context and its top-level layer sequence).
#include <memory>

#include "layer.hpp"

namespace snac::nn::detail {

class Network {
public:
    /// Builds every layer with weights initialised from `seed`. Throws UsageError for bad specs.
    Network(const NetworkSpec& spec, std::uint64_t seed);

    /// Output for n samples (n x out_size()), valid until the next forward.
    const float* forward(const float* x, std::int64_t n, Mode mode) {
        return seq_.forward(x, n, mode);
    }
    /// Back-propagates dL/d(output). With kSkipSoftmax, dy is the gradient with respect to the
    /// input of the trailing softmax (cross-entropy folded into the loss).
    enum class Head { kFull, kSkipSoftmax };
    void backward(const float* x, const float* dy, std::int64_t n, Head head) {
        seq_.backward(x, dy, nullptr, n, head == Head::kSkipSoftmax ? seq_.size() - 1 : seq_.size());
    }
    std::vector<Param> params() { return seq_.params(); }
    /// The top-level layer sequence (hooks, per-layer parameters and outputs).
    Sequence& sequence() { return seq_; }
    std::vector<LayerWeights> save() const;
    void load(const std::vector<LayerWeights>& weights) { seq_.load(weights, ""); }

    bool ends_with_softmax() const;
    /// True when the output is a softmax at any nesting depth (e.g. the end of a Deep Sets rho).
    bool outputs_probabilities() const;
    std::int64_t in_size() const { return numel(seq_.in_shape()); }
    std::int64_t out_size() const { return numel(seq_.out_shape()); }
    const NetworkSpec& spec() const { return spec_; }

private:
    NetworkSpec spec_;
    DnnlContext ctx_;
    Sequence seq_;
};

}  // namespace snac::nn::detail
