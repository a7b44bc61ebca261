#pragma once
/// What a hardware cost model returns for one network: per-layer and total FPGA resources,
/// latency and initiation interval (docs/surrogate.md).
#include <cstdint>
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

    /// Fills the percentages from `total` and the part's totals.
    void set_percentages(const FpgaPart& part);
};

/// Names accepted by metric(): the metric registry's surrogate rows and derived est_* rows
/// (snac/core/metrics.hpp), in registry order.
const std::vector<std::string>& metric_names();
/// The value of a named metric; throws UsageError listing metric_names() for an unknown name.
double metric(const HardwareEstimate& e, std::string_view name);

}  // namespace snac::surrogate
