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
#include "snac/core/layer_types.hpp"

namespace snac::nn {
namespace {

/// How one architecture-file key reads and writes its LayerSpec field. Which keys a layer type
/// accepts is the layer vocabulary's (core/layer_types); this table only knows the fields.
struct KeyCodec {
    std::string_view key;
    bool always;  ///< written even when equal to the default (the key defines the layer)
    void (*read)(const YAML::Node& value, LayerSpec& l, const std::string& source,
                 const std::string& what);  ///< `what` names the key in error messages
    bool (*differs)(const LayerSpec& l);    ///< differs from LayerSpec{}
    void (*write)(YAML::Emitter& out, const LayerSpec& l);  ///< the value only
};

template <class T>
T scalar(const YAML::Node& n, const std::string& source, const std::string& what);

[[noreturn]] void fail(const std::string& source, const std::string& message,
                       const std::string& hint = {});

/// A key stored as one scalar field of LayerSpec.
template <auto Field>
KeyCodec scalar_key(std::string_view key, bool always) {
    return {key, always,
            [](const YAML::Node& v, LayerSpec& l, const std::string& src, const std::string& what) {
                l.*Field = scalar<std::decay_t<decltype(l.*Field)>>(v, src, what);
            },
            [](const LayerSpec& l) { return l.*Field != LayerSpec{}.*Field; },
            [](YAML::Emitter& out, const LayerSpec& l) { out << l.*Field; }};
}

const std::array<KeyCodec, 13>& key_codecs() {
    static const std::array<KeyCodec, 13> codecs{{
        scalar_key<&LayerSpec::units>("units", true),
        scalar_key<&LayerSpec::use_bias>("use_bias", false),
        scalar_key<&LayerSpec::momentum>("momentum", false),
        scalar_key<&LayerSpec::epsilon>("epsilon", false),
        scalar_key<&LayerSpec::alpha>("alpha", true),
        scalar_key<&LayerSpec::rate>("rate", true),
        scalar_key<&LayerSpec::filters>("filters", true),
        scalar_key<&LayerSpec::kernel>("kernel", true),
        scalar_key<&LayerSpec::stride>("stride", true),
        KeyCodec{
            "padding", true,
            [](const YAML::Node& v, LayerSpec& l, const std::string& src, const std::string& w) {
                const auto p = scalar<std::string>(v, src, w);
                if (p == "valid")
                    l.padding = Padding::kValid;
                else if (p == "same")
                    l.padding = Padding::kSame;
                else
                    fail(src, w + " '" + p + "' is not valid", "use valid or same");
            },
            [](const LayerSpec& l) { return l.padding != Padding::kValid; },
            [](YAML::Emitter& out, const LayerSpec& l) {
                out << (l.padding == Padding::kValid ? "valid" : "same");
            }},
        scalar_key<&LayerSpec::hidden>("hidden", true),
        scalar_key<&LayerSpec::size>("size", true),
        KeyCodec{
            "aggregate", true,
            [](const YAML::Node& v, LayerSpec& l, const std::string& src, const std::string& w) {
                const auto a = scalar<std::string>(v, src, w);
                if (a == "mean")
                    l.aggregate = Aggregate::kMean;
                else if (a == "max")
                    l.aggregate = Aggregate::kMax;
                else if (a == "sum")
                    l.aggregate = Aggregate::kSum;
                else
                    fail(src, w + " '" + a + "' is not valid", "use mean, max or sum");
            },
            [](const LayerSpec& l) { return l.aggregate != Aggregate::kMean; },
            [](YAML::Emitter& out, const LayerSpec& l) {
                out << std::string(to_string(l.aggregate));
            }},
    }};
    return codecs;
}
#undef SNAC_SCALAR_KEY

const KeyCodec* codec(std::string_view key) {
    for (const KeyCodec& c : key_codecs())
        if (c.key == key) return &c;
    return nullptr;
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
                       const std::string& hint) {
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
    for (std::size_t i = 0; i < list.size(); ++i)
        out.push_back(parse_layer(list[i], source, prefix, i));
    return out;
}

LayerSpec parse_layer(const YAML::Node& node, const std::string& source, const std::string& prefix,
                      std::size_t index) {
    const std::string at = where_str(prefix, index, nullptr);
    if (!node.IsMap()) fail(source, at + " must be a mapping like {type: dense, units: 16}");
    if (!node["type"]) fail(source, at + " has no 'type'", "add e.g. 'type: dense'");
    const std::string type = scalar<std::string>(node["type"], source, at + " type");
    const LayerTypeInfo* info = find_layer_type(type);
    if (!info)
        fail(source, at + " has unknown type '" + type + "'", "known types: " + layer_type_list());
    LayerSpec l;
    l.type = info->type;
    const std::string w = where_str(prefix, index, &l);
    auto accepts = [&](std::string_view key) {
        for (std::string_view k : info->keys)
            if (k == key) return true;
        return false;
    };
    for (const auto& kv : node) {
        const std::string key = kv.first.Scalar();
        if (key == "type" || key == "name" || accepts(key)) continue;
        std::string hint = "keys of " + type + ":";
        for (std::string_view a : info->keys) hint += " " + std::string(a);
        if (info->keys.empty()) hint = type + " takes no keys besides type and name";
        fail(source, w + " has unknown key '" + key + "'", hint);
    }
    if (node["name"]) l.name = scalar<std::string>(node["name"], source, w + " name");
    for (std::string_view key : info->keys) {
        const KeyCodec* c = codec(key);
        const YAML::Node v = node[std::string(key)];
        if (c && v) c->read(v, l, source, w + " " + std::string(key));
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
            fail(source, "layer name '" + l.name + "' is used twice",
                 "give each layer its own name");
        if (l.type == LayerType::kDeepSets) {
            assign_names(l.phi, counters, used, source);
            assign_names(l.rho, counters, used, source);
        }
    }
}

void emit_layers(YAML::Emitter& out, const std::vector<LayerSpec>& layers) {
    out << YAML::BeginSeq;
    for (const auto& l : layers) {
        const bool nested = l.type == LayerType::kDeepSets;
        if (!nested) out << YAML::Flow;
        out << YAML::BeginMap;
        out << YAML::Key << "type" << YAML::Value << std::string(to_string(l.type));
        out << YAML::Key << "name" << YAML::Value << l.name;
        for (std::string_view key : layer_info(l.type).keys) {
            const KeyCodec* c = codec(key);
            if (!c || !(c->always || c->differs(l))) continue;
            out << YAML::Key << std::string(key) << YAML::Value;
            c->write(out, l);
        }
        if (nested) {
            out << YAML::Key << "phi" << YAML::Value;
            emit_layers(out, l.phi);
            out << YAML::Key << "rho" << YAML::Value;
            emit_layers(out, l.rho);
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
        case LayerType::kLayerNorm:
            // Over the last axis of [F] or [rows, F] (hls4ml's layernorm kernel, PyTorch's
            // LayerNorm(F)); over the whole sample of [C, H, W] (layernorm_group).
            need(l.epsilon > 0, "epsilon must be > 0");
            need(in.size() >= 1 && in.size() <= 3, "layernorm expects [F], [rows, F] or [C, H, W]",
                 "add {type: flatten} before it");
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
        case LayerType::kGelu:
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

std::string_view to_string(Aggregate a) noexcept {
    return a == Aggregate::kMean ? "mean" : a == Aggregate::kMax ? "max" : "sum";
}

std::int64_t layernorm_group(const Shape& in) {
    return in.size() == 3 ? product(in) : in.back();
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
    if (!root.IsMap())
        fail(source, "an architecture file is a mapping with input_shape and layers");
    for (const auto& kv : root) {
        const std::string key = kv.first.Scalar();
        // `trial` (the global trial's seed and training genes) is read by snac train, not here.
        if (key != "input_shape" && key != "layers" && key != "trial")
            fail(source, "unknown key '" + key + "'",
                 "an architecture file has input_shape and layers (and optionally trial)");
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

Shape output_shape(const NetworkSpec& net) {
    return infer_shapes(net).back();
}

namespace {
void collect_paths(const std::vector<LayerSpec>& layers, const std::string& prefix,
                   std::vector<std::string>& out) {
    for (const auto& l : layers) {
        out.push_back(prefix + l.name);
        if (l.type == LayerType::kConvAttention)
            for (const char* part : {"query", "key", "value", "softmax", "proj"})
                out.push_back(prefix + l.name + "/" + part);
        collect_paths(l.phi, prefix + l.name + "/phi/", out);
        collect_paths(l.rho, prefix + l.name + "/rho/", out);
    }
}
}  // namespace

std::vector<std::string> precision_layer_paths(const NetworkSpec& net) {
    std::vector<std::string> out;
    collect_paths(net.layers, "", out);
    return out;
}

}  // namespace snac::nn
