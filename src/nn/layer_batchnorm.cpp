// Batch normalisation on oneDNN (scale and shift = gamma and beta), over features of [F] samples
// or over channels of [C, H, W] samples. Moving statistics follow the Keras convention:
// moving = momentum * moving + (1 - momentum) * batch, with the biased batch variance.
#include <map>
#include <tuple>

#include "layer.hpp"
#include "layers.hpp"
#include "normalization.hpp"

namespace snac::nn::detail {
namespace {

using dnnl::memory;
using nflags = dnnl::normalization_flags;

class BatchNormLayer final : public ScaleShiftLayer {
public:
    BatchNormLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx)
        : ScaleShiftLayer(spec, in, out, in[0]), ctx_(ctx), c_(in[0]) {
        const auto c = static_cast<std::size_t>(c_);
        mean_.assign(c, 0.0f);
        var_.assign(c, 1.0f);
        batch_mean_.assign(c, 0.0f);
        batch_var_.assign(c, 1.0f);
    }

    /// On [C, H, W] it normalises per channel in either layout (oneDNN has blocked kernels).
    LayoutSupport layout_support() const override {
        return in_.size() == 3 ? LayoutSupport::kSame : LayoutSupport::kPlainOnly;
    }

    void forward(const float* x, float* y, std::int64_t n, Mode mode) override {
        last_mode_ = mode;
        Prims& p = prims(n, mode);
        p.args.forward(p.fwd, ctx_.stream, x, y);
        if (mode == Mode::kTrain) {
            const auto m = static_cast<float>(spec_.momentum);
            for (std::size_t i = 0; i < mean_.size(); ++i) {
                mean_[i] = m * mean_[i] + (1.0f - m) * batch_mean_[i];
                var_[i] = m * var_[i] + (1.0f - m) * batch_var_[i];
            }
        }
    }

    void backward(const float* x, const float*, const float* dy, float* dx,
                  std::int64_t n) override {
        Prims& p = prims(n, last_mode_);
        p.args.backward(p.bwd, ctx_.stream, x, dy, dx, scratch_,
                        static_cast<std::size_t>(n * in_size()));
    }

protected:
    std::vector<NamedTensor> tensors() const override {
        return {{"gamma", {c_}, gamma_},
                {"beta", {c_}, beta_},
                {"moving_mean", {c_}, mean_},
                {"moving_variance", {c_}, var_}};
    }
    void set_tensors(const std::vector<NamedTensor>& t) override {
        const std::string where = "layer '" + spec_.name + "'";
        const auto c = static_cast<std::size_t>(c_);
        copy_into(find_tensor(t, "gamma", c, where), gamma_);
        copy_into(find_tensor(t, "beta", c, where), beta_);
        copy_into(find_tensor(t, "moving_mean", c, where), mean_);
        copy_into(find_tensor(t, "moving_variance", c, where), var_);
    }

private:
    struct Prims {
        dnnl::batch_normalization_forward fwd;
        dnnl::batch_normalization_backward bwd;
        NormArgs args;
    };

    Prims& prims(std::int64_t n, Mode mode) {
        const auto key = std::make_tuple(n, mode, in_layout_);
        auto it = cache_.find(key);
        if (it != cache_.end()) return it->second;
        const auto& eng = ctx_.engine;
        // [F] samples as [n, F, 1, 1] in nhwc (the same bytes as row-major [n, F]): oneDNN picks
        // its JIT channels-last kernel, several times faster than its generic 2-D path.
        const memory::desc data_md =
            in_.size() == 1
                ? memory::desc({n, c_, 1, 1}, memory::data_type::f32, memory::format_tag::nhwc)
                : chw_desc({n, c_, in_[1], in_[2]}, in_layout_);
        const auto eps = static_cast<float>(spec_.epsilon);
        const bool train = mode == Mode::kTrain;
        const nflags flags =
            train ? (nflags::use_scale | nflags::use_shift)
                  : (nflags::use_scale | nflags::use_shift | nflags::use_global_stats);
        const dnnl::batch_normalization_forward::primitive_desc fwd_pd(
            dnnl::batch_normalization_forward::desc(
                train ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference,
                data_md, eps, flags),
            eng);
        const dnnl::batch_normalization_backward::primitive_desc bwd_pd(
            dnnl::batch_normalization_backward::desc(dnnl::prop_kind::backward, data_md, data_md,
                                                     eps, flags),
            eng, fwd_pd);
        const memory::desc c_md({c_}, memory::data_type::f32, memory::format_tag::a);
        Prims p{dnnl::batch_normalization_forward(fwd_pd),
                dnnl::batch_normalization_backward(bwd_pd),
                NormArgs(data_md, c_md, c_md, eng,
                         train ? storage(batch_mean_.data(), batch_var_.data())
                               : storage(mean_.data(), var_.data()))};
        return cache_.emplace(key, std::move(p)).first->second;
    }

    DnnlContext& ctx_;
    std::int64_t c_;
    std::vector<float> mean_, var_, batch_mean_, batch_var_;
    Mode last_mode_ = Mode::kTrain;
    std::map<std::tuple<std::int64_t, Mode, Layout>, Prims> cache_;
};

}  // namespace

std::unique_ptr<Layer> make_batchnorm(const LayerSpec& spec, const Shape& in, const Shape& out,
                                      DnnlContext& ctx, std::uint64_t) {
    return std::make_unique<BatchNormLayer>(spec, in, out, ctx);
}

}  // namespace snac::nn::detail
