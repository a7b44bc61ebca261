// Non-local attention block (Wang et al., "Non-local Neural Networks", CVPR 2018, embedded
// Gaussian form), as used by NAC's ConvAttn: 1x1 convolutions Q, K, V from C to `hidden`
// channels, attention A = softmax over positions of Q^T K (no scaling), O = V A^T, a 1x1
// projection back to C channels and a residual add: y = x + W_p^T O + b_p.
// Every product is a batched oneDNN matmul over the [n, channels, positions] view of the NCHW
// data (shared weights broadcast over the batch, transposes expressed as strides); the attention
// softmax is oneDNN's softmax over the last axis of [n * positions, positions].
#include <algorithm>
#include <cmath>
#include <map>

#include "layer.hpp"
#include "layers.hpp"

namespace snac::nn::detail {
namespace {

using dnnl::memory;

memory::desc md3(memory::dim a, memory::dim b, memory::dim c, memory::dims strides = {}) {
    if (strides.empty()) strides = {b * c, c, 1};
    return memory::desc({a, b, c}, memory::data_type::f32, strides);
}

/// One matmul primitive with its memory objects; `accumulate` adds into dst (sum post-op).
struct Mm {
    dnnl::matmul prim;
    memory src, wei, dst, bias;
    std::unordered_map<int, memory> args;  ///< built once: memory objects are handles

    Mm() = default;
    Mm(const dnnl::engine& eng, const memory::desc& s, const memory::desc& w, const memory::desc& d,
       const memory::desc* b = nullptr, bool accumulate = false) {
        dnnl::primitive_attr attr;
        if (accumulate) {
            dnnl::post_ops po;
            po.append_sum(1.0f);
            attr.set_post_ops(po);
        }
        const auto desc = b ? dnnl::matmul::desc(s, w, *b, d) : dnnl::matmul::desc(s, w, d);
        prim = dnnl::matmul(dnnl::matmul::primitive_desc(desc, attr, eng));
        src = memory(s, eng, DNNL_MEMORY_NONE);
        wei = memory(w, eng, DNNL_MEMORY_NONE);
        dst = memory(d, eng, DNNL_MEMORY_NONE);
        args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}};
        if (b) {
            bias = memory(*b, eng, DNNL_MEMORY_NONE);
            args.emplace(DNNL_ARG_BIAS, bias);
        }
    }

    void run(dnnl::stream& st, const float* s, const float* w, float* d, const float* b = nullptr) {
        src.set_data_handle(const_cast<float*>(s));
        wei.set_data_handle(const_cast<float*>(w));
        dst.set_data_handle(d);
        if (b) bias.set_data_handle(const_cast<float*>(b));
        prim.execute(st, args);
    }
};

/// The weights of one 1x1 convolution, kernel stored [in, out].
struct Pointwise {
    std::int64_t in = 0, out = 0;
    std::vector<float> w, b, gw, gb;

    void init(std::int64_t fan_in, std::int64_t fan_out, Rng& rng) {
        in = fan_in;
        out = fan_out;
        w.resize(static_cast<std::size_t>(in * out));
        gw.assign(w.size(), 0.0f);
        b.assign(static_cast<std::size_t>(out), 0.0f);
        gb.assign(b.size(), 0.0f);
        glorot_uniform(w, in, out, rng);
    }
};

class ConvAttentionLayer final : public Layer {
public:
    ConvAttentionLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx,
                       std::uint64_t seed)
        : Layer(spec, in, out), ctx_(ctx), c_(in[0]), h_(spec.hidden), e_(in[1] * in[2]) {
        Rng rng(seed);
        for (auto* p : {&q_, &k_, &v_}) p->init(c_, h_, rng);
        proj_.init(h_, c_, rng);
    }

    void forward(const float* x, float* y, std::int64_t n, Mode) override {
        Prims& p = prims(n);
        const std::int64_t he = n * h_ * e_, ee = n * e_ * e_;
        for (auto* buf : {&qb_, &kb_, &vb_, &ob_}) buf->resize(static_cast<std::size_t>(he));
        ab_.resize(static_cast<std::size_t>(ee));
        auto& st = ctx_.stream;
        p.proj_in.run(st, q_.w.data(), x, qb_.data(), q_.b.data());
        p.proj_in.run(st, k_.w.data(), x, kb_.data(), k_.b.data());
        p.proj_in.run(st, v_.w.data(), x, vb_.data(), v_.b.data());
        p.scores.run(st, qb_.data(), kb_.data(), ab_.data());
        p.att.set_data_handle(ab_.data());
        p.softmax_fwd.execute(st, {{DNNL_ARG_SRC, p.att}, {DNNL_ARG_DST, p.att}});
        p.attend.run(st, vb_.data(), ab_.data(), ob_.data());
        std::copy(x, x + n * c_ * e_, y);  // residual; the projection accumulates onto it
        p.proj_out.run(st, proj_.w.data(), ob_.data(), y, proj_.b.data());
        st.wait();
    }

    void backward(const float* x, const float*, const float* dy, float* dx,
                  std::int64_t n) override {
        Prims& p = prims(n);
        const std::int64_t he = n * h_ * e_, ee = n * e_ * e_;
        for (auto* buf : {&dob_, &dqb_, &dkb_, &dvb_}) buf->resize(static_cast<std::size_t>(he));
        dsb_.resize(static_cast<std::size_t>(ee));
        wtmp_.resize(static_cast<std::size_t>(n * c_ * h_));
        auto& st = ctx_.stream;
        // Projection: dO = W_p dY; dW_p = sum_b O dY^T; db_p = sum dY.
        p.d_o.run(st, proj_.w.data(), dy, dob_.data());
        p.wgrad_out.run(st, ob_.data(), dy, wtmp_.data());
        st.wait();
        sum_batch(wtmp_, n, proj_.gw);
        bias_grad(dy, n, c_, proj_.gb);
        // Attention: dV = dO A; dA = dO^T V; dS = softmax backward; dQ = K dS^T; dK = Q dS.
        p.plain.run(st, dob_.data(), ab_.data(), dvb_.data());
        p.scores.run(st, dob_.data(), vb_.data(), dsb_.data());
        p.att.set_data_handle(ab_.data());
        p.datt.set_data_handle(dsb_.data());
        p.softmax_bwd.execute(
            st, {{DNNL_ARG_DST, p.att}, {DNNL_ARG_DIFF_DST, p.datt}, {DNNL_ARG_DIFF_SRC, p.datt}});
        p.attend.run(st, kb_.data(), dsb_.data(), dqb_.data());
        p.plain.run(st, qb_.data(), dsb_.data(), dkb_.data());
        // Input projections: dW = sum_b X dZ^T; db = sum dZ; dX = dY + sum W dZ.
        if (dx) std::copy(dy, dy + n * c_ * e_, dx);
        const std::pair<Pointwise*, const std::vector<float>*> parts[] = {
            {&q_, &dqb_}, {&k_, &dkb_}, {&v_, &dvb_}};
        for (const auto& [pw, dz] : parts) {
            p.wgrad_in.run(st, x, dz->data(), wtmp_.data());
            if (dx) p.dx_in.run(st, pw->w.data(), dz->data(), dx);
            st.wait();
            sum_batch(wtmp_, n, pw->gw);
            bias_grad(dz->data(), n, h_, pw->gb);
        }
    }

    std::vector<Param> params() override {
        std::vector<Param> out;
        for (auto* p : {&q_, &k_, &v_, &proj_}) {
            out.push_back({p->w.data(), p->gw.data(), p->w.size(), Decay::kApply});
            out.push_back({p->b.data(), p->gb.data(), p->b.size(), Decay::kNone});
        }
        return out;
    }

    /// Q, K, V under "<name>/query|key|value"; the block's own result type covers the scores
    /// S = QᵀK and the attended values O (recorded under "<name>"; the caller adds y).
    void observe_ranges(const std::string& prefix,
                        std::map<std::string, double>& max_abs) const override {
        const std::int64_t he = h_ * e_;
        if (he == 0 || qb_.empty()) return;
        const std::int64_t n = static_cast<std::int64_t>(qb_.size()) / he;
        const std::string path = prefix + spec_.name;
        auto largest = [](const std::vector<float>& v) {
            double m = 0.0;
            for (const float x : v) m = std::max(m, static_cast<double>(std::fabs(x)));
            return m;
        };
        double s_max = 0.0;
        for (std::int64_t b = 0; b < n; ++b)
            for (std::int64_t i = 0; i < e_; ++i)
                for (std::int64_t j = 0; j < e_; ++j) {
                    double s = 0.0;
                    for (std::int64_t hh = 0; hh < h_; ++hh)
                        s += static_cast<double>(
                                 qb_[static_cast<std::size_t>(b * he + hh * e_ + i)]) *
                             kb_[static_cast<std::size_t>(b * he + hh * e_ + j)];
                    s_max = std::max(s_max, std::fabs(s));
                }
        const std::pair<const char*, double> found[] = {{"/query", largest(qb_)},
                                                        {"/key", largest(kb_)},
                                                        {"/value", largest(vb_)},
                                                        {"", std::max(s_max, largest(ob_))}};
        for (const auto& [suffix, m] : found) {
            double& slot = max_abs[path + suffix];
            slot = std::max(slot, m);
        }
    }

protected:
    std::vector<NamedTensor> tensors() const override {
        std::vector<NamedTensor> t;
        const char* names[] = {"query", "key", "value", "proj"};
        const Pointwise* parts[] = {&q_, &k_, &v_, &proj_};
        for (int i = 0; i < 4; ++i) {
            t.push_back(
                {std::string(names[i]) + "_kernel", {parts[i]->in, parts[i]->out}, parts[i]->w});
            t.push_back({std::string(names[i]) + "_bias", {parts[i]->out}, parts[i]->b});
        }
        return t;
    }
    void set_tensors(const std::vector<NamedTensor>& t) override {
        const std::string where = "layer '" + spec_.name + "'";
        const char* names[] = {"query", "key", "value", "proj"};
        Pointwise* parts[] = {&q_, &k_, &v_, &proj_};
        for (int i = 0; i < 4; ++i) {
            copy_into(find_tensor(t, std::string(names[i]) + "_kernel", parts[i]->w.size(), where),
                      parts[i]->w);
            copy_into(find_tensor(t, std::string(names[i]) + "_bias", parts[i]->b.size(), where),
                      parts[i]->b);
        }
    }

private:
    struct Prims {
        Mm proj_in, scores, attend, proj_out, d_o, wgrad_out, plain, wgrad_in, dx_in;
        dnnl::softmax_forward softmax_fwd;
        dnnl::softmax_backward softmax_bwd;
        memory att, datt;
    };

    /// Sums a [n, a, b] batch of per-sample weight gradients into g ([a, b]).
    static void sum_batch(const std::vector<float>& tmp, std::int64_t n, std::vector<float>& g) {
        const std::size_t size = g.size();
        std::fill(g.begin(), g.end(), 0.0f);
        for (std::int64_t b = 0; b < n; ++b)
            for (std::size_t i = 0; i < size; ++i)
                g[i] += tmp[static_cast<std::size_t>(b) * size + i];
    }
    /// Bias gradient of a 1x1 conv: dz is [n, channels, positions].
    void bias_grad(const float* dz, std::int64_t n, std::int64_t channels,
                   std::vector<float>& gb) const {
        std::fill(gb.begin(), gb.end(), 0.0f);
        for (std::int64_t b = 0; b < n; ++b)
            for (std::int64_t j = 0; j < channels; ++j) {
                const float* row = dz + (b * channels + j) * e_;
                float s = 0.0f;
                for (std::int64_t p = 0; p < e_; ++p) s += row[p];
                gb[static_cast<std::size_t>(j)] += s;
            }
    }

    Prims& prims(std::int64_t n) {
        auto it = cache_.find(n);
        if (it != cache_.end()) return it->second;
        const auto& eng = ctx_.engine;
        const std::int64_t c = c_, h = h_, e = e_;
        const auto x_md = md3(n, c, e), hid_md = md3(n, h, e), att_md = md3(n, e, e);
        const auto hid_t = md3(n, e, h, {h * e, 1, e});  // [n, h, E] read as [n, E, h]
        const auto att_t = md3(n, e, e, {e * e, 1, e});  // A read transposed
        const auto bias_h = md3(1, h, 1), bias_c = md3(1, c, 1);
        Prims p;
        // Q = W^T X + b with the [C, h] kernel read as [h, C].
        p.proj_in = Mm(eng, md3(1, h, c, {h * c, 1, h}), x_md, hid_md, &bias_h);
        p.scores = Mm(eng, hid_t, hid_md, att_md);  // Q^T K  and  dO^T V
        p.attend = Mm(eng, hid_md, att_t, hid_md);  // V A^T  and  K dS^T
        p.plain = Mm(eng, hid_md, att_md, hid_md);  // dO A   and  Q dS
        p.proj_out = Mm(eng, md3(1, c, h, {c * h, 1, c}), hid_md, x_md, &bias_c, true);
        p.d_o = Mm(eng, md3(1, h, c), x_md, hid_md);                               // W_p dY
        p.wgrad_out = Mm(eng, hid_md, md3(n, e, c, {c * e, 1, e}), md3(n, h, c));  // O dY^T
        p.wgrad_in = Mm(eng, x_md, hid_t, md3(n, c, h));                           // X dZ^T
        p.dx_in = Mm(eng, md3(1, c, h), hid_md, x_md, nullptr, true);              // dX += W dZ
        const auto rows = plain_md({n * e, e});
        const dnnl::softmax_forward::primitive_desc sf_pd(
            dnnl::softmax_forward::desc(dnnl::prop_kind::forward_training, rows, 1), eng);
        p.softmax_fwd = dnnl::softmax_forward(sf_pd);
        p.softmax_bwd = dnnl::softmax_backward(dnnl::softmax_backward::primitive_desc(
            dnnl::softmax_backward::desc(rows, rows, 1), eng, sf_pd));
        p.att = memory(rows, eng, DNNL_MEMORY_NONE);
        p.datt = memory(rows, eng, DNNL_MEMORY_NONE);
        return cache_.emplace(n, std::move(p)).first->second;
    }

    DnnlContext& ctx_;
    std::int64_t c_, h_, e_;
    Pointwise q_, k_, v_, proj_;
    std::vector<float> qb_, kb_, vb_, ab_, ob_;  ///< saved by forward for backward
    std::vector<float> dob_, dqb_, dkb_, dvb_, dsb_, wtmp_;
    std::map<std::int64_t, Prims> cache_;
};

}  // namespace

std::unique_ptr<Layer> make_conv_attention(const LayerSpec& spec, const Shape& in, const Shape& out,
                                           DnnlContext& ctx, std::uint64_t seed) {
    return std::make_unique<ConvAttentionLayer>(spec, in, out, ctx, seed);
}

}  // namespace snac::nn::detail
