// Sequence of layers with the buffers between them, and the small helpers every layer shares.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "layer.hpp"
#include "snac/core/error.hpp"
#include "snac/core/seed.hpp"

namespace snac::nn::detail {

std::int64_t numel(const Shape& s) {
    return std::accumulate(s.begin(), s.end(), std::int64_t{1}, std::multiplies<>());
}

std::uint64_t Rng::next() {
    // SplitMix64: tiny state, good enough for initialisation and dropout masks, and identical on
    // every platform (std:: distributions are not).
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

float Rng::uniform(float lo, float hi) {
    const double u = static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0);
    return static_cast<float>(lo + (hi - lo) * u);
}

void glorot_uniform(std::vector<float>& w, std::int64_t fan_in, std::int64_t fan_out, Rng& rng) {
    const float limit = static_cast<float>(std::sqrt(6.0 / static_cast<double>(fan_in + fan_out)));
    for (auto& v : w) v = rng.uniform(-limit, limit);
}

dnnl::memory::desc plain_md(const dnnl::memory::dims& dims) {
    dnnl::memory::dims strides(dims.size());
    dnnl::memory::dim s = 1;
    for (std::size_t i = dims.size(); i-- > 0;) {
        strides[i] = s;
        s *= dims[i];
    }
    return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, strides);
}

const NamedTensor& find_tensor(const std::vector<NamedTensor>& tensors, const std::string& name,
                               std::size_t expected, const std::string& where) {
    for (const auto& t : tensors) {
        if (t.name != name) continue;
        if (t.values.size() != expected)
            throw UsageError(where + ": array '" + name + "' has " +
                                 std::to_string(t.values.size()) + " values, expected " +
                                 std::to_string(expected),
                             "the checkpoint does not match its architecture");
        return t;
    }
    throw UsageError(where + ": array '" + name + "' is missing",
                     "the checkpoint does not match its architecture");
}

void copy_into(const NamedTensor& t, std::vector<float>& dst) {
    std::copy(t.values.begin(), t.values.end(), dst.begin());
}

void Layer::save(std::vector<LayerWeights>& out, const std::string& prefix) const {
    LayerWeights w;
    w.layer_name = prefix + spec_.name;
    w.layer_type = std::string(to_string(spec_.type));
    w.tensors = tensors();
    out.push_back(std::move(w));
}

void Layer::load(const std::vector<LayerWeights>& weights, const std::string& prefix) {
    const std::string name = prefix + spec_.name;
    for (const auto& w : weights) {
        if (w.layer_name != name) continue;
        set_tensors(w.tensors);
        return;
    }
    if (!tensors().empty())
        throw UsageError("layer '" + name + "' has no weights in the checkpoint",
                         "the checkpoint does not match its architecture");
}

Sequence::Sequence(const std::vector<LayerSpec>& specs, const Shape& in, DnnlContext& ctx,
                   std::uint64_t seed)
    : in_(in) {
    Shape s = in;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        Shape next = infer_sequence({specs[i]}, s, specs[i].name + " ");
        layers_.push_back(make_layer(specs[i], s, next, ctx, derive_seed(seed, i, "layer")));
        s = next;
    }
    out_ = s;
    acts_.resize(layers_.size());
    grads_.resize(layers_.size());
}

void Sequence::reserve(std::int64_t n) {
    if (n <= capacity_) return;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        const auto size = static_cast<std::size_t>(n * layers_[i]->out_size());
        acts_[i].resize(size);
        grads_[i].resize(size);
    }
    capacity_ = n;
}

const float* Sequence::forward(const float* x, std::int64_t n, Mode mode) {
    reserve(n);
    const float* cur = x;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        if (hook_) {
            layers_[i]->forward(cur, acts_[i].data(), n, hook_->layer_mode(i, mode));
            hook_->after_forward(i, cur, acts_[i].data(), n, mode);
        } else {
            layers_[i]->forward(cur, acts_[i].data(), n, mode);
        }
        cur = acts_[i].data();
    }
    return cur;
}

void Sequence::backward(const float* x, const float* dy, float* dx, std::int64_t n,
                        std::size_t end) {
    // grads_[i] holds dL/d(output of layer i); layer end-1 receives dy directly.
    const float* g = dy;
    for (std::size_t i = end; i-- > 0;) {
        const float* in = i == 0 ? x : acts_[i - 1].data();
        float* d_in = i == 0 ? dx : grads_[i - 1].data();
        if (hook_) {
            const auto size = static_cast<std::size_t>(n * layers_[i]->out_size());
            hook_grad_.assign(g, g + size);
            g = hook_grad_.data();
            if (hook_->before_backward(i, in, hook_grad_.data(), d_in, n)) {
                g = d_in;
                continue;
            }
        }
        layers_[i]->backward(in, acts_[i].data(), g, d_in, n);
        g = d_in;
    }
}

std::vector<Param> Sequence::params() {
    std::vector<Param> out;
    for (auto& l : layers_) {
        auto p = l->params();
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

void Sequence::save(std::vector<LayerWeights>& out, const std::string& prefix) const {
    for (const auto& l : layers_) l->save(out, prefix);
}

void Sequence::load(const std::vector<LayerWeights>& weights, const std::string& prefix) {
    for (auto& l : layers_) l->load(weights, prefix);
}

}  // namespace snac::nn::detail
