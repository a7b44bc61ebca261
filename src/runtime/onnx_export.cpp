// snac checkpoint -> ONNX (opset 13) and QONNX (docs/onnx.md). Layers map one to one onto ONNX
// operators, so an import of the export gives back the same architecture and weights. The QONNX
// flavour adds Quant nodes (domain qonnx.custom_op.general) where hls4ml's QONNX front end reads
// precisions: on the input, on every weight and bias, and on every layer's result.
#include <cmath>
#include <map>
#include <numbers>
#include <optional>

#include "onnx_common.hpp"
#include "snac/core/error.hpp"
#include "snac/core/hls_settings.hpp"
#include "snac/io/onnx_file.hpp"
#include "snac/nn/network_spec.hpp"
#include "snac/runtime/onnx_model.hpp"

namespace snac::runtime {
namespace {

using nn::LayerSpec;
using nn::LayerType;
using nn::Shape;

constexpr std::int64_t kOpset = 13;
constexpr const char* kQonnxDomain = "qonnx.custom_op.general";

io::OnnxAttribute attr_int(const std::string& name, std::int64_t v) {
    io::OnnxAttribute a;
    a.name = name;
    a.kind = io::OnnxAttrKind::kInt;
    a.i = v;
    return a;
}
io::OnnxAttribute attr_float(const std::string& name, double v) {
    io::OnnxAttribute a;
    a.name = name;
    a.kind = io::OnnxAttrKind::kFloat;
    a.f = static_cast<float>(v);
    return a;
}
io::OnnxAttribute attr_ints(const std::string& name, std::vector<std::int64_t> v) {
    io::OnnxAttribute a;
    a.name = name;
    a.kind = io::OnnxAttrKind::kInts;
    a.ints = std::move(v);
    return a;
}
io::OnnxAttribute attr_string(const std::string& name, const std::string& v) {
    io::OnnxAttribute a;
    a.name = name;
    a.kind = io::OnnxAttrKind::kString;
    a.s = v;
    return a;
}

// QONNX rounding_mode of an ap_fixed quantization mode. QONNX knows ROUND (ties to even), CEIL,
// FLOOR and ROUND_TO_ZERO: AP_TRN, AP_TRN_ZERO and AP_RND_CONV map exactly; the other AP_RND*
// modes differ from ROUND only in how ties break (docs/onnx.md). Quant always saturates.
std::string rounding_mode(QuantMode q) {
    switch (q) {
        case QuantMode::kTrn:
            return "FLOOR";
        case QuantMode::kTrnZero:
            return "ROUND_TO_ZERO";
        default:
            return "ROUND";
    }
}

class Exporter {
public:
    Exporter(const CheckpointData& ck, std::optional<HlsSettings> q, FixedType input = {})
        : ck_(ck), q_(std::move(q)), input_(input) {
        for (const auto& w : ck.layers) weights_[w.layer_name] = &w;
    }

    io::OnnxModel run() {
        const nn::NetworkSpec spec =
            nn::NetworkSpec::from_yaml(ck_.architecture_yaml, "checkpoint");
        m_.producer_name = "snac";
        m_.producer_version = SNAC_VERSION;
        m_.graph_name = "snac";
        m_.opsets.emplace_back("", kOpset);
        if (q_) m_.opsets.emplace_back(kQonnxDomain, 1);
        Shape in{-1};
        in.insert(in.end(), spec.input_shape.begin(), spec.input_shape.end());
        m_.inputs.push_back({"input", in});
        cur_ = "input";
        if (q_) cur_ = quant(cur_, input_, "input_quant");
        sequence(spec.layers, spec.input_shape, "", false);
        // The last tensor becomes the graph output "output".
        for (auto& n : m_.nodes)
            for (auto& o : n.outputs)
                if (o == cur_) o = "output";
        Shape out{-1};
        const Shape o = nn::output_shape(spec);
        out.insert(out.end(), o.begin(), o.end());
        m_.outputs.push_back({"output", out});
        if (!ck_.training_yaml.empty()) m_.metadata[kMetaTraining] = ck_.training_yaml;
        for (const auto& [k, v] : ck_.attributes) m_.metadata[kMetaAttributePrefix + k] = v;
        return std::move(m_);
    }

private:
    const CheckpointData& ck_;
    std::optional<HlsSettings> q_;
    FixedType input_;  // input_t of the QONNX flavour
    std::map<std::string, const LayerWeights*> weights_;
    io::OnnxModel m_;
    std::string cur_;
    std::map<std::string, int> used_;

    std::string fresh(const std::string& base) {
        const int k = used_[base]++;
        return k == 0 ? base : base + "_" + std::to_string(k);
    }

    std::string init(const std::string& base, Shape shape, std::vector<float> values) {
        io::OnnxTensor t;
        t.name = fresh(base);
        t.shape = std::move(shape);
        t.floats = std::move(values);
        m_.initializers.push_back(std::move(t));
        return m_.initializers.back().name;
    }

    std::string init_ints(const std::string& base, std::vector<std::int64_t> values) {
        io::OnnxTensor t;
        t.name = fresh(base);
        t.type = io::OnnxDataType::kInt64;
        t.shape = {static_cast<std::int64_t>(values.size())};
        t.ints = std::move(values);
        m_.initializers.push_back(std::move(t));
        return m_.initializers.back().name;
    }

    std::string node(const std::string& op, const std::string& name,
                     std::vector<std::string> inputs, std::vector<io::OnnxAttribute> attrs = {},
                     const std::string& domain = "") {
        io::OnnxNode n;
        n.op_type = op;
        n.name = fresh(name);
        n.domain = domain;
        n.inputs = std::move(inputs);
        n.outputs = {n.name + "_out"};
        n.attributes = std::move(attrs);
        m_.nodes.push_back(std::move(n));
        return m_.nodes.back().outputs[0];
    }

    // Quant(x, scale = 2^-F, zero point 0, bit width W): the values of ap_fixed<W, I> (saturating).
    std::string quant(const std::string& x, const FixedType& ty, const std::string& name) {
        const std::string scale =
            init(name + "_scale", {}, {static_cast<float>(std::ldexp(1.0, -ty.fractional()))});
        const std::string zero = init(name + "_zeropt", {}, {0.0f});
        const std::string bits = init(name + "_bitwidth", {}, {static_cast<float>(ty.width)});
        return node("Quant", name, {x, scale, zero, bits},
                    {attr_int("signed", ty.is_signed() ? 1 : 0), attr_int("narrow", 0),
                     attr_string("rounding_mode", rounding_mode(ty.quant))},
                    kQonnxDomain);
    }

    const NamedTensor& tensor(const std::string& layer, const std::string& name) const {
        auto it = weights_.find(layer);
        if (it != weights_.end())
            for (const auto& t : it->second->tensors)
                if (t.name == name) return t;
        throw UsageError("layer '" + layer + "' has no array '" + name + "' in the checkpoint",
                         "the checkpoint does not match its architecture");
    }
    bool has_tensor(const std::string& layer, const std::string& name) const {
        auto it = weights_.find(layer);
        if (it == weights_.end()) return false;
        for (const auto& t : it->second->tensors)
            if (t.name == name) return true;
        return false;
    }

    // A weight initializer, behind a Quant node in the QONNX flavour.
    std::string param(const std::string& path, const std::string& array, const std::string& base,
                      bool is_bias) {
        const NamedTensor& t = tensor(path, array);
        std::string name = init(base, t.shape, t.values);
        if (!q_) return name;
        const LayerPrecision p = q_->for_layer(path).precision;
        return quant(name, is_bias ? p.bias : p.weight, base + "_quant");
    }

    void result_quant(const std::string& path, const std::string& name) {
        if (q_) cur_ = quant(cur_, q_->for_layer(path).precision.result, name + "_quant");
    }

    void sequence(const std::vector<LayerSpec>& layers, Shape shape, const std::string& prefix,
                  bool per_element) {
        for (const auto& l : layers) {
            layer(l, shape, prefix, per_element);
            if (l.type != LayerType::kDeepSets)
                shape = per_element ? Shape{shape[0], nn::infer_sequence({l}, {shape[1]})[0]}
                                    : nn::infer_sequence({l}, shape);
            else
                shape = nn::infer_sequence({l}, shape);
        }
    }

    void layer(const LayerSpec& l, const Shape& in, const std::string& prefix, bool per_element) {
        const std::string path = prefix + l.name;
        const std::string name = path;  // node names carry the layer path (import reuses them)
        switch (l.type) {
            case LayerType::kDense: {
                const std::string w = param(path, "kernel", name + "_kernel", false);
                // QONNX and per-element maps use MatMul + Add (what hls4ml's QONNX reader and
                // the batched [N, elements, F] case need); plain float models use Gemm.
                if (q_ || per_element) {
                    cur_ = node("MatMul", name, {cur_, w});
                    if (l.use_bias)
                        cur_ = node("Add", name + "_bias_add",
                                    {cur_, param(path, "bias", name + "_bias", true)});
                } else {
                    std::vector<std::string> inputs{cur_, w};
                    if (l.use_bias) inputs.push_back(param(path, "bias", name + "_bias", true));
                    cur_ = node("Gemm", name, inputs);
                }
                return result_quant(path, name);
            }
            case LayerType::kBatchNorm: {
                std::vector<std::string> inputs{cur_};
                for (const char* a : {"gamma", "beta", "moving_mean", "moving_variance"})
                    inputs.push_back(
                        init(name + "_" + a, tensor(path, a).shape, tensor(path, a).values));
                std::vector<io::OnnxAttribute> attrs{attr_float("epsilon", l.epsilon),
                                                     attr_float("momentum", l.momentum)};
                if (per_element) {  // normalise the feature axis: BN's channel axis is 1
                    inputs[0] = node("Transpose", name + "_to_features", {cur_},
                                     {attr_ints("perm", {0, 2, 1})});
                    cur_ = node("BatchNormalization", name, inputs, attrs);
                    cur_ = node("Transpose", name + "_from_features", {cur_},
                                {attr_ints("perm", {0, 2, 1})});
                } else {
                    cur_ = node("BatchNormalization", name, inputs, attrs);
                }
                return result_quant(path, name);
            }
            case LayerType::kRelu:
                cur_ = node("Relu", name, {cur_});
                return result_quant(path, name);
            case LayerType::kTanh:
                cur_ = node("Tanh", name, {cur_});
                return result_quant(path, name);
            case LayerType::kSigmoid:
                cur_ = node("Sigmoid", name, {cur_});
                return result_quant(path, name);
            case LayerType::kLeakyRelu:
                cur_ = node("LeakyRelu", name, {cur_}, {attr_float("alpha", l.alpha)});
                return result_quant(path, name);
            case LayerType::kSoftmax:
                cur_ = node("Softmax", name, {cur_}, {attr_int("axis", -1)});
                return result_quant(path, name);
            case LayerType::kGelu: {
                // Opset 13 has no Gelu: the erf form PyTorch writes, which the importer reads
                // back (the Div carries the layer's name).
                const std::string x = cur_;
                const std::string scaled =
                    node("Div", name,
                         {x, init(name + "_sqrt2", {}, {static_cast<float>(std::numbers::sqrt2)})});
                const std::string erf = node("Erf", name + "_erf", {scaled});
                const std::string a =
                    node("Add", name + "_add", {erf, init(name + "_one", {}, {1.0f})});
                const std::string xa = node("Mul", name + "_mul", {x, a});
                cur_ = node("Mul", name + "_half", {xa, init(name + "_point5", {}, {0.5f})});
                return result_quant(path, name);
            }
            case LayerType::kIdentity:
                cur_ = node("Identity", name, {cur_});
                return;
            case LayerType::kDropout:
                cur_ = node("Dropout", name,
                            {cur_, init(name + "_ratio", {}, {static_cast<float>(l.rate)})});
                return;
            case LayerType::kConv2d: {
                std::vector<std::string> inputs{cur_,
                                                param(path, "kernel", name + "_kernel", false)};
                if (l.use_bias) inputs.push_back(param(path, "bias", name + "_bias", true));
                const std::vector<std::int64_t> pads = l.padding == nn::Padding::kSame
                                                           ? same_pads(in, l.kernel, l.stride)
                                                           : std::vector<std::int64_t>{0, 0, 0, 0};
                cur_ = node("Conv", name, inputs,
                            {attr_ints("kernel_shape", {l.kernel, l.kernel}),
                             attr_ints("strides", {l.stride, l.stride}), attr_ints("pads", pads)});
                return result_quant(path, name);
            }
            case LayerType::kMaxPool2d:
            case LayerType::kAvgPool2d:
                cur_ =
                    node(l.type == LayerType::kMaxPool2d ? "MaxPool" : "AveragePool", name, {cur_},
                         {attr_ints("kernel_shape", {l.size, l.size}),
                          attr_ints("strides", {l.size, l.size})});
                return result_quant(path, name);
            case LayerType::kFlatten:
                cur_ = node("Flatten", name, {cur_}, {attr_int("axis", 1)});
                return;
            case LayerType::kDeepSets: {
                sequence(l.phi, in, path + "/phi/", true);
                const char* op = l.aggregate == nn::Aggregate::kMean  ? "ReduceMean"
                                 : l.aggregate == nn::Aggregate::kMax ? "ReduceMax"
                                                                      : "ReduceSum";
                // Opset 13's ReduceSum takes the axes as an input; the others as an attribute.
                if (l.aggregate == nn::Aggregate::kSum)
                    cur_ = node(op, name, {cur_, init_ints(name + "_axes", {1})},
                                {attr_int("keepdims", 0)});
                else
                    cur_ =
                        node(op, name, {cur_}, {attr_ints("axes", {1}), attr_int("keepdims", 0)});
                result_quant(path, name);
                const Shape elem = nn::infer_sequence(l.phi, {in[1]});
                sequence(l.rho, elem, path + "/rho/", false);
                return;
            }
            case LayerType::kConvAttention:
                break;
        }
        throw UsageError(
            "layer '" + path + "' (" + std::string(nn::to_string(l.type)) + ") has no ONNX export",
            "ONNX export covers dense, batchnorm, activations (gelu included), dropout, conv2d, "
            "pooling, flatten and deepsets (docs/onnx.md)");
    }
};

}  // namespace

void export_onnx(const CheckpointData& checkpoint, const std::string& path) {
    io::write_onnx(path, Exporter(checkpoint, std::nullopt).run());
}

void export_qonnx(const CheckpointData& checkpoint, const std::string& path,
                  const FixedType* fallback) {
    HlsSettings settings;
    auto it = checkpoint.attributes.find("hls_settings");
    if (fallback) {
        settings.default_precision = {*fallback, *fallback, *fallback, *fallback};
        settings.input = *fallback;
    } else if (it != checkpoint.attributes.end()) {
        settings = hls_settings_from_yaml(it->second, "checkpoint attribute hls_settings");
    } else {
        throw UsageError("the checkpoint has no per-layer precisions (attribute hls_settings)",
                         "export a checkpoint of the local stage (quantization-aware training), "
                         "or pass --precision TYPE to quantize every tensor to one type");
    }
    io::write_onnx(path, Exporter(checkpoint, settings, settings.input).run());
}

}  // namespace snac::runtime
