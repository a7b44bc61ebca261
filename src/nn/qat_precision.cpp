// Per-layer precisions for a QAT bit width (docs/local-search.md): weight/bias/result types from a
// fixed integer count (QKeras convention) or from observed ranges with a stated headroom, and
// accumulators wide enough never to round or overflow (hls4ml's inferred-type rule,
// hls4ml-semantics.md §2), so the float sum of the training path equals the kernel's sum.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "network.hpp"
#include "snac/core/error.hpp"
#include "snac/nn/qat.hpp"

namespace snac::nn {
namespace {

constexpr int kMaxFraction = 24;
constexpr int kMaxAccumWidth = 64;

FixedType qat_type(int width, int integer) {
    return FixedType{width, integer, Signedness::kSigned, QuantMode::kRndConv, OverflowMode::kSat};
}

double max_abs(const float* v, std::size_t n) {
    double m = 0.0;
    for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(static_cast<double>(v[i])));
    return m;
}

const NamedTensor* find(const CheckpointData& ck, const std::string& layer, const std::string& t) {
    for (const LayerWeights& lw : ck.layers)
        if (lw.layer_name == layer)
            for (const NamedTensor& x : lw.tensors)
                if (x.name == t) return &x;
    return nullptr;
}

int ceil_log2(std::int64_t n) {
    int b = 0;
    while ((std::int64_t{1} << b) < n) ++b;
    return b;
}

/// The accumulator of a dense/conv layer: exact products (F_x + F_w fractional bits, at least the
/// bias's), integer bits for n_in products plus the bias; capped at 64 bits by dropping integer
/// bits.
FixedType exact_accum(const FixedType& x, const FixedType& w, const FixedType& b,
                      std::int64_t n_in) {
    const int f = std::max(x.fractional() + w.fractional(), b.fractional());
    int i = std::max(x.integer + w.integer, b.integer) + ceil_log2(n_in) + 1;
    if (i + f > kMaxAccumWidth) i = kMaxAccumWidth - f;
    return FixedType{i + f, i};
}

bool bounded_output(LayerType t) {
    return t == LayerType::kSigmoid || t == LayerType::kTanh || t == LayerType::kSoftmax;
}

}  // namespace

FixedType fixed_type_for_range(int width, double max_abs_value, int headroom) {
    int integer = 1;
    if (max_abs_value > 0.0 && std::isfinite(max_abs_value)) {
        integer = static_cast<int>(std::floor(std::log2(max_abs_value))) + 2;
        if (max_abs_value >= std::ldexp(1.0, integer - 1)) ++integer;
    }
    integer += headroom;
    integer = std::max(integer, width - kMaxFraction);
    return qat_type(width, integer);
}

namespace {

/// Assigns the per-layer types of one precision, recursing into Deep Sets members (paths
/// "<block>/phi/<name>", "<block>/rho/<name>") and ConvAttn parts ("<block>/query", ...).
class Assigner {
public:
    Assigner(const CheckpointData& weights, const HlsSettings& base, HlsSettings& out, int width,
             std::optional<FixedType> fixed, std::map<std::string, double> ranges)
        : weights_(weights),
          base_(base),
          out_(out),
          w_(width),
          fixed_(std::move(fixed)),
          ranges_(std::move(ranges)) {}

    /// Returns the type of the sequence's output; `in_max` is the largest input magnitude.
    FixedType sequence(const std::vector<LayerSpec>& layers, Shape in, const std::string& prefix,
                       FixedType x_type, double in_max) {
        for (const LayerSpec& l : layers) {
            const std::string path = prefix + l.name;
            const Shape out = infer_sequence({l}, in, path);
            if (l.type == LayerType::kDropout || l.type == LayerType::kIdentity ||
                l.type == LayerType::kFlatten) {
                in = out;
                continue;
            }
            if (l.type == LayerType::kDeepSets) {
                x_type = deepsets(l, in, path, x_type, in_max);
            } else if (l.type == LayerType::kConvAttention) {
                x_type = conv_attention(l, in, path, x_type, in_max);
            } else {
                x_type = plain(l, in, path, x_type);
            }
            in_max = range(path);
            in = out;
        }
        return x_type;
    }

private:
    double range(const std::string& path) const {
        const auto it = ranges_.find(path);
        return it == ranges_.end() ? 0.0 : it->second;
    }
    FixedType result_type(double max_abs_value) const {
        return fixed_ ? *fixed_
                      : fixed_type_for_range(w_, max_abs_value, activation_headroom_bits(w_));
    }
    FixedType param_type(double max_abs_value) const {
        return fixed_ ? *fixed_ : fixed_type_for_range(w_, max_abs_value, 0);
    }
    /// Softmax outputs lie in [0, 1] and are the product of two table entries: they keep the
    /// table's fractional bits whatever the sweep's width (at 4 bits a 2-fraction-bit output
    /// ties most classes and argmax picks the first; MNIST 8x8 fell to 0.40).
    FixedType softmax_result() const {
        const int f = std::max(base_.table.fractional(), w_ - 2);
        return qat_type(f + 2, 2);
    }
    double tensor_max(const std::string& layer, const std::string& name) const {
        const NamedTensor* t = find(weights_, layer, name);
        return t ? max_abs(t->values.data(), t->values.size()) : 0.0;
    }

    FixedType plain(const LayerSpec& l, const Shape& in, const std::string& path,
                    const FixedType& x_type) {
        LayerHlsSettings ls = base_.for_layer(path);
        LayerPrecision& p = ls.precision;
        double wmax = 0.0, bmax = 0.0;
        if (l.type == LayerType::kDense || l.type == LayerType::kConv2d) {
            wmax = tensor_max(path, "kernel");
            bmax = tensor_max(path, "bias");
        } else if (l.type == LayerType::kBatchNorm) {
            const NamedTensor* g = find(weights_, path, "gamma");
            const NamedTensor* be = find(weights_, path, "beta");
            const NamedTensor* m = find(weights_, path, "moving_mean");
            const NamedTensor* v = find(weights_, path, "moving_variance");
            if (g && be && m && v)
                for (std::size_t c = 0; c < g->values.size(); ++c) {
                    const double sc = g->values[c] / std::sqrt(v->values[c] + l.epsilon);
                    wmax = std::max(wmax, std::fabs(sc));
                    bmax = std::max(bmax, std::fabs(be->values[c] - sc * m->values[c]));
                }
        } else if (l.type == LayerType::kLeakyRelu) {
            wmax = std::fabs(l.alpha);
        }
        p.weight = param_type(wmax);
        p.bias = param_type(bmax);
        if (l.type == LayerType::kSoftmax)
            p.result = softmax_result();
        else if (bounded_output(l.type))
            p.result = fixed_ ? *fixed_ : fixed_type_for_range(w_, 1.0, 0);
        else
            p.result = result_type(range(path));
        if (l.type == LayerType::kDense || l.type == LayerType::kConv2d) {
            const std::int64_t n_in =
                l.type == LayerType::kDense ? in[0] : in[0] * l.kernel * l.kernel;
            p.accum = exact_accum(x_type, p.weight, p.bias, n_in);
        } else if (l.type == LayerType::kAvgPool2d) {
            p.accum = FixedType{std::min(kMaxAccumWidth, x_type.width + ceil_log2(l.size * l.size)),
                                x_type.integer + ceil_log2(l.size * l.size)};
        }
        out_.layers[path] = ls;
        return p.result;
    }

    /// phi per element; the aggregation sums elements exactly in the block's accum (mean divides
    /// afterwards) and casts to the block's result, which rho reads.
    FixedType deepsets(const LayerSpec& l, const Shape& in, const std::string& path,
                       const FixedType& x_type, double in_max) {
        const FixedType agg_in = sequence(l.phi, {in[1]}, path + "/phi/", x_type, in_max);
        LayerHlsSettings ls = base_.for_layer(path);
        LayerPrecision& p = ls.precision;
        p.result = result_type(range(path));
        p.weight = p.bias = p.result;  // the block has no parameters of its own
        const int i =
            std::min(agg_in.integer + ceil_log2(in[0]) + 1, kMaxAccumWidth - agg_in.fractional());
        p.accum = FixedType{i + agg_in.fractional(), i};
        out_.layers[path] = ls;
        const Shape elem = infer_sequence(l.phi, {in[1]}, path + "/phi/");
        return sequence(l.rho, elem, path + "/rho/", p.result, range(path));
    }

    /// Q, K, V (dense parts per position, in `x_type`), the block's result type for the scores,
    /// the attended values and the output, the softmax part (bounded by 1), the projection (in
    /// the block's result type); the block's accum holds both attention products exactly.
    FixedType conv_attention(const LayerSpec& l, const Shape& in, const std::string& path,
                             const FixedType& x_type, double in_max) {
        const std::int64_t c = in[0], h = l.hidden, e = in[1] * in[2];
        auto part = [&](const std::string& name, std::int64_t n_in, const FixedType& xt,
                        double result_max) {
            LayerHlsSettings ls = base_.for_layer(path + "/" + name);
            LayerPrecision& p = ls.precision;
            p.weight = param_type(tensor_max(path, name + "_kernel"));
            p.bias = param_type(tensor_max(path, name + "_bias"));
            p.result = result_type(result_max);
            p.accum = exact_accum(xt, p.weight, p.bias, n_in);
            out_.layers[path + "/" + name] = ls;
            return p.result;
        };
        const FixedType q = part("query", c, x_type, range(path + "/query"));
        const FixedType k = part("key", c, x_type, range(path + "/key"));
        const FixedType v = part("value", c, x_type, range(path + "/value"));
        LayerHlsSettings ss = base_.for_layer(path + "/softmax");
        ss.precision.result = softmax_result();
        ss.precision.weight = ss.precision.bias = ss.precision.result;
        const FixedType a = ss.precision.result;
        out_.layers[path + "/softmax"] = ss;
        LayerHlsSettings ls = base_.for_layer(path);
        LayerPrecision& p = ls.precision;
        p.result = result_type(range(path));
        p.weight = p.bias = p.result;
        const int f = std::max(q.fractional() + k.fractional(), v.fractional() + a.fractional());
        int i =
            std::max(q.integer + k.integer + ceil_log2(h), v.integer + a.integer + ceil_log2(e)) +
            1;
        if (i + f > kMaxAccumWidth) i = kMaxAccumWidth - f;
        p.accum = FixedType{i + f, i};
        out_.layers[path] = ls;
        // proj(O) = y − x: bounded by the output's and the input's ranges together.
        part("proj", h, p.result, range(path) + in_max);
        return p.result;
    }

    const CheckpointData& weights_;
    const HlsSettings& base_;
    HlsSettings& out_;
    int w_;
    std::optional<FixedType> fixed_;
    std::map<std::string, double> ranges_;
};

}  // namespace

HlsSettings qat_settings(const NetworkSpec& net, const CheckpointData& weights, const Dataset& data,
                         const QatPrecision& precision, const HlsSettings& base,
                         std::int64_t range_samples) {
    const int w = precision.type ? precision.type->width : precision.total_bits;
    if (w < 2 || w > 32)
        throw UsageError(
            "precision '" + precision.label + "' has " + std::to_string(w) + " total bits",
            "use between 2 and 32 total bits");
    std::optional<FixedType> fixed;
    if (precision.type)
        fixed = *precision.type;
    else if (precision.integer_bits)
        fixed = qat_type(w, *precision.integer_bits + 1);  // QKeras counts bits without the sign

    // Observed ranges: a float pass over the first training samples, every layer's output by
    // path, nested results (Deep Sets members, ConvAttn parts) included.
    std::map<std::string, double> ranges;
    double in_max = 0.0;
    if (!fixed) {
        detail::Network float_net(net, 0);
        float_net.load(weights.layers);
        detail::Sequence& seq = float_net.sequence();
        const auto& idx = data.indices(Split::kTrain);
        const std::int64_t n =
            std::min<std::int64_t>(range_samples, static_cast<std::int64_t>(idx.size()));
        if (n == 0)
            throw UsageError("int_bits: auto needs training samples to observe ranges",
                             "give the dataset a training split or set the integer bits");
        const std::int64_t ss = data.sample_size();
        std::vector<float> x(static_cast<std::size_t>(n * ss));
        for (std::int64_t i = 0; i < n; ++i)
            std::copy_n(data.x.begin() + idx[static_cast<std::size_t>(i)] * ss, ss,
                        x.begin() + i * ss);
        in_max = max_abs(x.data(), x.size());
        float_net.forward(x.data(), n, detail::Mode::kEval);
        for (std::size_t i = 0; i < seq.size(); ++i) {
            const detail::Layer& layer = seq.layer(i);
            layer.observe_ranges("", ranges);
            double& r = ranges[layer.spec().name];
            r = std::max(r, max_abs(seq.output(i), static_cast<std::size_t>(n * layer.out_size())));
        }
    }

    HlsSettings s = base;
    s.layers.clear();
    const FixedType x_type = fixed ? *fixed : fixed_type_for_range(w, in_max, 0);
    s.input = x_type;  // input_t (HlsSettings::input; lower_network casts the input to it)
    s.default_precision.result = x_type;
    s.default_precision.weight = s.default_precision.bias = x_type;
    Assigner(weights, base, s, w, fixed, std::move(ranges))
        .sequence(net.layers, net.input_shape, "", x_type, in_max);
    return s;
}

}  // namespace snac::nn
