// Non-local attention block (Wang et al., "Non-local Neural Networks", CVPR 2018, embedded
// Gaussian form), as used by NAC's ConvAttn: 1x1 convolutions Q, K, V from C to `hidden`
// channels, attention A = softmax over positions of Q^T K (no scaling), O = V A^T, a 1x1
// projection back to C channels and a residual add: y = x + W_p O + b_p.
// The per-sample matrices are tiny (positions = H*W, hidden channels), so this block is written as
// plain loops rather than chains of oneDNN matmul primitives.
#include <algorithm>
#include <cmath>

#include "layer.hpp"
#include "layers.hpp"

namespace snac::nn::detail {
namespace {

/// One 1x1 convolution: out[j, e] = b[j] + sum_c w[c, j] x[c, e]; kernel stored [in, out].
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
    void forward(const float* x, float* y, std::int64_t e) const {
        for (std::int64_t j = 0; j < out; ++j) std::fill(y + j * e, y + (j + 1) * e, b[j]);
        for (std::int64_t c = 0; c < in; ++c)
            for (std::int64_t j = 0; j < out; ++j) {
                const float wc = w[c * out + j];
                for (std::int64_t p = 0; p < e; ++p) y[j * e + p] += wc * x[c * e + p];
            }
    }
    /// Accumulates weight gradients and adds dL/dx into dx (when not null).
    void backward(const float* x, const float* dy, float* dx, std::int64_t e) {
        for (std::int64_t j = 0; j < out; ++j)
            for (std::int64_t p = 0; p < e; ++p) gb[j] += dy[j * e + p];
        for (std::int64_t c = 0; c < in; ++c)
            for (std::int64_t j = 0; j < out; ++j) {
                float acc = 0.0f;
                const float wc = w[c * out + j];
                for (std::int64_t p = 0; p < e; ++p) {
                    acc += x[c * e + p] * dy[j * e + p];
                    if (dx) dx[c * e + p] += wc * dy[j * e + p];
                }
                gw[c * out + j] += acc;
            }
    }
    void zero_grad() {
        std::fill(gw.begin(), gw.end(), 0.0f);
        std::fill(gb.begin(), gb.end(), 0.0f);
    }
};

class ConvAttentionLayer final : public Layer {
public:
    ConvAttentionLayer(const LayerSpec& spec, const Shape& in, const Shape& out,
                       std::uint64_t seed)
        : Layer(spec, in, out), c_(in[0]), h_(spec.hidden), e_(in[1] * in[2]) {
        Rng rng(seed);
        for (auto* p : {&q_, &k_, &v_}) p->init(c_, h_, rng);
        proj_.init(h_, c_, rng);
    }

    void forward(const float* x, float* y, std::int64_t n, Mode) override {
        const std::int64_t he = h_ * e_, ee = e_ * e_, ce = c_ * e_;
        for (auto* buf : {&qb_, &kb_, &vb_, &ob_}) buf->resize(static_cast<std::size_t>(n * he));
        ab_.resize(static_cast<std::size_t>(n * ee));
        for (std::int64_t b = 0; b < n; ++b) {
            const float* xb = x + b * ce;
            float *q = qb_.data() + b * he, *k = kb_.data() + b * he, *v = vb_.data() + b * he;
            float *a = ab_.data() + b * ee, *o = ob_.data() + b * he;
            q_.forward(xb, q, e_);
            k_.forward(xb, k, e_);
            v_.forward(xb, v, e_);
            for (std::int64_t i = 0; i < e_; ++i) {
                float* row = a + i * e_;
                std::fill(row, row + e_, 0.0f);
                for (std::int64_t j = 0; j < h_; ++j) {
                    const float qi = q[j * e_ + i];
                    for (std::int64_t p = 0; p < e_; ++p) row[p] += qi * k[j * e_ + p];
                }
                const float mx = *std::max_element(row, row + e_);
                float sum = 0.0f;
                for (std::int64_t p = 0; p < e_; ++p) sum += row[p] = std::exp(row[p] - mx);
                for (std::int64_t p = 0; p < e_; ++p) row[p] /= sum;
            }
            for (std::int64_t j = 0; j < h_; ++j)
                for (std::int64_t i = 0; i < e_; ++i) {
                    float acc = 0.0f;
                    for (std::int64_t p = 0; p < e_; ++p) acc += v[j * e_ + p] * a[i * e_ + p];
                    o[j * e_ + i] = acc;
                }
            float* yb = y + b * ce;
            proj_.forward(o, yb, e_);
            for (std::int64_t i = 0; i < ce; ++i) yb[i] += xb[i];
        }
    }

    void backward(const float* x, const float*, const float* dy, float* dx,
                  std::int64_t n) override {
        const std::int64_t he = h_ * e_, ee = e_ * e_, ce = c_ * e_;
        for (auto* p : {&q_, &k_, &v_, &proj_}) p->zero_grad();
        std::vector<float>& dO = dO_;
        dO.resize(static_cast<std::size_t>(he));
        dq_.resize(static_cast<std::size_t>(he));
        dk_.resize(static_cast<std::size_t>(he));
        dv_.resize(static_cast<std::size_t>(he));
        ds_.resize(static_cast<std::size_t>(ee));
        for (std::int64_t b = 0; b < n; ++b) {
            const float* xb = x + b * ce;
            const float* g = dy + b * ce;
            const float *q = qb_.data() + b * he, *k = kb_.data() + b * he,
                        *v = vb_.data() + b * he, *a = ab_.data() + b * ee,
                        *o = ob_.data() + b * he;
            float* dxb = dx ? dx + b * ce : nullptr;
            if (dxb) std::copy(g, g + ce, dxb);  // residual path
            std::fill(dO.begin(), dO.end(), 0.0f);
            proj_.backward(o, g, dO.data(), e_);
            // dV = dO A ; dA = dO^T V ; dS = A * (dA - rowsum(dA * A))
            for (std::int64_t j = 0; j < h_; ++j)
                for (std::int64_t p = 0; p < e_; ++p) {
                    float acc = 0.0f;
                    for (std::int64_t i = 0; i < e_; ++i) acc += dO[j * e_ + i] * a[i * e_ + p];
                    dv_[j * e_ + p] = acc;
                }
            for (std::int64_t i = 0; i < e_; ++i) {
                float* ds = ds_.data() + i * e_;
                for (std::int64_t p = 0; p < e_; ++p) {
                    float acc = 0.0f;
                    for (std::int64_t j = 0; j < h_; ++j) acc += dO[j * e_ + i] * v[j * e_ + p];
                    ds[p] = acc;
                }
                float dot = 0.0f;
                for (std::int64_t p = 0; p < e_; ++p) dot += ds[p] * a[i * e_ + p];
                for (std::int64_t p = 0; p < e_; ++p) ds[p] = a[i * e_ + p] * (ds[p] - dot);
            }
            // dQ[j, i] = sum_p dS[i, p] K[j, p] ; dK[j, p] = sum_i dS[i, p] Q[j, i]
            std::fill(dk_.begin(), dk_.end(), 0.0f);
            for (std::int64_t j = 0; j < h_; ++j)
                for (std::int64_t i = 0; i < e_; ++i) {
                    float acc = 0.0f;
                    const float qi = q[j * e_ + i];
                    for (std::int64_t p = 0; p < e_; ++p) {
                        acc += ds_[i * e_ + p] * k[j * e_ + p];
                        dk_[j * e_ + p] += ds_[i * e_ + p] * qi;
                    }
                    dq_[j * e_ + i] = acc;
                }
            q_.backward(xb, dq_.data(), dxb, e_);
            k_.backward(xb, dk_.data(), dxb, e_);
            v_.backward(xb, dv_.data(), dxb, e_);
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

protected:
    std::vector<NamedTensor> tensors() const override {
        std::vector<NamedTensor> t;
        const char* names[] = {"query", "key", "value", "proj"};
        const Pointwise* parts[] = {&q_, &k_, &v_, &proj_};
        for (int i = 0; i < 4; ++i) {
            t.push_back({std::string(names[i]) + "_kernel", {parts[i]->in, parts[i]->out},
                         parts[i]->w});
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
    std::int64_t c_, h_, e_;
    Pointwise q_, k_, v_, proj_;
    std::vector<float> qb_, kb_, vb_, ab_, ob_;  ///< saved by forward for backward
    std::vector<float> dO_, dq_, dk_, dv_, ds_;  ///< per-sample scratch
};

}  // namespace

std::unique_ptr<Layer> make_conv_attention(const LayerSpec& spec, const Shape& in,
                                           const Shape& out, DnnlContext&, std::uint64_t seed) {
    return std::make_unique<ConvAttentionLayer>(spec, in, out, seed);
}

}  // namespace snac::nn::detail
