#pragma once
/// What a hardware cost model returns for one network: per-layer and total FPGA resources,
/// latency and initiation interval (docs/surrogate.md).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "snac/core/fpga_part.hpp"
#include "snac/core/hls_settings.hpp"

namespace snac::surrogate {

/// Absolute resource counts (BRAM in 18 Kb blocks).
struct Resources {
    std::int64_t lut = 0;
    std::int64_t ff = 0;
    std::int64_t dsp = 0;
    std::int64_t bram_18k = 0;
    std::int64_t uram = 0;

    Resources& operator+=(const Resources& o) noexcept;
};

/// Estimate of one HLS layer (a framework layer can map to several, e.g. Deep Sets parts).
struct LayerEstimate {
    std::string name;      ///< layer name; nested Deep Sets layers as "ds/phi/dense_0"
    std::string type;      ///< architecture-file spelling, e.g. "dense", "aggregate"
    int reuse_factor = 1;  ///< reuse factor actually used (after the validity rule)
    Strategy strategy = Strategy::kLatency;
    std::int64_t multipliers = 0;  ///< multipliers instantiated (DSP- plus LUT-mapped)
    std::int64_t dsp_multipliers = 0;
    Resources resources;
    std::int64_t latency_min = 0;  ///< cycles
    std::int64_t latency_max = 0;  ///< cycles
    std::int64_t ii = 1;           ///< initiation interval of this layer, cycles
};

/// Whether one resource fits the part, and by how much.
struct ResourceFit {
    std::string resource;  ///< "LUT", "FF", "DSP", "BRAM_18K", "URAM"
    std::int64_t used = 0;
    std::int64_t available = 0;                                        ///< the part's total
    std::int64_t margin() const noexcept { return available - used; }  ///< < 0: over by -margin
    bool fits() const noexcept { return used <= available; }
};

struct HardwareEstimate {
    std::string model;     ///< "analytical" | "learned"
    std::string part;      ///< part name, e.g. "xczu9eg-ffvb1156-2-e"
    int reuse_factor = 1;  ///< the network default reuse factor requested
    std::vector<LayerEstimate> layers;
    Resources total;
    double lut_pct = 0.0;  ///< 100 · total / part total (may exceed 100)
    double ff_pct = 0.0;
    double dsp_pct = 0.0;
    double bram_pct = 0.0;
    double uram_pct = 0.0;          ///< 0 on parts without URAM
    double avg_resource_pct = 0.0;  ///< mean of LUT, FF, DSP and BRAM % (SNAC-Pack's objective)
    std::int64_t latency_cycles_min = 0;
    std::int64_t latency_cycles_max = 0;
    std::int64_t ii_cycles = 1;
    std::vector<std::string> warnings;  ///< e.g. corrected reuse factors
    std::vector<ResourceFit> fit;       ///< per resource, in the order LUT, FF, DSP, BRAM, URAM

    /// Fills the percentages and `fit` from `total` and the part's totals.
    void set_percentages(const FpgaPart& part);
    /// True when every resource fits the part (false before set_percentages).
    bool fits_part() const noexcept;
};

/// Names accepted by metric(): the metric registry's surrogate rows and derived est_* rows
/// (snac/core/metrics.hpp), in registry order.
const std::vector<std::string>& metric_names();
/// The value of a named metric; throws UsageError listing metric_names() for an unknown name.
double metric(const HardwareEstimate& e, std::string_view name);
/// Every metric of metric_names() by its registry name (the est_* keys of trials, the local
/// stage's and the HLS stage's summaries).
std::map<std::string, double> metric_values(const HardwareEstimate& e);
/// The totals in the hardware naming shared with csynth reports (hls::SynthResult::report):
/// lut, ff, dsp, bram_18k, uram, *_pct, avg_resource_pct, latency_cycles_min/max, ii_cycles.
/// Used by `snac estimate --json` ("total") and the HLS project manifest ("estimate").
struct HardwareFigure {
    std::string name;
    double value = 0.0;
    bool count = false;  ///< a whole number (resources, cycles), not a percentage
};
std::vector<HardwareFigure> hardware_figures(const HardwareEstimate& e);

}  // namespace snac::surrogate
