// Quantization-aware training hook (see qat_hook.hpp): masters + straight-through estimator for
// weights and biases, result casts after dense/conv, FixedModel's own arithmetic for every other
// layer, and pruning masks that keep pruned weights exactly zero.
#include "qat_hook.hpp"

#include <algorithm>
#include <cmath>

#include "fixed_lower.hpp"
#include "qat_cast.hpp"
#include "snac/core/error.hpp"
#include "snac/nn/fixed_arith.hpp"

namespace snac::nn::detail {
namespace {

bool is_weighted(LayerType t) {
    return t == LayerType::kDense || t == LayerType::kConv2d;
}

}  // namespace

struct QatHook::Quantized {
    float* value = nullptr;  ///< the layer's storage (what forward reads)
    float* grad = nullptr;
    std::size_t size = 0;
    std::vector<float> master;
    std::optional<FloatCast> type;  ///< quantize into this type (QAT)
    const std::vector<float>* mask = nullptr;
};

struct QatHook::Step {
    enum class Kind { kPass, kCast, kFixed } kind = Kind::kPass;
    FloatCast result;
    FixedType accum;
    bool accum_binds = false;
    FixedModel single;  ///< kFixed: this one layer as a model
    bool batchnorm = false;
    std::vector<double> bn_scale;  ///< per channel: dx = dy·scale (statistics frozen)
    std::int64_t bn_hw = 1;
    /// Batch norm's frozen moving statistics, ε, and its γ/β (value and gradient): the hook
    /// computes their gradients itself and folds them into `single` again after every step.
    std::vector<float> bn_mean, bn_var;
    double bn_eps = 0.0;
    Param bn_gamma, bn_beta;
    std::vector<float> pass;  ///< straight-through mask of the last forward (1 or 0)
    bool has_pass = false;    ///< pass holds the last training forward's mask
    bool trailing_softmax = false;
};

QatHook::QatHook(Network& net, const HlsSettings* settings, const MaskMap* masks)
    : net_(net), quantize_(settings != nullptr) {
    if (settings != nullptr) settings_ = *settings;
    Sequence& seq = net.sequence();
    std::map<std::string, const FixedLayer*> by_name;
    if (quantize_) {
        CheckpointData ck;
        ck.layers = net.save();
        model_ = lower_network(net.spec(), ck, *settings);
        for (const FixedLayer& l : model_->layers) by_name[l.name] = &l;
    }
    std::size_t masks_used = 0;
    for (std::size_t i = 0; i < seq.size(); ++i) {
        Layer& layer = seq.layer(i);
        const LayerSpec& spec = layer.spec();
        auto step = std::make_unique<Step>();
        const auto found = by_name.find(spec.name);
        const FixedLayer* fl = found == by_name.end() ? nullptr : found->second;
        if (fl != nullptr) {
            // The straight-through mask looks at what the layer hands on (rho's output for a
            // Deep Sets block).
            step->result = FloatCast(fl->output_type());
            // Blocks computed by FixedModel whose parameters train in float: their lowered copy
            // is refreshed after every optimizer step.
            if (fl->op == FixedOp::kDeepSets || fl->op == FixedOp::kConvAttention)
                refresh_.push_back(i);
            switch (fl->op) {
                case FixedOp::kDense:
                case FixedOp::kConv2d:
                case FixedOp::kRelu:
                    step->kind = Step::Kind::kCast;
                    step->accum = fl->accum;
                    step->accum_binds =
                        fl->op != FixedOp::kRelu &&
                        fl->accum.fractional() < fl->in_type.fractional() + fl->weight.fractional();
                    break;
                case FixedOp::kFlatten:
                    break;
                default:
                    step->kind = Step::Kind::kFixed;
                    step->single.input_shape = fl->in_shape;
                    step->single.input_type = fl->in_type;
                    step->single.layers = {*fl};
                    break;
            }
            // A trailing softmax feeds only the loss, whose gradient with respect to the logits
            // skips it (Network::Head::kSkipSoftmax): in training its firmware rounding would
            // change the loss value, not what the logits learn, and costs a FixedModel run per
            // sample; training keeps the float layer's softmax of the quantized logits there.
            // Evaluation (and every reported metric) runs the firmware's softmax.
            step->trailing_softmax = fl->op == FixedOp::kSoftmax && i + 1 == seq.size();
            if (fl->op == FixedOp::kBatchNorm) {
                step->batchnorm = true;
                step->bn_hw = static_cast<std::int64_t>(fl->height) * fl->width;
                step->bn_eps = spec.epsilon;
                const std::vector<Param> ps = layer.params();  // {gamma, beta}
                step->bn_gamma = ps.at(0);
                step->bn_beta = ps.at(1);
                std::vector<LayerWeights> lw;
                layer.save(lw, "");
                for (const NamedTensor& t : lw.at(0).tensors) {
                    if (t.name == "moving_mean") step->bn_mean = t.values;
                    if (t.name == "moving_variance") step->bn_var = t.values;
                }
                refold_batchnorm(*step);
            }
        }
        steps_.push_back(std::move(step));

        // Parameters: kernels and biases of dense/conv layers are managed here.
        std::vector<Param> ps = layer.params();
        const auto nested = layer.nested_kernels("");
        for (std::size_t k = 0; k < ps.size(); ++k) {
            Param p = ps[k];
            const std::vector<float>* mask = nullptr;
            std::string kernel_name;
            if (k == 0 && is_weighted(spec.type)) kernel_name = spec.name;
            for (const auto& [path, np] : nested)
                if (np.value == p.value) kernel_name = path;
            if (masks != nullptr && !kernel_name.empty()) {
                const auto m = masks->find(kernel_name);
                if (m != masks->end()) {
                    if (m->second.size() != p.size)
                        throw UsageError("pruning mask of layer '" + kernel_name + "' has " +
                                             std::to_string(m->second.size()) + " entries, the " +
                                             "kernel " + std::to_string(p.size),
                                         "the mask does not belong to this architecture");
                    mask = &m->second;
                    ++masks_used;
                }
            }
            const bool quantized = quantize_ && fl != nullptr && is_weighted(spec.type);
            if (quantized || mask != nullptr) {
                auto q = std::make_unique<Quantized>();
                q->value = p.value;
                q->grad = p.grad;
                q->size = p.size;
                q->master.assign(p.value, p.value + p.size);
                if (quantized) q->type = FloatCast(k == 0 ? fl->weight : fl->bias);
                q->mask = mask;
                p.value = q->master.data();
                tensors_.push_back(std::move(q));
            }
            params_.push_back(p);
        }
    }
    if (masks != nullptr && masks_used != masks->size())
        throw UsageError("pruning masks name layers that are not dense or conv2d layers",
                         "prune only dense and conv2d kernels (top level or inside Deep Sets)");
    if (quantize_) input_cast_ = std::make_unique<FloatCast>(model_->input_type);
    // The starting weights as given (masked, quantized); masters are clamped only after steps.
    for (const auto& q : tensors_) write(*q);
    seq.set_hook(this);
}

QatHook::~QatHook() {
    net_.sequence().set_hook(nullptr);
}

void QatHook::write(Quantized& q) {
    if (q.mask)
        for (std::size_t k = 0; k < q.size; ++k)
            q.master[k] = (*q.mask)[k] != 0.0f ? q.master[k] : 0.0f;
    if (q.type)
        q.type->apply(q.master.data(), q.value, q.size);
    else
        std::copy_n(q.master.data(), q.size, q.value);
}

void QatHook::before_step() {
    // Selects rather than branches, so that the loops vectorise (they run on every weight at
    // every optimizer step).
    for (const auto& q : tensors_) {
        float* grad = q->grad;
        if (q->mask) {
            const float* mask = q->mask->data();
            for (std::size_t k = 0; k < q->size; ++k) grad[k] = mask[k] != 0.0f ? grad[k] : 0.0f;
        }
        if (!q->type || q->type->wraps()) continue;
        const float* master = q->master.data();
        const double lo = q->type->lo(), hi = q->type->hi();
        const auto flo = static_cast<float>(lo), fhi = static_cast<float>(hi);
        if (static_cast<double>(flo) == lo && static_cast<double>(fhi) == hi) {
            for (std::size_t k = 0; k < q->size; ++k)
                grad[k] = (master[k] >= flo) & (master[k] <= fhi) ? grad[k] : 0.0f;
        } else {
            for (std::size_t k = 0; k < q->size; ++k) {
                const auto m = static_cast<double>(master[k]);
                grad[k] = (m >= lo) & (m <= hi) ? grad[k] : 0.0f;
            }
        }
    }
}

void QatHook::after_step() {
    for (const auto& q : tensors_) {
        // A master beyond a saturating type's range gets no gradient (before_step), while the
        // optimizer's momentum may still push it outwards: it would stay stuck at the saturated
        // value for good (long QAT runs lost accuracy that way). Clamped to the range it sits on
        // the boundary, where the gradient passes and can bring it back.
        if (q->type && !q->type->wraps()) {
            const auto lo = static_cast<float>(q->type->lo());
            const auto hi = static_cast<float>(q->type->hi());
            for (std::size_t k = 0; k < q->size; ++k)
                q->master[k] = std::clamp(q->master[k], lo, hi);
        }
        write(*q);
    }
    for (const auto& s : steps_)
        if (s->batchnorm) refold_batchnorm(*s);
    refresh_blocks();
}

void QatHook::refold_batchnorm(Step& s) {
    FixedLayer& fl = s.single.layers.at(0);
    fold_batchnorm(s.bn_gamma.value, s.bn_beta.value, s.bn_mean.data(), s.bn_var.data(), s.bn_eps,
                   fl);
    s.bn_scale.resize(fl.weights.size());
    for (std::size_t c = 0; c < fl.weights.size(); ++c)
        s.bn_scale[c] = fx::to_double(fl.weights[c], fl.weight);
}

std::vector<LayerWeights> QatHook::save_masters() {
    std::vector<std::vector<float>> kept;
    for (const auto& q : tensors_) {
        kept.emplace_back(q->value, q->value + q->size);
        std::copy_n(q->master.data(), q->size, q->value);
    }
    std::vector<LayerWeights> out = net_.save();
    for (std::size_t i = 0; i < tensors_.size(); ++i)
        std::copy(kept[i].begin(), kept[i].end(), tensors_[i]->value);
    return out;
}

void QatHook::refresh_blocks() {
    if (refresh_.empty()) return;
    CheckpointData ck;
    ck.layers = net_.save();
    const FixedModel m = lower_network(net_.spec(), ck, settings_);
    for (const std::size_t i : refresh_) {
        const std::string& name = net_.sequence().layer(i).spec().name;
        for (const FixedLayer& l : m.layers)
            if (l.name == name) steps_[i]->single.layers = {l};
    }
}

const float* QatHook::input(const float* x, std::int64_t n) {
    if (!quantize_) return x;
    const auto size = static_cast<std::size_t>(n * net_.in_size());
    input_.resize(size);
    input_cast_->apply(x, input_.data(), size);
    return input_.data();
}

Mode QatHook::layer_mode(std::size_t i, Mode mode) {
    if (!quantize_) return mode;
    const LayerType t = net_.sequence().layer(i).spec().type;
    // Batch norm runs on its frozen moving statistics (what FixedModel folds); dropout is absent
    // from the firmware.
    return t == LayerType::kBatchNorm || t == LayerType::kDropout ? Mode::kEval : mode;
}

void QatHook::after_forward(std::size_t i, const float* x, float* y, std::int64_t n, Mode mode) {
    Step& s = *steps_[i];
    if (s.kind == Step::Kind::kPass) return;
    const Layer& layer = net_.sequence().layer(i);
    const auto size = static_cast<std::size_t>(n * layer.out_size());
    if (mode == Mode::kTrain && s.trailing_softmax) {
        s.has_pass = false;
        return;
    }
    if (mode == Mode::kTrain) {
        s.pass.resize(size);
        s.result.pass_mask(y, s.pass.data(), size);
        s.has_pass = !s.result.wraps();
    }
    if (s.kind == Step::Kind::kCast && !s.accum_binds) {
        s.result.apply(y, y, size);
        return;
    }
    if (s.kind == Step::Kind::kCast) {
        for (std::size_t k = 0; k < size; ++k) {
            double v = static_cast<double>(y[k]);
            // A narrower accumulator than the products needs per-product casts, which a float
            // matrix product cannot do; one cast of the sum approximates it (qat_settings never
            // chooses such accumulators).
            if (s.accum_binds) v = fx::quantize(v, s.accum);
            y[k] = static_cast<float>(fx::quantize(v, s.result.type()));
        }
        return;
    }
    const std::int64_t in = layer.in_size(), out = layer.out_size();
#pragma omp parallel for schedule(static)
    for (std::int64_t j = 0; j < n; ++j) {
        const std::vector<double> r = s.single.run(x + j * in);
        for (std::int64_t k = 0; k < out; ++k)
            y[j * out + k] = static_cast<float>(r[static_cast<std::size_t>(k)]);
    }
}

bool QatHook::before_backward(std::size_t i, const float* x, float* dy, float* dx, std::int64_t n) {
    Step& s = *steps_[i];
    if (s.kind == Step::Kind::kPass) return false;
    const Layer& layer = net_.sequence().layer(i);
    const auto size = static_cast<std::size_t>(n * layer.out_size());
    if (s.has_pass && s.pass.size() >= size)
        for (std::size_t k = 0; k < size; ++k) dy[k] = s.pass[k] != 0.0f ? dy[k] : 0.0f;
    if (!s.batchnorm) return false;
    // The forward is the folded y = scale·x + bias with scale = γ/√(var+ε) and bias = β −
    // scale·mean on frozen statistics, straight through the quantization of scale and bias:
    // dγ = Σ dy·(x − mean)/√(var+ε), dβ = Σ dy, dx = dy·scale.
    const auto hw = static_cast<std::size_t>(s.bn_hw);
    const std::size_t per = static_cast<std::size_t>(layer.in_size());
    const std::size_t channels = s.bn_scale.size();
    std::vector<double> dgamma(channels, 0.0), dbeta(channels, 0.0), inv_std(channels);
    for (std::size_t c = 0; c < channels; ++c)
        inv_std[c] = 1.0 / std::sqrt(static_cast<double>(s.bn_var[c]) + s.bn_eps);
    for (std::size_t k = 0; k < size; ++k) {
        const std::size_t c = (k % per) / hw;
        const auto g = static_cast<double>(dy[k]);
        dgamma[c] +=
            g * (static_cast<double>(x[k]) - static_cast<double>(s.bn_mean[c])) * inv_std[c];
        dbeta[c] += g;
        if (dx != nullptr) dx[k] = dy[k] * static_cast<float>(s.bn_scale[c]);
    }
    for (std::size_t c = 0; c < channels; ++c) {
        s.bn_gamma.grad[c] = static_cast<float>(dgamma[c]);
        s.bn_beta.grad[c] = static_cast<float>(dbeta[c]);
    }
    return true;
}

}  // namespace snac::nn::detail
