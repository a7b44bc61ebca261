// Element-wise activations (relu, leaky_relu, tanh, sigmoid, gelu) on oneDNN eltwise primitives.
// The *_use_dst_for_bwd algorithms let backward read the saved output instead of the input; GELU
// (exact erf form, Hendrycks & Gimpel 2016) has no such variant and reads the input.
#include <map>

#include "layer.hpp"
#include "layers.hpp"
#include "primitive_cache.hpp"

namespace snac::nn::detail {
namespace {

using dnnl::algorithm;
using dnnl::memory;

class EltwiseLayer final : public Layer {
public:
    EltwiseLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx)
        : Layer(spec, in, out), ctx_(ctx) {
        switch (spec.type) {
            case LayerType::kRelu:
                alg_ = algorithm::eltwise_relu_use_dst_for_bwd;
                break;
            case LayerType::kLeakyRelu:
                alg_ = algorithm::eltwise_relu_use_dst_for_bwd;
                alpha_ = static_cast<float>(spec.alpha);
                break;
            case LayerType::kTanh:
                alg_ = algorithm::eltwise_tanh_use_dst_for_bwd;
                break;
            case LayerType::kGelu:
                alg_ = algorithm::eltwise_gelu_erf;
                reads_ = BackwardReads::kSrc;
                break;
            default:
                alg_ = algorithm::eltwise_logistic_use_dst_for_bwd;
                break;
        }
    }

    /// Element by element over a flat buffer: any layout, as long as y shares x's.
    LayoutSupport layout_support() const override { return LayoutSupport::kSame; }

    void forward(const float* x, float* y, std::int64_t n, Mode) override {
        prims(n).forward(ctx_.stream, x, y);
    }

    void backward(const float* x, const float* y, const float* dy, float* dx,
                  std::int64_t n) override {
        if (dx) prims(n).backward(ctx_.stream, reads_ == BackwardReads::kSrc ? x : y, dy, dx);
    }

private:
    using Prims = PrimitivePair<dnnl::eltwise_forward, dnnl::eltwise_backward>;

    Prims& prims(std::int64_t n) {
        auto it = cache_.find(n);
        if (it != cache_.end()) return it->second;
        const auto& eng = ctx_.engine;
        const memory::desc md = plain_md({n * in_size()});
        const dnnl::eltwise_forward::primitive_desc fwd_pd(
            dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, alg_, md, alpha_, 0.0f),
            eng);
        const dnnl::eltwise_backward::primitive_desc bwd_pd(
            dnnl::eltwise_backward::desc(alg_, md, md, alpha_, 0.0f), eng, fwd_pd);
        return cache_.try_emplace(n, fwd_pd, bwd_pd, md, md, eng, reads_).first->second;
    }

    DnnlContext& ctx_;
    algorithm alg_ = algorithm::eltwise_relu_use_dst_for_bwd;
    float alpha_ = 0.0f;
    BackwardReads reads_ = BackwardReads::kDst;
    std::map<std::int64_t, Prims> cache_;
};

/// Softmax over the features of a [F] sample (oneDNN softmax, axis 1).
class SoftmaxLayer final : public Layer {
public:
    SoftmaxLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx)
        : Layer(spec, in, out), ctx_(ctx) {}

    void forward(const float* x, float* y, std::int64_t n, Mode) override {
        prims(n).forward(ctx_.stream, x, y);
    }

    void backward(const float*, const float* y, const float* dy, float* dx,
                  std::int64_t n) override {
        if (dx) prims(n).backward(ctx_.stream, y, dy, dx);
    }

private:
    using Prims = PrimitivePair<dnnl::softmax_forward, dnnl::softmax_backward>;

    Prims& prims(std::int64_t n) {
        auto it = cache_.find(n);
        if (it != cache_.end()) return it->second;
        const auto& eng = ctx_.engine;
        const memory::desc md = plain_md({n, in_size()});
        const dnnl::softmax_forward::primitive_desc fwd_pd(
            dnnl::softmax_forward::desc(dnnl::prop_kind::forward_training, md, 1), eng);
        const dnnl::softmax_backward::primitive_desc bwd_pd(dnnl::softmax_backward::desc(md, md, 1),
                                                            eng, fwd_pd);
        return cache_.try_emplace(n, fwd_pd, bwd_pd, md, md, eng, BackwardReads::kDst)
            .first->second;
    }

    DnnlContext& ctx_;
    std::map<std::int64_t, Prims> cache_;
};

/// identity and flatten: the row-major data does not change, only its shape.
class CopyLayer final : public Layer {
public:
    using Layer::Layer;
    /// identity keeps whatever layout it is given; flatten defines the row-major order.
    LayoutSupport layout_support() const override {
        return spec_.type == LayerType::kIdentity ? LayoutSupport::kSame
                                                  : LayoutSupport::kPlainOnly;
    }
    void forward(const float* x, float* y, std::int64_t n, Mode) override {
        std::copy(x, x + n * in_size(), y);
    }
    void backward(const float*, const float*, const float* dy, float* dx, std::int64_t n) override {
        if (dx) std::copy(dy, dy + n * in_size(), dx);
    }
};

/// Inverted dropout: kept units are scaled by 1 / (1 - rate) in training, identity in eval.
class DropoutLayer final : public Layer {
public:
    DropoutLayer(const LayerSpec& spec, const Shape& in, const Shape& out, std::uint64_t seed)
        : Layer(spec, in, out), rng_(seed), rate_(static_cast<float>(spec.rate)) {}

    void forward(const float* x, float* y, std::int64_t n, Mode mode) override {
        const std::int64_t size = n * in_size();
        if (mode == Mode::kEval || rate_ == 0.0f) {
            std::copy(x, x + size, y);
            mask_.assign(static_cast<std::size_t>(size), 1.0f);
            return;
        }
        mask_.resize(static_cast<std::size_t>(size));
        const float scale = 1.0f / (1.0f - rate_);
        for (std::int64_t i = 0; i < size; ++i) {
            mask_[i] = rng_.uniform(0.0f, 1.0f) < rate_ ? 0.0f : scale;
            y[i] = x[i] * mask_[i];
        }
    }

    void backward(const float*, const float*, const float* dy, float* dx, std::int64_t n) override {
        if (!dx) return;
        for (std::int64_t i = 0; i < n * in_size(); ++i) dx[i] = dy[i] * mask_[i];
    }

private:
    Rng rng_;
    float rate_;
    std::vector<float> mask_;
};

}  // namespace

std::unique_ptr<Layer> make_eltwise(const LayerSpec& spec, const Shape& in, const Shape& out,
                                    DnnlContext& ctx, std::uint64_t) {
    return std::make_unique<EltwiseLayer>(spec, in, out, ctx);
}
std::unique_ptr<Layer> make_softmax(const LayerSpec& spec, const Shape& in, const Shape& out,
                                    DnnlContext& ctx, std::uint64_t) {
    return std::make_unique<SoftmaxLayer>(spec, in, out, ctx);
}
std::unique_ptr<Layer> make_copy(const LayerSpec& spec, const Shape& in, const Shape& out,
                                 DnnlContext&, std::uint64_t) {
    return std::make_unique<CopyLayer>(spec, in, out);
}
std::unique_ptr<Layer> make_dropout(const LayerSpec& spec, const Shape& in, const Shape& out,
                                    DnnlContext&, std::uint64_t seed) {
    return std::make_unique<DropoutLayer>(spec, in, out, seed);
}

}  // namespace snac::nn::detail
