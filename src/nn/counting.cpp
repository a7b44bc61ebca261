// Parameter and BOPs counts with the named conventions of the NAC and SNAC-Pack code
// (Weitz et al., arXiv:2501.05515; SNAC-Pack arXiv:2512.15998; Baskin et al. / Hawks et al. for
// the BOPs formula). Conventions and their sources: docs/training.md#counting and
// ../shared/docs/reference/bops-and-params.md.
#include "snac/nn/counting.hpp"

#include <cmath>

#include "snac/core/error.hpp"

namespace snac::nn {
namespace {

struct Bits {
    double w, a, s;  // weight bits, activation bits, sparsity of this layer
};

/// Adds the four conventions for fan-in n, fan-out m, kernel k, applied at `spatial` positions
/// (the paper form has no spatial factor, as written in the reference).
void add_linear(LayerCount& c, double n, double m, double k, double spatial, const Bits& b) {
    const double k2 = k * k, b2 = b.w * b.w;
    c.bops[BopsConvention::kMacs] += spatial * n * m * k2;
    c.bops[BopsConvention::kNac] += spatial * m * n * k2 * ((1 - b.s) * b2 + 2 * b.w + std::log2(n * k2));
    c.bops[BopsConvention::kSnac] += spatial * (n * m * k2 * (b2 + 2 * b.w) + m * b.w * std::log2(n * k2));
    c.bops[BopsConvention::kPaper] +=
        m * n * k2 * ((1 - b.s) * b.a * b.w + b.a + b.w + std::log2(n * k2));
}

void zero_bops(LayerCount& c) {
    for (const auto& [name, conv] : bops_conventions()) c.bops[conv] += 0.0;
}

void count_sequence(const std::vector<LayerSpec>& layers, Shape shape, const std::string& prefix,
                    double multiplicity, const CountOptions& opt, NetworkCount& out);

void count_layer(const LayerSpec& l, const Shape& in, const Shape& out_shape,
                       const std::string& prefix, double multiplicity, const CountOptions& opt,
                       NetworkCount& net) {
    LayerCount c;
    c.name = prefix + l.name;
    c.type = std::string(to_string(l.type));
    c.output_shape = out_shape;
    zero_bops(c);
    double s = 0.0;
    if (auto it = opt.sparsity.find(l.name); it != opt.sparsity.end()) s = it->second;
    else if (auto it2 = opt.sparsity.find(c.name); it2 != opt.sparsity.end()) s = it2->second;
    const Bits b{static_cast<double>(opt.weight_bits), static_cast<double>(opt.activation_bits), s};
    switch (l.type) {
        case LayerType::kDense: {
            const std::int64_t n = in[0], m = l.units;
            c.params = n * m + (l.use_bias ? m : 0);
            c.macs = n * m;
            add_linear(c, static_cast<double>(n), static_cast<double>(m), 1, 1, b);
            break;
        }
        case LayerType::kBatchNorm:
            c.params = 2 * in[0];  // gamma and beta; moving statistics are not parameters
            break;
        case LayerType::kLayerNorm:
            // gamma and beta per normalised value; 0 BOPs (bops-and-params §4.4)
            c.params = 2 * layernorm_group(in);
            break;
        case LayerType::kConv2d: {
            const std::int64_t cin = in[0], cout = l.filters, k = l.kernel;
            const std::int64_t spatial = out_shape[1] * out_shape[2];
            c.params = cout * cin * k * k + (l.use_bias ? cout : 0);
            c.macs = spatial * cout * cin * k * k;
            add_linear(c, static_cast<double>(cin), static_cast<double>(cout),
                       static_cast<double>(k), static_cast<double>(spatial), b);
            // NAC counts a conv as a dense map of the whole input to the whole output tensor.
            const double in_numel = static_cast<double>(cin * in[1] * in[2]);
            const double out_numel = static_cast<double>(cout * spatial);
            const double k2 = static_cast<double>(k * k);
            c.bops[BopsConvention::kNac] =
                out_numel * in_numel * k2 *
                ((1 - s) * b.w * b.w + 2 * b.w + std::log2(in_numel * k2));
            break;
        }
        case LayerType::kConvAttention: {
            const std::int64_t ch = in[0], h = l.hidden, e = in[1] * in[2];
            c.params = 3 * (ch * h + h) + (h * ch + ch);
            c.macs = 3 * e * ch * h + 2 * e * e * h + e * h * ch;
            const auto dch = static_cast<double>(ch), dh = static_cast<double>(h),
                       de = static_cast<double>(e);
            for (int i = 0; i < 3; ++i) add_linear(c, dch, dh, 1, de, b);
            add_linear(c, dh, dch, 1, de, b);
            // The two attention products (Q^T K and A V^T) as e*e*h MACs each.
            c.bops[BopsConvention::kMacs] += 2 * de * de * dh;
            c.bops[BopsConvention::kSnac] += 2 * de * de * dh * b.w * b.w;
            c.bops[BopsConvention::kPaper] += 2 * de * de * dh * b.a * b.w;
            // NAC: 4 dense-equivalent 1x1 convs at the input shape, softmax and two matmuls with
            // seq = channels and E = positions; the batch factor of the reference code is 1 here.
            const double in_numel = dch * de, hid_numel = dh * de, bw = b.w;
            double nac = 3 * hid_numel * in_numel * ((1 - s) * bw * bw + 2 * bw + std::log2(in_numel));
            nac += in_numel * hid_numel * ((1 - s) * bw * bw + 2 * bw + std::log2(hid_numel));
            nac += de * de * 1.5 * (bw - 1) + de * (de - 1) + de * de;
            nac += 2 * (dch * dch * de * bw * bw + dch * dch * (de - 1) * bw);
            c.bops[BopsConvention::kNac] = nac;
            break;
        }
        case LayerType::kDeepSets: {
            const double n_el = static_cast<double>(in[0]);
            const Shape elem = infer_sequence(l.phi, {in[1]});
            const double d = static_cast<double>(elem[0]);
            const double bw = b.w;
            // NAC's pooling terms taken literally (reference §5); sum is counted like mean.
            c.bops[BopsConvention::kNac] =
                l.aggregate == Aggregate::kMax
                    ? (n_el - 1) * d * bw + n_el * d * std::log2(n_el * d)
                    : (d - 1) * n_el * bw + n_el * std::log2(n_el) * bw + n_el * d * std::log2(n_el * d);
            net.layers.push_back(c);
            const double mult = opt.phi_multiplicity > 1 ? opt.phi_multiplicity : 1.0;
            count_sequence(l.phi, {in[1]}, c.name + "/phi/", multiplicity * mult, opt, net);
            count_sequence(l.rho, elem, c.name + "/rho/", multiplicity, opt, net);
            return;  // recorded ahead of its nested layers
        }
        default:
            break;
    }
    // Parameters are shared across phi's applications: only work is multiplied.
    c.macs = static_cast<std::int64_t>(static_cast<double>(c.macs) * multiplicity);
    for (auto& [k, v] : c.bops) v *= multiplicity;
    net.layers.push_back(c);
}

void count_sequence(const std::vector<LayerSpec>& layers, Shape shape, const std::string& prefix,
                    double multiplicity, const CountOptions& opt, NetworkCount& out) {
    for (const auto& l : layers) {
        const Shape next = infer_sequence({l}, shape, prefix);
        count_layer(l, shape, next, prefix, multiplicity, opt, out);
        shape = next;
    }
}

}  // namespace

NetworkCount count_network(const NetworkSpec& net, const CountOptions& options) {
    if (options.weight_bits < 1 || options.activation_bits < 1)
        throw UsageError("bit widths must be >= 1", "e.g. --bits 8");
    for (const auto& [name, s] : options.sparsity)
        if (s < 0.0 || s > 1.0)
            throw UsageError("sparsity of layer '" + name + "' must lie in [0, 1]");
    infer_shapes(net);  // validates
    NetworkCount out;
    count_sequence(net.layers, net.input_shape, "", 1.0, options, out);
    for (const auto& c : out.layers) {
        out.params += c.params;
        out.macs += c.macs;
        for (const auto& [k, v] : c.bops) out.bops[k] += v;
    }
    return out;
}

}  // namespace snac::nn
