// Deep Sets (Zaheer et al., "Deep Sets", NeurIPS 2017): phi is applied to every element of every
// sample in one batched call (n * elements rows), a pooling over the elements (mean | max | sum)
// reduces them, and rho maps the pooled vector to the output. The pooling is a oneDNN pooling
// primitive on the [n][elements][width] buffer viewed as NHWC with H = elements (oneDNN 2.6's
// reduction primitive is a reference implementation, several times slower here); it also has a
// backward, which reduction lacks.
#include <algorithm>
#include <cmath>
#include <map>

#include "layer.hpp"
#include "layers.hpp"
#include "primitive_cache.hpp"
#include "snac/core/seed.hpp"

namespace snac::nn::detail {
namespace {

using dnnl::memory;

class DeepSetsLayer final : public Layer {
public:
    DeepSetsLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx,
                  std::uint64_t seed)
        : Layer(spec, in, out),
          ctx_(ctx),
          elements_(in[0]),
          phi_(spec.phi, {in[1]}, ctx, derive_seed(seed, 0, "phi")),
          rho_(spec.rho, phi_.out_shape(), ctx, derive_seed(seed, 1, "rho")),
          width_(numel(phi_.out_shape())) {}

    void forward(const float* x, float* y, std::int64_t n, Mode mode) override {
        const float* h = phi_.forward(x, n * elements_, mode);
        pooled_.resize(static_cast<std::size_t>(n * width_));
        prims(n).forward(ctx_.stream, h, pooled_.data());
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
        prims(n).backward(ctx_.stream, pooled_.data(), dpooled_.data(), dh_.data());
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

    std::vector<std::pair<std::string, Param>> nested_kernels(const std::string& prefix) override {
        std::vector<std::pair<std::string, Param>> out;
        const std::pair<Sequence*, const char*> parts[] = {{&phi_, "/phi/"}, {&rho_, "/rho/"}};
        for (const auto& [seq, infix] : parts)
            for (std::size_t i = 0; i < seq->size(); ++i) {
                Layer& l = seq->layer(i);
                if (l.spec().type != LayerType::kDense && l.spec().type != LayerType::kConv2d)
                    continue;
                const std::vector<Param> ps = l.params();
                if (!ps.empty())
                    out.emplace_back(prefix + spec_.name + infix + l.spec().name, ps[0]);
            }
        return out;
    }

    void observe_ranges(const std::string& prefix,
                        std::map<std::string, double>& max_abs) const override {
        if (width_ == 0 || pooled_.empty()) return;
        const std::int64_t n = static_cast<std::int64_t>(pooled_.size()) / width_;
        const std::string path = prefix + spec_.name;
        auto record = [&](const std::string& key, const float* v, std::int64_t size) {
            double m = 0.0;
            for (std::int64_t i = 0; i < size; ++i)
                m = std::max(m, static_cast<double>(std::fabs(v[i])));
            max_abs[key] = std::max(max_abs[key], m);
        };
        for (std::size_t i = 0; i < phi_.size(); ++i)
            record(path + "/phi/" + phi_.layer(i).spec().name, phi_.output(i),
                   n * elements_ * phi_.layer(i).out_size());
        record(path, pooled_.data(), static_cast<std::int64_t>(pooled_.size()));
        for (std::size_t i = 0; i < rho_.size(); ++i)
            record(path + "/rho/" + rho_.layer(i).spec().name, rho_.output(i),
                   n * rho_.layer(i).out_size());
    }

private:
    using Prims = PrimitivePair<dnnl::pooling_forward, dnnl::pooling_backward>;

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
        return cache_.try_emplace(n, fwd_pd, bwd_pd, src_md, dst_md, eng, BackwardReads::kNothing)
            .first->second;
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
