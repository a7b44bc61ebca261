// ONNX files <-> OnnxModel (plain data). The protobuf classes are Debian's libonnx-dev
// definitions (onnx/onnx_pb.h, namespace `onnx`); they never leave this file.
#include "snac/io/onnx_file.hpp"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "snac/core/error.hpp"

namespace snac::io {
namespace {

std::string where(const std::string& path) {
    return "'" + path + "'";
}

std::int64_t numel(const std::vector<std::int64_t>& shape) {
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

OnnxTensor from_proto(const onnx::TensorProto& t, const std::string& path) {
    OnnxTensor out;
    out.name = t.name();
    out.shape.assign(t.dims().begin(), t.dims().end());
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
        throw UsageError(where(path) + ": tensor '" + t.name() + "' is stored in an external file",
                         "export the model with its weights inside the .onnx file "
                         "(torch.onnx.export does so for models under 2 GB)");
    const auto n = static_cast<std::size_t>(numel(out.shape));
    if (t.data_type() == onnx::TensorProto::FLOAT) {
        out.type = OnnxDataType::kFloat;
        if (t.has_raw_data()) {
            const std::string& raw = t.raw_data();
            if (raw.size() != n * sizeof(float))
                throw UsageError(where(path) + ": tensor '" + t.name() + "' has " +
                                 std::to_string(raw.size()) + " bytes of data for " +
                                 std::to_string(n) + " float32 values");
            out.floats.resize(n);
            std::memcpy(out.floats.data(), raw.data(), raw.size());  // little-endian, as x86
        } else {
            out.floats.assign(t.float_data().begin(), t.float_data().end());
        }
        if (out.floats.size() != n)
            throw UsageError(where(path) + ": tensor '" + t.name() + "' has " +
                             std::to_string(out.floats.size()) + " values for its shape");
    } else if (t.data_type() == onnx::TensorProto::INT64) {
        out.type = OnnxDataType::kInt64;
        if (t.has_raw_data()) {
            const std::string& raw = t.raw_data();
            if (raw.size() != n * sizeof(std::int64_t))
                throw UsageError(where(path) + ": tensor '" + t.name() + "' has " +
                                 std::to_string(raw.size()) + " bytes of data for " +
                                 std::to_string(n) + " int64 values");
            out.ints.resize(n);
            std::memcpy(out.ints.data(), raw.data(), raw.size());
        } else {
            out.ints.assign(t.int64_data().begin(), t.int64_data().end());
        }
        if (out.ints.size() != n)
            throw UsageError(where(path) + ": tensor '" + t.name() + "' has " +
                             std::to_string(out.ints.size()) + " values for its shape");
    } else {
        throw UsageError(where(path) + ": tensor '" + t.name() + "' has ONNX data type " +
                             std::to_string(t.data_type()) + "; snac reads float32 and int64",
                         "export the model in float32");
    }
    return out;
}

void to_proto(const OnnxTensor& t, onnx::TensorProto* p) {
    p->set_name(t.name);
    for (auto d : t.shape) p->add_dims(d);
    if (t.type == OnnxDataType::kFloat) {
        p->set_data_type(onnx::TensorProto::FLOAT);
        p->set_raw_data(std::string(reinterpret_cast<const char*>(t.floats.data()),
                                    t.floats.size() * sizeof(float)));
    } else {
        p->set_data_type(onnx::TensorProto::INT64);
        p->set_raw_data(std::string(reinterpret_cast<const char*>(t.ints.data()),
                                    t.ints.size() * sizeof(std::int64_t)));
    }
}

OnnxValueInfo from_proto(const onnx::ValueInfoProto& v) {
    OnnxValueInfo out;
    out.name = v.name();
    if (v.type().has_tensor_type() && v.type().tensor_type().has_shape())
        for (const auto& d : v.type().tensor_type().shape().dim())
            out.shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
    return out;
}

void to_proto(const OnnxValueInfo& v, onnx::ValueInfoProto* p) {
    p->set_name(v.name);
    auto* tt = p->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = tt->mutable_shape();
    for (auto d : v.shape) {
        auto* dim = shape->add_dim();
        if (d < 0)
            dim->set_dim_param("N");  // the batch dimension
        else
            dim->set_dim_value(d);
    }
}

OnnxAttribute from_proto(const onnx::AttributeProto& a, const std::string& path) {
    OnnxAttribute out;
    out.name = a.name();
    switch (a.type()) {
        case onnx::AttributeProto::INT:
            out.kind = OnnxAttrKind::kInt;
            out.i = a.i();
            break;
        case onnx::AttributeProto::FLOAT:
            out.kind = OnnxAttrKind::kFloat;
            out.f = a.f();
            break;
        case onnx::AttributeProto::STRING:
            out.kind = OnnxAttrKind::kString;
            out.s = a.s();
            break;
        case onnx::AttributeProto::INTS:
            out.kind = OnnxAttrKind::kInts;
            out.ints.assign(a.ints().begin(), a.ints().end());
            break;
        case onnx::AttributeProto::FLOATS:
            out.kind = OnnxAttrKind::kFloats;
            out.floats.assign(a.floats().begin(), a.floats().end());
            break;
        case onnx::AttributeProto::TENSOR:
            out.kind = OnnxAttrKind::kTensor;
            out.t = from_proto(a.t(), path);
            break;
        default:
            // Graph-valued and other attributes belong to operators snac does not support; keep
            // the name so the importer's "unsupported operator" message stays the one users see.
            out.kind = OnnxAttrKind::kString;
            break;
    }
    return out;
}

void to_proto(const OnnxAttribute& a, onnx::AttributeProto* p) {
    p->set_name(a.name);
    switch (a.kind) {
        case OnnxAttrKind::kInt:
            p->set_type(onnx::AttributeProto::INT);
            p->set_i(a.i);
            break;
        case OnnxAttrKind::kFloat:
            p->set_type(onnx::AttributeProto::FLOAT);
            p->set_f(a.f);
            break;
        case OnnxAttrKind::kString:
            p->set_type(onnx::AttributeProto::STRING);
            p->set_s(a.s);
            break;
        case OnnxAttrKind::kInts:
            p->set_type(onnx::AttributeProto::INTS);
            for (auto v : a.ints) p->add_ints(v);
            break;
        case OnnxAttrKind::kFloats:
            p->set_type(onnx::AttributeProto::FLOATS);
            for (auto v : a.floats) p->add_floats(v);
            break;
        case OnnxAttrKind::kTensor:
            p->set_type(onnx::AttributeProto::TENSOR);
            to_proto(a.t, p->mutable_t());
            break;
    }
}

}  // namespace

const OnnxAttribute* OnnxNode::find(const std::string& attr) const {
    for (const auto& a : attributes)
        if (a.name == attr) return &a;
    return nullptr;
}

std::int64_t OnnxNode::get_int(const std::string& attr, std::int64_t fallback) const {
    const OnnxAttribute* a = find(attr);
    return a && a->kind == OnnxAttrKind::kInt ? a->i : fallback;
}

float OnnxNode::get_float(const std::string& attr, float fallback) const {
    const OnnxAttribute* a = find(attr);
    return a && a->kind == OnnxAttrKind::kFloat ? a->f : fallback;
}

std::string OnnxNode::get_string(const std::string& attr, const std::string& fallback) const {
    const OnnxAttribute* a = find(attr);
    return a && a->kind == OnnxAttrKind::kString ? a->s : fallback;
}

std::vector<std::int64_t> OnnxNode::get_ints(const std::string& attr,
                                             std::vector<std::int64_t> fallback) const {
    const OnnxAttribute* a = find(attr);
    return a && a->kind == OnnxAttrKind::kInts ? a->ints : fallback;
}

bool is_onnx_path(const std::string& path) {
    if (path.size() < 5) return false;
    std::string ext = path.substr(path.size() - 5);
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".onnx";
}

OnnxModel read_onnx(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw UsageError("cannot open ONNX model " + where(path),
                         "check the path (export with torch.onnx.export or snac export --onnx)");
    onnx::ModelProto proto;
    if (!proto.ParseFromIstream(&in) || !proto.has_graph())
        throw UsageError(where(path) + " is not an ONNX model (protobuf ModelProto)",
                         "pass a file written by torch.onnx.export, tf2onnx or snac export");
    OnnxModel m;
    m.producer_name = proto.producer_name();
    m.producer_version = proto.producer_version();
    for (const auto& o : proto.opset_import()) m.opsets.emplace_back(o.domain(), o.version());
    for (const auto& p : proto.metadata_props()) m.metadata[p.key()] = p.value();
    const onnx::GraphProto& g = proto.graph();
    m.graph_name = g.name();
    for (const auto& t : g.initializer()) m.initializers.push_back(from_proto(t, path));
    for (const auto& v : g.input()) {
        const bool is_init = std::any_of(m.initializers.begin(), m.initializers.end(),
                                         [&](const OnnxTensor& t) { return t.name == v.name(); });
        if (!is_init) m.inputs.push_back(from_proto(v));
    }
    for (const auto& v : g.output()) m.outputs.push_back(from_proto(v));
    for (const auto& n : g.node()) {
        OnnxNode node;
        node.name = n.name();
        node.op_type = n.op_type();
        node.domain = n.domain();
        node.inputs.assign(n.input().begin(), n.input().end());
        node.outputs.assign(n.output().begin(), n.output().end());
        for (const auto& a : n.attribute()) node.attributes.push_back(from_proto(a, path));
        m.nodes.push_back(std::move(node));
    }
    return m;
}

void write_onnx(const std::string& path, const OnnxModel& m) {
    onnx::ModelProto proto;
    proto.set_ir_version(7);  // IR 7 covers opset 13 and custom domains
    proto.set_producer_name(m.producer_name);
    proto.set_producer_version(m.producer_version);
    for (const auto& [domain, version] : m.opsets) {
        auto* o = proto.add_opset_import();
        o->set_domain(domain);
        o->set_version(version);
    }
    for (const auto& [k, v] : m.metadata) {
        auto* p = proto.add_metadata_props();
        p->set_key(k);
        p->set_value(v);
    }
    onnx::GraphProto* g = proto.mutable_graph();
    g->set_name(m.graph_name);
    for (const auto& t : m.initializers) to_proto(t, g->add_initializer());
    for (const auto& v : m.inputs) to_proto(v, g->add_input());
    for (const auto& v : m.outputs) to_proto(v, g->add_output());
    for (const auto& n : m.nodes) {
        onnx::NodeProto* p = g->add_node();
        p->set_name(n.name);
        p->set_op_type(n.op_type);
        if (!n.domain.empty()) p->set_domain(n.domain);
        for (const auto& i : n.inputs) p->add_input(i);
        for (const auto& o : n.outputs) p->add_output(o);
        for (const auto& a : n.attributes) to_proto(a, p->add_attribute());
    }
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out || !proto.SerializeToOstream(&out) || !out.flush()) {
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            throw Error("cannot write ONNX model " + where(tmp),
                        "check that the directory exists and the disk has space");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw Error("cannot move " + where(tmp) + " into place as " + where(path));
    }
}

}  // namespace snac::io
