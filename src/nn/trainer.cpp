// The training loop: mini-batches from BatchIterator, oneDNN forward/backward, Adam, SGD or
// RMSprop, learning-rate schedules, early stopping on the validation metric, divergence as a status.
#include "snac/nn/trainer.hpp"
#include "snac/nn/predictor.hpp"

#include <omp.h>

#include <chrono>
#include <cmath>
#include <numbers>
#include <optional>

#include "loss.hpp"
#include "network.hpp"
#include "optimizer.hpp"
#include "qat_hook.hpp"
#include "snac/core/error.hpp"
#include "snac/core/feature_scaling.hpp"
#include "snac/core/metrics.hpp"
#include "snac/core/seed.hpp"

namespace snac::nn {
namespace {

using detail::Mode;
using detail::Network;
using Clock = std::chrono::steady_clock;

/// Sets the OpenMP thread count oneDNN uses for the lifetime of one training, then restores it.
class ThreadScope {
public:
    explicit ThreadScope(int threads) : previous_(omp_get_max_threads()), set_(threads > 0) {
        if (set_) omp_set_num_threads(threads);
    }
    ~ThreadScope() {
        if (set_) omp_set_num_threads(previous_);
    }
    ThreadScope(const ThreadScope&) = delete;
    ThreadScope& operator=(const ThreadScope&) = delete;

private:
    int previous_;
    bool set_;
};

enum class Objective { kCrossEntropy, kMse };

struct Task {
    bool classification = true;
    Objective objective = Objective::kCrossEntropy;
    std::int64_t outputs = 0;
    detail::OutputKind output_kind = detail::OutputKind::kLogits;
};

struct Buffers {
    std::vector<float> x, targets, onehot, grad;
    std::vector<std::int32_t> labels;
};

Task make_task(const Network& net, const Dataset& data, const TrainConfig& config) {
    // A 1-D input of the same size reads image samples row-major (an implicit flatten).
    const Shape& in = net.spec().input_shape;
    const bool flat_ok = in.size() == 1 && in[0] == data.sample_size();
    if (data.sample_shape != in && !flat_ok)
        throw UsageError("the network's input_shape " + shape_str(net.spec().input_shape) +
                             " does not match the dataset's sample shape " +
                             shape_str(data.sample_shape),
                         "set input_shape: " + shape_str(data.sample_shape) +
                             " in the architecture file");
    Task t;
    t.classification = data.task == TaskType::kClassification;
    t.outputs = t.classification ? data.n_classes : data.target_dim;
    if (net.out_size() != t.outputs)
        throw UsageError("the network has " + std::to_string(net.out_size()) +
                             " outputs but the dataset needs " + std::to_string(t.outputs) +
                             (t.classification ? " (one per class)" : " (one per target)"),
                         "make the last dense layer have units: " + std::to_string(t.outputs));
    t.objective = config.loss == LossKind::kMse || (config.loss == LossKind::kAuto &&
                                                    !t.classification)
                      ? Objective::kMse
                      : Objective::kCrossEntropy;
    if (t.objective == Objective::kCrossEntropy && !t.classification)
        throw UsageError("loss cross_entropy needs a classification dataset",
                         "use loss: mse (or auto) for regression");
    t.output_kind = net.ends_with_softmax()        ? detail::OutputKind::kProbabilities
                    : net.outputs_probabilities() ? detail::OutputKind::kNestedProbabilities
                                                  : detail::OutputKind::kLogits;
    return t;
}

/// Loss of one batch (sum over samples); writes dL/d(output) into b.grad when `grad` is set.
double batch_loss(const float* out, std::int64_t n, const Task& t, Buffers& b, bool grad) {
    float* g = nullptr;
    if (grad) {
        b.grad.resize(static_cast<std::size_t>(n * t.outputs));
        g = b.grad.data();
    }
    if (t.objective == Objective::kCrossEntropy)
        return detail::cross_entropy(out, b.labels.data(), n, t.outputs, t.output_kind, g);
    const float* target = b.targets.data();
    if (t.classification) {  // MSE against one-hot class vectors
        b.onehot.assign(static_cast<std::size_t>(n * t.outputs), 0.0f);
        for (std::int64_t i = 0; i < n; ++i) b.onehot[i * t.outputs + b.labels[i]] = 1.0f;
        target = b.onehot.data();
    }
    return detail::mean_squared_error(out, target, n, t.outputs, g);
}

/// Loss and task metric over one split, in evaluation mode. Empty map for an empty split.
std::map<std::string, double> evaluate(Network& net, const Dataset& data, Split split,
                                       const Task& t, std::int64_t batch, Buffers& b,
                                       detail::QatHook* hook) {
    BatchIterator it(data, split, batch, 0, false);
    if (it.size() == 0) return {};
    it.start_epoch(0);
    double loss = 0.0, distance = 0.0;
    std::int64_t correct = 0, seen = 0;
    while (const std::int64_t n = it.next(b.x, b.labels, b.targets)) {
        const float* x = hook ? hook->input(b.x.data(), n) : b.x.data();
        const float* out = net.forward(x, n, Mode::kEval);
        loss += batch_loss(out, n, t, b, false);
        if (t.classification) correct += detail::correct_count(out, b.labels.data(), n, t.outputs);
        else distance += detail::distance_sum(out, b.targets.data(), n, t.outputs);
        seen += n;
    }
    std::map<std::string, double> m{{"loss", loss / static_cast<double>(seen)}};
    if (t.classification) m["accuracy"] = static_cast<double>(correct) / static_cast<double>(seen);
    else m["mean_distance"] = distance / static_cast<double>(seen);
    return m;
}

/// The scheduled rate of `epoch`; reduce_on_plateau starts at the base rate and is scaled by the
/// training loop, which sees the monitored metric.
double learning_rate(const TrainConfig& c, int epoch) {
    switch (c.schedule) {
        case LrSchedule::kExponential:
            return c.learning_rate * std::pow(c.decay_rate, epoch);
        case LrSchedule::kStep:
            return c.learning_rate * std::pow(c.gamma, epoch / c.step_size);
        case LrSchedule::kCosine:
            return c.learning_rate * 0.5 *
                   (1.0 + std::cos(std::numbers::pi * epoch / static_cast<double>(c.epochs)));
        case LrSchedule::kConstant:
        case LrSchedule::kPlateau:
            break;
    }
    return c.learning_rate;
}

/// Larger is better for accuracy; smaller for loss and distance.
bool improves(const Task& t, double value, double best) {
    return t.classification ? value > best : value < best;
}

std::string status_name(TrainStatus s) {
    switch (s) {
        case TrainStatus::kOk: return "ok";
        case TrainStatus::kDiverged: return "diverged";
        case TrainStatus::kStopped: return "stopped";
        case TrainStatus::kFailed: return "failed";
    }
    return "?";
}

TrainResult train_once(const NetworkSpec& spec, const Dataset& data, const TrainConfig& config,
                       const TrainOptions& options) {
    const auto t0 = Clock::now();
    ThreadScope threads(options.threads);
    Network net(spec, derive_seed(options.seed, 0, "init"));
    const Task task = make_task(net, data, config);
    if (data.train_idx.empty())
        throw UsageError("dataset '" + data.name + "' has an empty training split",
                         "check the dataset's split indices");
    if (options.initial_weights) net.load(*options.initial_weights);
    std::optional<detail::QatHook> hook;
    if (options.quantize || options.masks) hook.emplace(net, options.quantize, options.masks);
    detail::QatHook* qat = hook ? &*hook : nullptr;
    detail::Optimizer opt(config, qat ? qat->optimizer_params() : net.params());
    BatchIterator train(data, Split::kTrain, config.batch_size,
                        derive_seed(options.seed, 0, "shuffle"));
    const bool has_val = !data.val_idx.empty();
    const std::string metric = task.classification ? "accuracy" : "loss";

    TrainResult result;
    Buffers b;
    double best = task.classification ? -1.0 : INFINITY;
    int best_epoch = -1, since_best = 0;
    std::vector<LayerWeights> best_weights;
    // reduce_on_plateau: the validation metric (the training loss without a validation split)
    // that has not improved for plateau_patience epochs multiplies the rate by gamma.
    double plateau_scale = 1.0, plateau_best = NAN;
    int plateau_wait = 0;
    for (int epoch = 0; epoch < config.epochs; ++epoch) {
        const auto e0 = Clock::now();
        const double lr = learning_rate(config, epoch) * plateau_scale;
        train.start_epoch(epoch);
        double loss_sum = 0.0;
        std::int64_t seen = 0;
        while (const std::int64_t n = train.next(b.x, b.labels, b.targets)) {
            if (options.stop && options.stop->load()) {
                result.status = TrainStatus::kStopped;
                result.reason = "stopped on request during epoch " + std::to_string(epoch + 1);
                break;
            }
            const float* xin = qat ? qat->input(b.x.data(), n) : b.x.data();
            const float* out = net.forward(xin, n, Mode::kTrain);
            const double loss = batch_loss(out, n, task, b, true);
            if (!std::isfinite(loss)) {
                result.status = TrainStatus::kDiverged;
                result.reason = "the training loss became " +
                                std::string(std::isnan(loss) ? "NaN" : "infinite") +
                                " in epoch " + std::to_string(epoch + 1);
                break;
            }
            net.backward(xin, b.grad.data(), n,
                         task.objective == Objective::kCrossEntropy &&
                                 task.output_kind == detail::OutputKind::kProbabilities
                             ? Network::Head::kSkipSoftmax
                             : Network::Head::kFull);
            if (qat) qat->before_step();
            opt.step(lr);
            if (qat) qat->after_step();
            loss_sum += loss;
            seen += n;
        }
        if (result.status != TrainStatus::kOk) break;
        EpochReport rep;
        rep.epoch = epoch + 1;
        rep.train_loss = loss_sum / static_cast<double>(seen);
        rep.val_metrics = evaluate(net, data, Split::kVal, task, config.batch_size, b, qat);
        rep.seconds = std::chrono::duration<double>(Clock::now() - e0).count();
        result.history.push_back(rep);
        result.checkpoint.history["train_loss"].push_back(rep.train_loss);
        result.checkpoint.history["learning_rate"].push_back(lr);
        result.checkpoint.history["seconds"].push_back(rep.seconds);
        for (const auto& [k, v] : rep.val_metrics)
            result.checkpoint.history[training_metric_key(k, EvalSplit::kValidation)].push_back(v);
        if (options.on_epoch) options.on_epoch(rep);
        if (config.schedule == LrSchedule::kPlateau) {
            const bool higher = has_val && task.classification;
            const double watched = has_val ? rep.val_metrics.at(metric) : rep.train_loss;
            if (std::isnan(plateau_best) ||
                (higher ? watched > plateau_best : watched < plateau_best)) {
                plateau_best = watched;
                plateau_wait = 0;
            } else if (++plateau_wait >= config.plateau_patience) {
                plateau_scale *= config.gamma;
                plateau_wait = 0;
            }
        }
        if (!has_val) continue;
        const double value = rep.val_metrics.at(metric);
        if (!std::isfinite(value)) {
            result.status = TrainStatus::kDiverged;
            result.reason = "the validation " + metric + " became non-finite in epoch " +
                            std::to_string(epoch + 1);
            break;
        }
        if (improves(task, value, best)) {
            best = value;
            best_epoch = epoch;
            since_best = 0;
            if (config.early_stopping_patience > 0) best_weights = net.save();
        } else if (config.early_stopping_patience > 0 &&
                   ++since_best >= config.early_stopping_patience) {
            break;
        }
    }
    // Early stopping returns the weights of the best validation epoch.
    if (!best_weights.empty()) net.load(best_weights);
    if (qat != nullptr && options.quantize != nullptr && best_weights.empty())
        result.master_weights = qat->save_masters();
    if (result.status == TrainStatus::kOk || result.status == TrainStatus::kStopped) {
        for (const auto& [k, v] : evaluate(net, data, Split::kVal, task, config.batch_size, b, qat))
            result.metrics[training_metric_key(k, EvalSplit::kValidation)] = v;
        for (const auto& [k, v] : evaluate(net, data, Split::kTest, task, config.batch_size, b, qat))
            result.metrics[training_metric_key(k, EvalSplit::kTest)] = v;
    }
    if (!result.history.empty()) result.metrics["train_loss"] = result.history.back().train_loss;
    result.metrics["epochs"] = static_cast<double>(result.history.size());
    if (best_epoch >= 0) result.metrics["best_epoch"] = best_epoch + 1;

    CheckpointData& ck = result.checkpoint;
    ck.architecture_yaml = spec.to_yaml();
    ck.training_yaml = train_config_yaml(config);
    ck.layers = net.save();
    if (options.masks)
        for (LayerWeights& lw : ck.layers) {
            const auto m = options.masks->find(lw.layer_name);
            if (m == options.masks->end()) continue;
            for (std::size_t k = 0; k < lw.tensors.size(); ++k)
                if (lw.tensors[k].name == "kernel") {
                    lw.tensors.push_back({"kernel_mask", lw.tensors[k].shape, m->second});
                    break;
                }
        }
    ck.final_metrics = result.metrics;
    ck.attributes["seed"] = std::to_string(options.seed);
    ck.attributes["threads"] = std::to_string(omp_get_max_threads());
    ck.attributes["dataset"] = data.name;
    // What snac predict applies to raw samples (docs/checkpoint-format.md).
    ck.attributes["input_scaling"] = scaling_to_yaml(data.scaling, data.sample_shape);
    ck.attributes["task"] = task.classification ? "classification" : "regression";
    ck.attributes["status"] = status_name(result.status);
    if (!result.reason.empty()) ck.attributes["reason"] = result.reason;
    result.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return result;
}

/// k-fold cross-validation on the training split (contiguous folds of a seeded permutation):
/// each fold trains on the other k-1 folds and validates on itself; the fold metrics are reported
/// as cv_<metric>_mean and cv_<metric>_std next to the metrics of the final model.
std::map<std::string, double> cross_validate(const NetworkSpec& spec, const Dataset& data,
                                             const TrainConfig& config, const TrainOptions& options,
                                             TrainStatus& status, std::string& reason) {
    const int k = config.kfold;
    if (static_cast<std::int64_t>(data.train_idx.size()) < k)
        throw UsageError("kfold " + std::to_string(k) + " needs at least " + std::to_string(k) +
                             " training samples",
                         "lower train.kfold");
    Dataset fold = data;  // one copy; only its split indices change per fold
    std::vector<std::int64_t> order = data.train_idx;
    detail::Rng rng(derive_seed(options.seed, 0, "kfold"));
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.next() % i]);
    std::map<std::string, std::vector<double>> values;
    for (int f = 0; f < k; ++f) {
        const std::size_t lo = order.size() * static_cast<std::size_t>(f) / static_cast<std::size_t>(k);
        const std::size_t hi = order.size() * static_cast<std::size_t>(f + 1) / static_cast<std::size_t>(k);
        fold.val_idx.assign(order.begin() + static_cast<std::ptrdiff_t>(lo),
                            order.begin() + static_cast<std::ptrdiff_t>(hi));
        fold.train_idx.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(lo));
        fold.train_idx.insert(fold.train_idx.end(), order.begin() + static_cast<std::ptrdiff_t>(hi),
                              order.end());
        fold.test_idx.clear();
        TrainOptions o = options;
        o.seed = derive_seed(options.seed, static_cast<std::uint64_t>(f) + 1, "fold");
        o.on_epoch = nullptr;
        const TrainResult r = train_once(spec, fold, config, o);
        if (r.status != TrainStatus::kOk) {
            status = r.status;
            reason = "fold " + std::to_string(f + 1) + ": " + r.reason;
            return {};
        }
        for (const auto& [name, v] : r.metrics)
            if (name.rfind("val_", 0) == 0) values[name.substr(4)].push_back(v);
    }
    std::map<std::string, double> out;
    for (const auto& [name, v] : values) {
        double mean = 0.0, var = 0.0;
        for (double x : v) mean += x / static_cast<double>(v.size());
        for (double x : v) var += (x - mean) * (x - mean) / static_cast<double>(v.size());
        out["cv_" + name + "_mean"] = mean;
        out["cv_" + name + "_std"] = std::sqrt(var);
    }
    return out;
}

}  // namespace

TrainResult train_network(const NetworkSpec& spec, const Dataset& data, const TrainConfig& config,
                          const TrainOptions& options) {
    if (config.kfold <= 1) return train_once(spec, data, config, options);
    ThreadScope threads(options.threads);
    TrainStatus status = TrainStatus::kOk;
    std::string reason;
    const auto cv = cross_validate(spec, data, config, options, status, reason);
    TrainResult result = train_once(spec, data, config, options);
    if (status != TrainStatus::kOk && result.status == TrainStatus::kOk) {
        result.status = status;
        result.reason = reason;
        result.checkpoint.attributes["status"] = status_name(status);
        result.checkpoint.attributes["reason"] = reason;
    }
    for (const auto& [k, v] : cv) {
        result.metrics[k] = v;
        result.checkpoint.final_metrics[k] = v;
    }
    return result;
}

std::vector<float> predict(const CheckpointData& checkpoint, const float* x, std::int64_t n) {
    return Predictor(checkpoint)(x, n);
}

}  // namespace snac::nn
