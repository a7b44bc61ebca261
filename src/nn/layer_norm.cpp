// Layer normalisation on oneDNN's layer_normalization primitive: each row of F features (the last
// axis of [F] or [rows, F] samples, or all C·H·W values of a [C, H, W] sample, as PyTorch's
// LayerNorm([C, H, W])) is normalised by its own mean and biased variance, then scaled by gamma and
// shifted by beta per value (Ba et al. 2016; PyTorch's LayerNorm(F)). There are no moving
// statistics, so training and inference compute the same function.
#include <map>

#include "layer.hpp"
#include "layers.hpp"

namespace snac::nn::detail {
namespace {

using dnnl::memory;
using nflags = dnnl::normalization_flags;

class LayerNormLayer final : public Layer {
public:
    LayerNormLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx)
        : Layer(spec, in, out),
          ctx_(ctx),
          f_(layernorm_group(in)),
          rows_(numel(in) / layernorm_group(in)) {
        const auto f = static_cast<std::size_t>(f_);
        gamma_.assign(f, 1.0f);
        beta_.assign(f, 0.0f);
        ggamma_.assign(f, 0.0f);
        gbeta_.assign(f, 0.0f);
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
        // oneDNN always computes diff_src here; a scratch buffer stands in when dx is unwanted.
        if (!dx) {
            scratch_.resize(static_cast<std::size_t>(n * in_size()));
            dx = scratch_.data();
        }
        p.dsrc.set_data_handle(dx);
        // The statistics of this batch: the forward that preceded this backward wrote them.
        p.bwd.execute(ctx_.stream, p.bwd_args);
        ctx_.stream.wait();
    }

    std::vector<Param> params() override {
        return {{gamma_.data(), ggamma_.data(), gamma_.size(), Decay::kNone},
                {beta_.data(), gbeta_.data(), beta_.size(), Decay::kNone}};
    }

protected:
    std::vector<NamedTensor> tensors() const override {
        return {{"gamma", {f_}, gamma_}, {"beta", {f_}, beta_}};
    }
    void set_tensors(const std::vector<NamedTensor>& t) override {
        const std::string where = "layer '" + spec_.name + "'";
        const auto f = static_cast<std::size_t>(f_);
        copy_into(find_tensor(t, "gamma", f, where), gamma_);
        copy_into(find_tensor(t, "beta", f, where), beta_);
    }

private:
    struct Prims {
        dnnl::layer_normalization_forward fwd;
        dnnl::layer_normalization_backward bwd;
        memory src, dst, dsrc, ddst, gamma, beta, dgamma, dbeta, mean, var;
        std::vector<float> mean_buf, var_buf;
        std::unordered_map<int, memory> fwd_args, bwd_args;  ///< built once (handles)
    };

    Prims& prims(std::int64_t n) {
        auto it = cache_.find(n);
        if (it != cache_.end()) return it->second;
        const auto& eng = ctx_.engine;
        // Every row of every sample is one normalisation group: [n·rows, F], statistics [n·rows].
        const std::int64_t groups = n * rows_;
        const memory::desc data_md = plain_md({groups, f_});
        const memory::desc stat_md = plain_md({groups});
        const auto eps = static_cast<float>(spec_.epsilon);
        const nflags flags = nflags::use_scale | nflags::use_shift;
        // forward_training in both modes: it outputs the statistics backward reads, and with
        // no moving statistics the result is the same as forward_inference's.
        const dnnl::layer_normalization_forward::primitive_desc fwd_pd(
            dnnl::layer_normalization_forward::desc(dnnl::prop_kind::forward_training, data_md,
                                                    stat_md, eps, flags),
            eng);
        const dnnl::layer_normalization_backward::primitive_desc bwd_pd(
            dnnl::layer_normalization_backward::desc(dnnl::prop_kind::backward, data_md, data_md,
                                                     stat_md, eps, flags),
            eng, fwd_pd);
        Prims p;
        p.fwd = dnnl::layer_normalization_forward(fwd_pd);
        p.bwd = dnnl::layer_normalization_backward(bwd_pd);
        const memory::desc f_md = plain_md({f_});
        p.mean_buf.assign(static_cast<std::size_t>(groups), 0.0f);
        p.var_buf.assign(static_cast<std::size_t>(groups), 0.0f);
        p.src = memory(data_md, eng, DNNL_MEMORY_NONE);
        p.dst = memory(data_md, eng, DNNL_MEMORY_NONE);
        p.dsrc = memory(data_md, eng, DNNL_MEMORY_NONE);
        p.ddst = memory(data_md, eng, DNNL_MEMORY_NONE);
        p.gamma = memory(f_md, eng, gamma_.data());
        p.beta = memory(f_md, eng, beta_.data());
        p.dgamma = memory(f_md, eng, ggamma_.data());
        p.dbeta = memory(f_md, eng, gbeta_.data());
        p.mean = memory(stat_md, eng, p.mean_buf.data());
        p.var = memory(stat_md, eng, p.var_buf.data());
        p.fwd_args = {{DNNL_ARG_SRC, p.src},     {DNNL_ARG_DST, p.dst},
                      {DNNL_ARG_SCALE, p.gamma}, {DNNL_ARG_SHIFT, p.beta},
                      {DNNL_ARG_MEAN, p.mean},   {DNNL_ARG_VARIANCE, p.var}};
        p.bwd_args = {{DNNL_ARG_SRC, p.src},
                      {DNNL_ARG_DIFF_DST, p.ddst},
                      {DNNL_ARG_SCALE, p.gamma},
                      {DNNL_ARG_SHIFT, p.beta},
                      {DNNL_ARG_MEAN, p.mean},
                      {DNNL_ARG_VARIANCE, p.var},
                      {DNNL_ARG_DIFF_SRC, p.dsrc},
                      {DNNL_ARG_DIFF_SCALE, p.dgamma},
                      {DNNL_ARG_DIFF_SHIFT, p.dbeta}};
        return cache_.emplace(n, std::move(p)).first->second;
    }

    DnnlContext& ctx_;
    std::int64_t f_;     ///< features per row (nn::layernorm_group)
    std::int64_t rows_;  ///< rows per sample: 1 for [F] and [C, H, W], R for [R, F]
    std::vector<float> gamma_, beta_, ggamma_, gbeta_;
    std::vector<float> scratch_;
    std::map<std::int64_t, Prims> cache_;
};

}  // namespace

std::unique_ptr<Layer> make_layernorm(const LayerSpec& spec, const Shape& in, const Shape& out,
                                      DnnlContext& ctx, std::uint64_t) {
    return std::make_unique<LayerNormLayer>(spec, in, out, ctx);
}

}  // namespace snac::nn::detail
