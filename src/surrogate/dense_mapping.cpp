// Multiplier mapping of an hls4ml-style dense kernel (hls4ml-semantics.md §3.3–3.4):
// - the reuse factor shares ⌈n·m/RF⌉ multipliers; under Latency the limit drops by ⌊zeros/RF⌋
//   because constant zero weights are folded away; under Resource a dense layer with zeros is
//   packed (nnet::dense_compressed) and shares ⌈non-zeros/RF⌉ multipliers;
// - weights are constants when the loop is fully unrolled (Latency, or RF 1), and the tool then
//   implements a weight-dependent share of the products as LUT shift-adds. What decides is the
//   constant's effective width (bit length − trailing zeros + sign): zero is folded away, a power
//   of two is a shift, a small or short constant is a few adders, a long one a DSP. The share
//   that lands on DSPs is a logistic in that width (fitted on the wa-hls4ml pilot data), averaged
//   over the widths a Glorot-scaled weight distribution gives at the layer's fractional bits;
// - shared multipliers (Resource, RF > 1) see a weight read from ROM, so every one is a real
//   multiplier: DSP when both operands reach dsp_min_bits_shared, LUT otherwise.
#include "dense_mapping.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_map>

namespace snac::surrogate::detail {
namespace {

int bit_length(std::int64_t k) {
    int b = 0;
    while (k > 0) {
        ++b;
        k >>= 1;
    }
    return b;
}

int trailing_zeros(std::int64_t k) {
    int t = 0;
    while (k > 0 && (k & 1) == 0) {
        ++t;
        k >>= 1;
    }
    return t;
}

int effective_width(std::int64_t k) {
    return k == 0 ? 0 : bit_length(k) - trailing_zeros(k) + 1;
}

// Integers in [lo, hi] divisible by d.
std::int64_t multiples(std::int64_t lo, std::int64_t hi, std::int64_t d) {
    return hi < lo ? 0 : hi / d - (lo - 1) / d;
}

}  // namespace

std::array<double, kMaxEffectiveWidth + 1> effective_width_distribution(double a, int frac_bits,
                                                                        int width, double pruned) {
    std::array<double, kMaxEffectiveWidth + 1> p{};
    const int f = std::clamp(frac_bits, 0, 60);
    const double hi = a * std::ldexp(1.0, f);  // |w| ≤ a becomes m ≤ a·2^F
    // Magnitude pruning removes the smallest |w|: the survivors are uniform on [pruned·a, a].
    const double lo = std::clamp(pruned, 0.0, 1.0) * hi;
    const double len = hi - lo;
    const std::int64_t kmax = (std::int64_t{1} << std::clamp(width - 1, 1, 61)) - 1;
    const auto round_clamp = [&](double v) {
        return std::min<std::int64_t>(static_cast<std::int64_t>(std::floor(v + 0.5)), kmax);
    };
    const std::int64_t k_lo = round_clamp(lo), k_hi = round_clamp(hi);
    const auto put = [&](std::int64_t k, double mass) {
        p[static_cast<std::size_t>(std::min(kMaxEffectiveWidth, effective_width(k)))] += mass;
    };
    if (!(len > 1e-12) || k_lo == k_hi) {
        put(k_hi, 1.0);
        return p;
    }
    // k_lo keeps [lo, k_lo + ½), every k strictly between takes 1/len, k_hi the rest (its
    // partial interval and everything that saturates to it).
    put(k_lo, std::max(0.0, double(k_lo) + 0.5 - lo) / len);
    const std::int64_t full_lo = k_lo + 1, full_hi = k_hi - 1;
    for (int b = 1; b <= 62 && (std::int64_t{1} << (b - 1)) <= full_hi; ++b) {
        const std::int64_t blo = std::max<std::int64_t>(full_lo, std::int64_t{1} << (b - 1));
        const std::int64_t bhi = std::min<std::int64_t>(full_hi, (std::int64_t{1} << b) - 1);
        if (bhi < blo) continue;
        for (int t = 0; t < b; ++t) {
            const std::int64_t n = multiples(blo, bhi, std::int64_t{1} << t) -
                                   multiples(blo, bhi, std::int64_t{1} << (t + 1));
            const int e = std::min(kMaxEffectiveWidth, b - t + 1);
            p[static_cast<std::size_t>(e)] += double(n) / len;
        }
    }
    double used = 0;
    for (double v : p) used += v;
    put(k_hi, std::max(0.0, 1.0 - used));
    return p;
}

namespace {

struct PriorShare {
    double dsp_fraction = 0;  // expected share of the non-zero constants on DSPs
    double lut_bits = 0;      // mean effective width of those on LUTs
};

PriorShare compute_prior_share(const AnalyticalCoefficients& c, const LayerQuantities& q,
                               double pruned) {
    // Expected share over the prior's effective widths; zeros (p[0]) never use a DSP.
    const auto p =
        effective_width_distribution(q.weight_scale, q.weight_frac_bits, q.weight_bits, pruned);
    PriorShare out;
    double lut_mass = 0, lut_sum = 0;
    for (int e = 1; e <= kMaxEffectiveWidth; ++e) {
        const double pe = p[static_cast<std::size_t>(e)];
        if (pe <= 0) continue;
        const double l = dsp_const_fraction(c, q.input_bits, e);
        out.dsp_fraction += pe * l;
        lut_mass += pe * (1.0 - l);
        lut_sum += pe * (1.0 - l) * e;
    }
    out.lut_bits = lut_mass > 0 ? lut_sum / lut_mass : 0.0;
    return out;
}

// The search estimates the same layer shapes and widths over and over: a small per-thread memo
// of the prior share (keyed on everything it depends on) keeps estimate() at its old speed.
PriorShare prior_share(const AnalyticalCoefficients& c, const LayerQuantities& q, double pruned) {
    struct Key {
        double a, pruned, mid, scale;
        int frac_bits, width, input_bits, min_bits;
        bool operator==(const Key&) const = default;
    };
    struct Hash {
        std::size_t operator()(const Key& k) const noexcept {
            std::size_t h = std::hash<double>{}(k.a);
            for (const double v : {k.pruned, k.mid, k.scale})
                h = h * 1000003u ^ std::hash<double>{}(v);
            for (const int v : {k.frac_bits, k.width, k.input_bits, k.min_bits})
                h = h * 1000003u ^ std::hash<int>{}(v);
            return h;
        }
    };
    thread_local std::unordered_map<Key, PriorShare, Hash> memo;
    const Key key{q.weight_scale,     pruned,        c.dsp_const_mid, c.dsp_const_scale,
                  q.weight_frac_bits, q.weight_bits, q.input_bits,    c.dsp_min_bits_const};
    if (const auto it = memo.find(key); it != memo.end()) return it->second;
    if (memo.size() > 65536) memo.clear();
    const PriorShare share = compute_prior_share(c, q, pruned);
    memo.emplace(key, share);
    return share;
}

}  // namespace

DenseMapping map_dense(const LayerQuantities& q, const AnalyticalCoefficients& c) {
    DenseMapping m;
    const std::int64_t rf = std::max(1, q.reuse_factor);
    const bool latency = q.strategy == Strategy::kLatency;
    m.products = q.products();
    const bool packed = !latency && q.packs_zeros && q.zero_weights > 0;
    const std::int64_t zeros =
        latency || packed ? std::clamp<std::int64_t>(q.zero_weights, 0, m.products) : 0;
    m.nonzero = m.products - zeros;
    m.shared = rf > 1;
    m.constant_weights = latency || !m.shared;
    m.limit = packed ? (m.nonzero + rf - 1) / rf : (m.products + rf - 1) / rf - zeros / rf;
    if (m.nonzero > 0)
        m.limit = std::max<std::int64_t>(m.limit, 1);
    else
        m.limit = 0;

    if (m.constant_weights) {
        double frac = 0, lut_bits = q.weight_bits;
        if (q.weight_scale > 0) {
            const double pruned = m.products > 0 ? double(zeros) / double(m.products) : 0.0;
            const PriorShare share = prior_share(c, q, pruned);
            frac = share.dsp_fraction;
            lut_bits = share.lut_bits;
        } else {
            frac = dsp_const_fraction(c, q.input_bits, q.weight_bits);
        }
        m.dsp_class = static_cast<std::int64_t>(std::llround(frac * double(m.nonzero)));
        m.dsp_mults = m.shared ? std::min(m.dsp_class, m.limit) : m.dsp_class;
        m.lut_mults = m.nonzero - m.dsp_class;
        m.lut_weight_bits = lut_bits;
    } else {
        const bool dsp = std::min(q.input_bits, q.weight_bits) >= c.dsp_min_bits_shared;
        m.dsp_mults = dsp ? m.limit : 0;
        m.lut_mults = dsp ? 0 : m.limit;
        m.lut_weight_bits = q.weight_bits;
    }
    return m;
}

}  // namespace snac::surrogate::detail
