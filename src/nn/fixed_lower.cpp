// Lowers a trained network to the fixed-point layer list the HLS kernels compute
// (hls4ml-semantics.md §3–§7; Duarte et al., JINST 13 P07027, 2018): quantizes parameters into
// each layer's types, folds batch norm into scale/bias, builds lookup tables, and resolves reuse
// factors (invalid values corrected with a warning, hls4ml's rule in core/reuse_factor.hpp).
#include "fixed_lower.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "snac/core/error.hpp"
#include "snac/core/reuse_factor.hpp"
#include "snac/nn/fixed_arith.hpp"
#include "snac/nn/fixed_model.hpp"
#include "snac/nn/fixed_tables.hpp"

namespace snac::nn {
namespace {

/// Largest number of multiplications per call a Latency/io_parallel layer can unroll before HLS
/// partitioning (maximum_size 4096) and unrolling limits are hit (hls4ml-semantics.md §10).
constexpr std::int64_t kLatencyMultiplierLimit = 4096;

std::int64_t product(const Shape& s) {
    return std::accumulate(s.begin(), s.end(), std::int64_t{1}, std::multiplies<>());
}

class Lowerer {
public:
    Lowerer(const CheckpointData& ckpt, const HlsSettings& settings)
        : ckpt_(ckpt), settings_(settings) {}

    std::vector<FixedLayer> sequence(const std::vector<LayerSpec>& layers, Shape in,
                                     const std::string& prefix, FixedType in_type) {
        std::vector<FixedLayer> out;
        for (const LayerSpec& l : layers) {
            if (l.type == LayerType::kDropout || l.type == LayerType::kIdentity) continue;
            FixedLayer fl = layer(l, in, prefix + l.name, in_type);
            in = fl.out_shape;
            in_type = fl.output_type();
            out.push_back(std::move(fl));
        }
        return out;
    }

    std::vector<std::string> warnings;

private:
    const NamedTensor& tensor(const std::string& layer, const std::string& name,
                              const Shape& shape) const {
        for (const LayerWeights& lw : ckpt_.layers) {
            if (lw.layer_name != layer) continue;
            for (const NamedTensor& t : lw.tensors) {
                if (t.name != name) continue;
                if (t.shape != shape ||
                    static_cast<std::int64_t>(t.values.size()) != product(shape))
                    throw UsageError("checkpoint tensor " + layer + "/" + name + " has shape " +
                                         shape_str(t.shape) + ", the architecture needs " +
                                         shape_str(shape),
                                     "the checkpoint does not belong to this architecture");
                return t;
            }
        }
        throw UsageError("checkpoint has no tensor '" + name + "' for layer '" + layer + "'",
                         "pass a checkpoint written by snac train for this architecture");
    }

    static void check_width(const FixedType& t, const std::string& what, const std::string& layer) {
        if (t.width > 53)
            throw UsageError(
                "layer '" + layer + "': " + what + " type " + t.str() + " is wider than 53 bits",
                "constants are emitted exactly as doubles; use at most 53 bits");
    }

    static std::int64_t quantize(double v, const FixedType& t, const std::string& layer) {
        if (!std::isfinite(v))
            throw UsageError("layer '" + layer + "' has a non-finite parameter",
                             "the checkpoint comes from a diverged training; retrain it");
        return fx::from_double(v, t);
    }

    static void quantize_into(const std::vector<float>& values, const FixedType& t,
                              std::vector<std::int64_t>& out, const std::string& layer) {
        out.resize(values.size());
        for (std::size_t i = 0; i < values.size(); ++i)
            out[i] = quantize(static_cast<double>(values[i]), t, layer);
    }

    void resolve_rf(FixedLayer& fl, const LayerHlsSettings& ls, std::int64_t n_in,
                    std::int64_t n_out) {
        const ReuseFactorChoice rf =
            resolve_reuse_factor(n_in, n_out, ls.reuse_factor, ls.strategy, fl.name);
        fl.reuse_factor = rf.used;
        fl.strategy = ls.strategy;
        if (rf.corrected) warnings.push_back(rf.warning);
        const std::int64_t mults = (n_in * n_out + rf.used - 1) / rf.used;
        if (ls.strategy == Strategy::kLatency && mults > kLatencyMultiplierLimit)
            warnings.push_back("layer '" + fl.name + "' unrolls " + std::to_string(mults) +
                               " multiplications under Latency/io_parallel (more than " +
                               std::to_string(kLatencyMultiplierLimit) +
                               "); synthesis may run out of memory or hit the partition limit: "
                               "use --strategy resource or a larger --reuse-factor");
        fl.n_zeros = std::count(fl.weights.begin(), fl.weights.end(), std::int64_t{0});
    }

    FixedLayer layer(const LayerSpec& l, const Shape& in, const std::string& path,
                     const FixedType& in_type) {
        const LayerHlsSettings ls = settings_.for_layer(path);
        FixedLayer fl;
        fl.name = path;
        fl.in_shape = in;
        fl.in_type = in_type;
        fl.weight = ls.precision.weight;
        fl.bias = ls.precision.bias;
        fl.result = ls.precision.result;
        fl.accum = ls.precision.accum;
        fl.n_in = product(in);
        fl.out_shape = infer_sequence({l}, in, path);
        fl.n_out = product(fl.out_shape);
        if (in_type.width + fl.weight.width > 120 || fl.accum.width > 64)
            throw UsageError("layer '" + path + "': operand types too wide for exact emulation",
                             "keep data + weight widths within 120 bits");
        switch (l.type) {
            case LayerType::kDense: {
                fl.op = FixedOp::kDense;
                check_width(fl.weight, "weight", path);
                check_width(fl.bias, "bias", path);
                quantize_into(tensor(path, "kernel", {fl.n_in, l.units}).values, fl.weight,
                              fl.weights, path);
                if (l.use_bias)
                    quantize_into(tensor(path, "bias", {l.units}).values, fl.bias, fl.biases, path);
                else
                    fl.biases.assign(static_cast<std::size_t>(l.units), 0);
                fl.index = next_index_++;
                resolve_rf(fl, ls, fl.n_in, fl.n_out);
                if (fl.strategy == Strategy::kResource && fl.n_zeros > 0) pack(fl);
                return fl;
            }
            case LayerType::kConv2d:
                return conv(l, fl, ls);
            case LayerType::kBatchNorm: {
                fl.op = FixedOp::kBatchNorm;
                check_width(fl.weight, "scale", path);
                check_width(fl.bias, "bias", path);
                const std::int64_t c = in[0];
                const Shape cs{c};
                const auto& g = tensor(path, "gamma", cs).values;
                const auto& b = tensor(path, "beta", cs).values;
                const auto& m = tensor(path, "moving_mean", cs).values;
                const auto& v = tensor(path, "moving_variance", cs).values;
                for (std::size_t i = 0; i < static_cast<std::size_t>(c); ++i) {
                    const double scale = static_cast<double>(g[i]) /
                                         std::sqrt(static_cast<double>(v[i]) + l.epsilon);
                    if (!std::isfinite(scale) || !std::isfinite(static_cast<double>(b[i]) -
                                                                scale * static_cast<double>(m[i])))
                        throw UsageError("layer '" + path + "' has a non-finite parameter",
                                         "the checkpoint comes from a diverged training; "
                                         "retrain it");
                }
                fl.weights.resize(static_cast<std::size_t>(c));
                fl.biases.resize(static_cast<std::size_t>(c));
                detail::fold_batchnorm(g.data(), b.data(), m.data(), v.data(), l.epsilon, fl);
                if (in.size() == 3) {
                    fl.channels = static_cast<int>(in[0]);
                    fl.height = static_cast<int>(in[1]);
                    fl.width = static_cast<int>(in[2]);
                } else {
                    fl.channels = static_cast<int>(c);
                    fl.height = fl.width = 1;
                }
                fl.index = next_index_++;
                return fl;
            }
            case LayerType::kLayerNorm:
                return layernorm(l, fl);
            case LayerType::kRelu:
                fl.op = FixedOp::kRelu;
                break;
            case LayerType::kLeakyRelu:
                fl.op = FixedOp::kLeakyRelu;
                fl.weights = {fx::from_double(l.alpha, fl.weight)};
                break;
            case LayerType::kSigmoid:
            case LayerType::kTanh: {
                const bool sig = l.type == LayerType::kSigmoid;
                fl.op = sig ? FixedOp::kSigmoid : FixedOp::kTanh;
                fl.table_type = settings_.table;
                check_width(fl.table_type, "table", path);
                fl.table = sig ? sigmoid_table(settings_.table_size, fl.table_type)
                               : tanh_table(settings_.table_size, fl.table_type);
                break;
            }
            case LayerType::kGelu:
                fl.op = FixedOp::kGelu;
                fl.table_type = settings_.table;
                check_width(fl.table_type, "table", path);
                fl.table = gelu_table(settings_.table_size, fl.table_type);
                break;
            case LayerType::kSoftmax:
                softmax(fl);
                break;
            case LayerType::kMaxPool2d:
            case LayerType::kAvgPool2d:
                fl.op = l.type == LayerType::kMaxPool2d ? FixedOp::kMaxPool2d : FixedOp::kAvgPool2d;
                fl.channels = static_cast<int>(in[0]);
                fl.height = static_cast<int>(in[1]);
                fl.width = static_cast<int>(in[2]);
                fl.pool = static_cast<int>(l.size);
                fl.out_height = static_cast<int>(fl.out_shape[1]);
                fl.out_width = static_cast<int>(fl.out_shape[2]);
                break;
            case LayerType::kFlatten:
                fl.op = FixedOp::kFlatten;
                fl.result = in_type;  // a reshape: no cast
                break;
            case LayerType::kDeepSets:
                return deepsets(l, fl, in, path, in_type);
            case LayerType::kConvAttention:
                return conv_attention(l, fl);
            case LayerType::kDropout:
            case LayerType::kIdentity:
                break;
        }
        fl.index = next_index_++;
        return fl;
    }

    /// Resource with pruned weights: only the non-zero ones, in transposed order (hls4ml's
    /// compressed dense), so the kernel neither stores nor multiplies the zeros.
    static void pack(FixedLayer& fl) {
        for (std::int64_t j = 0; j < fl.n_out; ++j)
            for (std::int64_t i = 0; i < fl.n_in; ++i)
                if (fl.weights[static_cast<std::size_t>(i * fl.n_out + j)] != 0)
                    fl.packed.push_back(j * fl.n_in + i);
    }

    FixedLayer conv(const LayerSpec& l, FixedLayer& fl, const LayerHlsSettings& ls) {
        fl.op = FixedOp::kConv2d;
        check_width(fl.weight, "weight", fl.name);
        check_width(fl.bias, "bias", fl.name);
        const Shape& in = fl.in_shape;
        fl.channels = static_cast<int>(in[0]);
        fl.height = static_cast<int>(in[1]);
        fl.width = static_cast<int>(in[2]);
        fl.filters = static_cast<int>(l.filters);
        fl.kernel = static_cast<int>(l.kernel);
        fl.stride = static_cast<int>(l.stride);
        fl.out_height = static_cast<int>(fl.out_shape[1]);
        fl.out_width = static_cast<int>(fl.out_shape[2]);
        if (l.padding == Padding::kSame) {
            const int ph = std::max((fl.out_height - 1) * fl.stride + fl.kernel - fl.height, 0);
            const int pw = std::max((fl.out_width - 1) * fl.stride + fl.kernel - fl.width, 0);
            fl.pad_top = ph / 2;
            fl.pad_left = pw / 2;
        }
        const std::int64_t k = l.kernel, c = in[0], f = l.filters;
        const auto& kern = tensor(fl.name, "kernel", {f, c, k, k}).values;
        const std::int64_t rows = c * k * k;
        fl.weights.resize(static_cast<std::size_t>(rows * f));
        for (std::int64_t fi = 0; fi < f; ++fi)
            for (std::int64_t r = 0; r < rows; ++r)
                fl.weights[static_cast<std::size_t>(r * f + fi)] =
                    quantize(static_cast<double>(kern[static_cast<std::size_t>(fi * rows + r)]),
                             fl.weight, fl.name);
        if (l.use_bias)
            quantize_into(tensor(fl.name, "bias", {f}).values, fl.bias, fl.biases, fl.name);
        else
            fl.biases.assign(static_cast<std::size_t>(f), 0);
        fl.index = next_index_++;
        resolve_rf(fl, ls, rows, f);
        return fl;
    }

    /// One 1x1 convolution of a ConvAttn block as a dense part over one position's channels.
    FixedLayer pointwise(const std::string& block, const std::string& part, std::int64_t n_in,
                         std::int64_t n_out, const FixedType& in_type) {
        const std::string path = block + "/" + part;
        const LayerHlsSettings ls = settings_.for_layer(path);
        FixedLayer d;
        d.op = FixedOp::kDense;
        d.name = path;
        d.in_shape = {n_in};
        d.out_shape = {n_out};
        d.n_in = n_in;
        d.n_out = n_out;
        d.in_type = in_type;
        d.weight = ls.precision.weight;
        d.bias = ls.precision.bias;
        d.result = ls.precision.result;
        d.accum = ls.precision.accum;
        check_width(d.weight, "weight", path);
        check_width(d.bias, "bias", path);
        if (in_type.width + d.weight.width > 120 || d.accum.width > 64)
            throw UsageError("layer '" + path + "': operand types too wide for exact emulation",
                             "keep data + weight widths within 120 bits");
        quantize_into(tensor(block, part + "_kernel", {n_in, n_out}).values, d.weight, d.weights,
                      path);
        quantize_into(tensor(block, part + "_bias", {n_out}).values, d.bias, d.biases, path);
        d.index = next_index_++;
        resolve_rf(d, ls, n_in, n_out);
        return d;
    }

    /// NAC's ConvAttn block (layer_conv_attention.cpp): Q, K, V and the projection are dense
    /// parts per position; S = QᵀK and O = V Aᵀ accumulate in this layer's accum type and are
    /// cast to its result type; A = softmax(S) row by row with the softmax part's tables.
    FixedLayer conv_attention(const LayerSpec& l, FixedLayer& fl) {
        fl.op = FixedOp::kConvAttention;
        const Shape& in = fl.in_shape;
        fl.channels = static_cast<int>(in[0]);
        fl.height = static_cast<int>(in[1]);
        fl.width = static_cast<int>(in[2]);
        fl.hidden = static_cast<int>(l.hidden);
        fl.index = next_index_++;
        const std::int64_t c = in[0], h = l.hidden, e = in[1] * in[2];
        for (const char* part : {"query", "key", "value"})
            fl.parts.push_back(pointwise(fl.name, part, c, h, fl.in_type));
        if (2 * fl.result.width > 120)
            throw UsageError("layer '" + fl.name + "': result type " + fl.result.str() +
                                 " too wide for exact attention products",
                             "use at most 60 bits");
        const LayerHlsSettings ss = settings_.for_layer(fl.name + "/softmax");
        FixedLayer sm;
        sm.name = fl.name + "/softmax";
        sm.in_shape = sm.out_shape = {e};
        sm.n_in = sm.n_out = e;
        sm.in_type = fl.result;
        sm.weight = ss.precision.weight;
        sm.bias = ss.precision.bias;
        sm.result = ss.precision.result;
        sm.accum = ss.precision.accum;
        softmax(sm);
        sm.index = next_index_++;
        fl.parts.push_back(std::move(sm));
        fl.parts.push_back(pointwise(fl.name, "proj", h, c, fl.result));
        return fl;
    }

    /// Layer norm over the last axis (nnet_layernorm.h): mean and variance in the accum type,
    /// 1/√(var + ε) from a table, gamma/beta quantized into the weight/bias types.
    FixedLayer layernorm(const LayerSpec& l, FixedLayer& fl) {
        fl.op = FixedOp::kLayerNorm;
        check_width(fl.weight, "gamma", fl.name);
        check_width(fl.bias, "beta", fl.name);
        const std::int64_t f = fl.in_shape.back();
        fl.features = static_cast<int>(f);
        fl.elements = static_cast<int>(fl.n_in / f);
        quantize_into(tensor(fl.name, "gamma", {f}).values, fl.weight, fl.weights, fl.name);
        quantize_into(tensor(fl.name, "beta", {f}).values, fl.bias, fl.biases, fl.name);
        FixedType t = settings_.table;  // 1/√ reaches 1/√ε near 0: round and saturate
        t.quant = QuantMode::kRnd;
        t.overflow = OverflowMode::kSat;
        check_width(t, "table", fl.name);
        if (2 * fl.accum.width > 120 || fl.accum.width + t.width > 120)
            throw UsageError("layer '" + fl.name + "': accum type " + fl.accum.str() +
                                 " too wide for exact layer-norm products",
                             "use at most 60 bits");
        fl.table_type = t;
        fl.table = inv_sqrt_table(settings_.table_size, fl.table_range_pow2, l.epsilon, t);
        fl.index = next_index_++;
        return fl;
    }

    void softmax(FixedLayer& fl) {
        fl.op = FixedOp::kSoftmax;
        const FixedType& x = fl.in_type;
        // §5: the normalised input is unsigned with one bit less; tables default to RND/SAT.
        fl.norm_type = FixedType{x.is_signed() ? x.width - 1 : x.width,
                                 x.is_signed() ? x.integer - 1 : x.integer, Signedness::kUnsigned};
        FixedType t = settings_.table;
        t.quant = QuantMode::kRnd;
        t.overflow = OverflowMode::kSat;
        check_width(t, "table", fl.name);
        fl.table_type = t;
        fl.inv_table_type = t;
        fl.inv_input_type = t;
        int bits = 0;
        while ((1 << (bits + 1)) <= settings_.table_size) ++bits;
        // Inputs narrower than the table index shrink the table (§5).
        fl.table_bits = std::min(bits, fl.norm_type.width);
        fl.inv_table_bits = std::min(bits, fl.inv_input_type.width);
        if (fl.norm_type.width < 1)
            throw UsageError("layer '" + fl.name + "': softmax input " + x.str() + " is too narrow",
                             "use at least 2 bits");
        fl.table = softmax_exp_table(fl.table_bits, fl.norm_type, fl.table_type);
        fl.inv_table = softmax_inv_table(fl.inv_table_bits, fl.inv_input_type, fl.inv_table_type);
    }

    FixedLayer deepsets(const LayerSpec& l, FixedLayer& fl, const Shape& in,
                        const std::string& path, const FixedType& in_type) {
        fl.op = FixedOp::kDeepSets;
        fl.elements = static_cast<int>(in[0]);
        fl.features = static_cast<int>(in[1]);
        fl.aggregate = l.aggregate;
        fl.phi = sequence(l.phi, {in[1]}, path + "/phi/", in_type);
        fl.index = next_index_++;
        const Shape elem = fl.phi.empty() ? Shape{in[1]} : fl.phi.back().out_shape;
        const FixedType agg_in = fl.phi.empty() ? in_type : fl.phi.back().result;
        fl.agg_in_type = agg_in;
        fl.agg_size = elem[0];
        fl.rho = sequence(l.rho, elem, path + "/rho/", fl.result);
        return fl;
    }

    const CheckpointData& ckpt_;
    const HlsSettings& settings_;
    int next_index_ = 2;
};

void collect(const std::vector<FixedLayer>& layers, std::vector<const FixedLayer*>& out) {
    for (const FixedLayer& l : layers) {
        collect(l.parts, out);  // a ConvAttn's parts: their configs precede the block's
        collect(l.phi, out);
        out.push_back(&l);
        collect(l.rho, out);
    }
}

}  // namespace

FixedModel lower_network(const NetworkSpec& net, const CheckpointData& weights,
                         const HlsSettings& settings) {
    infer_shapes(net);  // validates the architecture
    if (settings.table_size < 2 || settings.table_size > (1 << 16))
        throw UsageError("table size " + std::to_string(settings.table_size) + " is out of range",
                         "use a power of two between 2 and 65536");
    FixedModel model;
    model.input_shape = net.input_shape;
    model.input_type = settings.input;
    Lowerer lowerer(weights, settings);
    model.layers = lowerer.sequence(net.layers, net.input_shape, "", model.input_type);
    if (model.layers.empty())
        throw UsageError("the network has no layer with an HLS kernel", "add a dense layer");
    model.warnings = std::move(lowerer.warnings);
    return model;
}

std::vector<const FixedLayer*> flatten_layers(const FixedModel& model) {
    std::vector<const FixedLayer*> out;
    collect(model.layers, out);
    return out;
}

std::int64_t FixedModel::input_size() const {
    return product(input_shape);
}
std::int64_t FixedModel::output_size() const {
    return layers.back().n_out;
}
FixedType FixedModel::output_type() const {
    return layers.back().output_type();
}

std::string_view to_string(FixedOp op) noexcept {
    switch (op) {
        case FixedOp::kDense:
            return "dense";
        case FixedOp::kBatchNorm:
            return "batchnorm";
        case FixedOp::kRelu:
            return "relu";
        case FixedOp::kLeakyRelu:
            return "leaky_relu";
        case FixedOp::kSigmoid:
            return "sigmoid";
        case FixedOp::kTanh:
            return "tanh";
        case FixedOp::kSoftmax:
            return "softmax";
        case FixedOp::kConv2d:
            return "conv2d";
        case FixedOp::kMaxPool2d:
            return "maxpool2d";
        case FixedOp::kAvgPool2d:
            return "avgpool2d";
        case FixedOp::kFlatten:
            return "flatten";
        case FixedOp::kDeepSets:
            return "deepsets";
        case FixedOp::kConvAttention:
            return "conv_attention";
        case FixedOp::kGelu:
            return "gelu";
        case FixedOp::kLayerNorm:
            return "layernorm";
    }
    return "?";
}

namespace detail {

void fold_batchnorm(const float* gamma, const float* beta, const float* mean, const float* var,
                    double epsilon, FixedLayer& fl) {
    for (std::size_t i = 0; i < fl.weights.size(); ++i) {
        // Folded in double (§6): scale = γ/√(var+ε), bias = β − scale·mean.
        const double scale =
            static_cast<double>(gamma[i]) / std::sqrt(static_cast<double>(var[i]) + epsilon);
        fl.weights[i] = fx::from_double(scale, fl.weight);
        fl.biases[i] = fx::from_double(
            static_cast<double>(beta[i]) - scale * static_cast<double>(mean[i]), fl.bias);
    }
}

}  // namespace detail

}  // namespace snac::nn
