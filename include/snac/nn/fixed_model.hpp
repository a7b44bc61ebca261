#pragma once
/// A trained network lowered to fixed point, layer by layer, as the HLS kernels compute it
/// (../shared/docs/reference/hls4ml-semantics.md §3–§7): per-layer weight/bias/result/accumulator
/// types, exactly quantized parameters, lookup tables, and the cast order of the kernels (each
/// product cast to the accumulator, bias first, one result cast). The HLS emitter prints this
/// model; `run` evaluates it bit-exactly. Quantization-aware training reuses the same model.
#include <cstdint>
#include <string>
#include <vector>

#include "snac/core/checkpoint_data.hpp"
#include "snac/core/fixed_type.hpp"
#include "snac/core/hls_settings.hpp"
#include "snac/nn/network_spec.hpp"

namespace snac::nn {

enum class FixedOp {
    kDense,
    kBatchNorm,
    kRelu,
    kLeakyRelu,
    kSigmoid,
    kTanh,
    kSoftmax,
    kConv2d,
    kMaxPool2d,
    kAvgPool2d,
    kFlatten,
    kDeepSets,
    kConvAttention,
    kGelu,
    kLayerNorm
};

/// One HLS layer. Data layout is the network's own: [F], channels-first [C, H, W] flattened
/// row-major, or [elements, features].
struct FixedLayer {
    FixedOp op = FixedOp::kDense;
    std::string name;  ///< the network's layer name (a path inside Deep Sets)
    int index = 0;     ///< HLS layer number: the input is 1, the first layer 2
    Shape in_shape, out_shape;
    std::int64_t n_in = 0;   ///< flattened input size
    std::int64_t n_out = 0;  ///< flattened output size
    FixedType in_type;       ///< the previous layer's result type (input_t for the first)
    FixedType weight, bias, result, accum;

    /// Dense: [n_in·n_out] with w[i·n_out + j] = kernel[i][j]. Conv2d: [(C·k·k)·F] with
    /// row i = (c·k + kh)·k + kw. BatchNorm: scale per channel. LeakyReLU: {alpha}.
    /// LayerNorm: gamma per feature (`weight`), beta in `biases` (`bias`).
    std::vector<std::int64_t> weights;  ///< raw words of `weight`
    std::vector<std::int64_t> biases;   ///< raw words of `bias` (dense/conv: F; BN: per channel)
    std::int64_t n_zeros = 0;           ///< weights that are exactly zero after quantization
    /// Dense under Resource with zero weights (hls4ml's compressed dense): the transposed indices
    /// w = j·n_in + i of the non-zero weights, ascending. The kernel stores and multiplies only
    /// these, ⌈size/RF⌉ per cycle; empty when the layer keeps its full weight ROM.
    std::vector<std::int64_t> packed;

    int reuse_factor = 1;  ///< the value used (corrected if the request was invalid)
    Strategy strategy = Strategy::kLatency;

    // Lookup tables (sigmoid/tanh/gelu: `table`; softmax: exp and inverse tables).
    FixedType table_type;             ///< sigmoid/tanh entries; softmax exp entries
    std::vector<std::int64_t> table;  ///< raw words of table_type
    FixedType inv_table_type, inv_input_type, norm_type;  ///< softmax only
    std::vector<std::int64_t> inv_table;                  ///< softmax 1/x entries (inv_table_type)
    int table_bits = 10;                                  ///< softmax: log2 of the exp table size
    int inv_table_bits = 10;  ///< softmax: log2 of the inverse table size
    /// LayerNorm: `table` holds 1/√(v + ε) for v = i·2^table_range_pow2/size over the variance
    /// range [0, 2^table_range_pow2) (table_type, RND/SAT); rows of `features` values each.
    /// table_range_pow2 = clamp(min(I_accum − 1, 2·I_in − 2), 0, 3): the variances the types
    /// can reach, at most [0, 8).
    int table_range_pow2 = 3;

    // conv2d / pooling (channels-first)
    int channels = 0, height = 0, width = 0;
    int filters = 0, kernel = 0, stride = 1, pad_top = 0, pad_left = 0;
    int out_height = 0, out_width = 0;
    int pool = 0;

    // Deep Sets: phi per element, aggregation (this layer's accum/result), rho.
    Aggregate aggregate = Aggregate::kMean;
    int elements = 0, features = 0;  ///< also LayerNorm's rows and features per row
    std::int64_t agg_size = 0;  ///< width of phi's output = the aggregation's output
    FixedType agg_in_type;      ///< phi's output type
    std::vector<FixedLayer> phi, rho;

    // ConvAttn (NAC): `parts` = {query, key, value (dense C->hidden per position), softmax (over
    // positions, one row per query position), proj (dense hidden->C per position)}, each with its
    // own types and HLS layer number (paths "<name>/query", ...). This layer's `accum` sums the
    // two attention products, its `result` types the scores S = QᵀK, the attended values
    // O = V Aᵀ and the output y = result(x + proj(O)). Data [C, H, W], positions E = H·W.
    std::vector<FixedLayer> parts;
    int hidden = 0;

    /// The type the next layer receives (rho's output for Deep Sets, else `result`).
    const FixedType& output_type() const { return rho.empty() ? result : rho.back().output_type(); }
};

struct FixedModel {
    Shape input_shape;
    FixedType input_type;  ///< input_t
    std::vector<FixedLayer> layers;
    std::vector<std::string> warnings;  ///< corrected reuse factors, layers too large, ...

    std::int64_t input_size() const;
    std::int64_t output_size() const;
    FixedType output_type() const;  ///< result_t

    /// Raw output words (of output_type) for one sample of input_size() floats.
    std::vector<std::int64_t> run_raw(const float* x) const;
    /// The same on 128-bit words only, without the 64-bit fast path that run_raw takes when the
    /// widths allow it (tests and benchmarks compare the two).
    std::vector<std::int64_t> run_raw_reference(const float* x) const;
    /// Output values for one sample (exact: every result_t value is a double).
    std::vector<double> run(const float* x) const;
};

/// Lowers a trained network. Weights are looked up in `weights` by layer name (Deep Sets
/// members as "<deepsets>/phi/<name>", "<deepsets>/rho/<name>"). Throws UsageError for missing
/// or mis-shaped tensors and types the kernels cannot use.
FixedModel lower_network(const NetworkSpec& net, const CheckpointData& weights,
                         const HlsSettings& settings);

/// Zero-based HLS layer list in call order, Deep Sets members included (for printing).
std::vector<const FixedLayer*> flatten_layers(const FixedModel& model);

std::string_view to_string(FixedOp op) noexcept;

}  // namespace snac::nn
