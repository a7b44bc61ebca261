// Analytical hls4ml-structure cost model. Structure follows how hls4ml kernels map to hardware
// (../shared/docs/reference/hls4ml-semantics.md §3–7); the free coefficients of dense kernels are
// fitted on synthesis records (fit_analytical.cpp). Activation, softmax, pooling and aggregation
// costs are structural counts (one LUT per output bit of a mux/compare, one BRAM_18K per two
// lookups of an 18 Kb table) that no local synthesis data calibrate: docs/surrogate.md says so.
#include "snac/surrogate/analytical_model.hpp"

#include <algorithm>
#include <cmath>

#include "dense_mapping.hpp"
#include "snac/core/error.hpp"

namespace snac::surrogate {
namespace {

std::int64_t ceil_log2(std::int64_t n) {
    std::int64_t k = 0;
    while ((std::int64_t{1} << k) < n) ++k;
    return k;
}

constexpr int kMaxLutRomDepth = 64;  // deeper weight ROMs go to BRAM

std::int64_t to_count(double v) {
    return v <= 0.0 ? 0 : static_cast<std::int64_t>(std::llround(v));
}

double dot(const TermVector& coef, const TermVector& terms) {
    double s = 0.0;
    for (int i = 0; i < kTermCount; ++i)
        s += coef[static_cast<std::size_t>(i)] * terms[static_cast<std::size_t>(i)];
    return s;
}

// LUT cost of one constant multiply (leaky relu α, mean 1/N), from the fitted LUT-multiplier term.
double const_mult_luts(const AnalyticalCoefficients& c, int a_bits, int b_bits) {
    const double per_bit2 =
        c.lut[static_cast<int>(Regime::kLatencyUnrolled)][static_cast<int>(Term::kLutMultBits)];
    return per_bit2 * double(a_bits) * double(b_bits);
}

void estimate_dense(const LayerQuantities& q, const AnalyticalCoefficients& c, const FpgaPart& part,
                    LayerEstimate& e) {
    const detail::DenseMapping m = detail::map_dense(q, c);
    const Regime r = regime_of(q);
    const TermVector t = dense_terms(q, c, part);
    e.multipliers = m.dsp_mults + m.lut_mults;
    e.dsp_multipliers = m.dsp_mults;
    e.resources.dsp = m.dsp_mults * dsp_per_multiplier(q.input_bits, q.weight_bits, part);
    e.resources.lut = to_count(dot(c.lut[static_cast<int>(r)], t));
    e.resources.ff = to_count(dot(c.ff[static_cast<int>(r)], t));
    if (q.strategy == Strategy::kResource && m.shared) {
        // Weights in a ROM reshaped by block_factor = ⌈n·m/RF⌉: that many weights are read per
        // cycle over RF addresses. Shallow ROMs become distributed (LUT) ROM, one LUT6 per bit
        // per 64 words: an assumption (the pilot data only have RF >= 384), see docs/surrogate.md.
        const std::int64_t width = m.limit * q.weight_bits;
        if (q.reuse_factor > kMaxLutRomDepth)
            e.resources.bram_18k = rom_bram_18k(width, q.reuse_factor) + to_count(c.bram_rom_extra);
        else
            e.resources.lut += width * ((q.reuse_factor + 63) / 64);
    }
    double lat_min = 0, lat_max = 0, ii = 1;
    if (!m.shared) {
        lat_min = lat_max = c.latency_unrolled;
        ii = q.strategy == Strategy::kLatency ? 1.0 : c.ii_resource_unrolled;
    } else if (q.strategy == Strategy::kLatency) {
        // The allocation limit caps the DSP multipliers; the DSP-class products queue on them.
        if (m.dsp_class > 0 && m.dsp_mults > 0)
            lat_min =
                std::ceil(double(m.dsp_class) / double(m.dsp_mults)) * c.latency_shared_per_op +
                c.latency_shared_offset;
        else
            lat_min = c.latency_shared_no_dsp;
        lat_max = lat_min;
        ii = lat_min + c.ii_latency_shared_offset;
    } else {
        lat_min = q.reuse_factor + c.latency_resource_min_offset;
        lat_max = q.reuse_factor + c.latency_resource_max_offset;
        ii = q.reuse_factor;
    }
    // One instance runs over all positions (conv pixels, set elements), pipelined at its II.
    const double extra = double(q.positions - 1) * std::max(1.0, ii);
    e.latency_min = to_count(lat_min + extra);
    e.latency_max = to_count(lat_max + extra);
    e.ii = std::max<std::int64_t>(1, to_count(std::max(1.0, ii) * double(q.positions)));
}

void estimate_other(const LayerQuantities& q, const AnalyticalCoefficients& c, const FpgaPart& part,
                    LayerEstimate& e) {
    const auto n_out = double(q.n_out);
    switch (q.kind) {
        case LayerKind::kLogic: {
            double lut = n_out * q.result_bits;  // compare on the sign, mux per output bit
            if (q.leaky) lut += n_out * const_mult_luts(c, q.input_bits, q.weight_bits);
            e.resources.lut = to_count(lut);
            e.resources.ff = to_count(n_out * q.result_bits);
            // Combinational: the tool folds it into the next register stage (hls4ml relu
            // reports 0 cycles in Vivado/Vitis HLS csynth of multi-layer MLPs).
            e.latency_min = e.latency_max = 0;
            break;
        }
        case LayerKind::kTable: {
            // Every two lookups share one dual-port table copy; the index is a shift of x.
            const std::int64_t copies = (q.n_out + 1) / 2;
            e.resources.bram_18k = copies * rom_bram_18k(q.table_bits, q.table_size);
            e.resources.lut = to_count(n_out * q.input_bits);
            e.resources.ff = to_count(n_out * q.result_bits);
            e.latency_min = e.latency_max = 2;
            break;
        }
        case LayerKind::kSoftmax: {
            // One softmax instance (tables, max and adder trees, n multipliers) that runs once
            // per position, pipelined at II 1: a ConvAttn block's E query rows go through the
            // same instance in its loop (nnet_conv_attention.h), as a dense part's positions do.
            const std::int64_t n = q.n_out;
            const std::int64_t per = (n + 1) / 2 * rom_bram_18k(q.table_bits, q.table_size) +
                                     rom_bram_18k(q.table_bits, q.table_size);
            const bool dsp = q.table_bits >= c.dsp_min_bits_shared;
            const double mult_luts = dsp ? 0.0 : const_mult_luts(c, q.table_bits, q.table_bits);
            const double lut = double(n - 1) * 2.0 * q.input_bits  // max tree: compare + mux
                               + double(n) * q.input_bits          // x_max − x_i
                               + double(n - 1) * q.accum_bits      // Σ e_i adder tree
                               + double(n) * mult_luts;
            e.resources.bram_18k = per;
            e.resources.dsp = dsp ? n * dsp_per_multiplier(q.table_bits, q.table_bits, part) : 0;
            e.multipliers = n;
            e.dsp_multipliers = dsp ? e.multipliers : 0;
            e.resources.lut = to_count(lut);
            e.resources.ff = to_count(double(n) * (q.result_bits + q.table_bits));
            const std::int64_t rows = std::max<std::int64_t>(1, q.positions);
            // Max tree and sum tree share the log-depth; csynth of a 5-class softmax_stable:
            // 3–5 cycles (tests/fixtures/csynth_multilayer.json).
            e.latency_min = e.latency_max = ceil_log2(n) + 1 + (rows - 1);
            e.ii = rows;
            break;
        }
        case LayerKind::kPool:
        case LayerKind::kAggregate: {
            // (window − 1) two-input max or add per output, as a balanced tree.
            double lut = n_out * double(q.window - 1) * q.result_bits * (q.maximum ? 2.0 : 1.0);
            if (!q.maximum && (q.kind == LayerKind::kPool || q.leaky))
                lut += n_out * const_mult_luts(c, q.result_bits, q.weight_bits);  // mean: ·1/N
            e.resources.lut = to_count(lut);
            e.resources.ff = to_count(n_out * q.result_bits);
            e.latency_min = e.latency_max = ceil_log2(q.window) + 1;
            break;
        }
        case LayerKind::kFree:
        case LayerKind::kDense:
            break;
    }
}

}  // namespace

Regime regime_of(const LayerQuantities& q) noexcept {
    const bool shared = q.reuse_factor > 1;
    if (q.strategy == Strategy::kLatency)
        return shared ? Regime::kLatencyShared : Regime::kLatencyUnrolled;
    return shared ? Regime::kResourceShared : Regime::kResourceUnrolled;
}

std::string_view to_string(Regime r) noexcept {
    switch (r) {
        case Regime::kLatencyUnrolled:
            return "latency_rf1";
        case Regime::kLatencyShared:
            return "latency_shared";
        case Regime::kResourceUnrolled:
            return "resource_rf1";
        case Regime::kResourceShared:
            return "resource_shared";
    }
    return "?";
}

double dsp_const_fraction(const AnalyticalCoefficients& c, int input_bits, int weight_bits) {
    if (std::min(input_bits, weight_bits) < c.dsp_min_bits_const) return 0.0;
    const double scale = std::max(1e-6, c.dsp_const_scale);
    return 1.0 / (1.0 + std::exp(-(double(weight_bits) - c.dsp_const_mid) / scale));
}

int dsp_per_multiplier(int a_bits, int b_bits, const FpgaPart& part) {
    // DSP48E2 (UltraScale+) multiplies 27×18 signed; DSP48E1 (7-series) 25×18. Wider operands
    // are split into partial products, one slice each.
    const int wide_port = part.family == FpgaFamily::kZynq7 ? 25 : 27;
    const int a = std::max(a_bits, b_bits);
    const int b = std::min(a_bits, b_bits);
    const int wa = (a + wide_port - 1) / wide_port;
    const int wb = (b + 17) / 18;
    return std::max(1, wa * wb);
}

std::int64_t rom_bram_18k(std::int64_t width_bits, std::int64_t depth) {
    if (width_bits <= 0 || depth <= 0) return 0;
    // RAMB18 aspect ratios: 512×36, 1K×18, 2K×9, 4K×4, 8K×2, 16K×1.
    std::int64_t port = 36, max_depth = 512;
    while (depth > max_depth && port > 1) {
        max_depth *= 2;
        port = port == 36 ? 18 : port == 18 ? 9 : port == 9 ? 4 : port == 4 ? 2 : 1;
    }
    const std::int64_t depth_tiles = (depth + max_depth - 1) / max_depth;
    return (width_bits + port - 1) / port * depth_tiles;
}

TermVector dense_terms(const LayerQuantities& q, const AnalyticalCoefficients& c,
                       const FpgaPart& /*part*/) {
    const detail::DenseMapping m = detail::map_dense(q, c);
    const std::int64_t summed = m.constant_weights ? m.nonzero : m.limit;
    TermVector t{};
    t[static_cast<int>(Term::kConstant)] = 1.0;
    t[static_cast<int>(Term::kLutMultBits)] =
        double(m.lut_mults) * q.input_bits * m.lut_weight_bits;
    t[static_cast<int>(Term::kAdderBits)] = double(summed) * q.accum_bits;
    t[static_cast<int>(Term::kWeightBits)] = double(m.products) * q.weight_bits;
    t[static_cast<int>(Term::kIoBits)] =
        double(q.n_out) * q.accum_bits + double(q.n_in) * q.input_bits;
    t[static_cast<int>(Term::kDspRegBits)] = double(m.dsp_mults) * q.accum_bits;
    // Shared multipliers read a different input each cycle: every product routes an input
    // through a mux. In the pilot data this term, not the weight width, tracks LUT under sharing.
    t[static_cast<int>(Term::kMuxBits)] = m.shared ? double(m.products) * q.input_bits : 0.0;
    t[static_cast<int>(Term::kSteerBits)] = m.shared && std::int64_t{q.reuse_factor} >= 3 * q.n_in
                                                ? double(m.limit) * q.accum_bits
                                                : 0.0;
    return t;
}

LayerEstimate estimate_layer(const LayerQuantities& q, const AnalyticalCoefficients& c,
                             const FpgaPart& part) {
    LayerEstimate e;
    e.name = q.name;
    e.type = q.type;
    e.reuse_factor = q.reuse_factor;
    e.strategy = q.strategy;
    if (q.kind == LayerKind::kDense)
        estimate_dense(q, c, part, e);
    else
        estimate_other(q, c, part, e);
    return e;
}

HardwareEstimate combine_layers(std::vector<LayerEstimate> layers, const HlsSettings& hls,
                                const FpgaPart& part, std::string model_name) {
    HardwareEstimate est;
    est.model = std::move(model_name);
    est.part = part.part;
    est.reuse_factor = hls.reuse_factor;
    est.ii_cycles = 1;
    for (const LayerEstimate& l : layers) {
        est.total += l.resources;
        est.latency_cycles_min += l.latency_min;
        est.latency_cycles_max += l.latency_max;
        est.ii_cycles = std::max(est.ii_cycles, l.ii);
    }
    est.layers = std::move(layers);
    est.set_percentages(part);
    return est;
}

namespace {

void add_stream_fifos(const Lowered& low, HardwareEstimate& est) {
    // io_stream: the kernels compute as in io_parallel, and every layer output goes through a
    // FIFO of stream_depth beats × stream_width·result bits (hls4ml sizes FIFOs to the stream
    // length before co-simulation optimizes them). Deep FIFOs use BRAM, shallow ones SRL LUTs.
    // Not calibrated on any synthesis data: the estimate says so in its warnings.
    for (std::size_t i = 0; i + 1 < low.layers.size() && i < est.layers.size(); ++i) {
        const LayerQuantities& q = low.layers[i];
        if (q.kind == LayerKind::kFree) continue;
        const std::int64_t width = q.stream_width * q.result_bits;
        Resources fifo;
        if (q.stream_depth > 32)
            fifo.bram_18k = rom_bram_18k(width, q.stream_depth);
        else
            fifo.lut = width * ((q.stream_depth + 31) / 32);
        fifo.ff = width;  // output register of the FIFO
        est.layers[i].resources += fifo;
        est.total += fifo;
    }
    est.warnings.push_back(
        "io_stream: FIFOs between layers are sized to the full stream length and are not "
        "calibrated on synthesis data (docs/surrogate.md); the compute is modelled as io_parallel");
}

}  // namespace

namespace {

bool is_stage(LayerKind k) {
    return k != LayerKind::kLogic && k != LayerKind::kFree;
}

// io_parallel: hls4ml pipelines the top function, and the tool registers the data between two
// compute stages (dense, table, softmax, pool, aggregation; a relu is combinational and joins
// the stage before it). Each boundary adds one cycle and one register of the tensor that crosses
// it. A single-layer network has no boundary, so the pilot fit is unaffected; the multi-layer
// csynth fixture (docs/surrogate.md#multi-layer-networks) is what this reproduces.
void add_stage_registers(const Lowered& low, std::vector<LayerEstimate>& layers) {
    int last_stage = -1;
    for (std::size_t i = 0; i < low.layers.size() && i < layers.size(); ++i) {
        if (!is_stage(low.layers[i].kind)) continue;
        if (last_stage >= 0) {
            // The tensor crossing is the output of the layer just before this stage.
            const LayerQuantities& prev = low.layers[i - 1];
            LayerEstimate& row = layers[i - 1];
            row.resources.ff += prev.stream_depth * prev.stream_width * prev.result_bits;
            row.latency_min += 1;
            row.latency_max += 1;
        }
        last_stage = static_cast<int>(i);
    }
}

}  // namespace

HardwareEstimate estimate_lowered(const Lowered& low, const HlsSettings& hls, const FpgaPart& part,
                                  const AnalyticalCoefficients& c) {
    std::vector<LayerEstimate> layers;
    layers.reserve(low.layers.size());
    for (const LayerQuantities& q : low.layers) layers.push_back(estimate_layer(q, c, part));
    if (hls.io_type == IoType::kParallel) add_stage_registers(low, layers);
    HardwareEstimate est = combine_layers(std::move(layers), hls, part, "analytical");
    est.warnings = low.warnings;
    if (hls.io_type == IoType::kStream) {
        add_stream_fifos(low, est);
        est.set_percentages(part);
    }
    return est;
}

HardwareEstimate AnalyticalModel::estimate(const nn::NetworkSpec& net, const HlsSettings& hls,
                                           const FpgaPart& part) const {
    return estimate_lowered(lower_network(net, hls), hls, part, c_);
}

}  // namespace snac::surrogate
