// 2-D convolution (NCHW, kernel [filters, in_channels, k, k]) and max/avg pooling on oneDNN
// convolution and pooling primitives, built once per batch size.
#include <map>

#include "layer.hpp"
#include "layers.hpp"

namespace snac::nn::detail {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

class Conv2dLayer final : public Layer {
public:
    Conv2dLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx,
                std::uint64_t seed)
        : Layer(spec, in, out), ctx_(ctx) {
        const std::int64_t k = spec.kernel;
        w_.resize(static_cast<std::size_t>(out[0] * in[0] * k * k));
        gw_.resize(w_.size());
        b_.assign(spec.use_bias ? static_cast<std::size_t>(out[0]) : 0, 0.0f);
        gb_.resize(b_.size());
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
        Prims& p = prims(n);
        p.src.set_data_handle(const_cast<float*>(x));
        p.dst.set_data_handle(y);
        p.fwd.execute(ctx_.stream, p.fwd_args);
        ctx_.stream.wait();
    }

    void backward(const float* x, const float*, const float* dy, float* dx,
                  std::int64_t n) override {
        Prims& p = prims(n);
        p.src.set_data_handle(const_cast<float*>(x));
        p.ddst.set_data_handle(const_cast<float*>(dy));
        p.bwd_w.execute(ctx_.stream, p.bwd_w_args);
        if (dx) {
            p.dsrc.set_data_handle(dx);
            p.bwd_d.execute(ctx_.stream, p.bwd_d_args);
        }
        ctx_.stream.wait();
    }

    std::vector<Param> params() override {
        std::vector<Param> out{{w_.data(), gw_.data(), w_.size(), Decay::kApply}};
        if (spec_.use_bias) out.push_back({b_.data(), gb_.data(), b_.size(), Decay::kNone});
        return out;
    }

protected:
    std::vector<NamedTensor> tensors() const override {
        std::vector<NamedTensor> t{
            {"kernel", {out_[0], in_[0], spec_.kernel, spec_.kernel}, w_}};
        if (spec_.use_bias) t.push_back({"bias", {out_[0]}, b_});
        return t;
    }
    void set_tensors(const std::vector<NamedTensor>& t) override {
        const std::string where = "layer '" + spec_.name + "'";
        copy_into(find_tensor(t, "kernel", w_.size(), where), w_);
        if (spec_.use_bias) copy_into(find_tensor(t, "bias", b_.size(), where), b_);
    }

private:
    struct Prims {
        dnnl::convolution_forward fwd;
        dnnl::convolution_backward_data bwd_d;
        dnnl::convolution_backward_weights bwd_w;
        memory src, dst, w, b, dsrc, ddst, dw, db;
        std::unordered_map<int, memory> fwd_args, bwd_w_args, bwd_d_args;  ///< built once
    };

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
        Prims p;
        p.fwd = dnnl::convolution_forward(fwd_pd);
        p.bwd_d = dnnl::convolution_backward_data(bd_pd);
        p.bwd_w = dnnl::convolution_backward_weights(bw_pd);
        p.src = memory(src_md, eng, DNNL_MEMORY_NONE);
        p.dst = memory(dst_md, eng, DNNL_MEMORY_NONE);
        p.dsrc = memory(src_md, eng, DNNL_MEMORY_NONE);
        p.ddst = memory(dst_md, eng, DNNL_MEMORY_NONE);
        p.w = memory(w_md, eng, w_.data());
        p.dw = memory(w_md, eng, gw_.data());
        p.b = memory(b_md, eng, spec_.use_bias ? b_.data() : nullptr);
        p.db = memory(b_md, eng, spec_.use_bias ? gb_.data() : nullptr);
        p.fwd_args = {{DNNL_ARG_SRC, p.src}, {DNNL_ARG_WEIGHTS, p.w}, {DNNL_ARG_DST, p.dst}};
        p.bwd_w_args = {{DNNL_ARG_SRC, p.src}, {DNNL_ARG_DIFF_DST, p.ddst},
                        {DNNL_ARG_DIFF_WEIGHTS, p.dw}};
        p.bwd_d_args = {{DNNL_ARG_DIFF_DST, p.ddst}, {DNNL_ARG_WEIGHTS, p.w},
                        {DNNL_ARG_DIFF_SRC, p.dsrc}};
        if (spec_.use_bias) {
            p.fwd_args.emplace(DNNL_ARG_BIAS, p.b);
            p.bwd_w_args.emplace(DNNL_ARG_DIFF_BIAS, p.db);
        }
        return cache_.emplace(n, std::move(p)).first->second;
    }

    DnnlContext& ctx_;
    std::int64_t pad_l_[2] = {0, 0}, pad_r_[2] = {0, 0};
    std::vector<float> w_, gw_, b_, gb_;
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
        Prims& p = prims(n);
        p.src.set_data_handle(const_cast<float*>(x));
        p.dst.set_data_handle(y);
        p.fwd.execute(ctx_.stream, p.fwd_args);
        ctx_.stream.wait();
    }

    void backward(const float*, const float*, const float* dy, float* dx,
                  std::int64_t n) override {
        if (!dx) return;
        Prims& p = prims(n);
        p.ddst.set_data_handle(const_cast<float*>(dy));
        p.dsrc.set_data_handle(dx);
        p.bwd.execute(ctx_.stream, p.bwd_args);
        ctx_.stream.wait();
    }

private:
    struct Prims {
        dnnl::pooling_forward fwd;
        dnnl::pooling_backward bwd;
        memory src, dst, dsrc, ddst, ws;
        std::unordered_map<int, memory> fwd_args, bwd_args;  ///< built once (handles)
    };

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
        Prims p;
        p.fwd = dnnl::pooling_forward(fwd_pd);
        p.bwd = dnnl::pooling_backward(bwd_pd);
        p.src = memory(src_md, eng, DNNL_MEMORY_NONE);
        p.dst = memory(dst_md, eng, DNNL_MEMORY_NONE);
        p.dsrc = memory(src_md, eng, DNNL_MEMORY_NONE);
        p.ddst = memory(dst_md, eng, DNNL_MEMORY_NONE);
        if (fwd_pd.workspace_desc().get_size() > 0) p.ws = memory(fwd_pd.workspace_desc(), eng);
        p.fwd_args = {{DNNL_ARG_SRC, p.src}, {DNNL_ARG_DST, p.dst}};
        p.bwd_args = {{DNNL_ARG_DIFF_DST, p.ddst}, {DNNL_ARG_DIFF_SRC, p.dsrc}};
        if (p.ws) {
            p.fwd_args.emplace(DNNL_ARG_WORKSPACE, p.ws);
            p.bwd_args.emplace(DNNL_ARG_WORKSPACE, p.ws);
        }
        return cache_.emplace(n, std::move(p)).first->second;
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
