#pragma once
/// The one hardware cost model interface (docs/surrogate.md): every implementation turns a network,
/// its HLS settings and a part into a HardwareEstimate. Implementations are immutable after
/// construction, so estimate() may be called from many threads at once.
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "snac/core/checkpoint_data.hpp"
#include "snac/core/config/surrogate_config.hpp"
#include "snac/core/fpga_part.hpp"
#include "snac/core/hls_settings.hpp"
#include "snac/nn/network_spec.hpp"
#include "snac/surrogate/hardware_estimate.hpp"

namespace snac::surrogate {

class CostModel {
public:
    virtual ~CostModel() = default;
    /// Thread-safe. Throws UsageError for layers the model does not cover or bad settings.
    virtual HardwareEstimate estimate(const nn::NetworkSpec& net, const HlsSettings& hls,
                                      const FpgaPart& part) const = 0;
    /// Estimates many networks; `hls` holds one entry (shared) or one per network. The learned
    /// model batches its MLP inference here; the default loops over estimate().
    virtual std::vector<HardwareEstimate> estimate_batch(std::span<const nn::NetworkSpec> nets,
                                                         std::span<const HlsSettings> hls,
                                                         const FpgaPart& part) const;
    virtual std::string_view name() const noexcept = 0;  ///< "analytical" | "learned"
};

/// Reads a learned model checkpoint (HDF5 lives in io, which surrogate may not use: the caller
/// passes io::read_checkpoint).
using CheckpointLoader = std::function<CheckpointData(const std::string& path)>;

/// The model the `surrogate:` config section selects. A relative `file` is resolved against
/// `base_dir` (the config file's directory). Empty `file` for the analytical model = the
/// coefficients shipped with snac. Throws UsageError for missing/invalid files.
std::unique_ptr<CostModel> make_cost_model(const SurrogateConfig& config,
                                           const std::string& base_dir,
                                           const CheckpointLoader& load_checkpoint);

}  // namespace snac::surrogate
