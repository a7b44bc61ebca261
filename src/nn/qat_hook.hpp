#pragma once
// Private to nn: quantization-aware training inside the float training path. The hook applies the
// casts of the lowered FixedModel layer by layer: weights and biases are kept as float masters and
// written into the layers quantized (straight-through estimator: the gradient of the quantized
// weight updates the master; Courbariaux et al., arXiv:1511.00363; Jacob et al., arXiv:1712.05877);
// dense/conv results are cast to their result type after the float sum; every other layer
// (activations with their lookup tables, softmax, batch norm, pooling) is computed by FixedModel
// itself on the raw words, so both share one arithmetic. Pruning masks are applied here too.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "network.hpp"
#include "snac/core/hls_settings.hpp"
#include "snac/nn/fixed_model.hpp"

namespace snac::nn::detail {

class FloatCast;  // qat_cast.hpp

/// Kernel masks by layer name (1 keeps a weight, 0 prunes it), same layout as the kernel.
using MaskMap = std::map<std::string, std::vector<float>>;

class QatHook final : public SequenceHook {
public:
    /// `settings` null: no quantization (masks only). `masks` may be null. Lowers the network
    /// as it is now (batch-norm statistics are frozen from here on under QAT).
    QatHook(Network& net, const HlsSettings* settings, const MaskMap* masks);
    ~QatHook() override;
    QatHook(const QatHook&) = delete;
    QatHook& operator=(const QatHook&) = delete;

    /// The parameters the optimizer updates: the float masters of quantized/masked tensors,
    /// the layers' own storage otherwise.
    std::vector<Param> optimizer_params() { return params_; }
    /// Straight-through gradients of the masters: zero beyond a saturating weight type's range
    /// and for pruned weights. Call after backward, before the optimizer step.
    void before_step();
    /// Masks the masters and writes the quantized values into the layers. Call after each
    /// optimizer step (and once at construction).
    void after_step();
    /// The network's weights with the float masters in place of the quantized values (the layer
    /// storage is restored afterwards).
    std::vector<LayerWeights> save_masters();
    /// The network input cast to input_t (n samples); returns `x` unchanged without QAT.
    const float* input(const float* x, std::int64_t n);

    Mode layer_mode(std::size_t i, Mode mode) override;
    void after_forward(std::size_t i, const float* x, float* y, std::int64_t n, Mode mode) override;
    bool before_backward(std::size_t i, const float* x, float* dy, float* dx,
                         std::int64_t n) override;

private:
    struct Quantized;  // per-tensor master, type, mask
    struct Step;       // per layer: what after_forward / before_backward do

    /// Lowers the network's current weights again and replaces the FixedModel copies of the
    /// Deep Sets and ConvAttn blocks (their parameters train in float inside the block).
    void refresh_blocks();
    /// Folds a batch-norm step's current γ/β into its FixedModel layer and dx scale.
    static void refold_batchnorm(Step& s);
    /// Masks the master and writes it, quantized, into the layer's storage.
    static void write(Quantized& q);

    Network& net_;
    bool quantize_ = false;
    HlsSettings settings_;
    std::vector<std::size_t> refresh_;  ///< sequence indices of blocks to re-lower per step
    std::optional<FixedModel> model_;
    std::vector<std::unique_ptr<Quantized>> tensors_;
    std::vector<std::unique_ptr<Step>> steps_;
    std::vector<Param> params_;
    std::vector<float> input_;
    std::unique_ptr<FloatCast> input_cast_;  ///< input_t
};

}  // namespace snac::nn::detail
