// Deep Sets (Zaheer et al., "Deep Sets", NeurIPS 2017): phi is applied to every element of every
// sample in one batched call (n * elements rows), a oneDNN reduction pools over the elements
// (mean | max | sum), and rho maps the pooled vector to the output. The pooling over elements is a
// oneDNN pooling primitive on the [n][elements][width] buffer viewed as NHWC with H = elements
// (the reference reduction primitive is several times slower here), so it also has a backward.
#include <map>

#include "layer.hpp"
#include "layers.hpp"
#include "snac/core/seed.hpp"

namespace snac::nn::detail {
namespace {

using dnnl::memory;

class DeepSetsLayer final : public Layer {
public:
    DeepSetsLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx,
                  std::uint64_t seed)
        : Layer(spec, in, out), ctx_(ctx), elements_(in[0]),
          phi_(spec.phi, {in[1]}, ctx, derive_seed(seed, 0, "phi")),
          rho_(spec.rho, phi_.out_shape(), ctx, derive_seed(seed, 1, "rho")),
          width_(numel(phi_.out_shape())) {}

    void forward(const float* x, float* y, std::int64_t n, Mode mode) override {
        const float* h = phi_.forward(x, n * elements_, mode);
        pooled_.resize(static_cast<std::size_t>(n * width_));
        Prims& p = prims(n);
        p.src.set_data_handle(const_cast<float*>(h));
        p.dst.set_data_handle(pooled_.data());
        p.fwd.execute(ctx_.stream, p.fwd_args);
        ctx_.stream.wait();
        if (spec_.aggregate == Aggregate::kSum)  // sum = elements x mean
            for (auto& v : pooled_) v *= static_cast<float>(elements_);
        const float* r = rho_.forward(pooled_.data(), n, mode);
        std::copy(r, r + n * out_size(), y);
    }

    void backward(const float* x, const float*, const float* dy, float* dx,
                  std::int64_t n) override {
        dpooled_.resize(pooled_.size());
        rho_.backward(pooled_.data(), dy, dpooled_.data(), n, rho_.size());
        if (spec_.aggregate == Aggregate::kSum)
            for (auto& v : dpooled_) v *= static_cast<float>(elements_);
        dh_.resize(static_cast<std::size_t>(n * elements_ * width_));
        Prims& p = prims(n);
        p.ddst.set_data_handle(dpooled_.data());
        p.dsrc.set_data_handle(dh_.data());
        p.bwd.execute(ctx_.stream, p.bwd_args);
        ctx_.stream.wait();
        phi_.backward(x, dh_.data(), dx, n * elements_, phi_.size());
    }

    std::vector<Param> params() override {
        auto p = phi_.params();
        auto r = rho_.params();
        p.insert(p.end(), r.begin(), r.end());
        return p;
    }

    void save(std::vector<LayerWeights>& out, const std::string& prefix) const override {
        Layer::save(out, prefix);
        phi_.save(out, prefix + spec_.name + "/phi/");
        rho_.save(out, prefix + spec_.name + "/rho/");
    }
    void load(const std::vector<LayerWeights>& weights, const std::string& prefix) override {
        phi_.load(weights, prefix + spec_.name + "/phi/");
        rho_.load(weights, prefix + spec_.name + "/rho/");
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
        const auto alg = spec_.aggregate == Aggregate::kMax ? dnnl::algorithm::pooling_max
                                                            : dnnl::algorithm::pooling_avg;
        using tag = memory::format_tag;
        const memory::desc src_md({n, width_, elements_, 1}, memory::data_type::f32, tag::nhwc);
        const memory::desc dst_md({n, width_, 1, 1}, memory::data_type::f32, tag::nhwc);
        const memory::dims kernel{elements_, 1}, strides{elements_, 1}, pad{0, 0};
        const dnnl::pooling_forward::primitive_desc fwd_pd(
            dnnl::pooling_forward::desc(dnnl::prop_kind::forward_training, alg, src_md, dst_md,
                                        strides, kernel, pad, pad),
            eng);
        const dnnl::pooling_backward::primitive_desc bwd_pd(
            dnnl::pooling_backward::desc(alg, src_md, dst_md, strides, kernel, pad, pad), eng,
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
    std::int64_t elements_;
    Sequence phi_, rho_;
    std::int64_t width_;
    std::vector<float> pooled_, dpooled_, dh_;
    std::map<std::int64_t, Prims> cache_;
};

}  // namespace

std::unique_ptr<Layer> make_deepsets(const LayerSpec& spec, const Shape& in, const Shape& out,
                                     DnnlContext& ctx, std::uint64_t seed) {
    return std::make_unique<DeepSetsLayer>(spec, in, out, ctx, seed);
}

}  // namespace snac::nn::detail
