#include "snac/surrogate/cost_model.hpp"

#include "snac/core/error.hpp"

namespace snac::surrogate {

std::vector<HardwareEstimate> CostModel::estimate_batch(std::span<const nn::NetworkSpec> nets,
                                                        std::span<const HlsSettings> hls,
                                                        const FpgaPart& part) const {
    if (hls.size() != 1 && hls.size() != nets.size())
        throw Error("estimate_batch: " + std::to_string(hls.size()) + " HLS settings for " +
                    std::to_string(nets.size()) + " networks (need 1 or one each)");
    std::vector<HardwareEstimate> out;
    out.reserve(nets.size());
    for (std::size_t i = 0; i < nets.size(); ++i)
        out.push_back(estimate(nets[i], hls.size() == 1 ? hls[0] : hls[i], part));
    return out;
}

}  // namespace snac::surrogate
