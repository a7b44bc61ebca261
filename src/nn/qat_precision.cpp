// Per-layer precisions for a QAT bit width (docs/local-search.md): weight/bias/result types from a
// fixed integer count (QKeras convention) or from observed ranges with a stated headroom, and
// accumulators wide enough never to round or overflow (hls4ml's inferred-type rule,
// hls4ml-semantics.md §2), so the float sum of the training path equals the kernel's sum.
#include <algorithm>
#include <cmath>

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

HlsSettings qat_settings(const NetworkSpec& net, const CheckpointData& weights, const Dataset& data,
                         const QatPrecision& precision, const HlsSettings& base,
                         std::int64_t range_samples) {
    const int w = precision.type ? precision.type->width : precision.total_bits;
    if (w < 2 || w > 32)
        throw UsageError(
            "precision '" + precision.label + "' has " + std::to_string(w) + " total bits",
            "use between 2 and 32 total bits");
    const bool fixed_int = precision.type.has_value() || precision.integer_bits.has_value();
    auto fixed_type = [&]() {
        if (precision.type) return *precision.type;
        return qat_type(w, *precision.integer_bits + 1);  // QKeras counts bits without the sign
    };

    // Observed ranges: a float pass over the first training samples.
    detail::Network float_net(net, 0);
    float_net.load(weights.layers);
    detail::Sequence& seq = float_net.sequence();
    std::vector<double> out_max(seq.size(), 0.0);
    double in_max = 0.0;
    if (!fixed_int) {
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
        for (std::size_t i = 0; i < seq.size(); ++i)
            out_max[i] =
                max_abs(seq.output(i), static_cast<std::size_t>(n * seq.layer(i).out_size()));
    }

    HlsSettings s = base;
    s.layers.clear();
    FixedType x_type = fixed_int ? fixed_type() : fixed_type_for_range(w, in_max, 0);
    s.input = x_type;  // input_t (HlsSettings::input; lower_network casts the input to it)
    s.default_precision.result = x_type;
    s.default_precision.weight = s.default_precision.bias = x_type;
    for (std::size_t i = 0; i < seq.size(); ++i) {
        const LayerSpec& l = seq.layer(i).spec();
        if (l.type == LayerType::kDropout || l.type == LayerType::kIdentity ||
            l.type == LayerType::kFlatten)
            continue;
        if (l.type == LayerType::kDeepSets || l.type == LayerType::kConvAttention)
            throw UsageError("layer '" + l.name + "': quantization-aware training does not " +
                                 "support " + std::string(to_string(l.type)),
                             "use an architecture without it for the local stage");
        LayerHlsSettings ls = base.for_layer(l.name);
        LayerPrecision& p = ls.precision;
        if (fixed_int) {
            p.weight = p.bias = p.result = fixed_type();
        } else {
            double wmax = 0.0, bmax = 0.0;
            if (l.type == LayerType::kDense || l.type == LayerType::kConv2d) {
                if (const NamedTensor* k = find(weights, l.name, "kernel"))
                    wmax = max_abs(k->values.data(), k->values.size());
                if (const NamedTensor* b = find(weights, l.name, "bias"))
                    bmax = max_abs(b->values.data(), b->values.size());
            } else if (l.type == LayerType::kBatchNorm) {
                const NamedTensor* g = find(weights, l.name, "gamma");
                const NamedTensor* be = find(weights, l.name, "beta");
                const NamedTensor* m = find(weights, l.name, "moving_mean");
                const NamedTensor* v = find(weights, l.name, "moving_variance");
                if (g && be && m && v)
                    for (std::size_t c = 0; c < g->values.size(); ++c) {
                        const double sc = g->values[c] / std::sqrt(v->values[c] + l.epsilon);
                        wmax = std::max(wmax, std::fabs(sc));
                        bmax = std::max(bmax, std::fabs(be->values[c] - sc * m->values[c]));
                    }
            } else if (l.type == LayerType::kLeakyRelu) {
                wmax = std::fabs(l.alpha);
            }
            p.weight = fixed_type_for_range(w, wmax, 0);
            p.bias = fixed_type_for_range(w, bmax, 0);
            p.result = fixed_type_for_range(w, bounded_output(l.type) ? 1.0 : out_max[i],
                                            bounded_output(l.type) ? 0 : kActivationHeadroomBits);
        }
        if (l.type == LayerType::kDense || l.type == LayerType::kConv2d) {
            const Shape& in = seq.layer(i).in_shape();
            const std::int64_t n_in =
                l.type == LayerType::kDense ? in[0] : in[0] * l.kernel * l.kernel;
            p.accum = exact_accum(x_type, p.weight, p.bias, n_in);
        } else if (l.type == LayerType::kAvgPool2d) {
            p.accum = FixedType{std::min(kMaxAccumWidth, x_type.width + ceil_log2(l.size * l.size)),
                                x_type.integer + ceil_log2(l.size * l.size)};
        }
        s.layers[l.name] = ls;
        x_type = p.result;
    }
    return s;
}

}  // namespace snac::nn
