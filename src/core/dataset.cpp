#include "snac/core/dataset.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <numeric>
#include <random>
#include <stdexcept>

#include "snac/core/seed.hpp"

namespace snac {

std::int64_t scaling_channels(const std::vector<std::int64_t>& sample_shape) {
    if (sample_shape.empty()) return 1;
    if (sample_shape.size() == 1) return sample_shape[0];
    if (sample_shape.size() == 2) return sample_shape[1];
    return sample_shape[0];
}

std::int64_t scaling_channel_of(const std::vector<std::int64_t>& sample_shape,
                                std::int64_t element) {
    if (sample_shape.size() <= 1) return element;
    if (sample_shape.size() == 2) return element % sample_shape[1];
    const std::int64_t per_channel = std::accumulate(sample_shape.begin() + 1, sample_shape.end(),
                                                     std::int64_t{1}, std::multiplies<>());
    return element / per_channel;
}

std::int64_t Dataset::sample_size() const {
    return std::accumulate(sample_shape.begin(), sample_shape.end(), std::int64_t{1},
                           std::multiplies<>());
}

const std::vector<std::int64_t>& Dataset::indices(Split split) const {
    switch (split) {
        case Split::kTrain:
            return train_idx;
        case Split::kVal:
            return val_idx;
        case Split::kTest:
            return test_idx;
    }
    return train_idx;
}

BatchIterator::BatchIterator(const Dataset& data, Split split, std::int64_t batch_size,
                             std::uint64_t seed, bool shuffle)
    : data_(data),
      base_(data.indices(split)),
      order_(base_),
      batch_size_(batch_size),
      seed_(seed),
      shuffle_(shuffle) {
    if (batch_size < 1) throw std::invalid_argument("batch size must be >= 1");
}

void BatchIterator::start_epoch(std::int64_t epoch) {
    order_ = base_;
    cursor_ = 0;
    if (!shuffle_) return;
    // Fisher-Yates with our own draws so the order is identical across standard libraries.
    std::mt19937_64 rng(derive_seed(seed_, static_cast<std::uint64_t>(epoch), "batch-order"));
    for (std::size_t i = order_.size(); i > 1; --i) {
        const std::size_t j = static_cast<std::size_t>(rng() % i);
        std::swap(order_[i - 1], order_[j]);
    }
}

std::int64_t BatchIterator::next(std::vector<float>& x, std::vector<std::int32_t>& labels,
                                 std::vector<float>& targets) {
    const std::int64_t n = std::min<std::int64_t>(batch_size_, size() - cursor_);
    if (n <= 0) return 0;
    const std::int64_t ss = data_.sample_size();
    x.resize(static_cast<std::size_t>(n * ss));
    const bool cls = data_.task == TaskType::kClassification;
    if (cls)
        labels.resize(static_cast<std::size_t>(n));
    else
        targets.resize(static_cast<std::size_t>(n * data_.target_dim));
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t s = order_[static_cast<std::size_t>(cursor_ + i)];
        std::memcpy(x.data() + i * ss, data_.x.data() + s * ss, sizeof(float) * ss);
        if (cls) {
            labels[static_cast<std::size_t>(i)] = data_.labels[static_cast<std::size_t>(s)];
        } else {
            std::memcpy(targets.data() + i * data_.target_dim,
                        data_.targets.data() + s * data_.target_dim,
                        sizeof(float) * data_.target_dim);
        }
    }
    cursor_ += n;
    return n;
}

std::int64_t BatchIterator::batches_per_epoch() const {
    return (size() + batch_size_ - 1) / batch_size_;
}

}  // namespace snac
