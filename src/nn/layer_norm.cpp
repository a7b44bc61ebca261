// Layer normalisation on oneDNN's layer_normalization primitive: each row of F features (the last
// axis of [F] or [rows, F] samples) is normalised by its own mean and biased variance, then scaled
// by gamma and shifted by beta per feature (Ba et al. 2016; PyTorch's LayerNorm(F)). There are no
// moving statistics, so training and inference compute the same function.
#include <map>

#include "layer.hpp"
#include "layers.hpp"
#include "normalization.hpp"

namespace snac::nn::detail {
namespace {

using dnnl::memory;
using nflags = dnnl::normalization_flags;

class LayerNormLayer final : public ScaleShiftLayer {
public:
    LayerNormLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx)
        : ScaleShiftLayer(spec, in, out, in.back()),
          ctx_(ctx),
          f_(in.back()),
          rows_(numel(in) / in.back()) {}

    void forward(const float* x, float* y, std::int64_t n, Mode) override {
        Prims& p = prims(n);
        p.args.forward(p.fwd, ctx_.stream, x, y);
    }

    // The statistics of this batch: the forward that preceded this backward wrote them.
    void backward(const float* x, const float*, const float* dy, float* dx,
                  std::int64_t n) override {
        Prims& p = prims(n);
        p.args.backward(p.bwd, ctx_.stream, x, dy, dx, scratch_,
                        static_cast<std::size_t>(n * in_size()));
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
        std::vector<float> stats;  ///< mean then variance, one per group
        NormArgs args;
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
        // The statistics live in the cache entry; moving the vector there keeps its buffer.
        std::vector<float> stats(static_cast<std::size_t>(2 * groups), 0.0f);
        float* mean = stats.data();
        Prims p{dnnl::layer_normalization_forward(fwd_pd),
                dnnl::layer_normalization_backward(bwd_pd), std::move(stats),
                NormArgs(data_md, plain_md({f_}), stat_md, eng, storage(mean, mean + groups))};
        return cache_.emplace(n, std::move(p)).first->second;
    }

    DnnlContext& ctx_;
    std::int64_t f_;     ///< features per row (the normalised axis)
    std::int64_t rows_;  ///< rows per sample: 1 for [F], R for [R, F]
    std::map<std::int64_t, Prims> cache_;
};

}  // namespace

std::unique_ptr<Layer> make_layernorm(const LayerSpec& spec, const Shape& in, const Shape& out,
                                      DnnlContext& ctx, std::uint64_t) {
    return std::make_unique<LayerNormLayer>(spec, in, out, ctx);
}

}  // namespace snac::nn::detail
