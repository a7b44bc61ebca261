#include "snac/nn/network_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <array>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "snac/core/error.hpp"

namespace snac::nn {
namespace {

constexpr std::array<std::pair<std::string_view, LayerType>, 15> kTypes{{
    {"dense", LayerType::kDense},
    {"batchnorm", LayerType::kBatchNorm},
    {"relu", LayerType::kRelu},
    {"leaky_relu", LayerType::kLeakyRelu},
    {"tanh", LayerType::kTanh},
    {"sigmoid", LayerType::kSigmoid},
    {"softmax", LayerType::kSoftmax},
    {"identity", LayerType::kIdentity},
    {"dropout", LayerType::kDropout},
    {"conv2d", LayerType::kConv2d},
    {"conv_attention", LayerType::kConvAttention},
    {"maxpool2d", LayerType::kMaxPool2d},
    {"avgpool2d", LayerType::kAvgPool2d},
    {"flatten", LayerType::kFlatten},
    {"deepsets", LayerType::kDeepSets},
}};

// Keys each layer type accepts besides `type` and `name`.
const std::map<LayerType, std::set<std::string>>& allowed_keys() {
    static const std::map<LayerType, std::set<std::string>> m = {
        {LayerType::kDense, {"units", "use_bias"}},
        {LayerType::kBatchNorm, {"momentum", "epsilon"}},
        {LayerType::kRelu, {}},
        {LayerType::kLeakyRelu, {"alpha"}},
        {LayerType::kTanh, {}},
        {LayerType::kSigmoid, {}},
        {LayerType::kSoftmax, {}},
        {LayerType::kIdentity, {}},
        {LayerType::kDropout, {"rate"}},
        {LayerType::kConv2d, {"filters", "kernel", "stride", "padding", "use_bias"}},
        {LayerType::kConvAttention, {"hidden"}},
        {LayerType::kMaxPool2d, {"size"}},
        {LayerType::kAvgPool2d, {"size"}},
        {LayerType::kFlatten, {}},
        {LayerType::kDeepSets, {"aggregate", "phi", "rho"}},
    };
    return m;
}

std::string where_str(const std::string& prefix, std::size_t index, const LayerSpec* layer) {
    std::string s = prefix + "layer " + std::to_string(index);
    if (layer) {
        s += " (" + std::string(to_string(layer->type));
        if (!layer->name.empty()) s += " '" + layer->name + "'";
        s += ")";
    }
    return s;
}

[[noreturn]] void fail(const std::string& source, const std::string& message,
                       const std::string& hint = {}) {
    throw UsageError(source + ": " + message, hint);
}

template <class T>
T scalar(const YAML::Node& n, const std::string& source, const std::string& what) {
    try {
        return n.as<T>();
    } catch (const YAML::Exception&) {
        fail(source, what + " has an invalid value '" + (n.IsScalar() ? n.Scalar() : "?") + "'");
    }
}

LayerSpec parse_layer(const YAML::Node& node, const std::string& source, const std::string& prefix,
                      std::size_t index);

std::vector<LayerSpec> parse_layers(const YAML::Node& list, const std::string& source,
                                    const std::string& prefix) {
    if (!list.IsSequence())
        fail(source, prefix + "layers must be a list", "write '- {type: dense, units: 16}' items");
    std::vector<LayerSpec> out;
    for (std::size_t i = 0; i < list.size(); ++i) out.push_back(parse_layer(list[i], source, prefix, i));
    return out;
}

LayerSpec parse_layer(const YAML::Node& node, const std::string& source, const std::string& prefix,
                      std::size_t index) {
    const std::string at = where_str(prefix, index, nullptr);
    if (!node.IsMap()) fail(source, at + " must be a mapping like {type: dense, units: 16}");
    if (!node["type"]) fail(source, at + " has no 'type'", "add e.g. 'type: dense'");
    const std::string type = scalar<std::string>(node["type"], source, at + " type");
    LayerSpec l;
    bool known = false;
    for (auto [name, t] : kTypes)
        if (name == type) l.type = t, known = true;
    if (!known) {
        std::string list;
        for (auto [name, t] : kTypes) list += (list.empty() ? "" : ", ") + std::string(name);
        fail(source, at + " has unknown type '" + type + "'", "known types: " + list);
    }
    const std::string w = where_str(prefix, index, &l);
    const auto& allowed = allowed_keys().at(l.type);
    for (const auto& kv : node) {
        const std::string key = kv.first.Scalar();
        if (key == "type" || key == "name" || allowed.count(key)) continue;
        std::string hint = "keys of " + type + ":";
        for (const auto& a : allowed) hint += " " + a;
        if (allowed.empty()) hint = type + " takes no keys besides type and name";
        fail(source, w + " has unknown key '" + key + "'", hint);
    }
    auto get = [&](const char* key, auto& out) {
        if (node[key]) out = scalar<std::decay_t<decltype(out)>>(node[key], source, w + " " + key);
    };
    get("name", l.name);
    get("units", l.units);
    get("use_bias", l.use_bias);
    get("momentum", l.momentum);
    get("epsilon", l.epsilon);
    get("alpha", l.alpha);
    get("rate", l.rate);
    get("filters", l.filters);
    get("kernel", l.kernel);
    get("stride", l.stride);
    get("hidden", l.hidden);
    get("size", l.size);
    if (node["padding"]) {
        const auto p = scalar<std::string>(node["padding"], source, w + " padding");
        if (p == "valid") l.padding = Padding::kValid;
        else if (p == "same") l.padding = Padding::kSame;
        else fail(source, w + " has padding '" + p + "'", "use valid or same");
    }
    if (node["aggregate"]) {
        const auto a = scalar<std::string>(node["aggregate"], source, w + " aggregate");
        if (a == "mean") l.aggregate = Aggregate::kMean;
        else if (a == "max") l.aggregate = Aggregate::kMax;
        else if (a == "sum") l.aggregate = Aggregate::kSum;
        else fail(source, w + " has aggregate '" + a + "'", "use mean, max or sum");
    }
    if (l.type == LayerType::kDeepSets) {
        if (!node["phi"] || !node["rho"])
            fail(source, w + " needs both 'phi' and 'rho' layer lists");
        l.phi = parse_layers(node["phi"], source, w + " phi ");
        l.rho = parse_layers(node["rho"], source, w + " rho ");
    }
    return l;
}

// Gives every unnamed layer a unique <type>_<k> name; nested names carry their parent's path.
void assign_names(std::vector<LayerSpec>& layers, std::map<std::string, int>& counters,
                  std::set<std::string>& used, const std::string& source) {
    for (auto& l : layers) {
        if (l.name.empty()) {
            const std::string base(to_string(l.type));
            do {
                l.name = base + "_" + std::to_string(counters[base]++);
            } while (used.count(l.name));
        }
        if (!used.insert(l.name).second)
            fail(source, "layer name '" + l.name + "' is used twice", "give each layer its own name");
        if (l.type == LayerType::kDeepSets) {
            assign_names(l.phi, counters, used, source);
            assign_names(l.rho, counters, used, source);
        }
    }
}

void emit_layers(YAML::Emitter& out, const std::vector<LayerSpec>& layers) {
    const LayerSpec d;
    out << YAML::BeginSeq;
    for (const auto& l : layers) {
        const bool nested = l.type == LayerType::kDeepSets;
        if (!nested) out << YAML::Flow;
        out << YAML::BeginMap;
        out << YAML::Key << "type" << YAML::Value << std::string(to_string(l.type));
        out << YAML::Key << "name" << YAML::Value << l.name;
        switch (l.type) {
            case LayerType::kDense:
                out << YAML::Key << "units" << YAML::Value << l.units;
                if (!l.use_bias) out << YAML::Key << "use_bias" << YAML::Value << false;
                break;
            case LayerType::kBatchNorm:
                if (l.momentum != d.momentum) out << YAML::Key << "momentum" << YAML::Value << l.momentum;
                if (l.epsilon != d.epsilon) out << YAML::Key << "epsilon" << YAML::Value << l.epsilon;
                break;
            case LayerType::kLeakyRelu:
                out << YAML::Key << "alpha" << YAML::Value << l.alpha;
                break;
            case LayerType::kDropout:
                out << YAML::Key << "rate" << YAML::Value << l.rate;
                break;
            case LayerType::kConv2d:
                out << YAML::Key << "filters" << YAML::Value << l.filters;
                out << YAML::Key << "kernel" << YAML::Value << l.kernel;
                out << YAML::Key << "stride" << YAML::Value << l.stride;
                out << YAML::Key << "padding" << YAML::Value
                    << (l.padding == Padding::kValid ? "valid" : "same");
                if (!l.use_bias) out << YAML::Key << "use_bias" << YAML::Value << false;
                break;
            case LayerType::kConvAttention:
                out << YAML::Key << "hidden" << YAML::Value << l.hidden;
                break;
            case LayerType::kMaxPool2d:
            case LayerType::kAvgPool2d:
                out << YAML::Key << "size" << YAML::Value << l.size;
                break;
            case LayerType::kDeepSets:
                out << YAML::Key << "aggregate" << YAML::Value << std::string(to_string(l.aggregate));
                out << YAML::Key << "phi" << YAML::Value;
                emit_layers(out, l.phi);
                out << YAML::Key << "rho" << YAML::Value;
                emit_layers(out, l.rho);
                break;
            default:
                break;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

std::int64_t product(const Shape& s) {
    return std::accumulate(s.begin(), s.end(), std::int64_t{1}, std::multiplies<>());
}

Shape infer_layer(const LayerSpec& l, const Shape& in, const std::string& w) {
    auto need = [&](bool ok, const std::string& msg, const std::string& hint = {}) {
        if (!ok) throw UsageError(w + ": " + msg + " (input shape " + shape_str(in) + ")", hint);
    };
    switch (l.type) {
        case LayerType::kDense:
            need(l.units >= 1, "units must be >= 1");
            need(in.size() == 1, "dense expects a 1-D input", "add {type: flatten} before it");
            return {l.units};
        case LayerType::kBatchNorm:
            need(l.epsilon > 0 && l.momentum >= 0 && l.momentum <= 1,
                 "epsilon must be > 0 and momentum within [0, 1]");
            need(in.size() == 1 || in.size() == 3, "batchnorm expects [F] or [C, H, W]");
            return in;
        case LayerType::kSoftmax:
            need(in.size() == 1, "softmax expects a 1-D input", "add {type: flatten} before it");
            return in;
        case LayerType::kDropout:
            need(l.rate >= 0 && l.rate < 1, "rate must be within [0, 1)");
            return in;
        case LayerType::kLeakyRelu:
            need(l.alpha >= 0, "alpha must be >= 0");
            return in;
        case LayerType::kRelu:
        case LayerType::kTanh:
        case LayerType::kSigmoid:
        case LayerType::kIdentity:
            return in;
        case LayerType::kConv2d: {
            need(in.size() == 3, "conv2d expects [channels, height, width]");
            need(l.filters >= 1 && l.kernel >= 1 && l.stride >= 1,
                 "filters, kernel and stride must be >= 1");
            std::int64_t h = 0, wd = 0;
            if (l.padding == Padding::kSame) {
                h = (in[1] + l.stride - 1) / l.stride;
                wd = (in[2] + l.stride - 1) / l.stride;
            } else {
                need(in[1] >= l.kernel && in[2] >= l.kernel, "kernel is larger than the input",
                     "use padding: same or a smaller kernel");
                h = (in[1] - l.kernel) / l.stride + 1;
                wd = (in[2] - l.kernel) / l.stride + 1;
            }
            return {l.filters, h, wd};
        }
        case LayerType::kConvAttention:
            need(in.size() == 3, "conv_attention expects [channels, height, width]");
            need(l.hidden >= 1, "hidden must be >= 1");
            return in;
        case LayerType::kMaxPool2d:
        case LayerType::kAvgPool2d:
            need(in.size() == 3, "pooling expects [channels, height, width]");
            need(l.size >= 1 && in[1] >= l.size && in[2] >= l.size,
                 "pool size must be >= 1 and fit the input");
            return {in[0], in[1] / l.size, in[2] / l.size};
        case LayerType::kFlatten:
            return {product(in)};
        case LayerType::kDeepSets: {
            need(in.size() == 2, "deepsets expects [elements, features]");
            need(!l.phi.empty() && !l.rho.empty(), "phi and rho must not be empty");
            Shape elem = infer_sequence(l.phi, {in[1]}, w + " phi ");
            need(elem.size() == 1, "phi must end with a 1-D output");
            return infer_sequence(l.rho, elem, w + " rho ");
        }
    }
    return in;
}

}  // namespace

std::string_view to_string(LayerType type) noexcept {
    for (auto [name, t] : kTypes)
        if (t == type) return name;
    return "?";
}

std::string_view to_string(Aggregate a) noexcept {
    return a == Aggregate::kMean ? "mean" : a == Aggregate::kMax ? "max" : "sum";
}

std::string shape_str(const Shape& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

NetworkSpec NetworkSpec::from_yaml(const std::string& text, const std::string& source) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        fail(source, "YAML syntax error at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    if (!root.IsMap()) fail(source, "an architecture file is a mapping with input_shape and layers");
    for (const auto& kv : root) {
        const std::string key = kv.first.Scalar();
        if (key != "input_shape" && key != "layers")
            fail(source, "unknown key '" + key + "'", "an architecture file has input_shape and layers");
    }
    if (!root["input_shape"]) fail(source, "missing 'input_shape'", "e.g. input_shape: [16]");
    NetworkSpec net;
    try {
        net.input_shape = root["input_shape"].as<Shape>();
    } catch (const YAML::Exception&) {
        fail(source, "input_shape must be a list of positive integers", "e.g. [16] or [1, 8, 8]");
    }
    if (net.input_shape.empty() || net.input_shape.size() > 3)
        fail(source, "input_shape must have 1 to 3 dimensions");
    for (auto d : net.input_shape)
        if (d < 1) fail(source, "input_shape dimensions must be >= 1");
    if (!root["layers"] || root["layers"].size() == 0)
        fail(source, "the network has no layers", "add at least one layer under 'layers:'");
    net.layers = parse_layers(root["layers"], source, "");
    std::map<std::string, int> counters;
    std::set<std::string> used;
    assign_names(net.layers, counters, used, source);
    try {
        infer_shapes(net);
    } catch (const UsageError& e) {
        fail(source, e.what(), e.hint());
    }
    return net;
}

NetworkSpec NetworkSpec::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw UsageError("cannot read architecture file '" + path + "'", "check the path");
    std::stringstream s;
    s << in.rdbuf();
    return from_yaml(s.str(), path);
}

std::string NetworkSpec::to_yaml() const {
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "input_shape" << YAML::Value << YAML::Flow << input_shape;
    out << YAML::Key << "layers" << YAML::Value;
    emit_layers(out, layers);
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

Shape infer_sequence(const std::vector<LayerSpec>& layers, const Shape& input,
                     const std::string& where) {
    Shape s = input;
    for (std::size_t i = 0; i < layers.size(); ++i)
        s = infer_layer(layers[i], s, where_str(where, i, &layers[i]));
    return s;
}

std::vector<Shape> infer_shapes(const NetworkSpec& net) {
    if (net.layers.empty()) throw UsageError("the network has no layers");
    std::vector<Shape> out;
    Shape s = net.input_shape;
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
        s = infer_layer(net.layers[i], s, where_str("", i, &net.layers[i]));
        out.push_back(s);
    }
    return out;
}

Shape output_shape(const NetworkSpec& net) { return infer_shapes(net).back(); }

}  // namespace snac::nn
