#include "snac/nn/predictor.hpp"

#include <algorithm>
#include <mutex>

#include "network.hpp"

namespace snac::nn {

using detail::Mode;
using detail::Network;

struct Predictor::Impl {
    explicit Impl(const CheckpointData& checkpoint)
        : net(NetworkSpec::from_yaml(checkpoint.architecture_yaml, "checkpoint"), 0) {
        net.load(checkpoint.layers);
    }
    std::mutex mutex;
    Network net;
};

Predictor::Predictor(const CheckpointData& checkpoint)
    : impl_(std::make_unique<Impl>(checkpoint)) {}
Predictor::~Predictor() = default;

std::vector<float> Predictor::operator()(const float* x, std::int64_t n) const {
    const std::lock_guard<std::mutex> lock(impl_->mutex);
    Network& net = impl_->net;
    std::vector<float> out(static_cast<std::size_t>(n * net.out_size()));
    constexpr std::int64_t kChunk = 1024;  // bounds activation memory for large n
    for (std::int64_t i = 0; i < n; i += kChunk) {
        const std::int64_t m = std::min(kChunk, n - i);
        const float* y = net.forward(x + i * net.in_size(), m, Mode::kEval);
        std::copy(y, y + m * net.out_size(), out.begin() + i * net.out_size());
    }
    return out;
}

}  // namespace snac::nn
