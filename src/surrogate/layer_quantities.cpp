// Lowering a NetworkSpec to hardware layers the way hls4ml-style io_parallel kernels map it
// (../shared/docs/reference/hls4ml-semantics.md §3, §6, §7): conv2d runs one per-pixel dense
// instance over the output pixels, a Deep Sets φ runs one per-element instance over the set
// elements (a pointwise Conv1D), batch norm is one constant multiply and add per element.
#include "snac/surrogate/layer_quantities.hpp"

#include <cmath>
#include <numeric>

#include "snac/core/error.hpp"
#include "snac/core/reuse_factor.hpp"

namespace snac::surrogate {
namespace {

std::int64_t product(const nn::Shape& s) {
    return std::accumulate(s.begin(), s.end(), std::int64_t{1}, std::multiplies<>());
}

struct Context {
    const HlsSettings& hls;
    Lowered& out;
    int input_bits;  // width of the tensor flowing into the next layer
};

LayerQuantities base(const nn::LayerSpec& l, const std::string& name, Context& ctx) {
    const LayerHlsSettings s = ctx.hls.for_layer(name);
    LayerQuantities q;
    q.name = name;
    q.type = std::string(nn::to_string(l.type));
    q.input_bits = ctx.input_bits;
    q.weight_bits = s.precision.weight.width;
    q.weight_frac_bits = s.precision.weight.fractional();
    q.accum_bits = s.precision.accum.width;
    q.result_bits = s.precision.result.width;
    q.table_bits = ctx.hls.table.width;
    q.table_size = ctx.hls.table_size;
    q.reuse_requested = s.reuse_factor;
    q.reuse_factor = s.reuse_factor;
    q.strategy = s.strategy;
    if (s.reuse_factor < 1)
        throw UsageError("reuse factor " + std::to_string(s.reuse_factor) + " of layer '" + name +
                             "' is below 1",
                         "use a reuse factor >= 1 (1 = fully parallel)");
    if (s.weight_sparsity < 0.0 || s.weight_sparsity > 1.0)
        throw UsageError("weight sparsity " + std::to_string(s.weight_sparsity) + " of layer '" +
                         name + "' is outside [0, 1]");
    return q;
}

void finish_dense(LayerQuantities& q, double sparsity, Context& ctx) {
    q.kind = LayerKind::kDense;
    q.zero_weights = static_cast<std::int64_t>(std::llround(sparsity * double(q.products())));
    const ReuseFactorChoice rf =
        resolve_reuse_factor(q.n_in, q.n_out, q.reuse_requested, q.strategy, q.name);
    q.reuse_factor = rf.used;
    if (rf.corrected) ctx.out.warnings.push_back(rf.warning);
}

void lower_sequence(const std::vector<nn::LayerSpec>& layers, nn::Shape shape,
                    std::int64_t positions, const std::string& prefix, Context& ctx);

void lower_layer(const nn::LayerSpec& l, const std::string& name, const nn::Shape& in,
                 const nn::Shape& out_shape, std::int64_t positions, Context& ctx) {
    LayerQuantities q = base(l, name, ctx);
    const double sparsity = ctx.hls.for_layer(name).weight_sparsity;
    switch (l.type) {
        case nn::LayerType::kDense:
            q.n_in = in.back();
            q.n_out = l.units;
            q.positions = positions;
            q.has_bias = l.use_bias;
            q.packs_zeros = true;
            q.weight_scale = std::sqrt(6.0 / double(q.n_in + q.n_out));
            finish_dense(q, sparsity, ctx);
            break;
        case nn::LayerType::kConv2d:
            q.n_in = in[0] * l.kernel * l.kernel;
            q.n_out = l.filters;
            q.positions = positions * out_shape[1] * out_shape[2];
            q.has_bias = l.use_bias;
            q.weight_scale = std::sqrt(6.0 / double((in[0] + l.filters) * l.kernel * l.kernel));
            finish_dense(q, sparsity, ctx);
            break;
        case nn::LayerType::kBatchNorm:
            // One constant scale and one add per element: a dense kernel with one input.
            q.n_in = 1;
            q.n_out = product(in) * positions;
            finish_dense(q, 0.0, ctx);
            break;
        case nn::LayerType::kLayerNorm: {
            // nnet_layernorm.h per row of F: one 1/sqrt(var + eps) table lookup, then three
            // multiplies per element (d·d for the variance, d·inv, ·gamma) and the beta add, as a
            // dense kernel with one input; the mean and variance sums are its adder trees. Not
            // calibrated: no synthesis record holds a layer norm.
            const std::int64_t f = in.back(), rows = product(in) / f;
            LayerQuantities t = base(l, name + "/inv_sqrt", ctx);
            t.type = "layernorm.inv_sqrt";
            t.kind = LayerKind::kTable;
            t.n_in = t.n_out = rows * positions;
            t.stream_depth = positions;
            t.stream_width = rows;
            ctx.out.layers.push_back(t);
            q.n_in = 1;
            q.n_out = 3 * f * rows * positions;
            finish_dense(q, 0.0, ctx);
            break;
        }
        case nn::LayerType::kRelu:
        case nn::LayerType::kLeakyRelu:
            q.kind = LayerKind::kLogic;
            q.leaky = l.type == nn::LayerType::kLeakyRelu;
            q.n_in = q.n_out = product(in) * positions;
            break;
        case nn::LayerType::kSigmoid:
        case nn::LayerType::kTanh:
        case nn::LayerType::kGelu:  // table over [-8, 8) plus a pass-through comparator
            q.kind = LayerKind::kTable;
            q.n_in = q.n_out = product(in) * positions;
            break;
        case nn::LayerType::kSoftmax:
            q.kind = LayerKind::kSoftmax;
            q.n_in = q.n_out = product(in);
            q.positions = positions;
            break;
        case nn::LayerType::kMaxPool2d:
        case nn::LayerType::kAvgPool2d:
            q.kind = LayerKind::kPool;
            q.maximum = l.type == nn::LayerType::kMaxPool2d;
            q.window = l.size * l.size;
            q.n_in = product(in) * positions;
            q.n_out = product(out_shape) * positions;
            break;
        case nn::LayerType::kFlatten:
        case nn::LayerType::kDropout:
        case nn::LayerType::kIdentity:
            q.kind = LayerKind::kFree;
            q.n_in = q.n_out = product(in) * positions;
            q.result_bits = ctx.input_bits;  // wiring only: the type passes through
            break;
        case nn::LayerType::kConvAttention: {
            // The kernel's parts (nnet_conv_attention.h), each a hardware layer: Q, K, V and the
            // projection as dense per position, the two attention products as dense layers
            // whose "weights" are data (no pruning), a softmax per query position, the residual
            // add as logic. Not calibrated: no synthesis record holds an attention block.
            const std::int64_t ch = in[0], h = l.hidden, e = in[1] * in[2];
            auto dense_part = [&](const std::string& part, std::int64_t n_in, std::int64_t n_out,
                                  double part_sparsity) {
                LayerQuantities d = base(l, name + "/" + part, ctx);
                d.type = "conv_attention." + part;
                d.n_in = n_in;
                d.n_out = n_out;
                d.positions = positions * e;
                d.has_bias = part != "scores" && part != "attend";
                finish_dense(d, part_sparsity, ctx);
                d.stream_depth = d.positions;
                d.stream_width = n_out;
                ctx.out.layers.push_back(d);
                ctx.input_bits = d.result_bits;
            };
            const int in_bits = ctx.input_bits;
            for (const char* part : {"query", "key", "value"}) {
                ctx.input_bits = in_bits;
                dense_part(part, ch, h, sparsity);  // the block's zero fraction (all kernels)
            }
            dense_part("scores", h, e, 0.0);
            LayerQuantities sm = base(l, name + "/softmax", ctx);
            sm.type = "conv_attention.softmax";
            sm.kind = LayerKind::kSoftmax;
            sm.n_in = sm.n_out = e;
            sm.positions = positions * e;
            sm.stream_depth = sm.positions;
            sm.stream_width = e;
            ctx.out.layers.push_back(sm);
            ctx.input_bits = sm.result_bits;
            dense_part("attend", e, h, 0.0);
            dense_part("proj", h, ch, sparsity);
            q.kind = LayerKind::kLogic;  // the residual add
            q.type = "conv_attention.residual";
            q.n_in = q.n_out = product(in) * positions;
            break;
        }
        case nn::LayerType::kDeepSets: {
            const std::int64_t elements = in[0];
            nn::Shape elem = {in[1]};
            lower_sequence(l.phi, elem, positions * elements, name + "/phi", ctx);
            const nn::Shape phi_out = nn::infer_sequence(l.phi, elem);
            LayerQuantities agg = base(l, name + "/aggregate", ctx);
            agg.type = "aggregate";
            agg.kind = LayerKind::kAggregate;
            agg.maximum = l.aggregate == nn::Aggregate::kMax;
            agg.window = elements;
            agg.n_out = product(phi_out) * positions;
            agg.n_in = agg.n_out * elements;
            // Mean divides by N: one constant multiply per feature (kept as `leaky` = const mult).
            agg.leaky = l.aggregate == nn::Aggregate::kMean;
            agg.stream_depth = positions;
            agg.stream_width = product(phi_out);
            ctx.out.layers.push_back(agg);
            ctx.input_bits = agg.result_bits;
            lower_sequence(l.rho, phi_out, positions, name + "/rho", ctx);
            return;
        }
    }
    if (out_shape.size() == 3) {
        q.stream_depth = positions * out_shape[1] * out_shape[2];
        q.stream_width = out_shape[0];
    } else {
        q.stream_depth = positions;
        q.stream_width = product(out_shape);
    }
    ctx.out.layers.push_back(q);
    ctx.input_bits = q.result_bits;
}

void lower_sequence(const std::vector<nn::LayerSpec>& layers, nn::Shape shape,
                    std::int64_t positions, const std::string& prefix, Context& ctx) {
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const nn::LayerSpec& l = layers[i];
        std::string name =
            l.name.empty() ? std::string(nn::to_string(l.type)) + "_" + std::to_string(i) : l.name;
        if (!prefix.empty()) name = prefix + "/" + name;
        const nn::Shape out = nn::infer_sequence({l}, shape, name);
        lower_layer(l, name, shape, out, positions, ctx);
        shape = out;
    }
}

}  // namespace

Lowered lower_network(const nn::NetworkSpec& net, const HlsSettings& hls) {
    // No separate infer_shapes pass: lower_sequence validates each layer as it goes (named
    // errors), which keeps the hot path of batch scoring to one walk over the layers.
    Lowered out;
    Context ctx{hls, out, hls.default_precision.result.width};
    lower_sequence(net.layers, net.input_shape, 1, "", ctx);
    return out;
}

}  // namespace snac::surrogate
