// Dense (fully connected) layer on oneDNN inner-product primitives, built once per batch size.
#include <map>

#include "layer.hpp"
#include "layers.hpp"
#include "primitive_cache.hpp"

namespace snac::nn::detail {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

class DenseLayer final : public WeightedLayer {
public:
    // Stored as [in, out] (the checkpoint convention); oneDNN reads it through the `io` tag.
    DenseLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx,
               std::uint64_t seed)
        : WeightedLayer(spec, in, out, {in[0], out[0]}, out[0]), ctx_(ctx), n_in_(in[0]),
          n_out_(out[0]) {
        Rng rng(seed);
        glorot_uniform(w_, n_in_, n_out_, rng);
    }

    void forward(const float* x, float* y, std::int64_t n, Mode) override {
        prims(n).forward(ctx_.stream, x, y);
    }

    void backward(const float* x, const float*, const float* dy, float* dx,
                  std::int64_t n) override {
        prims(n).backward(ctx_.stream, x, dy, dx);
    }

private:
    using Prims = Primitives<dnnl::inner_product_forward, dnnl::inner_product_backward_data,
                             dnnl::inner_product_backward_weights>;

    Prims& prims(std::int64_t n) {
        auto it = cache_.find(n);
        if (it != cache_.end()) return it->second;
        const auto& eng = ctx_.engine;
        const memory::desc src_md({n, n_in_}, memory::data_type::f32, tag::nc);
        const memory::desc dst_md({n, n_out_}, memory::data_type::f32, tag::nc);
        const memory::desc w_md({n_out_, n_in_}, memory::data_type::f32, tag::io);
        const memory::desc b_md({n_out_}, memory::data_type::f32, tag::a);
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
        return cache_
            .try_emplace(n, *this, fwd_pd, bd_pd, bw_pd, src_md, dst_md, w_md, b_md, eng)
            .first->second;
    }

    DnnlContext& ctx_;
    std::int64_t n_in_, n_out_;
    std::map<std::int64_t, Prims> cache_;
};

}  // namespace

std::unique_ptr<Layer> make_dense(const LayerSpec& spec, const Shape& in, const Shape& out,
                                  DnnlContext& ctx, std::uint64_t seed) {
    return std::make_unique<DenseLayer>(spec, in, out, ctx, seed);
}

}  // namespace snac::nn::detail
