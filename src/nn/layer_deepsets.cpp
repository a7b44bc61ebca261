// Deep Sets (Zaheer et al., "Deep Sets", NeurIPS 2017): phi is applied to every element of every
// sample in one batched call (n * elements rows), a oneDNN reduction pools over the elements
// (mean | max | sum), and rho maps the pooled vector to the output.
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
        p.reduce.execute(ctx_.stream, {{DNNL_ARG_SRC, p.src}, {DNNL_ARG_DST, p.dst}});
        ctx_.stream.wait();
        const float* r = rho_.forward(pooled_.data(), n, mode);
        std::copy(r, r + n * out_size(), y);
    }

    void backward(const float* x, const float*, const float* dy, float* dx,
                  std::int64_t n) override {
        dpooled_.resize(pooled_.size());
        rho_.backward(pooled_.data(), dy, dpooled_.data(), n, rho_.size());
        // Reduction has no oneDNN backward: spread the pooled gradient over the elements.
        const float* h = phi_.output(phi_.size() - 1);
        dh_.resize(static_cast<std::size_t>(n * elements_ * width_));
        const std::int64_t w = width_, e = elements_;
        const float inv = spec_.aggregate == Aggregate::kMean ? 1.0f / static_cast<float>(e) : 1.0f;
        for (std::int64_t b = 0; b < n; ++b) {
            float* d = dh_.data() + b * e * w;
            const float* g = dpooled_.data() + b * w;
            if (spec_.aggregate != Aggregate::kMax) {
                for (std::int64_t i = 0; i < e; ++i)
                    for (std::int64_t j = 0; j < w; ++j) d[i * w + j] = g[j] * inv;
                continue;
            }
            std::fill(d, d + e * w, 0.0f);
            const float* hb = h + b * e * w;
            for (std::int64_t j = 0; j < w; ++j) {
                std::int64_t best = 0;  // the first maximum receives the gradient
                for (std::int64_t i = 1; i < e; ++i)
                    if (hb[i * w + j] > hb[best * w + j]) best = i;
                d[best * w + j] = g[j];
            }
        }
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
        dnnl::reduction reduce;
        memory src, dst;
    };

    Prims& prims(std::int64_t n) {
        auto it = cache_.find(n);
        if (it != cache_.end()) return it->second;
        const auto& eng = ctx_.engine;
        const auto alg = spec_.aggregate == Aggregate::kMean  ? dnnl::algorithm::reduction_mean
                         : spec_.aggregate == Aggregate::kMax ? dnnl::algorithm::reduction_max
                                                              : dnnl::algorithm::reduction_sum;
        const memory::desc src_md = plain_md({n, elements_, width_});
        const memory::desc dst_md = plain_md({n, 1, width_});
        const dnnl::reduction::primitive_desc pd(
            dnnl::reduction::desc(alg, src_md, dst_md, 0.0f, 0.0f), eng);
        Prims p{dnnl::reduction(pd), memory(src_md, eng, DNNL_MEMORY_NONE),
                memory(dst_md, eng, DNNL_MEMORY_NONE)};
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
