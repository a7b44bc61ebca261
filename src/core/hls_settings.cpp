#include "snac/core/hls_settings.hpp"

namespace snac {

LayerHlsSettings HlsSettings::for_layer(const std::string& layer_name) const {
    if (auto it = layers.find(layer_name); it != layers.end()) return it->second;
    LayerHlsSettings s;
    s.precision = default_precision;
    s.reuse_factor = reuse_factor;
    s.strategy = strategy;
    return s;
}

std::string_view to_string(Strategy s) noexcept {
    return s == Strategy::kLatency ? "latency" : "resource";
}

std::string_view to_string(IoType t) noexcept {
    return t == IoType::kParallel ? "io_parallel" : "io_stream";
}

}  // namespace snac
