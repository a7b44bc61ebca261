// Multiplier mapping of an hls4ml-style dense kernel (hls4ml-semantics.md §3.3–3.4):
// - the reuse factor shares ⌈n·m/RF⌉ multipliers; under Latency the limit drops by ⌊zeros/RF⌋
//   because constant zero weights are folded away; under Resource a dense layer with zeros is
//   packed (nnet::dense_compressed) and shares ⌈non-zeros/RF⌉ multipliers;
// - weights are constants when the loop is fully unrolled (Latency, or RF 1), and the tool then
//   implements a weight-dependent share of the products as LUT shift-adds. The share that lands
//   on DSPs grows with the weight width (a logistic fitted on the wa-hls4ml pilot data);
// - shared multipliers (Resource, RF > 1) see a weight read from ROM, so every one is a real
//   multiplier: DSP when both operands reach dsp_min_bits_shared, LUT otherwise.
#include "dense_mapping.hpp"

#include <algorithm>
#include <cmath>

namespace snac::surrogate::detail {

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
        const double frac = dsp_const_fraction(c, q.input_bits, q.weight_bits);
        m.dsp_class = static_cast<std::int64_t>(std::llround(frac * double(m.nonzero)));
        m.dsp_mults = m.shared ? std::min(m.dsp_class, m.limit) : m.dsp_class;
        m.lut_mults = m.nonzero - m.dsp_class;
    } else {
        const bool dsp = std::min(q.input_bits, q.weight_bits) >= c.dsp_min_bits_shared;
        m.dsp_mults = dsp ? m.limit : 0;
        m.lut_mults = dsp ? 0 : m.limit;
    }
    return m;
}

}  // namespace snac::surrogate::detail
