#pragma once
/// Analytical hls4ml-structure cost model (docs/surrogate.md#analytical): multipliers from the
/// reuse factor, DSP- or LUT-mapped by operand width, pruned weights folded away under Latency,
/// adder trees and accumulator widths for LUT/FF, the reuse loop for latency and II, weight ROMs in
/// BRAM under Resource, lookup tables for sigmoid/tanh/softmax. Free coefficients are fitted on
/// synthesis records (fit.hpp) and stored in a small versioned JSON file.
#include <array>
#include <string>

#include "snac/surrogate/cost_model.hpp"
#include "snac/surrogate/layer_quantities.hpp"

namespace snac::surrogate {

/// Terms of the linear LUT/FF model of one dense-kernel instance (all in bits or counts).
enum class Term : int {
    kConstant,     ///< 1 per instance
    kLutMultBits,  ///< LUT-mapped multipliers · input bits · weight bits
    kAdderBits,    ///< products summed per cycle · accumulator bits
    kWeightBits,   ///< stored weights · weight bits (ROM and its read muxes)
    kIoBits,       ///< n_out · accumulator bits + n_in · input bits
    kDspRegBits,   ///< DSP-mapped multipliers · accumulator bits
    kMuxBits,      ///< RF > 1: products · input bits (input routing muxes)
    /// RF ≥ 3·n_in: multipliers · accumulator bits. Each shared multiplier then feeds k = RF/n_in
    /// > 2 accumulators in turn; in the pilot's Resource records this costs ≈ 6× more LUT per
    /// multiplier than k = 2 (docs/surrogate.md#where-the-lut-error-comes-from).
    kSteerBits,
};
inline constexpr int kTermCount = 8;
using TermVector = std::array<double, kTermCount>;

/// Dense-kernel regimes with their own LUT/FF coefficients.
enum class Regime : int { kLatencyUnrolled, kLatencyShared, kResourceUnrolled, kResourceShared };
inline constexpr int kRegimeCount = 4;
Regime regime_of(const LayerQuantities& q) noexcept;
std::string_view to_string(Regime r) noexcept;  ///< "latency_rf1", "latency_shared", ...

struct AnalyticalCoefficients {
    int version = 1;
    std::string provenance;  ///< what the coefficients were fitted on
    // DSP mapping of multipliers.
    int dsp_min_bits_shared = 6;   ///< shared multipliers: DSP when min width >= this
    int dsp_min_bits_const = 7;    ///< constant-weight products: DSP candidates from here
    double dsp_const_mid = 9.5;    ///< weight bits where half the constant products use DSPs
    double dsp_const_scale = 1.0;  ///< logistic width of that fraction, bits
    // LUT and FF per regime (Term order).
    std::array<TermVector, kRegimeCount> lut{};
    std::array<TermVector, kRegimeCount> ff{};
    // Latency and II of one dense instance, cycles.
    double latency_unrolled = 1.0;       ///< RF 1
    double latency_shared_per_op = 1.0;  ///< Latency strategy RF > 1: per DSP-op per multiplier
    double latency_shared_offset = 2.0;
    double latency_shared_no_dsp = 2.0;        ///< Latency strategy RF > 1 without DSP products
    double ii_latency_shared_offset = 1.0;     ///< II = latency + this (Latency strategy, RF > 1)
    double ii_resource_unrolled = 2.0;         ///< Resource strategy RF 1
    double latency_resource_min_offset = 1.0;  ///< Resource RF > 1: latency = RF + offset
    double latency_resource_max_offset = 2.0;
    double bram_rom_extra = 1.0;  ///< BRAM_18K beyond the weight ROM (Resource RF > 1)
};

/// Reads/writes the JSON coefficients file (atomic write). Throws UsageError naming the file and
/// the missing/bad key.
AnalyticalCoefficients load_coefficients(const std::string& path);
void save_coefficients(const std::string& path, const AnalyticalCoefficients& c);
std::string coefficients_to_json(const AnalyticalCoefficients& c);
AnalyticalCoefficients coefficients_from_json(const std::string& text, const std::string& source);
/// Path of the coefficients file shipped with snac ($SNAC_SURROGATE_COEFFICIENTS overrides).
std::string default_coefficients_path();
/// The shipped learned model (share/surrogate/learned_v1.h5, fitted on the wa-hls4ml pilot records
/// by the command in docs/surrogate.md), or $SNAC_SURROGATE_LEARNED.
std::string default_learned_model_path();

/// The term vector of one dense-kernel instance (what the LUT/FF coefficients multiply).
TermVector dense_terms(const LayerQuantities& q, const AnalyticalCoefficients& c,
                       const FpgaPart& part);
/// Fraction of constant-weight products the tool maps to DSPs at `weight_bits` (0..1).
double dsp_const_fraction(const AnalyticalCoefficients& c, int input_bits, int weight_bits);
/// DSP slices one multiplier of these operand widths needs on this part's family.
int dsp_per_multiplier(int a_bits, int b_bits, const FpgaPart& part);
/// BRAM_18K blocks of a ROM `width_bits` wide and `depth` deep.
std::int64_t rom_bram_18k(std::int64_t width_bits, std::int64_t depth);

/// Per-layer estimate of one lowered layer (no percentages).
LayerEstimate estimate_layer(const LayerQuantities& q, const AnalyticalCoefficients& c,
                             const FpgaPart& part);
/// Sums layers into totals: resources add, latencies add, II is the slowest layer's.
HardwareEstimate combine_layers(std::vector<LayerEstimate> layers, const HlsSettings& hls,
                                const FpgaPart& part, std::string model_name);

/// The analytical estimate of an already lowered network (per-layer rows, totals, warnings).
HardwareEstimate estimate_lowered(const Lowered& low, const HlsSettings& hls, const FpgaPart& part,
                                  const AnalyticalCoefficients& c);

class AnalyticalModel final : public CostModel {
public:
    explicit AnalyticalModel(AnalyticalCoefficients c) : c_(std::move(c)) {}
    HardwareEstimate estimate(const nn::NetworkSpec& net, const HlsSettings& hls,
                              const FpgaPart& part) const override;
    /// Parallel over networks (TBB); results in input order, identical to estimate().
    std::vector<HardwareEstimate> estimate_batch(std::span<const nn::NetworkSpec> nets,
                                                 std::span<const HlsSettings> hls,
                                                 const FpgaPart& part) const override;
    std::string_view name() const noexcept override { return "analytical"; }
    const AnalyticalCoefficients& coefficients() const noexcept { return c_; }

private:
    AnalyticalCoefficients c_;
};

}  // namespace snac::surrogate
