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

dnnl::memory::format_tag blocked_tag() {
    // Ask oneDNN which source layout it wants for a mid-network convolution (32 -> 32 channels,
    // 3x3): the same choice its direct kernels make for the network's own convolutions.
    static const dnnl::memory::format_tag tag = [] {
        using dnnl::memory;
        const dnnl::engine eng(dnnl::engine::kind::cpu, 0);
        const memory::dims src{64, 32, 12, 12}, w{32, 32, 3, 3}, dst{64, 32, 10, 10};
        const auto f32 = memory::data_type::f32;
        const auto any = memory::format_tag::any;
        const dnnl::convolution_forward::primitive_desc pd(
            dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training,
                                            dnnl::algorithm::convolution_direct,
                                            memory::desc(src, f32, any), memory::desc(w, f32, any),
                                            memory::desc(dst, f32, any), {1, 1}, {0, 0}, {0, 0}),
            eng);
        for (const auto t : {memory::format_tag::nChw16c, memory::format_tag::nChw8c})
            if (pd.src_desc() == memory::desc(src, f32, t) &&
                pd.dst_desc() == memory::desc(dst, f32, t))
                return t;
        return memory::format_tag::undef;
    }();
    return tag;
}

std::int64_t blocked_channels() {
    switch (blocked_tag()) {
        case dnnl::memory::format_tag::nChw16c:
            return 16;
        case dnnl::memory::format_tag::nChw8c:
            return 8;
        default:
            return 0;
    }
}

dnnl::memory::desc chw_desc(const dnnl::memory::dims& dims, Layout layout) {
    return dnnl::memory::desc(
        dims, dnnl::memory::data_type::f32,
        layout == Layout::kBlocked ? blocked_tag() : dnnl::memory::format_tag::nchw);
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
    // Layout plan: an activation is blocked when its producer can write it so (a conv or pool, or
    // an element-wise layer whose input is blocked) and it is [C, H, W] with whole channel blocks;
    // then, from the end, one whose consumer needs plain (flatten, dense, the network's output)
    // reverts to plain, and so does the input of an element-wise layer whose output did.
    const std::size_t count = layers_.size();
    const std::int64_t block = blocked_channels();
    plan_.assign(count, Layout::kPlain);
    for (std::size_t i = 0; block > 0 && i < count; ++i) {
        const Shape& shape = layers_[i]->out_shape();
        const auto support = layers_[i]->layout_support();
        const bool in_blocked = i > 0 && plan_[i - 1] == Layout::kBlocked;
        if (shape.size() == 3 && shape[0] % block == 0 &&
            (support == LayoutSupport::kAny || (support == LayoutSupport::kSame && in_blocked)))
            plan_[i] = Layout::kBlocked;
    }
    for (std::size_t i = count; i-- > 0;) {
        if (plan_[i] == Layout::kPlain) continue;
        const auto next =
            i + 1 < count ? layers_[i + 1]->layout_support() : LayoutSupport::kPlainOnly;
        if (next == LayoutSupport::kPlainOnly ||
            (next == LayoutSupport::kSame && plan_[i + 1] == Layout::kPlain))
            plan_[i] = Layout::kPlain;
    }
}

void Sequence::apply_layouts() {
    for (std::size_t i = 0; i < layers_.size(); ++i)
        layers_[i]->set_layouts(i == 0 ? Layout::kPlain : layout(i - 1), layout(i));
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
    apply_layouts();
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
    apply_layouts();
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
