// 2-D convolution (NCHW, kernel [filters, in_channels, k, k]) and max/avg pooling on oneDNN
// convolution and pooling primitives, built once per batch size.
#include <map>

#include "layer.hpp"
#include "layers.hpp"
#include "primitive_cache.hpp"

namespace snac::nn::detail {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

class Conv2dLayer final : public WeightedLayer {
public:
    Conv2dLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx,
                std::uint64_t seed)
        : WeightedLayer(spec, in, out, {out[0], in[0], spec.kernel, spec.kernel}, out[0]),
          ctx_(ctx) {
        const std::int64_t k = spec.kernel;
        Rng rng(seed);
        glorot_uniform(w_, in[0] * k * k, out[0] * k * k, rng);
        // TensorFlow-style "same": total padding split with the extra pixel at the end.
        for (int d = 0; d < 2; ++d) {
            if (spec.padding == Padding::kSame) {
                const std::int64_t total =
                    std::max<std::int64_t>((out[1 + d] - 1) * spec.stride + k - in[1 + d], 0);
                pad_l_[d] = total / 2;
                pad_r_[d] = total - total / 2;
            }
            // valid: no padding; oneDNN's floor division drops rows the stride does not reach.
        }
    }

    void forward(const float* x, float* y, std::int64_t n, Mode) override {
        prims(n).forward(ctx_.stream, x, y);
    }

    void backward(const float* x, const float*, const float* dy, float* dx,
                  std::int64_t n) override {
        prims(n).backward(ctx_.stream, x, dy, dx);
    }

private:
    using Prims = Primitives<dnnl::convolution_forward, dnnl::convolution_backward_data,
                             dnnl::convolution_backward_weights>;

    Prims& prims(std::int64_t n) {
        auto it = cache_.find(n);
        if (it != cache_.end()) return it->second;
        const auto& eng = ctx_.engine;
        const std::int64_t k = spec_.kernel;
        const memory::desc src_md({n, in_[0], in_[1], in_[2]}, memory::data_type::f32, tag::nchw);
        const memory::desc dst_md({n, out_[0], out_[1], out_[2]}, memory::data_type::f32,
                                  tag::nchw);
        const memory::desc w_md({out_[0], in_[0], k, k}, memory::data_type::f32, tag::oihw);
        const memory::desc b_md({out_[0]}, memory::data_type::f32, tag::a);
        const memory::dims strides{spec_.stride, spec_.stride};
        const memory::dims pl{pad_l_[0], pad_l_[1]}, pr{pad_r_[0], pad_r_[1]};
        const auto alg = dnnl::algorithm::convolution_direct;
        const auto fwd_d = spec_.use_bias
            ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, alg, src_md,
                                              w_md, b_md, dst_md, strides, pl, pr)
            : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, alg, src_md,
                                              w_md, dst_md, strides, pl, pr);
        const dnnl::convolution_forward::primitive_desc fwd_pd(fwd_d, eng);
        const dnnl::convolution_backward_data::primitive_desc bd_pd(
            dnnl::convolution_backward_data::desc(alg, src_md, w_md, dst_md, strides, pl, pr),
            eng, fwd_pd);
        const auto bw_d = spec_.use_bias
            ? dnnl::convolution_backward_weights::desc(alg, src_md, w_md, b_md, dst_md, strides,
                                                       pl, pr)
            : dnnl::convolution_backward_weights::desc(alg, src_md, w_md, dst_md, strides, pl,
                                                       pr);
        const dnnl::convolution_backward_weights::primitive_desc bw_pd(bw_d, eng, fwd_pd);
        return cache_
            .try_emplace(n, *this, fwd_pd, bd_pd, bw_pd, src_md, dst_md, w_md, b_md, eng)
            .first->second;
    }

    DnnlContext& ctx_;
    std::int64_t pad_l_[2] = {0, 0}, pad_r_[2] = {0, 0};
    std::map<std::int64_t, Prims> cache_;
};

/// Non-overlapping size x size pooling (stride = size); rows and columns that do not fill a
/// window are dropped, as in Keras' "valid" pooling.
class Pool2dLayer final : public Layer {
public:
    Pool2dLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx)
        : Layer(spec, in, out), ctx_(ctx),
          alg_(spec.type == LayerType::kMaxPool2d ? dnnl::algorithm::pooling_max
                                                  : dnnl::algorithm::pooling_avg_exclude_padding) {}

    void forward(const float* x, float* y, std::int64_t n, Mode) override {
        prims(n).forward(ctx_.stream, x, y);
    }

    void backward(const float*, const float* y, const float* dy, float* dx,
                  std::int64_t n) override {
        if (dx) prims(n).backward(ctx_.stream, y, dy, dx);
    }

private:
    using Prims = PrimitivePair<dnnl::pooling_forward, dnnl::pooling_backward>;

    Prims& prims(std::int64_t n) {
        auto it = cache_.find(n);
        if (it != cache_.end()) return it->second;
        const auto& eng = ctx_.engine;
        const std::int64_t s = spec_.size;
        const memory::desc src_md({n, in_[0], in_[1], in_[2]}, memory::data_type::f32, tag::nchw);
        const memory::desc dst_md({n, out_[0], out_[1], out_[2]}, memory::data_type::f32,
                                  tag::nchw);
        const memory::dims strides{s, s}, kernel{s, s}, pl{0, 0};
        const memory::dims pr{0, 0};  // floor division drops the incomplete windows
        const dnnl::pooling_forward::primitive_desc fwd_pd(
            dnnl::pooling_forward::desc(dnnl::prop_kind::forward_training, alg_, src_md, dst_md,
                                        strides, kernel, pl, pr),
            eng);
        const dnnl::pooling_backward::primitive_desc bwd_pd(
            dnnl::pooling_backward::desc(alg_, src_md, dst_md, strides, kernel, pl, pr), eng,
            fwd_pd);
        return cache_.try_emplace(n, fwd_pd, bwd_pd, src_md, dst_md, eng, BackwardReads::kNothing)
            .first->second;
    }

    DnnlContext& ctx_;
    dnnl::algorithm alg_;
    std::map<std::int64_t, Prims> cache_;
};

}  // namespace

std::unique_ptr<Layer> make_conv2d(const LayerSpec& spec, const Shape& in, const Shape& out,
                                   DnnlContext& ctx, std::uint64_t seed) {
    return std::make_unique<Conv2dLayer>(spec, in, out, ctx, seed);
}
std::unique_ptr<Layer> make_pool2d(const LayerSpec& spec, const Shape& in, const Shape& out,
                                   DnnlContext& ctx, std::uint64_t) {
    return std::make_unique<Pool2dLayer>(spec, in, out, ctx);
}

}  // namespace snac::nn::detail
