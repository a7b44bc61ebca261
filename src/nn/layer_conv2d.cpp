// 2-D convolution (NCHW, kernel [filters, in_channels, k, k]) and max/avg pooling on oneDNN
// convolution and pooling primitives, built once per batch size.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <tuple>
#include <unordered_map>

#include "layer.hpp"
#include "layers.hpp"
#include "primitive_cache.hpp"

namespace snac::nn::detail {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

/// A tensor at a layer boundary: the caller's buffer (in the layout the Sequence planned: plain
/// NCHW / OIHW or the network's blocked layout) and, when the primitive chose another layout, a
/// buffer of that layout owned here and the reorder between them. Built once per batch size and
/// layouts; a call only swaps the caller's data pointer.
struct Boundary {
    Boundary() = default;
    /// `to_prim`: the reorder runs caller -> primitive layout (an input); else the reverse.
    Boundary(const memory::desc& user_md, const memory::desc& prim, const dnnl::engine& eng,
             bool to_prim)
        : user(user_md, eng, DNNL_MEMORY_NONE), reorders(prim != user_md) {
        if (!reorders) {
            inner = user;
            return;
        }
        inner = memory(prim, eng);  // owned, allocated once
        reorder = to_prim ? dnnl::reorder(user, inner) : dnnl::reorder(inner, user);
    }
    /// Points the caller's side at `p` and brings it into the primitive's layout.
    memory& in(dnnl::stream& s, const float* p) {
        user.set_data_handle(const_cast<float*>(p));
        if (reorders) reorder.execute(s, user, inner);
        return inner;
    }
    /// Points the caller's side at `p` for an output; call out_done() after the primitive ran.
    memory& out(float* p) {
        user.set_data_handle(p);
        return inner;
    }
    void out_done(dnnl::stream& s) {
        if (reorders) reorder.execute(s, inner, user);
    }

    memory user, inner;
    dnnl::reorder reorder;
    bool reorders = false;
};

/// Primitives are cached per batch size and pair of boundary layouts.
using CacheKey = std::tuple<std::int64_t, Layout, Layout>;

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

    LayoutSupport layout_support() const override { return LayoutSupport::kAny; }

    void forward(const float* x, float* y, std::int64_t n, Mode) override {
        auto& p = prims(n);
        auto& s = ctx_.stream;
        p.f_src.in(s, x);
        p.f_w.in(s, w_.data());  // the optimizer updated the plain weights since the last call
        p.f_dst.out(y);
        p.fwd.execute(s, p.fwd_args);
        p.f_dst.out_done(s);
        s.wait();
    }

    void backward(const float* x, const float*, const float* dy, float* dx,
                  std::int64_t n) override {
        auto& p = prims(n);
        auto& s = ctx_.stream;
        p.w_src.in(s, x);
        p.w_ddst.in(s, dy);
        p.w_dw.out(gw_.data());
        p.bwd_w.execute(s, p.w_args);
        p.w_dw.out_done(s);
        if (dx) {
            if (!p.d_ddst_shared) p.d_ddst.in(s, dy);
            p.d_w.in(s, w_.data());
            p.d_dsrc.out(dx);
            p.bwd_d.execute(s, p.d_args);
            p.d_dsrc.out_done(s);
        }
        s.wait();
    }

private:
    /// Primitives for one batch size, each in the memory layouts oneDNN chose for this shape
    /// (format_tag::any: typically channel-blocked nChw8c/16c, which its direct JIT kernels
    /// need), with reorders at the layer's boundary where the neighbours' layout differs.
    struct Prims {
        dnnl::convolution_forward fwd;
        dnnl::convolution_backward_data bwd_d;
        dnnl::convolution_backward_weights bwd_w;
        Boundary f_src, f_w, f_dst;    // forward
        Boundary w_src, w_ddst, w_dw;  // backward weights
        Boundary d_ddst, d_w, d_dsrc;  // backward data
        memory b, db;                  // bias: always plain
        /// Backward data reads dy in the layout backward weights already reordered it to.
        bool d_ddst_shared = false;
        std::unordered_map<int, memory> fwd_args, w_args, d_args;
    };

    Prims& prims(std::int64_t n) {
        const CacheKey key{n, in_layout_, out_layout_};
        auto it = cache_.find(key);
        if (it != cache_.end()) return it->second;
        const auto& eng = ctx_.engine;
        const std::int64_t k = spec_.kernel;
        const auto f32 = memory::data_type::f32;
        const memory::dims src_dims{n, in_[0], in_[1], in_[2]};
        const memory::dims dst_dims{n, out_[0], out_[1], out_[2]};
        const memory::dims w_dims{out_[0], in_[0], k, k};
        // One input channel (NCHW and NHWC are the same bytes) into one channel block (NHWC and
        // nChw8c/16c the same bytes), e.g. MNIST's first conv: described channels-last, oneDNN
        // runs its JIT backward-weights kernel instead of im2col + GEMM (4x faster, same values).
        const bool channels_last =
            in_[0] == 1 && out_layout_ == Layout::kBlocked && out_[0] == blocked_channels();
        const memory::desc src_user =
            channels_last ? memory::desc(src_dims, f32, tag::nhwc) : chw_desc(src_dims, in_layout_);
        const memory::desc dst_user = channels_last ? memory::desc(dst_dims, f32, tag::nhwc)
                                                    : chw_desc(dst_dims, out_layout_);
        const memory::desc w_plain(w_dims, f32, tag::oihw);
        // A few input channels (the network's first conv): oneDNN's JIT kernels read them in
        // plain NCHW; 'any' would pad the channel to the block size (8x the work for 1 channel).
        const memory::desc src_any =
            channels_last ? src_user
                          : memory::desc(src_dims, f32, in_[0] < 8 ? tag::nchw : tag::any);
        const memory::desc dst_any =
            channels_last ? dst_user : memory::desc(dst_dims, f32, tag::any);
        const memory::desc w_any(w_dims, f32, tag::any);
        const memory::desc b_md({out_[0]}, f32, tag::a);
        const memory::dims strides{spec_.stride, spec_.stride};
        const memory::dims pl{pad_l_[0], pad_l_[1]}, pr{pad_r_[0], pad_r_[1]};
        const auto alg = dnnl::algorithm::convolution_direct;
        const auto fwd_d =
            spec_.use_bias
                ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, alg, src_any,
                                                  w_any, b_md, dst_any, strides, pl, pr)
                : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, alg, src_any,
                                                  w_any, dst_any, strides, pl, pr);
        const dnnl::convolution_forward::primitive_desc fwd_pd(fwd_d, eng);
        const dnnl::convolution_backward_data::primitive_desc bd_pd(
            dnnl::convolution_backward_data::desc(alg, src_any, w_any, dst_any, strides, pl, pr),
            eng, fwd_pd);
        const auto bw_d = spec_.use_bias ? dnnl::convolution_backward_weights::desc(
                                               alg, src_any, w_any, b_md, dst_any, strides, pl, pr)
                                         : dnnl::convolution_backward_weights::desc(
                                               alg, src_any, w_any, dst_any, strides, pl, pr);
        const dnnl::convolution_backward_weights::primitive_desc bw_pd(bw_d, eng, fwd_pd);
        Prims p{dnnl::convolution_forward(fwd_pd),
                dnnl::convolution_backward_data(bd_pd),
                dnnl::convolution_backward_weights(bw_pd),
                Boundary(src_user, fwd_pd.src_desc(), eng, true),
                Boundary(w_plain, fwd_pd.weights_desc(), eng, true),
                Boundary(dst_user, fwd_pd.dst_desc(), eng, false),
                Boundary(src_user, bw_pd.src_desc(), eng, true),
                Boundary(dst_user, bw_pd.diff_dst_desc(), eng, true),
                Boundary(w_plain, bw_pd.diff_weights_desc(), eng, false),
                Boundary(dst_user, bd_pd.diff_dst_desc(), eng, true),
                Boundary(w_plain, bd_pd.weights_desc(), eng, true),
                Boundary(src_user, bd_pd.diff_src_desc(), eng, false),
                memory(),
                memory(),
                false,
                {},
                {},
                {}};
        if (spec_.use_bias) {
            p.b = memory(b_md, eng, b_.data());
            p.db = memory(b_md, eng, gb_.data());
        }
        p.d_ddst_shared = p.w_ddst.reorders && p.d_ddst.reorders &&
                          p.w_ddst.inner.get_desc() == p.d_ddst.inner.get_desc();
        p.fwd_args = {{DNNL_ARG_SRC, p.f_src.inner},
                      {DNNL_ARG_WEIGHTS, p.f_w.inner},
                      {DNNL_ARG_DST, p.f_dst.inner}};
        p.w_args = {{DNNL_ARG_SRC, p.w_src.inner},
                    {DNNL_ARG_DIFF_DST, p.w_ddst.inner},
                    {DNNL_ARG_DIFF_WEIGHTS, p.w_dw.inner}};
        if (spec_.use_bias) {
            p.fwd_args.emplace(DNNL_ARG_BIAS, p.b);
            p.w_args.emplace(DNNL_ARG_DIFF_BIAS, p.db);
        }
        p.d_args = {{DNNL_ARG_DIFF_DST, p.d_ddst_shared ? p.w_ddst.inner : p.d_ddst.inner},
                    {DNNL_ARG_WEIGHTS, p.d_w.inner},
                    {DNNL_ARG_DIFF_SRC, p.d_dsrc.inner}};
        return cache_.emplace(key, std::move(p)).first->second;
    }

    DnnlContext& ctx_;
    std::int64_t pad_l_[2] = {0, 0}, pad_r_[2] = {0, 0};
    std::map<CacheKey, Prims> cache_;
};

/// Where output (i, j) of channel c of block-plane `plane` lies: blocked output [planes, OH, OW,
/// B] or plain NCHW (the planes of one sample are its channel blocks, so plane·B + c is n·C + ch).
struct PoolOut {
    std::int64_t oh, ow, block;
    bool blocked;
    std::int64_t at(std::int64_t plane, std::int64_t i, std::int64_t j, std::int64_t c) const {
        return blocked ? ((plane * oh + i) * ow + j) * block + c
                       : (plane * block + c) * oh * ow + i * ow + j;
    }
};

using F8 = float __attribute__((vector_size(32)));
using I8 = std::int32_t __attribute__((vector_size(32)));

/// Max pooling over non-overlapping k x k windows of channel-blocked input [planes, H, W, B],
/// recording in `arg` ([planes, OH, OW, B]) which window position (row-major; the first on ties)
/// held each maximum. oneDNN 2.6's JIT max pooling with a workspace took 4.6 ms CPU for MNIST's
/// first pool at batch 256 (its average pooling 0.7 ms, docs/performance.md); this loop over
/// 8 channels at a time, vectorised by the compiler, about 1 ms. Built for AVX2 and baseline
/// x86-64 (the layer picks one per call).
[[gnu::always_inline]] inline void max_pool_body(const float* x, float* y, std::uint8_t* arg,
                                                 std::int64_t planes, std::int64_t h,
                                                 std::int64_t w, std::int64_t k,
                                                 const PoolOut& out) {
    const std::int64_t b = out.block;
    for (std::int64_t p = 0; p < planes; ++p) {
        const float* xp = x + p * h * w * b;
        for (std::int64_t i = 0; i < out.oh; ++i) {
            for (std::int64_t j = 0; j < out.ow; ++j) {
                for (std::int64_t c0 = 0; c0 < b; c0 += 8) {
                    const float* first = xp + (i * k * w + j * k) * b + c0;
                    // 8 floats and 8 32-bit positions: one AVX2 register each (GCC vector
                    // types; two SSE registers in the baseline build).
                    F8 m;
                    std::memcpy(&m, first, sizeof m);
                    I8 a = {};
                    for (std::int64_t di = 0; di < k; ++di) {
                        for (std::int64_t dj = 0; dj < k; ++dj) {
                            F8 v;
                            std::memcpy(&v, xp + ((i * k + di) * w + j * k + dj) * b + c0,
                                        sizeof v);
                            const I8 q = I8{} + static_cast<std::int32_t>(di * k + dj);
                            const I8 greater = v > m;
                            m = greater ? v : m;
                            a = greater ? q : a;
                        }
                    }
                    std::uint8_t* ap = arg + ((p * out.oh + i) * out.ow + j) * b + c0;
                    if (out.blocked) std::memcpy(y + out.at(p, i, j, c0), &m, sizeof m);
                    for (int c = 0; c < 8; ++c) {
                        if (!out.blocked) y[out.at(p, i, j, c0 + c)] = m[c];
                        ap[c] = static_cast<std::uint8_t>(a[c]);
                    }
                }
            }
        }
    }
}

/// The backward of max_pool_body: dx (blocked, [planes, H, W, B]) is dy at each window's
/// maximum and 0 elsewhere (the windows do not overlap; every window position is written, so only
/// rows and columns left out of the windows need clearing).
[[gnu::always_inline]] inline void max_unpool_body(const float* dy, const std::uint8_t* arg,
                                                   float* dx, std::int64_t planes, std::int64_t h,
                                                   std::int64_t w, std::int64_t k,
                                                   const PoolOut& out) {
    const std::int64_t b = out.block;
    if (h != out.oh * k || w != out.ow * k) std::fill(dx, dx + planes * h * w * b, 0.0f);
    for (std::int64_t p = 0; p < planes; ++p) {
        float* xp = dx + p * h * w * b;
        for (std::int64_t i = 0; i < out.oh; ++i) {
            for (std::int64_t j = 0; j < out.ow; ++j) {
                for (std::int64_t c0 = 0; c0 < b; c0 += 8) {
                    const std::uint8_t* ap = arg + ((p * out.oh + i) * out.ow + j) * b + c0;
                    F8 g;
                    I8 a;
                    for (int c = 0; c < 8; ++c) {
                        g[c] = dy[out.at(p, i, j, c0 + c)];
                        a[c] = ap[c];
                    }
                    for (std::int64_t di = 0; di < k; ++di) {
                        for (std::int64_t dj = 0; dj < k; ++dj) {
                            const I8 q = I8{} + static_cast<std::int32_t>(di * k + dj);
                            const F8 v = a == q ? g : F8{};
                            std::memcpy(xp + ((i * k + di) * w + j * k + dj) * b + c0, &v,
                                        sizeof v);
                        }
                    }
                }
            }
        }
    }
}

// The kernels compiled for AVX2 and for the baseline, chosen by a CPU check (not an ifunc, which
// the sanitizer builds would have to resolve before they are initialised).
[[gnu::target("avx2")]] void max_pool_avx2(const float* x, float* y, std::uint8_t* arg,
                                           std::int64_t planes, std::int64_t h, std::int64_t w,
                                           std::int64_t k, const PoolOut& out) {
    max_pool_body(x, y, arg, planes, h, w, k, out);
}
void max_pool_base(const float* x, float* y, std::uint8_t* arg, std::int64_t planes, std::int64_t h,
                   std::int64_t w, std::int64_t k, const PoolOut& out) {
    max_pool_body(x, y, arg, planes, h, w, k, out);
}
[[gnu::target("avx2")]] void max_unpool_avx2(const float* dy, const std::uint8_t* arg, float* dx,
                                             std::int64_t planes, std::int64_t h, std::int64_t w,
                                             std::int64_t k, const PoolOut& out) {
    max_unpool_body(dy, arg, dx, planes, h, w, k, out);
}
void max_unpool_base(const float* dy, const std::uint8_t* arg, float* dx, std::int64_t planes,
                     std::int64_t h, std::int64_t w, std::int64_t k, const PoolOut& out) {
    max_unpool_body(dy, arg, dx, planes, h, w, k, out);
}

bool has_avx2() {
    static const bool avx2 = __builtin_cpu_supports("avx2");
    return avx2;
}

/// Non-overlapping size x size pooling (stride = size); rows and columns that do not fill a
/// window are dropped, as in Keras' "valid" pooling.
class Pool2dLayer final : public Layer {
public:
    Pool2dLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx)
        : Layer(spec, in, out),
          ctx_(ctx),
          alg_(spec.type == LayerType::kMaxPool2d ? dnnl::algorithm::pooling_max
                                                  : dnnl::algorithm::pooling_avg_exclude_padding) {}

    LayoutSupport layout_support() const override { return LayoutSupport::kAny; }

    void forward(const float* x, float* y, std::int64_t n, Mode) override {
        if (own_max()) {
            arg_.resize(static_cast<std::size_t>(n * out_size()));
            (has_avx2() ? max_pool_avx2 : max_pool_base)(x, y, arg_.data(), planes(n), in_[1],
                                                         in_[2], spec_.size, pool_out());
            return;
        }
        auto& p = prims(n);
        auto& s = ctx_.stream;
        p.src.in(s, x);
        p.dst.out(y);
        p.fwd.execute(s, p.fwd_args);
        p.dst.out_done(s);
        s.wait();
    }

    void backward(const float*, const float*, const float* dy, float* dx, std::int64_t n) override {
        if (!dx) return;
        if (own_max()) {
            (has_avx2() ? max_unpool_avx2 : max_unpool_base)(dy, arg_.data(), dx, planes(n), in_[1],
                                                             in_[2], spec_.size, pool_out());
            return;
        }
        auto& p = prims(n);
        auto& s = ctx_.stream;
        p.ddst.in(s, dy);
        p.dsrc.out(dx);
        p.bwd.execute(s, p.bwd_args);  // max: the forward's workspace says where each max was
        p.dsrc.out_done(s);
        s.wait();
    }

private:
    /// Max pooling of a blocked input runs snac's kernel (windows of up to 16 x 16, whose
    /// positions fit the byte-sized argmax); everything else runs oneDNN's pooling primitives.
    bool own_max() const {
        return alg_ == dnnl::algorithm::pooling_max && in_layout_ == Layout::kBlocked &&
               spec_.size <= 16;
    }
    std::int64_t planes(std::int64_t n) const { return n * in_[0] / blocked_channels(); }
    PoolOut pool_out() const {
        return {out_[1], out_[2], blocked_channels(), out_layout_ == Layout::kBlocked};
    }

    /// Pooling in the channel-blocked layout (blocked_tag(), else nChw8c): oneDNN's plain-NCHW
    /// pooling is a reference loop that cost more than the convolutions, the blocked one is JIT
    /// code; it reads and writes the network's blocked activations without a reorder.
    struct Prims {
        dnnl::pooling_forward fwd;
        dnnl::pooling_backward bwd;
        Boundary src, dst, ddst, dsrc;
        memory ws;
        std::unordered_map<int, memory> fwd_args, bwd_args;
    };

    Prims& prims(std::int64_t n) {
        const CacheKey key{n, in_layout_, out_layout_};
        auto it = cache_.find(key);
        if (it != cache_.end()) return it->second;
        const auto& eng = ctx_.engine;
        const std::int64_t s = spec_.size;
        const auto f32 = memory::data_type::f32;
        const memory::dims src_dims{n, in_[0], in_[1], in_[2]};
        const memory::dims dst_dims{n, out_[0], out_[1], out_[2]};
        const memory::desc src_user = chw_desc(src_dims, in_layout_);
        const memory::desc dst_user = chw_desc(dst_dims, out_layout_);
        const tag blk = blocked_tag() == tag::undef ? tag::nChw8c : blocked_tag();
        const memory::desc src_blk(src_dims, f32, blk), dst_blk(dst_dims, f32, blk);
        const memory::dims strides{s, s}, kernel{s, s}, pl{0, 0};
        const memory::dims pr{0, 0};  // floor division drops the incomplete windows
        const dnnl::pooling_forward::primitive_desc fwd_pd(
            dnnl::pooling_forward::desc(dnnl::prop_kind::forward_training, alg_, src_blk, dst_blk,
                                        strides, kernel, pl, pr),
            eng);
        const dnnl::pooling_backward::primitive_desc bwd_pd(
            dnnl::pooling_backward::desc(alg_, src_blk, dst_blk, strides, kernel, pl, pr), eng,
            fwd_pd);
        Prims p{dnnl::pooling_forward(fwd_pd),
                dnnl::pooling_backward(bwd_pd),
                Boundary(src_user, fwd_pd.src_desc(), eng, true),
                Boundary(dst_user, fwd_pd.dst_desc(), eng, false),
                Boundary(dst_user, bwd_pd.diff_dst_desc(), eng, true),
                Boundary(src_user, bwd_pd.diff_src_desc(), eng, false),
                memory(),
                {},
                {}};
        p.fwd_args = {{DNNL_ARG_SRC, p.src.inner}, {DNNL_ARG_DST, p.dst.inner}};
        p.bwd_args = {{DNNL_ARG_DIFF_DST, p.ddst.inner}, {DNNL_ARG_DIFF_SRC, p.dsrc.inner}};
        if (fwd_pd.workspace_desc().get_size() > 0) {
            p.ws = memory(fwd_pd.workspace_desc(), eng);
            p.fwd_args.emplace(DNNL_ARG_WORKSPACE, p.ws);
            p.bwd_args.emplace(DNNL_ARG_WORKSPACE, p.ws);
        }
        return cache_.emplace(key, std::move(p)).first->second;
    }

    DnnlContext& ctx_;
    dnnl::algorithm alg_;
    std::map<CacheKey, Prims> cache_;
    std::vector<std::uint8_t> arg_;  ///< window positions of the maxima in the last forward
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
