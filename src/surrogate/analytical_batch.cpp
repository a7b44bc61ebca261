// Batch scoring of the analytical model with TBB: estimates are independent and the model is
// immutable, so networks are spread over the worker threads. (oneDNN is never called here.)
#include <tbb/parallel_for.h>

#include <exception>
#include <mutex>

#include "snac/core/error.hpp"
#include "snac/surrogate/analytical_model.hpp"

namespace snac::surrogate {

std::vector<HardwareEstimate> AnalyticalModel::estimate_batch(std::span<const nn::NetworkSpec> nets,
                                                              std::span<const HlsSettings> hls,
                                                              const FpgaPart& part) const {
    if (hls.size() != 1 && hls.size() != nets.size())
        throw Error("estimate_batch: need one HLS setting or one per network");
    std::vector<HardwareEstimate> out(nets.size());
    std::exception_ptr first_error;
    std::once_flag once;
    tbb::parallel_for(std::size_t{0}, nets.size(), [&](std::size_t i) {
        try {
            out[i] = estimate(nets[i], hls.size() == 1 ? hls[0] : hls[i], part);
        } catch (...) {
            std::call_once(once, [&] { first_error = std::current_exception(); });
        }
    });
    if (first_error) std::rethrow_exception(first_error);
    return out;
}

}  // namespace snac::surrogate
