#pragma once
/// `hls:` section — the target FPGA and the hls4ml-style settings.
#include <string>

#include "snac/core/fixed_type.hpp"
#include "snac/core/hls_settings.hpp"

namespace snac {

struct HlsConfig {
    std::string part = "xcvu13p-flga2577-2-e";  ///< part or board name
    FixedType precision = FixedType{16, 6};     ///< default for every type
    FixedType weight_precision = FixedType{16, 6};  ///< weights and biases
    bool weight_precision_set = false;          ///< false: weights follow `precision`
    int reuse_factor = 1;
    Strategy strategy = Strategy::kLatency;
    IoType io_type = IoType::kParallel;
    double clock_period_ns = 5.0;

    /// The network-wide settings these describe (per-layer sparsity filled in by the caller).
    HlsSettings to_settings() const;
};

}  // namespace snac
