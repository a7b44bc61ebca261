#pragma once
// Private to nn: losses (value and gradient) and evaluation metrics on one batch.
#include <cstdint>

namespace snac::nn::detail {

/// kProbabilities: the network ends with a top-level softmax whose Jacobian the loss folds in
/// (gradient with respect to the softmax input); kNestedProbabilities: a softmax ends a nested
/// sequence (Deep Sets rho), so the gradient is taken with respect to the probabilities.
enum class OutputKind { kLogits, kProbabilities, kNestedProbabilities };

/// Sum over the batch of -log p(label). Writes the gradient of the batch-mean loss into grad
/// (n x classes), with respect to what `kind` says.
double cross_entropy(const float* out, const std::int32_t* labels, std::int64_t n,
                     std::int64_t classes, OutputKind kind, float* grad);
/// Sum over the batch of the per-sample mean squared error; gradient of the batch mean into grad.
double mean_squared_error(const float* out, const float* targets, std::int64_t n,
                          std::int64_t dim, float* grad);
/// Number of samples whose arg-max output equals the label.
std::int64_t correct_count(const float* out, const std::int32_t* labels, std::int64_t n,
                           std::int64_t classes);
/// Sum over the batch of the Euclidean distance between output and target (label units).
double distance_sum(const float* out, const float* targets, std::int64_t n, std::int64_t dim);

}  // namespace snac::nn::detail
