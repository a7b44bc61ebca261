#pragma once
/// Structural quantities of each hardware layer of a network under given HLS settings: the
/// lowering both cost models start from (docs/surrogate.md#lowering). No fitted coefficient
/// enters here: only sizes, widths, reuse factors and sparsity.
#include <cstdint>
#include <string>
#include <vector>

#include "snac/core/hls_settings.hpp"
#include "snac/nn/network_spec.hpp"

namespace snac::surrogate {

/// How a layer maps to hardware.
enum class LayerKind {
    kDense,      ///< dense, conv2d per pixel, Deep Sets φ per element, batch norm (n_in = 1)
    kLogic,      ///< relu / leaky relu: comparators and muxes
    kTable,      ///< sigmoid / tanh lookup tables
    kSoftmax,    ///< exp and inverse tables, adder tree, multipliers
    kPool,       ///< max / average pooling windows
    kAggregate,  ///< Deep Sets pooling over elements
    kFree,       ///< flatten / dropout / identity: wiring only
};

struct LayerQuantities {
    std::string name;
    std::string type;  ///< architecture-file spelling ("dense", "conv2d", ...)
    LayerKind kind = LayerKind::kFree;
    std::int64_t n_in = 0;          ///< kDense: inputs per output (conv: C·k·k); else elements in
    std::int64_t n_out = 0;         ///< kDense: outputs per position (conv: filters); else out
    std::int64_t positions = 1;     ///< kDense: times one instance runs (conv pixels, set elements)
    std::int64_t window = 1;        ///< kPool: k·k; kAggregate: set size N
    std::int64_t zero_weights = 0;  ///< per position: weights that are exactly zero (pruned)
    bool has_bias = true;
    /// Under Resource the zero weights are packed out (dense layers: nnet::dense_compressed);
    /// conv2d and attention parts keep their full weight ROM.
    bool packs_zeros = false;
    bool maximum = false;  ///< kPool / kAggregate: max (true) or mean/sum (false)
    bool leaky = false;    ///< kLogic: leaky relu (one constant multiply per element)
    int input_bits = 16;   ///< width of the layer's input type
    int weight_bits = 16;
    int weight_frac_bits = 10;  ///< fractional bits of the weight type (width − integer bits)
    /// kDense with trained-like constant weights: the half-range a of the weight prior
    /// U(−a, a), a = √(6 / (n_in + n_out)) (Glorot), from which the effective constant widths are
    /// drawn (docs/surrogate.md#dsp-vs-lut). 0 = no prior: every constant is weight_bits wide
    /// (batch norm, layer norm, attention data products).
    double weight_scale = 0.0;
    int accum_bits = 16;
    int result_bits = 16;
    int table_bits = 18;  ///< kTable / kSoftmax entry width
    int table_size = 1024;
    int reuse_requested = 1;
    int reuse_factor = 1;  ///< after the validity rule (kDense only; else requested)
    Strategy strategy = Strategy::kLatency;
    // Output tensor as io_stream would carry it: `stream_depth` beats of `stream_width` elements
    // ([C,H,W] -> H·W beats of C; [F] -> 1 beat of F; set elements -> N beats of F).
    std::int64_t stream_depth = 1;
    std::int64_t stream_width = 1;

    std::int64_t products() const noexcept { return n_in * n_out; }  ///< per position
};

/// The network lowered to hardware layers, plus warnings (corrected reuse factors).
struct Lowered {
    std::vector<LayerQuantities> layers;
    std::vector<std::string> warnings;
};

/// Lowers a network. Throws UsageError for a layer the surrogate does not cover (naming the
/// layer and what it would need) and for reuse factors < 1.
Lowered lower_network(const nn::NetworkSpec& net, const HlsSettings& hls);

}  // namespace snac::surrogate
