// ONNX graph -> snac checkpoint (docs/onnx.md). The graph must be a chain: every supported node
// takes the previous node's output as its data input and constants (initializers or Constant
// nodes) for everything else. The Deep Sets pattern is recognised as "per-element ops on a
// [N, elements, features] input, then ReduceMean/ReduceMax/ReduceSum over axis 1". GELU is
// the Gelu operator (opset 20) or, as PyTorch writes it for older opsets, x * (1 + erf(x / sqrt 2))
// * 0.5 spread over five nodes.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <map>
#include <set>

#include "onnx_common.hpp"
#include "snac/core/error.hpp"
#include "snac/io/onnx_file.hpp"
#include "snac/nn/network_spec.hpp"
#include "snac/runtime/onnx_model.hpp"

namespace snac::runtime {
namespace {

using nn::LayerSpec;
using nn::LayerType;
using nn::Shape;

constexpr const char* kSupported =
    "snac imports Gemm, MatMul(+Add), Conv, BatchNormalization, Relu, LeakyRelu, Tanh, Sigmoid, "
    "Softmax, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, Flatten, Reshape, Dropout, "
    "Identity, Gelu (also as PyTorch's Div/Erf/Add/Mul/Mul form), zero-width Pad and the Deep "
    "Sets pattern (docs/onnx.md)";

// ONNX stores float attributes as float32; the architecture file holds doubles. The shortest
// decimal that round-trips the float gives 0.001 for 0.001f, so export -> import is exact.
double float_attr_to_double(float f) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, f);
    *r.ptr = '\0';
    return std::strtod(buf, nullptr);
}

bool valid_layer_name(const std::string& s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
}

std::int64_t numel(const Shape& s) {
    std::int64_t n = 1;
    for (auto d : s) n *= d;
    return n;
}

enum class Stage { kTop, kPhi, kRho };

class Importer {
public:
    Importer(const io::OnnxModel& m, std::string path) : m_(m), path_(std::move(path)) {
        for (const auto& t : m_.initializers) consts_[t.name] = &t;
        for (std::size_t k = 0; k < m_.nodes.size(); ++k) {
            const io::OnnxNode& n = m_.nodes[k];
            for (const auto& i : n.inputs) ++uses_[i];
            for (const auto& i : std::set<std::string>(n.inputs.begin(), n.inputs.end()))
                consumers_[i].push_back(k);
        }
        for (const auto& o : m_.outputs) ++uses_[o.name];
        opset_ = 13;
        for (const auto& [domain, v] : m_.opsets)
            if (domain.empty() || domain == "ai.onnx") opset_ = v;
    }

    CheckpointData run() {
        read_input();
        // Constant nodes first: a pattern matched across several nodes (GELU) reads constants
        // that PyTorch places between them.
        for (const auto& n : m_.nodes)
            if (n.op_type == "Constant" && (n.domain.empty() || n.domain == "ai.onnx"))
                constant_node(n);
        done_.assign(m_.nodes.size(), false);
        for (std::size_t k = 0; k < m_.nodes.size(); ++k)
            if (!done_[k]) node(m_.nodes[k]);
        finish();
        return checkpoint();
    }

private:
    const io::OnnxModel& m_;
    std::string path_;
    std::map<std::string, const io::OnnxTensor*> consts_;
    std::map<std::string, int> uses_;
    std::map<std::string, std::vector<std::size_t>> consumers_;  // node indices reading a tensor
    std::vector<bool> done_;  // nodes already taken into a layer by a pattern
    std::int64_t opset_ = 13;
    std::string cur_;  // the tensor flowing through the chain
    Shape shape_;      // its per-sample shape (phi: [elements, features])
    Shape input_shape_;
    Stage stage_ = Stage::kTop;
    std::vector<LayerSpec> top_, phi_, rho_;
    std::map<std::string, std::vector<NamedTensor>> weights_;  // by layer name
    std::set<std::string> names_;
    std::map<std::string, int> counters_;

    std::string node_str(const io::OnnxNode& n) const {
        return "node '" + (n.name.empty() ? n.outputs.front() : n.name) + "' (" + n.op_type + ")";
    }

    [[noreturn]] void fail(const io::OnnxNode& n, const std::string& what,
                           const std::string& hint = {}) const {
        throw UsageError("'" + path_ + "': " + node_str(n) + ": " + what,
                         hint.empty() ? std::string(kSupported) : hint);
    }

    void read_input() {
        if (m_.inputs.size() != 1)
            throw UsageError("'" + path_ + "' has " + std::to_string(m_.inputs.size()) +
                                 " graph inputs; snac imports networks with one input",
                             "export the model with a single input tensor");
        const io::OnnxValueInfo& in = m_.inputs.front();
        if (in.shape.size() < 2)
            throw UsageError("'" + path_ + "': input '" + in.name + "' has shape rank " +
                                 std::to_string(in.shape.size()) + "; expected [batch, ...]",
                             "export with a batch dimension first, e.g. torch.randn(1, 16)");
        input_shape_.assign(in.shape.begin() + 1, in.shape.end());
        for (auto d : input_shape_)
            if (d <= 0)
                throw UsageError("'" + path_ + "': input '" + in.name +
                                     "' has a symbolic dimension other than the batch",
                                 "export with fixed sample dimensions (only the batch dynamic)");
        if (input_shape_.size() > 3)
            throw UsageError("'" + path_ + "': input rank " + std::to_string(in.shape.size()) +
                             " is not [N, F], [N, elements, F] or [N, C, H, W]");
        cur_ = in.name;
        shape_ = input_shape_;
    }

    const io::OnnxTensor* constant(const std::string& name) const {
        auto it = consts_.find(name);
        return it == consts_.end() ? nullptr : it->second;
    }

    const io::OnnxTensor& need_const(const io::OnnxNode& n, std::size_t input,
                                     const char* what) const {
        const io::OnnxTensor* t = input < n.inputs.size() ? constant(n.inputs[input]) : nullptr;
        if (!t || t->type != io::OnnxDataType::kFloat)
            fail(n,
                 std::string(what) + " (input " + std::to_string(input) +
                     ") must be a float initializer",
                 "export with do_constant_folding=True so weights are initializers");
        return *t;
    }

    std::vector<std::int64_t> int_values(const io::OnnxNode& n, std::size_t input) const {
        const io::OnnxTensor* t = input < n.inputs.size() ? constant(n.inputs[input]) : nullptr;
        if (!t || t->type != io::OnnxDataType::kInt64)
            fail(n, "input " + std::to_string(input) + " must be an int64 constant");
        return t->ints;
    }

    std::vector<LayerSpec>& target() {
        return stage_ == Stage::kPhi ? phi_ : stage_ == Stage::kRho ? rho_ : top_;
    }

    std::string layer_name(const io::OnnxNode& n, LayerType type) {
        if (valid_layer_name(n.name) && !names_.count(n.name)) {
            names_.insert(n.name);
            return n.name;
        }
        const std::string base(nn::to_string(type));
        std::string name;
        do name = base + "_" + std::to_string(counters_[base]++);
        while (names_.count(name) ||
               std::any_of(m_.nodes.begin(), m_.nodes.end(),
                           [&](const io::OnnxNode& o) { return o.name == name; }));
        names_.insert(name);
        return name;
    }

    LayerSpec& add(const io::OnnxNode& n, LayerType type, const std::string& output) {
        LayerSpec l;
        l.type = type;
        l.name = layer_name(n, type);
        target().push_back(l);
        cur_ = output;
        return target().back();
    }

    void data_input(const io::OnnxNode& n) const {
        if (n.inputs.empty() || n.inputs[0] != cur_)
            fail(n,
                 "its data input '" + (n.inputs.empty() ? std::string() : n.inputs[0]) +
                     "' is not the previous layer's output '" + cur_ + "'",
                 "snac imports sequential networks (one chain of layers, plus the Deep Sets "
                 "pattern); branches and skip connections have no architecture-file form");
    }

    bool per_element() const { return stage_ == Stage::kPhi; }

    void node(const io::OnnxNode& n) {
        const std::string& op = n.op_type;
        if (!n.domain.empty() && n.domain != "ai.onnx")
            fail(n, "operators of domain '" + n.domain + "' are not supported");
        if (op == "Constant") return;  // read before the chain (constant_node)
        if ((op == "Div" || op == "Mul") && gelu_erf_form(n)) return;  // x may be either operand
        data_input(n);
        if (op == "Gemm") return gemm(n);
        if (op == "MatMul") return matmul(n);
        if (op == "Conv") return conv(n);
        if (op == "BatchNormalization") return batchnorm(n);
        if (op == "Transpose") return transposed_batchnorm(n);
        if (op == "Relu") return elementwise(n, LayerType::kRelu);
        if (op == "Tanh") return elementwise(n, LayerType::kTanh);
        if (op == "Sigmoid") return elementwise(n, LayerType::kSigmoid);
        if (op == "Identity") return elementwise(n, LayerType::kIdentity);
        if (op == "LeakyRelu") {
            add(n, LayerType::kLeakyRelu, n.outputs.at(0)).alpha =
                float_attr_to_double(n.get_float("alpha", 0.01f));
            return;
        }
        if (op == "Gelu") return gelu(n);
        if (op == "Div" || op == "Mul")
            fail(n, "operator " + op +
                        " is supported only as part of GELU's erf form x * (1 + erf(x / sqrt 2)) * "
                        "0.5");
        if (op == "Softmax") return softmax(n);
        if (op == "Dropout") return dropout(n);
        if (op == "MaxPool" || op == "AveragePool") return pool(n);
        if (op == "GlobalAveragePool" || op == "GlobalMaxPool") return global_pool(n);
        if (op == "Flatten") return flatten(n);
        if (op == "Reshape") return reshape(n);
        if (op == "ReduceMean" || op == "ReduceMax" || op == "ReduceSum") return reduce(n);
        if (op == "Pad") return zero_pad(n);
        if (op == "Shape")
            fail(n, "the graph computes a shape at run time (e.g. PyTorch's x.view(x.size(0), -1))",
                 "flatten with nn.Flatten() or torch.flatten(x, 1), or reshape to a constant "
                 "target such as x.reshape(-1, N)");
        fail(n, "operator " + op + " is not supported");
    }

    void constant_node(const io::OnnxNode& n) {
        const io::OnnxAttribute* v = n.find("value");
        if (!v || v->kind != io::OnnxAttrKind::kTensor)
            fail(n, "only Constant nodes with a tensor 'value' are supported");
        owned_.push_back(v->t);
        consts_[n.outputs.at(0)] = &owned_.back();
    }

    // The node that alone reads `tensor` (read once, not a graph output), when its op is `op`.
    const io::OnnxNode* sole_consumer(const std::string& tensor, const char* op) const {
        auto it = consumers_.find(tensor);
        if (it == consumers_.end() || it->second.size() != 1 || uses_.at(tensor) != 1)
            return nullptr;
        const io::OnnxNode& n = m_.nodes[it->second[0]];
        return n.op_type == op && (n.domain.empty() || n.domain == "ai.onnx") ? &n : nullptr;
    }

    // The other operand of a binary node one of whose operands is `t` (null otherwise).
    static const std::string* other_operand(const io::OnnxNode& n, const std::string& t) {
        if (n.inputs.size() != 2 || n.inputs[0] == n.inputs[1]) return nullptr;
        if (n.inputs[0] == t) return &n.inputs[1];
        if (n.inputs[1] == t) return &n.inputs[0];
        return nullptr;
    }

    // A float constant holding one value within float rounding of `v`.
    bool is_scalar(const std::string* name, double v) const {
        const io::OnnxTensor* t = name ? constant(*name) : nullptr;
        return t && t->type == io::OnnxDataType::kFloat && t->floats.size() == 1 &&
               std::abs(t->floats[0] - v) <= 1e-6 * std::max(1.0, std::abs(v));
    }

    // Native Gelu (ai.onnx opset 20): snac's gelu is the exact (erf) form.
    void gelu(const io::OnnxNode& n) {
        const std::string approximate = n.get_string("approximate", "none");
        if (approximate != "none")
            fail(n, "approximate = '" + approximate + "' is not supported",
                 "snac's gelu layer is the exact erf form: export with nn.GELU() "
                 "(approximate='none')");
        add(n, LayerType::kGelu, n.outputs.at(0));
    }

    // GELU as torch.onnx.export writes it before opset 20: Div(x, sqrt 2) -> Erf -> Add(1) ->
    // Mul(x) -> Mul(0.5), each constant on either side. Also accepted: Mul(x, 1/sqrt 2) for the
    // Div, and the two products grouped as (x * 0.5) * a or x * (a * 0.5). Every intermediate
    // tensor must be read only inside the pattern. `n` is the Div/Mul reading the chain tensor.
    bool gelu_erf_form(const io::OnnxNode& n) {
        const std::string x = cur_;
        const double sqrt2 = std::sqrt(2.0);
        const std::string* c = other_operand(n, x);
        const bool scaled = n.op_type == "Div" ? c && n.inputs[0] == x && is_scalar(c, sqrt2)
                                               : is_scalar(c, 1.0 / sqrt2);
        if (!scaled || uses_.at(x) != 2) return false;
        const io::OnnxNode* erf = sole_consumer(n.outputs.at(0), "Erf");
        const io::OnnxNode* plus = erf ? sole_consumer(erf->outputs.at(0), "Add") : nullptr;
        if (!plus || !is_scalar(other_operand(*plus, erf->outputs.at(0)), 1.0)) return false;
        const std::string& a = plus->outputs.at(0);  // 1 + erf(x / sqrt 2)
        // The one other reader of x: a Mul by a, by 0.5, or by a * 0.5.
        const std::vector<std::size_t>& readers = consumers_.at(x);
        if (readers.size() != 2) return false;
        const io::OnnxNode& mx = m_.nodes[readers[0] == index(n) ? readers[1] : readers[0]];
        const std::string* y = mx.op_type == "Mul" ? other_operand(mx, x) : nullptr;
        if (!y) return false;
        std::vector<const io::OnnxNode*> nodes{&n, erf, plus, &mx};
        const io::OnnxNode* last = nullptr;
        if (*y == a) {  // (x * a) * 0.5
            last = sole_consumer(mx.outputs.at(0), "Mul");
            if (!last || !is_scalar(other_operand(*last, mx.outputs.at(0)), 0.5) ||
                sole_consumer(a, "Mul") != &mx)
                return false;
            nodes.push_back(last);
        } else if (is_scalar(y, 0.5)) {  // (x * 0.5) * a
            last = sole_consumer(mx.outputs.at(0), "Mul");
            const std::string* o = last ? other_operand(*last, mx.outputs.at(0)) : nullptr;
            if (!o || *o != a || sole_consumer(a, "Mul") != last) return false;
            nodes.push_back(last);
        } else {  // x * (a * 0.5)
            const io::OnnxNode* half = sole_consumer(a, "Mul");
            if (!half || !is_scalar(other_operand(*half, a), 0.5) || half->outputs.at(0) != *y ||
                sole_consumer(*y, "Mul") != &mx)
                return false;
            nodes.push_back(half);
            last = &mx;
        }
        for (const io::OnnxNode* p : nodes) done_[index(*p)] = true;
        add(n, LayerType::kGelu, last->outputs.at(0));
        return true;
    }

    std::size_t index(const io::OnnxNode& n) const {
        return static_cast<std::size_t>(&n - m_.nodes.data());
    }

    void dense(const io::OnnxNode& n, std::vector<float> kernel, std::int64_t in,
               std::int64_t units, const std::vector<float>* bias, const std::string& output) {
        LayerSpec& l = add(n, LayerType::kDense, output);
        l.units = units;
        l.use_bias = bias != nullptr;
        std::vector<NamedTensor> t{{"kernel", {in, units}, std::move(kernel)}};
        if (bias) t.push_back({"bias", {units}, *bias});
        weights_[l.name] = std::move(t);
        if (per_element())
            shape_ = {shape_[0], units};
        else
            shape_ = {units};
    }

    void gemm(const io::OnnxNode& n) {
        if (shape_.size() != 1 || per_element())
            fail(n, "Gemm needs a [batch, features] input (here " + nn::shape_str(shape_) + ")",
                 "add a Flatten before it");
        if (n.get_int("transA", 0) != 0) fail(n, "transA = 1 is not supported");
        const io::OnnxTensor& b = need_const(n, 1, "B");
        if (b.shape.size() != 2) fail(n, "B must be 2-D");
        const bool trans = n.get_int("transB", 0) != 0;
        const std::int64_t in = trans ? b.shape[1] : b.shape[0];
        const std::int64_t units = trans ? b.shape[0] : b.shape[1];
        if (in != shape_[0])
            fail(n, "B expects " + std::to_string(in) + " inputs, the layer receives " +
                        std::to_string(shape_[0]));
        const float alpha = n.get_float("alpha", 1.0f);
        const float beta = n.get_float("beta", 1.0f);
        std::vector<float> kernel(static_cast<std::size_t>(in * units));
        for (std::int64_t i = 0; i < in; ++i)
            for (std::int64_t j = 0; j < units; ++j)
                kernel[i * units + j] =
                    alpha * (trans ? b.floats[j * in + i] : b.floats[i * units + j]);
        std::vector<float> bias;
        if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
            const io::OnnxTensor& c = need_const(n, 2, "C");
            if (numel(c.shape) != units)
                fail(n, "C must hold one bias per output (" + std::to_string(units) + ")");
            for (float v : c.floats) bias.push_back(beta * v);
        }
        dense(n, std::move(kernel), in, units, bias.empty() ? nullptr : &bias, n.outputs.at(0));
    }

    void matmul(const io::OnnxNode& n) {
        if (shape_.size() == 2 && stage_ == Stage::kTop) {
            stage_ = Stage::kPhi;  // a per-element map on a set input: the Deep Sets phi
        }
        if (shape_.size() != (per_element() ? 2u : 1u))
            fail(n,
                 "MatMul needs a [batch, features] or [batch, elements, features] input (here " +
                     nn::shape_str(shape_) + ")",
                 "add a Flatten before it");
        const io::OnnxTensor& b = need_const(n, 1, "B");
        if (b.shape.size() != 2 || b.shape[0] != shape_.back())
            fail(n, "B must be [" + std::to_string(shape_.back()) + ", units]");
        std::string output = n.outputs.at(0);
        std::vector<float> bias;
        if (const io::OnnxNode* add_node = sole_consumer(output, "Add")) {
            const std::string& other =
                add_node->inputs.at(0) == output ? add_node->inputs.at(1) : add_node->inputs.at(0);
            const io::OnnxTensor* c = constant(other);
            if (c && c->type == io::OnnxDataType::kFloat && numel(c->shape) == b.shape[1]) {
                bias = c->floats;
                output = add_node->outputs.at(0);
                done_[index(*add_node)] = true;
            }
        }
        dense(n, b.floats, b.shape[0], b.shape[1], bias.empty() ? nullptr : &bias, output);
    }

    void conv(const io::OnnxNode& n) {
        if (shape_.size() != 3 || per_element())
            fail(n, "Conv needs a [batch, channels, height, width] input (here " +
                        nn::shape_str(shape_) + ")");
        const io::OnnxTensor& w = need_const(n, 1, "W");
        if (w.shape.size() != 4 || w.shape[2] != w.shape[3])
            fail(n, "only square 2-D kernels are supported");
        if (n.get_int("group", 1) != 1) fail(n, "grouped convolutions are not supported");
        if (w.shape[1] != shape_[0])
            fail(n, "W expects " + std::to_string(w.shape[1]) + " channels, the input has " +
                        std::to_string(shape_[0]));
        for (auto d : n.get_ints("dilations", {1, 1}))
            if (d != 1) fail(n, "dilated convolutions are not supported");
        const std::int64_t k = w.shape[2];
        const auto strides = n.get_ints("strides", {1, 1});
        if (strides.size() != 2 || strides[0] != strides[1])
            fail(n, "only equal strides are supported");
        const std::int64_t s = strides[0];
        const std::string auto_pad = n.get_string("auto_pad", "NOTSET");
        nn::Padding padding = nn::Padding::kValid;
        if (auto_pad == "SAME_UPPER") {
            padding = nn::Padding::kSame;
        } else if (auto_pad == "NOTSET" || auto_pad == "VALID") {
            const auto pads = n.get_ints("pads", {0, 0, 0, 0});
            const bool zero = std::all_of(pads.begin(), pads.end(), [](auto p) { return p == 0; });
            if (!zero) {
                if (pads != same_pads(shape_, k, s))
                    fail(n,
                         "padding " + nn::shape_str(pads) + " is neither valid (none) nor same (" +
                             nn::shape_str(same_pads(shape_, k, s)) + ")",
                         "snac's conv2d pads 'valid' or 'same' (TensorFlow's split)");
                padding = nn::Padding::kSame;
            }
        } else {
            fail(n, "auto_pad " + auto_pad + " is not supported");
        }
        LayerSpec& l = add(n, LayerType::kConv2d, n.outputs.at(0));
        l.filters = w.shape[0];
        l.kernel = k;
        l.stride = s;
        l.padding = padding;
        std::vector<NamedTensor> t{{"kernel", w.shape, w.floats}};
        if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
            const io::OnnxTensor& b = need_const(n, 2, "B");
            t.push_back({"bias", {w.shape[0]}, b.floats});
        } else {
            l.use_bias = false;
        }
        weights_[l.name] = std::move(t);
        shape_ = nn::infer_sequence({l}, shape_);
    }

    void batchnorm(const io::OnnxNode& n) {
        if (per_element())
            fail(n,
                 "batch normalisation inside the Deep Sets phi must normalise the feature "
                 "axis (Transpose, BatchNormalization, Transpose)");
        add_batchnorm(n, n.outputs.at(0), shape_[0]);
    }

    void add_batchnorm(const io::OnnxNode& n, const std::string& output, std::int64_t channels) {
        if (n.get_int("training_mode", 0) != 0) fail(n, "training_mode = 1 is not supported");
        const io::OnnxTensor& scale = need_const(n, 1, "scale");
        const io::OnnxTensor& bias = need_const(n, 2, "B");
        const io::OnnxTensor& mean = need_const(n, 3, "mean");
        const io::OnnxTensor& var = need_const(n, 4, "var");
        for (const io::OnnxTensor* t : {&scale, &bias, &mean, &var})
            if (numel(t->shape) != channels)
                fail(n, "'" + t->name + "' must hold " + std::to_string(channels) + " values");
        LayerSpec& l = add(n, LayerType::kBatchNorm, output);
        l.epsilon = float_attr_to_double(n.get_float("epsilon", 1e-5f));
        l.momentum = float_attr_to_double(n.get_float("momentum", 0.9f));
        weights_[l.name] = {{"gamma", {channels}, scale.floats},
                            {"beta", {channels}, bias.floats},
                            {"moving_mean", {channels}, mean.floats},
                            {"moving_variance", {channels}, var.floats}};
    }

    // Inside phi, BatchNormalization over the feature axis appears as Transpose(0,2,1),
    // BatchNormalization, Transpose(0,2,1) (what torch exports for BatchNorm1d on [N, F, K]).
    void transposed_batchnorm(const io::OnnxNode& n) {
        const auto perm = n.get_ints("perm", {});
        const std::vector<std::int64_t> swap{0, 2, 1};
        const io::OnnxNode* bn = per_element() && perm == swap
                                     ? sole_consumer(n.outputs.at(0), "BatchNormalization")
                                     : nullptr;
        const io::OnnxNode* back = bn ? sole_consumer(bn->outputs.at(0), "Transpose") : nullptr;
        if (!back || back->get_ints("perm", {}) != swap)
            fail(n, "Transpose is supported only around a BatchNormalization in phi");
        done_[index(*bn)] = done_[index(*back)] = true;
        add_batchnorm(*bn, back->outputs.at(0), shape_[1]);
    }

    void elementwise(const io::OnnxNode& n, LayerType type) { add(n, type, n.outputs.at(0)); }

    void softmax(const io::OnnxNode& n) {
        const std::int64_t rank = static_cast<std::int64_t>(shape_.size()) + 1;
        std::int64_t axis = n.get_int("axis", opset_ >= 13 ? -1 : 1);
        if (axis < 0) axis += rank;
        if (shape_.size() != (per_element() ? 2u : 1u) || axis != rank - 1)
            fail(n, "Softmax is supported over the features of a [batch, features] tensor");
        add(n, LayerType::kSoftmax, n.outputs.at(0));
    }

    void dropout(const io::OnnxNode& n) {
        double rate = float_attr_to_double(n.get_float("ratio", 0.5f));
        if (n.inputs.size() > 1 && !n.inputs[1].empty()) {
            const io::OnnxTensor& r = need_const(n, 1, "ratio");
            if (r.floats.size() != 1) fail(n, "ratio must be a scalar");
            rate = float_attr_to_double(r.floats[0]);
        }
        add(n, LayerType::kDropout, n.outputs.at(0)).rate = rate;
    }

    void pool(const io::OnnxNode& n) {
        if (shape_.size() != 3 || per_element())
            fail(n, "pooling needs a [batch, channels, height, width] input");
        const auto k = n.get_ints("kernel_shape", {});
        if (k.size() != 2 || k[0] != k[1]) fail(n, "only square 2-D windows are supported");
        if (n.get_ints("strides", {1, 1}) != k)
            fail(n, "strides must equal the window (non-overlapping pooling)",
                 "snac's pooling layers use stride = size");
        for (auto p : n.get_ints("pads", {0, 0, 0, 0}))
            if (p != 0) fail(n, "padded pooling is not supported");
        if (n.get_int("ceil_mode", 0) != 0) fail(n, "ceil_mode = 1 is not supported");
        for (auto d : n.get_ints("dilations", {1, 1}))
            if (d != 1) fail(n, "dilated pooling is not supported");
        if (n.outputs.size() > 1 && !n.outputs[1].empty()) fail(n, "pooling indices not supported");
        const LayerType type =
            n.op_type == "MaxPool" ? LayerType::kMaxPool2d : LayerType::kAvgPool2d;
        LayerSpec& l = add(n, type, n.outputs.at(0));
        l.size = k[0];
        shape_ = nn::infer_sequence({l}, shape_);
    }

    // torch exports AvgPool2d as Pad (all zeros) + AveragePool: a zero Pad changes nothing.
    void zero_pad(const io::OnnxNode& n) {
        std::vector<std::int64_t> pads = n.get_ints("pads", {});
        if (pads.empty() && n.inputs.size() > 1) pads = int_values(n, 1);
        if (!std::all_of(pads.begin(), pads.end(), [](auto p) { return p == 0; }))
            fail(n, "only a Pad of zero width is supported",
                 "pad inside the convolution instead (padding 'same')");
        cur_ = n.outputs.at(0);
    }

    void global_pool(const io::OnnxNode& n) {
        if (shape_.size() != 3 || per_element() || shape_[1] != shape_[2])
            fail(n, "global pooling is supported on square [channels, height, width] maps");
        const LayerType type =
            n.op_type == "GlobalMaxPool" ? LayerType::kMaxPool2d : LayerType::kAvgPool2d;
        LayerSpec& l = add(n, type, n.outputs.at(0));
        l.size = shape_[1];
        shape_ = {shape_[0], 1, 1};
    }

    void flatten(const io::OnnxNode& n) {
        if (per_element()) fail(n, "Flatten inside the Deep Sets phi is not supported");
        if (n.get_int("axis", 1) != 1) fail(n, "only axis = 1 (keep the batch) is supported");
        add(n, LayerType::kFlatten, n.outputs.at(0));
        shape_ = {numel(shape_)};
    }

    void reshape(const io::OnnxNode& n) {
        const std::vector<std::int64_t> t = int_values(n, 1);
        const bool to_flat = t.size() == 2 && (t[1] == numel(shape_) || t[1] == -1);
        if (per_element() || !to_flat)
            fail(n, "Reshape is supported only as a flatten to [batch, " +
                        std::to_string(numel(shape_)) + "] (target " + nn::shape_str(t) + ")");
        add(n, LayerType::kFlatten, n.outputs.at(0));
        shape_ = {numel(shape_)};
    }

    void reduce(const io::OnnxNode& n) {
        std::vector<std::int64_t> axes = n.get_ints("axes", {});
        if (axes.empty() && n.inputs.size() > 1 && !n.inputs[1].empty()) axes = int_values(n, 1);
        const bool over_elements = axes.size() == 1 && (axes[0] == 1 || axes[0] == -2);
        if (!per_element() || !over_elements || n.get_int("keepdims", 1) != 0)
            fail(n,
                 "reductions are supported only as the Deep Sets pooling: over axis 1 of a "
                 "[batch, elements, features] tensor after per-element layers, keepdims = 0");
        stage_ = Stage::kRho;
        LayerSpec ds;
        ds.type = LayerType::kDeepSets;
        ds.name = layer_name(n, LayerType::kDeepSets);
        ds.aggregate = n.op_type == "ReduceMean"  ? nn::Aggregate::kMean
                       : n.op_type == "ReduceMax" ? nn::Aggregate::kMax
                                                  : nn::Aggregate::kSum;
        deepsets_ = ds;
        cur_ = n.outputs.at(0);
        shape_ = {shape_[1]};
    }

    void finish() {
        const bool is_output =
            std::any_of(m_.outputs.begin(), m_.outputs.end(),
                        [&](const io::OnnxValueInfo& o) { return o.name == cur_; });
        if (m_.outputs.size() != 1 || !is_output)
            throw UsageError("'" + path_ + "': the graph output is not the end of the layer chain",
                             "snac imports networks with one output computed by a chain of layers");
        if (stage_ == Stage::kPhi)
            throw UsageError(
                "'" + path_ +
                    "': per-element layers on a set input without a "
                    "pooling over the elements (ReduceMean/ReduceMax/ReduceSum, axis 1)",
                "end the Deep Sets phi with x.mean(dim=1), x.amax(dim=1) or x.sum(dim=1)");
        if (stage_ == Stage::kRho) {
            if (rho_.empty())
                throw UsageError("'" + path_ + "': nothing follows the Deep Sets pooling",
                                 "snac's deepsets layer needs a rho network (at least one layer)");
            deepsets_.phi = phi_;
            deepsets_.rho = rho_;
            top_.push_back(deepsets_);
        }
        if (top_.empty())
            throw UsageError("'" + path_ + "' has no layers snac can import", kSupported);
    }

    void emit(const std::vector<LayerSpec>& layers, const std::string& prefix,
              std::vector<LayerWeights>& out) {
        for (const auto& l : layers) {
            LayerWeights w;
            w.layer_name = prefix + l.name;
            w.layer_type = std::string(nn::to_string(l.type));
            if (auto it = weights_.find(l.name); it != weights_.end()) w.tensors = it->second;
            out.push_back(std::move(w));
            if (l.type == LayerType::kDeepSets) {
                emit(l.phi, prefix + l.name + "/phi/", out);
                emit(l.rho, prefix + l.name + "/rho/", out);
            }
        }
    }

    CheckpointData checkpoint() {
        nn::NetworkSpec spec;
        spec.input_shape = input_shape_;
        spec.layers = top_;
        // Round trip through the parser: the same validation every architecture file gets.
        const nn::NetworkSpec checked = nn::NetworkSpec::from_yaml(spec.to_yaml(), path_);
        CheckpointData ck;
        ck.architecture_yaml = checked.to_yaml();
        emit(checked.layers, "", ck.layers);
        restore_snac_metadata(m_, ck);
        ck.attributes["onnx_file"] = path_;
        ck.attributes["onnx_producer"] =
            m_.producer_name + (m_.producer_version.empty() ? "" : " " + m_.producer_version);
        return ck;
    }

    std::deque<io::OnnxTensor> owned_;  // Constant values (stable addresses for consts_)
    LayerSpec deepsets_;
};

}  // namespace

std::vector<std::int64_t> same_pads(const nn::Shape& chw, std::int64_t k, std::int64_t s) {
    std::vector<std::int64_t> total(2);
    for (int d = 0; d < 2; ++d) {
        const std::int64_t in = chw[1 + d], out = (in + s - 1) / s;
        total[d] = std::max<std::int64_t>((out - 1) * s + k - in, 0);
    }
    return {total[0] / 2, total[1] / 2, total[0] - total[0] / 2, total[1] - total[1] / 2};
}

void restore_snac_metadata(const io::OnnxModel& model, CheckpointData& checkpoint) {
    const std::string prefix = kMetaAttributePrefix;
    for (const auto& [k, v] : model.metadata) {
        if (k == kMetaTraining) checkpoint.training_yaml = v;
        if (k.rfind(prefix, 0) == 0) checkpoint.attributes[k.substr(prefix.size())] = v;
    }
}

CheckpointData import_onnx(const std::string& path) {
    const io::OnnxModel m = io::read_onnx(path);
    return Importer(m, path).run();
}

}  // namespace snac::runtime
