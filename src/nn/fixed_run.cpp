// Bit-exact evaluation of a lowered fixed-point network: the arithmetic of snac's HLS kernels
// (src/hls/templates/nnet_utils), in their cast order (hls4ml-semantics.md §3.1: each product cast
// to accum_t, bias first, one result cast; §4–§7 for the other layers).
#include <algorithm>
#include <bit>

#include "fixed_fast.hpp"
#include "snac/nn/fixed_arith.hpp"
#include "snac/nn/fixed_model.hpp"
#include "snac/nn/fixed_tables.hpp"

namespace snac::nn {
namespace {

using Raw = std::vector<std::int64_t>;
using fx::Wide;

/// acc + v (v of fraction fv) re-quantized into the accumulator type: `acc += v` in C++.
std::int64_t accumulate(std::int64_t acc, Wide v, int fv, const FixedType& at) {
    const int fa = at.fractional();
    const int f = std::max(fa, fv);
    return fx::cast(fx::align(acc, f - fa) + fx::align(v, f - fv), f, at);
}

/// Dense arithmetic over one input vector x (type xt) into out (l.result).
void dense(const FixedLayer& l, const std::int64_t* x, const FixedType& xt, std::int64_t n_in,
           std::int64_t n_out, std::int64_t* out) {
    if (fx64::dense(l, x, xt, n_in, n_out, out)) return;  // every width fits in 64 bits
    const FixedType& at = l.accum;
    const int fp = xt.fractional() + l.weight.fractional();
    const int fa = at.fractional();
    std::vector<std::int64_t> acc(static_cast<std::size_t>(n_out));
    for (std::int64_t j = 0; j < n_out; ++j)
        acc[static_cast<std::size_t>(j)] =
            fx::cast(l.biases[static_cast<std::size_t>(j)], l.bias.fractional(), at);
    auto step = [&](std::int64_t i, std::int64_t j) {
        const Wide p = static_cast<Wide>(x[i]) * l.weights[static_cast<std::size_t>(i * n_out + j)];
        auto& a = acc[static_cast<std::size_t>(j)];
        a = accumulate(a, fx::cast(p, fp, at), fa, at);
    };
    if (l.strategy == Strategy::kLatency) {
        for (std::int64_t i = 0; i < n_in; ++i)
            for (std::int64_t j = 0; j < n_out; ++j) step(i, j);
    } else {
        fx64::for_each_resource_product(l, n_in, n_out, step);
    }
    for (std::int64_t j = 0; j < n_out; ++j)
        out[j] = fx::cast(acc[static_cast<std::size_t>(j)], fa, l.result);
}

Raw conv2d(const FixedLayer& l, const Raw& x, const FixedType& xt) {
    const int k = l.kernel, c = l.channels, h = l.height, w = l.width;
    const std::int64_t rows = static_cast<std::int64_t>(c) * k * k;
    const std::int64_t pixels = static_cast<std::int64_t>(l.out_height) * l.out_width;
    Raw out(static_cast<std::size_t>(pixels * l.filters));
    Raw patch(static_cast<std::size_t>(rows)), pix(static_cast<std::size_t>(l.filters));
    for (int oh = 0; oh < l.out_height; ++oh)
        for (int ow = 0; ow < l.out_width; ++ow) {
            for (int ci = 0; ci < c; ++ci)
                for (int kh = 0; kh < k; ++kh)
                    for (int kw = 0; kw < k; ++kw) {
                        const int ih = oh * l.stride + kh - l.pad_top;
                        const int iw = ow * l.stride + kw - l.pad_left;
                        const bool inside = ih >= 0 && ih < h && iw >= 0 && iw < w;
                        patch[static_cast<std::size_t>((ci * k + kh) * k + kw)] =
                            inside ? x[static_cast<std::size_t>((ci * h + ih) * w + iw)] : 0;
                    }
            dense(l, patch.data(), xt, rows, l.filters, pix.data());
            for (int f = 0; f < l.filters; ++f)
                out[static_cast<std::size_t>(f * pixels + oh * l.out_width + ow)] =
                    pix[static_cast<std::size_t>(f)];
        }
    return out;
}

Raw pool2d(const FixedLayer& l, const Raw& x, const FixedType& xt) {
    const int p = l.pool;
    Raw out(static_cast<std::size_t>(l.channels) * l.out_height * l.out_width);
    std::size_t o = 0;
    for (int c = 0; c < l.channels; ++c)
        for (int oh = 0; oh < l.out_height; ++oh)
            for (int ow = 0; ow < l.out_width; ++ow, ++o) {
                auto at = [&](int i, int j) {
                    return x[static_cast<std::size_t>((c * l.height + oh * p + i) * l.width +
                                                      ow * p + j)];
                };
                if (l.op == FixedOp::kMaxPool2d) {
                    std::int64_t m = at(0, 0);
                    for (int i = 0; i < p; ++i)
                        for (int j = 0; j < p; ++j) m = std::max(m, at(i, j));
                    out[o] = fx::cast(m, xt.fractional(), l.result);
                } else {
                    std::int64_t s = 0;
                    for (int i = 0; i < p; ++i)
                        for (int j = 0; j < p; ++j)
                            s = accumulate(s, at(i, j), xt.fractional(), l.accum);
                    // sum / count: ap_fixed division keeps the fraction, truncates toward zero.
                    out[o] =
                        fx::cast(static_cast<Wide>(s) / (p * p), l.accum.fractional(), l.result);
                }
            }
    return out;
}

Raw softmax(const FixedLayer& l, const Raw& x, const FixedType& xt) {
    const std::size_t n = x.size();
    const std::int64_t xmax = *std::max_element(x.begin(), x.end());
    const FixedType& at = l.accum;
    Raw e(n);
    std::int64_t sum = 0;
    const int nshift = l.norm_type.width - l.table_bits;
    for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t d =
            fx::cast(static_cast<Wide>(xmax) - x[i], xt.fractional(), l.norm_type);
        const auto idx = static_cast<std::size_t>(fx::bit_pattern(d, l.norm_type.width) >> nshift);
        e[i] = fx::cast(l.table[idx], l.table_type.fractional(), at);
        sum = accumulate(sum, e[i], at.fractional(), at);
    }
    const FixedType& it = l.inv_input_type;
    const std::int64_t s = fx::cast(sum, at.fractional(), it);
    const auto j =
        static_cast<std::size_t>(fx::bit_pattern(s, it.width) >> (it.width - l.inv_table_bits));
    const std::int64_t inv = l.inv_table[j];
    Raw out(n);
    const int fp = at.fractional() + l.inv_table_type.fractional();
    for (std::size_t i = 0; i < n; ++i)
        out[i] = fx::cast(static_cast<Wide>(e[i]) * inv, fp, l.result);
    return out;
}

Raw apply(const FixedLayer& l, const Raw& x, const FixedType& xt);

/// fx::from_double(v, t) for a float: a normal float is its 24-bit significand m times
/// 2^(e − 150), so the word is fx::cast(±m, 150 − e, t) (on int64 when it fits) without frexp and
/// ldexp. Zero, subnormals, infinities and NaN take from_double.
std::int64_t float_word(float v, const FixedType& t) {
    const auto b = std::bit_cast<std::uint32_t>(v);
    const int e = static_cast<int>((b >> 23) & 0xffu);
    if (e == 0 || e == 0xff) return fx::from_double(static_cast<double>(v), t);
    const auto m = static_cast<std::int64_t>((b & 0x7fffffu) | 0x800000u);
    return fx::cast((b >> 31) != 0 ? -m : m, 150 - e, t);
}

/// Layer norm per row in the kernel's order (nnet_layernorm.h): mean = accum(Σx in accum / F);
/// d = accum(x - mean); var = accum(Σ accum(d·d) in accum / F); inv = table[var index];
/// y = result(accum(d·inv)·gamma + beta) with a full-precision product and add.
Raw layernorm(const FixedLayer& l, const Raw& x, const FixedType& xt) {
    const FixedType& at = l.accum;
    const int fa = at.fractional(), fxi = xt.fractional();
    const int ft = l.table_type.fractional(), fw = l.weight.fractional(), fb = l.bias.fractional();
    const auto f = static_cast<std::size_t>(l.features);
    const int size = static_cast<int>(l.table.size());
    Raw out(x.size()), d(f);
    for (std::size_t r = 0; r < static_cast<std::size_t>(l.elements); ++r) {
        const std::int64_t* row = x.data() + r * f;
        std::int64_t sum = 0;
        for (std::size_t i = 0; i < f; ++i) sum = accumulate(sum, row[i], fxi, at);
        // sum / F: ap_fixed division keeps the fraction and truncates toward zero.
        const std::int64_t mean = fx::cast(static_cast<Wide>(sum) / l.features, fa, at);
        const int fd = std::max(fxi, fa);
        std::int64_t sq = 0;
        for (std::size_t i = 0; i < f; ++i) {
            d[i] = fx::cast(fx::align(row[i], fd - fxi) - fx::align(mean, fd - fa), fd, at);
            sq = accumulate(sq, fx::cast(static_cast<Wide>(d[i]) * d[i], 2 * fa, at), fa, at);
        }
        const std::int64_t var = fx::cast(static_cast<Wide>(sq) / l.features, fa, at);
        const std::int64_t inv = l.table[static_cast<std::size_t>(
            inv_sqrt_table_index(var, at, size, l.table_range_pow2))];
        const int fo = std::max(fa + fw, fb);
        for (std::size_t i = 0; i < f; ++i) {
            const std::int64_t n = fx::cast(static_cast<Wide>(d[i]) * inv, fa + ft, at);
            const Wide v = fx::align(static_cast<Wide>(n) * l.weights[i], fo - fa - fw) +
                           fx::align(l.biases[i], fo - fb);
            out[r * f + i] = fx::cast(v, fo, l.result);
        }
    }
    return out;
}

Raw apply_sequence(const std::vector<FixedLayer>& layers, Raw x, FixedType xt) {
    for (const FixedLayer& l : layers) {
        x = apply(l, x, xt);
        xt = l.output_type();
    }
    return x;
}

Raw deepsets(const FixedLayer& l, const Raw& x, const FixedType& xt) {
    const auto f = static_cast<std::size_t>(l.features);
    const auto p = static_cast<std::size_t>(l.agg_size);
    std::vector<Raw> elems;
    for (int e = 0; e < l.elements; ++e) {
        Raw in(x.begin() + static_cast<std::ptrdiff_t>(e * f),
               x.begin() + static_cast<std::ptrdiff_t>((e + 1) * f));
        elems.push_back(apply_sequence(l.phi, in, xt));
    }
    const FixedType& et = l.agg_in_type;
    Raw agg(p);
    for (std::size_t j = 0; j < p; ++j) {
        if (l.aggregate == Aggregate::kMax) {
            std::int64_t m = elems[0][j];
            for (const Raw& r : elems) m = std::max(m, r[j]);
            agg[j] = fx::cast(m, et.fractional(), l.result);
            continue;
        }
        std::int64_t s = 0;
        for (const Raw& r : elems) s = accumulate(s, r[j], et.fractional(), l.accum);
        const Wide v = l.aggregate == Aggregate::kMean ? static_cast<Wide>(s) / l.elements : s;
        agg[j] = fx::cast(v, l.accum.fractional(), l.result);
    }
    return apply_sequence(l.rho, agg, l.result);
}

/// NAC ConvAttn in the kernel's order (nnet_conv_attention.h): Q, K, V per position; for each
/// query position i the scores S[i][j] = Σ_h Q[h][i]·K[h][j] (products cast to accum, summed
/// in h order), softmax over j; O[h][i] = Σ_j V[h][j]·A[i][j]; y = result(x + proj(O)).
Raw conv_attention(const FixedLayer& l, const Raw& x, const FixedType& xt) {
    const FixedLayer &q = l.parts[0], &k = l.parts[1], &v = l.parts[2], &sm = l.parts[3],
                     &pr = l.parts[4];
    const std::int64_t c = l.channels, h = l.hidden,
                       e = static_cast<std::int64_t>(l.height) * l.width;
    auto at = [](Raw& r, std::int64_t i) -> std::int64_t& {
        return r[static_cast<std::size_t>(i)];
    };
    Raw qv(static_cast<std::size_t>(h * e)), kv(qv.size()), vv(qv.size());
    Raw xp(static_cast<std::size_t>(c)), tmp(static_cast<std::size_t>(h));
    for (std::int64_t p = 0; p < e; ++p) {
        for (std::int64_t ci = 0; ci < c; ++ci)
            at(xp, ci) = x[static_cast<std::size_t>(ci * e + p)];
        const std::pair<const FixedLayer*, Raw*> dst[] = {{&q, &qv}, {&k, &kv}, {&v, &vv}};
        for (const auto& [part, out] : dst) {
            dense(*part, xp.data(), xt, c, h, tmp.data());
            for (std::int64_t j = 0; j < h; ++j) at(*out, j * e + p) = at(tmp, j);
        }
    }
    const FixedType& acc_t = l.accum;
    const int fa = acc_t.fractional();
    Raw a(static_cast<std::size_t>(e * e)), s(static_cast<std::size_t>(e));
    const int fqk = q.result.fractional() + k.result.fractional();
    for (std::int64_t i = 0; i < e; ++i) {
        for (std::int64_t j = 0; j < e; ++j) {
            std::int64_t acc = 0;
            for (std::int64_t hh = 0; hh < h; ++hh) {
                const Wide prod = static_cast<Wide>(at(qv, hh * e + i)) * at(kv, hh * e + j);
                acc = accumulate(acc, fx::cast(prod, fqk, acc_t), fa, acc_t);
            }
            at(s, j) = fx::cast(acc, fa, l.result);
        }
        const Raw row = softmax(sm, s, l.result);
        std::copy(row.begin(), row.end(), a.begin() + static_cast<std::ptrdiff_t>(i * e));
    }
    Raw o(static_cast<std::size_t>(h * e));
    const int fva = v.result.fractional() + sm.result.fractional();
    for (std::int64_t hh = 0; hh < h; ++hh)
        for (std::int64_t i = 0; i < e; ++i) {
            std::int64_t acc = 0;
            for (std::int64_t j = 0; j < e; ++j) {
                const Wide prod = static_cast<Wide>(at(vv, hh * e + j)) * at(a, i * e + j);
                acc = accumulate(acc, fx::cast(prod, fva, acc_t), fa, acc_t);
            }
            at(o, hh * e + i) = fx::cast(acc, fa, l.result);
        }
    Raw out(x.size()), op(static_cast<std::size_t>(h)), pp(static_cast<std::size_t>(c));
    const int fx_in = xt.fractional(), fp = pr.result.fractional();
    const int f = std::max(fx_in, fp);
    for (std::int64_t p = 0; p < e; ++p) {
        for (std::int64_t j = 0; j < h; ++j) at(op, j) = at(o, j * e + p);
        dense(pr, op.data(), l.result, h, c, pp.data());
        for (std::int64_t ci = 0; ci < c; ++ci) {
            const auto idx = static_cast<std::size_t>(ci * e + p);
            const Wide sum = fx::align(x[idx], f - fx_in) + fx::align(at(pp, ci), f - fp);
            out[idx] = fx::cast(sum, f, l.result);
        }
    }
    return out;
}

Raw apply(const FixedLayer& l, const Raw& x, const FixedType& xt) {
    const int fx_in = xt.fractional();
    Raw out(static_cast<std::size_t>(l.n_out));
    switch (l.op) {
        case FixedOp::kDense:
            dense(l, x.data(), xt, l.n_in, l.n_out, out.data());
            return out;
        case FixedOp::kConv2d:
            return conv2d(l, x, xt);
        case FixedOp::kBatchNorm: {
            const std::int64_t hw = static_cast<std::int64_t>(l.height) * l.width;
            const int fp = fx_in + l.weight.fractional();
            const int fb = l.bias.fractional();
            const int f = std::max(fp, fb);
            for (std::size_t i = 0; i < x.size(); ++i) {
                const auto c = static_cast<std::size_t>(static_cast<std::int64_t>(i) / hw);
                const Wide v = fx::align(static_cast<Wide>(x[i]) * l.weights[c], f - fp) +
                               fx::align(l.biases[c], f - fb);
                out[i] = fx::cast(v, f, l.result);
            }
            return out;
        }
        case FixedOp::kRelu:
            for (std::size_t i = 0; i < x.size(); ++i) out[i] = x[i] > 0 ? x[i] : 0;
            if (!fx64::cast_words(out.data(), out.size(), xt, l.result, out.data()))
                for (std::size_t i = 0; i < x.size(); ++i)
                    out[i] = fx::cast(out[i], fx_in, l.result);
            return out;
        case FixedOp::kLeakyRelu:
            for (std::size_t i = 0; i < x.size(); ++i)
                out[i] = x[i] > 0 ? fx::cast(x[i], fx_in, l.result)
                                  : fx::cast(static_cast<Wide>(x[i]) * l.weights[0],
                                             fx_in + l.weight.fractional(), l.result);
            return out;
        case FixedOp::kSigmoid:
        case FixedOp::kTanh: {
            const int range = l.op == FixedOp::kSigmoid ? 16 : 8;
            const int size = static_cast<int>(l.table.size());
            for (std::size_t i = 0; i < x.size(); ++i) {
                const int idx = activation_table_index(x[i], xt, size, range);
                out[i] = fx::cast(l.table[static_cast<std::size_t>(idx)], l.table_type.fractional(),
                                  l.result);
            }
            return out;
        }
        case FixedOp::kGelu: {
            // Table over [-8, 8); above it GELU(x) = x (to double precision), below it table[0].
            const int size = static_cast<int>(l.table.size());
            for (std::size_t i = 0; i < x.size(); ++i) {
                const std::int64_t off = activation_table_offset(x[i], xt, size, 16);
                out[i] =
                    off >= size
                        ? fx::cast(x[i], fx_in, l.result)
                        : fx::cast(
                              l.table[static_cast<std::size_t>(std::max<std::int64_t>(off, 0))],
                              l.table_type.fractional(), l.result);
            }
            return out;
        }
        case FixedOp::kSoftmax:
            return softmax(l, x, xt);
        case FixedOp::kMaxPool2d:
        case FixedOp::kAvgPool2d:
            return pool2d(l, x, xt);
        case FixedOp::kFlatten:
            return x;
        case FixedOp::kDeepSets:
            return deepsets(l, x, xt);
        case FixedOp::kConvAttention:
            return conv_attention(l, x, xt);
        case FixedOp::kLayerNorm:
            return layernorm(l, x, xt);
    }
    return out;
}

}  // namespace

std::vector<std::int64_t> FixedModel::run_raw(const float* x) const {
    Raw in(static_cast<std::size_t>(input_size()));
    const bool fast = fx64::enabled();  // the reference converts with from_double itself
    for (std::size_t i = 0; i < in.size(); ++i)
        in[i] = fast ? float_word(x[i], input_type)
                     : fx::from_double(static_cast<double>(x[i]), input_type);
    return apply_sequence(layers, in, input_type);
}

std::vector<std::int64_t> FixedModel::run_raw_reference(const float* x) const {
    const bool was = fx64::enabled();
    fx64::set_enabled(false);
    struct Restore {
        bool on;
        ~Restore() { fx64::set_enabled(on); }
    } restore{was};
    return run_raw(x);
}

std::vector<double> FixedModel::run(const float* x) const {
    const Raw raw = run_raw(x);
    const FixedType t = output_type();
    std::vector<double> out(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) out[i] = fx::to_double(raw[i], t);
    return out;
}

}  // namespace snac::nn
