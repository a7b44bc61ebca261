// The emitter records, one per fixed-point op (op_records.hpp). Names follow
// hls4ml-semantics.md §1: configN, weightN_t / biasN_t / accumN_t, arrays wN, bN, sN.
#include "op_records.hpp"

#include <algorithm>

#include "snac/core/error.hpp"

namespace snac::hls::detail {
namespace {

using nn::FixedLayer;
using nn::FixedOp;

void no_types(std::ostream&, const FixedLayer&, const std::string&) {}
void no_weights(const WeightSink&, const FixedLayer&, const std::string&, const std::string&) {}

/// The io_stream fields of a config struct (written before its closing brace).
void stream_fields(std::ostream& p, const IoInfo& io) {
    if (io.stream) p << "    static const unsigned n_beats = " << io.beats << ";\n";
}

// ---- matrix-vector products: dense, and conv2d as a dense product per output pixel ----------

/// ap_uint width of the packed layers' input and output indices.
int index_bits(const FixedLayer& l) {
    int bits = 1;
    while ((std::int64_t{1} << bits) < std::max(l.n_in, l.n_out)) ++bits;
    return bits;
}

FixedType index_type(const FixedLayer& l) {
    return FixedType::parse("ap_uint<" + num(index_bits(l)) + ">");
}

void dense_types(std::ostream& d, const FixedLayer& l, const std::string& n) {
    d << "typedef " << l.weight.str() << " weight" << n << "_t;\n"
      << "typedef " << l.bias.str() << " bias" << n << "_t;\n"
      << "typedef " << l.accum.str() << " accum" << n << "_t;\n";
    if (!l.packed.empty()) d << "typedef " << index_type(l).str() << " index" << n << "_t;\n";
}

/// A packed (compressed) Resource dense: the non-zero weights with their input and output index.
void packed_weights(const WeightSink& sink, const FixedLayer& l, const std::string& n,
                    const std::string& who) {
    std::vector<std::int64_t> w, in, out;
    for (const std::int64_t k : l.packed) {
        const std::int64_t i = k % l.n_in, j = k / l.n_in;
        w.push_back(l.weights[static_cast<std::size_t>(i * l.n_out + j)]);
        in.push_back(i);
        out.push_back(j);
    }
    const std::string what = who + " non-zero weights (" + num(std::int64_t(l.packed.size())) +
                             " of " + num(l.n_in * l.n_out) + ", transposed order)";
    sink("w" + n, "weight" + n + "_t", l.weight, w, what);
    sink("wi" + n, "index" + n + "_t", index_type(l), in, who + " input index of each weight");
    sink("wo" + n, "index" + n + "_t", index_type(l), out, who + " output index of each weight");
    sink("b" + n, "bias" + n + "_t", l.bias, l.biases, who + " biases");
}

void matrix_weights(const WeightSink& sink, const FixedLayer& l, const std::string& n,
                    const std::string& who) {
    if (!l.packed.empty()) return packed_weights(sink, l, n, who);
    const std::int64_t rows = l.op == FixedOp::kDense ? l.n_in : l.channels * l.kernel * l.kernel;
    const std::int64_t cols = l.op == FixedOp::kDense ? l.n_out : l.filters;
    std::vector<std::int64_t> w = l.weights;
    std::string layout = "w[i*" + num(cols) + " + j]";
    if (l.strategy == Strategy::kResource) {
        for (std::int64_t i = 0; i < rows; ++i)
            for (std::int64_t j = 0; j < cols; ++j)
                w[static_cast<std::size_t>(j * rows + i)] =
                    l.weights[static_cast<std::size_t>(i * cols + j)];
        layout = "w[j*" + num(rows) + " + i] (transposed for the Resource strategy)";
    }
    sink("w" + n, "weight" + n + "_t", l.weight, w,
         who + " weights, [" + num(rows) + ", " + num(cols) + "] as " + layout);
    sink("b" + n, "bias" + n + "_t", l.bias, l.biases, who + " biases");
}

void dense_config_struct(std::ostream& p, const FixedLayer& l, const std::string& n,
                         const std::string& cname, std::int64_t n_in, std::int64_t n_out,
                         const IoInfo& io) {
    const std::int64_t total = n_in * n_out;
    // hls4ml-semantics.md §3.3: zero weights lower the multiplier allocation limit; a packed
    // Resource layer shares ⌈non-zeros/RF⌉ multipliers.
    const auto nonzero = static_cast<std::int64_t>(l.packed.size());
    const std::int64_t limit =
        !l.packed.empty()
            ? (nonzero + l.reuse_factor - 1) / l.reuse_factor
            : (total + l.reuse_factor - 1) / l.reuse_factor - l.n_zeros / l.reuse_factor;
    p << "struct " << cname << " : nnet::dense_config {\n"
      << "    typedef accum" << n << "_t accum_t;\n    typedef bias" << n << "_t bias_t;\n"
      << "    typedef weight" << n << "_t weight_t;\n"
      << "    static const unsigned n_in = " << n_in << ";\n"
      << "    static const unsigned n_out = " << n_out << ";\n"
      << "    static const unsigned reuse_factor = " << l.reuse_factor << ";\n"
      << "    static const unsigned strategy = nnet::"
      << (l.strategy == Strategy::kLatency ? "latency" : "resource") << ";\n"
      << "    static const unsigned n_zeros = " << l.n_zeros << ";\n"
      << "    static const unsigned n_nonzeros = " << (n_in * n_out - l.n_zeros) << ";\n";
    if (!l.packed.empty()) p << "    typedef index" << n << "_t index_t;\n";
    p << "    static const unsigned multiplier_limit = " << std::max<std::int64_t>(limit, 1)
      << ";\n";
    stream_fields(p, io);
    p << "};\n";
}

void dense_config(std::ostream& p, const FixedLayer& l, const std::string& n, const IoInfo& io) {
    dense_config_struct(p, l, n, "config" + n, l.n_in, l.n_out, io);
}

std::string dense_call(const FixedLayer& l, const std::string& n, const std::string& tmpl,
                       const std::string& in, const std::string& out) {
    if (!l.packed.empty())
        return "nnet::dense_compressed" + tmpl + "(" + in + ", " + out + ", w" + n + ", wi" + n +
               ", wo" + n + ", b" + n + ");";
    return "nnet::dense" + tmpl + "(" + in + ", " + out + ", w" + n + ", b" + n + ");";
}

void conv_config(std::ostream& p, const FixedLayer& l, const std::string& n, const IoInfo&) {
    dense_config_struct(p, l, n, "config" + n + "_mult", l.channels * l.kernel * l.kernel,
                        l.filters, IoInfo{});
    p << "struct config" << n << " : nnet::conv2d_config {\n"
      << "    static const unsigned n_chan = " << l.channels << ";\n"
      << "    static const unsigned in_height = " << l.height << ";\n"
      << "    static const unsigned in_width = " << l.width << ";\n"
      << "    static const unsigned n_filt = " << l.filters << ";\n"
      << "    static const unsigned filt_size = " << l.kernel << ";\n"
      << "    static const unsigned stride = " << l.stride << ";\n"
      << "    static const unsigned pad_top = " << l.pad_top << ";\n"
      << "    static const unsigned pad_left = " << l.pad_left << ";\n"
      << "    static const unsigned out_height = " << l.out_height << ";\n"
      << "    static const unsigned out_width = " << l.out_width << ";\n"
      << "    static const unsigned reuse_factor = " << l.reuse_factor << ";\n"
      << "    typedef config" << n << "_mult mult_config;\n};\n";
}

std::string conv_call(const FixedLayer&, const std::string& n, const std::string& tmpl,
                      const std::string& in, const std::string& out) {
    return "nnet::conv_2d_cf" + tmpl + "(" + in + ", " + out + ", w" + n + ", b" + n + ");";
}

// ---- batch norm: folded scale and bias per channel --------------------------------------------

void bn_types(std::ostream& d, const FixedLayer& l, const std::string& n) {
    d << "typedef " << l.weight.str() << " scale" << n << "_t;\n"
      << "typedef " << l.bias.str() << " bias" << n << "_t;\n";
}

void bn_weights(const WeightSink& sink, const FixedLayer& l, const std::string& n,
                const std::string& who) {
    sink("s" + n, "scale" + n + "_t", l.weight, l.weights,
         who + " scale = gamma / sqrt(var + eps)");
    sink("b" + n, "bias" + n + "_t", l.bias, l.biases, who + " bias = beta - scale * mean");
}

void bn_config(std::ostream& p, const FixedLayer& l, const std::string& n, const IoInfo& io) {
    p << "struct config" << n << " : nnet::batchnorm_config {\n"
      << "    typedef scale" << n << "_t scale_t;\n    typedef bias" << n << "_t bias_t;\n"
      << "    static const unsigned n_in = " << l.n_in << ";\n"
      << "    static const unsigned n_filt = " << l.channels << ";\n"
      << "    static const unsigned n_per_filt = " << static_cast<std::int64_t>(l.height) * l.width
      << ";\n";
    stream_fields(p, io);
    p << "};\n";
}

std::string bn_call(const FixedLayer&, const std::string& n, const std::string& tmpl,
                    const std::string& in, const std::string& out) {
    return "nnet::normalize" + tmpl + "(" + in + ", " + out + ", s" + n + ", b" + n + ");";
}

// ---- layer norm: gamma, beta and the 1/sqrt(var + eps) table ----------------------------------

void ln_types(std::ostream& d, const FixedLayer& l, const std::string& n) {
    d << "typedef " << l.weight.str() << " scale" << n << "_t;\n"
      << "typedef " << l.bias.str() << " bias" << n << "_t;\n"
      << "typedef " << l.accum.str() << " accum" << n << "_t;\n"
      << "typedef " << l.table_type.str() << " table" << n << "_t;\n";
}

void ln_weights(const WeightSink& sink, const FixedLayer& l, const std::string& n,
                const std::string& who) {
    sink("s" + n, "scale" + n + "_t", l.weight, l.weights, who + " gamma");
    sink("b" + n, "bias" + n + "_t", l.bias, l.biases, who + " beta");
    sink("t" + n, "table" + n + "_t", l.table_type, l.table,
         who + " 1/sqrt(var + eps) table over [0, 2^" + num(l.table_range_pow2) + ")");
}

void ln_config(std::ostream& p, const FixedLayer& l, const std::string& n, const IoInfo& io) {
    p << "struct config" << n << " : nnet::layernorm_config {\n"
      << "    typedef accum" << n << "_t accum_t;\n    typedef table" << n << "_t table_t;\n"
      << "    typedef scale" << n << "_t scale_t;\n    typedef bias" << n << "_t bias_t;\n"
      << "    static const unsigned n_rows = " << l.elements << ";\n"
      << "    static const unsigned n_feat = " << l.features << ";\n"
      << "    static const unsigned table_size = " << l.table.size() << ";\n"
      << "    static const unsigned table_range_pow2 = " << l.table_range_pow2 << ";\n";
    stream_fields(p, io);
    p << "};\n";
}

std::string ln_call(const FixedLayer&, const std::string& n, const std::string& tmpl,
                    const std::string& in, const std::string& out) {
    return "nnet::layernorm" + tmpl + "(" + in + ", " + out + ", s" + n + ", b" + n + ", t" + n +
           ");";
}

// ---- element-wise activations ------------------------------------------------------------------

void activ_config(std::ostream& p, const FixedLayer& l, const std::string& n, const IoInfo& io) {
    p << "struct config" << n << " : nnet::activ_config {\n"
      << "    static const unsigned n_in = " << l.n_in << ";\n";
    if (l.op == FixedOp::kLeakyRelu) p << "    typedef param" << n << "_t param_t;\n";
    if (l.op == FixedOp::kSigmoid || l.op == FixedOp::kTanh || l.op == FixedOp::kGelu)
        p << "    typedef table" << n << "_t table_t;\n"
          << "    static const unsigned table_size = " << l.table.size() << ";\n";
    stream_fields(p, io);
    p << "};\n";
}

std::string relu_call(const FixedLayer&, const std::string&, const std::string& tmpl,
                      const std::string& in, const std::string& out) {
    return "nnet::relu" + tmpl + "(" + in + ", " + out + ");";
}

void leaky_types(std::ostream& d, const FixedLayer& l, const std::string& n) {
    d << "typedef " << l.weight.str() << " param" << n << "_t;\n";
}

void leaky_weights(const WeightSink& sink, const FixedLayer& l, const std::string& n,
                   const std::string& who) {
    sink("a" + n, "param" + n + "_t", l.weight, l.weights, who + " alpha");
}

std::string leaky_call(const FixedLayer&, const std::string& n, const std::string& tmpl,
                       const std::string& in, const std::string& out) {
    return "nnet::leaky_relu" + tmpl + "(" + in + ", " + out + ", a" + n + ");";
}

void table_types(std::ostream& d, const FixedLayer& l, const std::string& n) {
    d << "typedef " << l.table_type.str() << " table" << n << "_t;\n";
}

void table_weights(const WeightSink& sink, const FixedLayer& l, const std::string& n,
                   const std::string& who) {
    sink("t" + n, "table" + n + "_t", l.table_type, l.table,
         who + " " + std::string(nn::to_string(l.op)) + " lookup table");
}

std::string table_call(const FixedLayer& l, const std::string& n, const std::string& tmpl,
                       const std::string& in, const std::string& out) {
    return "nnet::" + std::string(nn::to_string(l.op)) + tmpl + "(" + in + ", " + out + ", t" + n +
           ");";
}

// ---- softmax: exp and inverse tables (hls4ml-semantics.md §5) ----------------------------------

void softmax_types(std::ostream& d, const FixedLayer& l, const std::string& n) {
    d << "typedef " << l.accum.str() << " accum" << n << "_t;\n"
      << "typedef " << l.norm_type.str() << " norm" << n << "_t;\n"
      << "typedef " << l.table_type.str() << " exp_table" << n << "_t;\n"
      << "typedef " << l.inv_table_type.str() << " inv_table" << n << "_t;\n"
      << "typedef " << l.inv_input_type.str() << " inv_inp" << n << "_t;\n";
}

void softmax_weights(const WeightSink& sink, const FixedLayer& l, const std::string& n,
                     const std::string& who) {
    sink("e" + n, "exp_table" + n + "_t", l.table_type, l.table, who + " softmax exp(-x) table");
    sink("i" + n, "inv_table" + n + "_t", l.inv_table_type, l.inv_table,
         who + " softmax 1/x table");
}

void softmax_config(std::ostream& p, const FixedLayer& l, const std::string& n, const IoInfo& io) {
    p << "struct config" << n << " : nnet::softmax_config {\n"
      << "    typedef accum" << n << "_t accum_t;\n    typedef norm" << n << "_t norm_t;\n"
      << "    typedef exp_table" << n << "_t exp_table_t;\n"
      << "    typedef inv_table" << n << "_t inv_table_t;\n"
      << "    typedef inv_inp" << n << "_t inv_inp_t;\n"
      << "    static const unsigned n_in = " << l.n_in << ";\n"
      << "    static const unsigned norm_width = " << l.norm_type.width << ";\n"
      << "    static const unsigned inv_inp_width = " << l.inv_input_type.width << ";\n"
      << "    static const unsigned exp_table_bits = " << l.table_bits << ";\n"
      << "    static const unsigned inv_table_bits = " << l.inv_table_bits << ";\n";
    stream_fields(p, io);
    p << "};\n";
}

std::string softmax_call(const FixedLayer&, const std::string& n, const std::string& tmpl,
                         const std::string& in, const std::string& out) {
    return "nnet::softmax" + tmpl + "(" + in + ", " + out + ", e" + n + ", i" + n + ");";
}

// ---- pooling, flatten, Deep Sets aggregation --------------------------------------------------

void accum_types(std::ostream& d, const FixedLayer& l, const std::string& n) {
    d << "typedef " << l.accum.str() << " accum" << n << "_t;\n";
}

void pool_config(std::ostream& p, const FixedLayer& l, const std::string& n, const IoInfo&) {
    p << "struct config" << n << " : nnet::pooling2d_config {\n";
    if (l.op == FixedOp::kAvgPool2d) p << "    typedef accum" << n << "_t accum_t;\n";
    p << "    static const unsigned n_chan = " << l.channels << ";\n"
      << "    static const unsigned in_height = " << l.height << ";\n"
      << "    static const unsigned in_width = " << l.width << ";\n"
      << "    static const unsigned pool_size = " << l.pool << ";\n"
      << "    static const unsigned out_height = " << l.out_height << ";\n"
      << "    static const unsigned out_width = " << l.out_width << ";\n};\n";
}

std::string maxpool_call(const FixedLayer&, const std::string&, const std::string& tmpl,
                         const std::string& in, const std::string& out) {
    return "nnet::pooling2d_max_cf" + tmpl + "(" + in + ", " + out + ");";
}

std::string avgpool_call(const FixedLayer&, const std::string&, const std::string& tmpl,
                         const std::string& in, const std::string& out) {
    return "nnet::pooling2d_avg_cf" + tmpl + "(" + in + ", " + out + ");";
}

void flatten_config(std::ostream& p, const FixedLayer& l, const std::string& n, const IoInfo& io) {
    p << "struct config" << n << " : nnet::flatten_config {\n"
      << "    static const unsigned n_in = " << l.n_in << ";\n";
    stream_fields(p, io);
    if (io.stream && io.channels_first) p << "    static const bool channels_first = true;\n";
    p << "};\n";
}

std::string flatten_call(const FixedLayer&, const std::string&, const std::string& tmpl,
                         const std::string& in, const std::string& out) {
    return "nnet::flatten" + tmpl + "(" + in + ", " + out + ");";
}

void aggregate_config(std::ostream& p, const FixedLayer& l, const std::string& n, const IoInfo&) {
    p << "struct config" << n << " : nnet::aggregate_config {\n"
      << "    typedef accum" << n << "_t accum_t;\n"
      << "    static const unsigned n_elem = " << l.elements << ";\n"
      << "    static const unsigned n_feat = " << l.agg_size << ";\n"
      << "    static const unsigned aggregate = nnet::agg_" << nn::to_string(l.aggregate)
      << ";\n};\n";
}

std::string aggregate_call(const FixedLayer&, const std::string&, const std::string& tmpl,
                           const std::string& in, const std::string& out) {
    return "nnet::aggregate" + tmpl + "(" + in + ", " + out + ");";
}

// ---- ConvAttn: its parts (query, key, value, softmax, proj) carry their own records ---------

void attention_config(std::ostream& p, const FixedLayer& l, const std::string& n, const IoInfo&) {
    const auto part = [&](std::size_t i) { return num(l.parts.at(i).index); };
    p << "struct config" << n << " : nnet::conv_attention_config {\n"
      << "    typedef accum" << n << "_t accum_t;\n"
      << "    typedef layer" << part(0) << "_t q_t;\n    typedef layer" << part(1) << "_t k_t;\n"
      << "    typedef layer" << part(2) << "_t v_t;\n    typedef layer" << part(3) << "_t a_t;\n"
      << "    typedef layer" << part(4) << "_t proj_t;\n"
      << "    typedef config" << part(0) << " q_config;\n    typedef config" << part(1)
      << " k_config;\n    typedef config" << part(2) << " v_config;\n    typedef config" << part(3)
      << " softmax_config;\n    typedef config" << part(4) << " proj_config;\n"
      << "    static const unsigned n_chan = " << l.channels << ";\n"
      << "    static const unsigned n_hidden = " << l.hidden << ";\n"
      << "    static const unsigned n_pos = " << static_cast<std::int64_t>(l.height) * l.width
      << ";\n};\n";
}

std::string attention_call(const FixedLayer& l, const std::string&, const std::string& tmpl,
                           const std::string& in, const std::string& out) {
    const auto part = [&](std::size_t i) { return num(l.parts.at(i).index); };
    return "nnet::conv_attention" + tmpl + "(" + in + ", " + out + ", w" + part(0) + ", b" +
           part(0) + ", w" + part(1) + ", b" + part(1) + ", w" + part(2) + ", b" + part(2) + ", e" +
           part(3) + ", i" + part(3) + ", w" + part(4) + ", b" + part(4) + ");";
}

std::vector<OpRecord> make_records() {
    std::vector<OpRecord> r = {
        {FixedOp::kDense, "nnet_dense.h", dense_types, matrix_weights, dense_config, dense_call},
        {FixedOp::kBatchNorm, "nnet_batchnorm.h", bn_types, bn_weights, bn_config, bn_call},
        {FixedOp::kRelu, "nnet_activation.h", no_types, no_weights, activ_config, relu_call},
        {FixedOp::kLeakyRelu, "nnet_activation.h", leaky_types, leaky_weights, activ_config,
         leaky_call},
        {FixedOp::kSigmoid, "nnet_activation.h", table_types, table_weights, activ_config,
         table_call},
        {FixedOp::kTanh, "nnet_activation.h", table_types, table_weights, activ_config, table_call},
        {FixedOp::kSoftmax, "nnet_activation.h", softmax_types, softmax_weights, softmax_config,
         softmax_call},
        {FixedOp::kConv2d, "nnet_conv2d.h", dense_types, matrix_weights, conv_config, conv_call},
        {FixedOp::kMaxPool2d, "nnet_pooling.h", no_types, no_weights, pool_config, maxpool_call},
        {FixedOp::kAvgPool2d, "nnet_pooling.h", accum_types, no_weights, pool_config, avgpool_call},
        {FixedOp::kFlatten, "nnet_common.h", no_types, no_weights, flatten_config, flatten_call},
        {FixedOp::kDeepSets, "nnet_deepsets.h", accum_types, no_weights, aggregate_config,
         aggregate_call},
        {FixedOp::kConvAttention, "nnet_conv_attention.h", accum_types, no_weights,
         attention_config, attention_call},
        {FixedOp::kGelu, "nnet_activation.h", table_types, table_weights, activ_config, table_call},
        {FixedOp::kLayerNorm, "nnet_layernorm.h", ln_types, ln_weights, ln_config, ln_call},
    };
    for (std::size_t i = 0; i < r.size(); ++i)
        if (static_cast<std::size_t>(r[i].op) != i)
            throw_runtime("emitter records are not in FixedOp order at " + num(std::int64_t(i)));
    return r;
}

}  // namespace

std::string_view stream_header(const OpRecord& record) {
    return record.header == "nnet_conv2d.h" || record.header == "nnet_pooling.h"
               ? "nnet_conv2d_stream.h"
               : "nnet_stream.h";
}

std::string stream_call(const std::string& parallel_call) {
    const std::size_t open = parallel_call.find('<');
    std::string name = parallel_call.substr(0, open);
    if (name.size() > 3 && name.compare(name.size() - 3, 3, "_cf") == 0)
        name.resize(name.size() - 3);
    return name + "_stream" + parallel_call.substr(open);
}

const std::vector<OpRecord>& op_records() {
    static const std::vector<OpRecord> records = make_records();
    return records;
}

const OpRecord& op_record(nn::FixedOp op) {
    return op_records().at(static_cast<std::size_t>(op));
}

}  // namespace snac::hls::detail
