// Dense (fully connected) layer on oneDNN inner-product primitives, built once per batch size.
#include <map>

#include "layer.hpp"
#include "layers.hpp"

namespace snac::nn::detail {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

class DenseLayer final : public Layer {
public:
    DenseLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx,
               std::uint64_t seed)
        : Layer(spec, in, out), ctx_(ctx), n_in_(in[0]), n_out_(out[0]) {
        w_.resize(static_cast<std::size_t>(n_in_ * n_out_));
        gw_.resize(w_.size());
        b_.assign(spec.use_bias ? static_cast<std::size_t>(n_out_) : 0, 0.0f);
        gb_.resize(b_.size());
        Rng rng(seed);
        glorot_uniform(w_, n_in_, n_out_, rng);
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
    // Stored as [in, out] (the checkpoint convention); oneDNN reads it through the `io` tag.
    std::vector<NamedTensor> tensors() const override {
        std::vector<NamedTensor> t{{"kernel", {n_in_, n_out_}, w_}};
        if (spec_.use_bias) t.push_back({"bias", {n_out_}, b_});
        return t;
    }
    void set_tensors(const std::vector<NamedTensor>& t) override {
        const std::string where = "layer '" + spec_.name + "'";
        copy_into(find_tensor(t, "kernel", w_.size(), where), w_);
        if (spec_.use_bias) copy_into(find_tensor(t, "bias", b_.size(), where), b_);
    }

private:
    struct Prims {
        dnnl::inner_product_forward fwd;
        dnnl::inner_product_backward_data bwd_d;
        dnnl::inner_product_backward_weights bwd_w;
        memory src, dst, w, b, dsrc, ddst, dw, db;
        // Built once: memory objects are handles, so set_data_handle reaches these maps too.
        std::unordered_map<int, memory> fwd_args, bwd_w_args, bwd_d_args;
    };

    Prims& prims(std::int64_t n) {
        auto it = cache_.find(n);
        if (it != cache_.end()) return it->second;
        const auto& eng = ctx_.engine;
        const memory::desc src_md({n, n_in_}, memory::data_type::f32, tag::nc);
        const memory::desc dst_md({n, n_out_}, memory::data_type::f32, tag::nc);
        const memory::desc w_md({n_out_, n_in_}, memory::data_type::f32, tag::io);
        const memory::desc b_md({n_out_}, memory::data_type::f32, tag::a);
        Prims p;
        const auto fwd_d = spec_.use_bias
            ? dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_training, src_md, w_md,
                                                b_md, dst_md)
            : dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_training, src_md, w_md,
                                                dst_md);
        const dnnl::inner_product_forward::primitive_desc fwd_pd(fwd_d, eng);
        const dnnl::inner_product_backward_data::primitive_desc bd_pd(
            dnnl::inner_product_backward_data::desc(src_md, w_md, dst_md), eng, fwd_pd);
        const auto bw_d = spec_.use_bias
            ? dnnl::inner_product_backward_weights::desc(src_md, w_md, b_md, dst_md)
            : dnnl::inner_product_backward_weights::desc(src_md, w_md, dst_md);
        const dnnl::inner_product_backward_weights::primitive_desc bw_pd(bw_d, eng, fwd_pd);
        p.fwd = dnnl::inner_product_forward(fwd_pd);
        p.bwd_d = dnnl::inner_product_backward_data(bd_pd);
        p.bwd_w = dnnl::inner_product_backward_weights(bw_pd);
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
    std::int64_t n_in_, n_out_;
    std::vector<float> w_, gw_, b_, gb_;
    std::map<std::int64_t, Prims> cache_;
};

}  // namespace

std::unique_ptr<Layer> make_dense(const LayerSpec& spec, const Shape& in, const Shape& out,
                                  DnnlContext& ctx, std::uint64_t seed) {
    return std::make_unique<DenseLayer>(spec, in, out, ctx, seed);
}

}  // namespace snac::nn::detail
