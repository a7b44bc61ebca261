#pragma once
/// Resolved HLS settings for one network: what the surrogate estimates and the emitter writes.
/// Built from the config's `hls` section (core/config/hls_config.hpp) or from CLI flags.
#include <map>
#include <string>

#include "snac/core/fixed_type.hpp"

namespace snac {

enum class Strategy { kLatency, kResource };
enum class IoType { kParallel, kStream };

/// Precision of one layer's operands, as hls4ml names them.
struct LayerPrecision {
    FixedType weight;
    FixedType bias;
    FixedType result;
    FixedType accum;
};

/// Settings of one layer; fields equal the network defaults unless overridden.
struct LayerHlsSettings {
    LayerPrecision precision;
    int reuse_factor = 1;
    Strategy strategy = Strategy::kLatency;
    double weight_sparsity = 0.0;  ///< fraction of this layer's weights that are exactly zero
};

struct HlsSettings {
    LayerPrecision default_precision;      ///< ap_fixed<16,6> everywhere unless set
    FixedType input = FixedType{16, 6};    ///< input_t: the type the network's input is cast to
    FixedType table = FixedType{18, 8};    ///< sigmoid/tanh/softmax table entries (hls4ml default)
    int table_size = 1024;                 ///< entries of each activation lookup table
    int reuse_factor = 1;
    Strategy strategy = Strategy::kLatency;
    IoType io_type = IoType::kParallel;
    double clock_period_ns = 5.0;
    std::map<std::string, LayerHlsSettings> layers;  ///< per-layer overrides, by layer name

    /// The effective settings of a layer (override if present, defaults otherwise).
    LayerHlsSettings for_layer(const std::string& layer_name) const;
};

/// The checkpoint form of the settings (CheckpointData::attributes["hls_settings"], written by the
/// local stage, read by `snac hls` / `snac estimate`). Keys: default {weight, bias, result, accum},
/// input, table, table_size, reuse_factor, strategy, io_type, clock_period_ns, layers {name:
/// {weight, bias, result, accum, reuse_factor, strategy}}. Sparsity is not stored: it is read from
/// the checkpoint's zero weights.
std::string hls_settings_to_yaml(const HlsSettings& settings);
/// Inverse of hls_settings_to_yaml. Absent keys keep HlsSettings' defaults; a layer entry's absent
/// keys take the file's `default` values. Throws ConfigError (a UsageError) naming every bad key,
/// with a hint, for malformed YAML, unknown keys, bad types or out-of-range values.
HlsSettings hls_settings_from_yaml(const std::string& text,
                                   const std::string& source = "hls_settings");

std::string_view to_string(Strategy s) noexcept;  ///< "latency" | "resource"
std::string_view to_string(IoType t) noexcept;    ///< "io_parallel" | "io_stream"

}  // namespace snac
