// Batch normalisation on oneDNN (scale and shift = gamma and beta), over features of [F] samples
// or over channels of [C, H, W] samples. Moving statistics follow the Keras convention:
// moving = momentum * moving + (1 - momentum) * batch, with the biased batch variance.
#include <map>
#include <tuple>

#include "layer.hpp"
#include "layers.hpp"

namespace snac::nn::detail {
namespace {

using dnnl::memory;
using nflags = dnnl::normalization_flags;

class BatchNormLayer final : public Layer {
public:
    BatchNormLayer(const LayerSpec& spec, const Shape& in, const Shape& out, DnnlContext& ctx)
        : Layer(spec, in, out), ctx_(ctx), c_(in[0]) {
        const auto c = static_cast<std::size_t>(c_);
        gamma_.assign(c, 1.0f);
        beta_.assign(c, 0.0f);
        ggamma_.assign(c, 0.0f);
        gbeta_.assign(c, 0.0f);
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
        p.src.set_data_handle(const_cast<float*>(x));
        p.dst.set_data_handle(y);
        p.fwd.execute(ctx_.stream, p.fwd_args);
        ctx_.stream.wait();
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
        p.src.set_data_handle(const_cast<float*>(x));
        p.ddst.set_data_handle(const_cast<float*>(dy));
        // oneDNN always computes diff_src here; a scratch buffer stands in when dx is unwanted.
        if (!dx) {
            scratch_.resize(static_cast<std::size_t>(n * in_size()));
            dx = scratch_.data();
        }
        p.dsrc.set_data_handle(dx);
        p.bwd.execute(ctx_.stream, p.bwd_args);
        ctx_.stream.wait();
    }

    std::vector<Param> params() override {
        return {{gamma_.data(), ggamma_.data(), gamma_.size(), Decay::kNone},
                {beta_.data(), gbeta_.data(), beta_.size(), Decay::kNone}};
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
        memory src, dst, dsrc, ddst, gamma, beta, dgamma, dbeta, mean, var;
        std::unordered_map<int, memory> fwd_args, bwd_args;  ///< built once (handles)
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
        Prims p;
        p.fwd = dnnl::batch_normalization_forward(fwd_pd);
        p.bwd = dnnl::batch_normalization_backward(bwd_pd);
        const memory::desc c_md({c_}, memory::data_type::f32, memory::format_tag::a);
        p.src = memory(data_md, eng, DNNL_MEMORY_NONE);
        p.dst = memory(data_md, eng, DNNL_MEMORY_NONE);
        p.dsrc = memory(data_md, eng, DNNL_MEMORY_NONE);
        p.ddst = memory(data_md, eng, DNNL_MEMORY_NONE);
        p.gamma = memory(c_md, eng, gamma_.data());
        p.beta = memory(c_md, eng, beta_.data());
        p.dgamma = memory(c_md, eng, ggamma_.data());
        p.dbeta = memory(c_md, eng, gbeta_.data());
        p.mean = memory(c_md, eng, train ? batch_mean_.data() : mean_.data());
        p.var = memory(c_md, eng, train ? batch_var_.data() : var_.data());
        p.fwd_args = {{DNNL_ARG_SRC, p.src},     {DNNL_ARG_DST, p.dst},
                      {DNNL_ARG_SCALE, p.gamma}, {DNNL_ARG_SHIFT, p.beta},
                      {DNNL_ARG_MEAN, p.mean},   {DNNL_ARG_VARIANCE, p.var}};
        p.bwd_args = {
            {DNNL_ARG_SRC, p.src},         {DNNL_ARG_DIFF_DST, p.ddst},
            {DNNL_ARG_SCALE, p.gamma},     {DNNL_ARG_SHIFT, p.beta},  // required by oneDNN 2.6
            {DNNL_ARG_MEAN, p.mean},       {DNNL_ARG_VARIANCE, p.var},
            {DNNL_ARG_DIFF_SRC, p.dsrc},   {DNNL_ARG_DIFF_SCALE, p.dgamma},
            {DNNL_ARG_DIFF_SHIFT, p.dbeta}};
        return cache_.emplace(key, std::move(p)).first->second;
    }

    DnnlContext& ctx_;
    std::int64_t c_;
    std::vector<float> gamma_, beta_, ggamma_, gbeta_, mean_, var_, batch_mean_, batch_var_;
    std::vector<float> scratch_;
    Mode last_mode_ = Mode::kTrain;
    std::map<std::tuple<std::int64_t, Mode, Layout>, Prims> cache_;
};

}  // namespace

std::unique_ptr<Layer> make_batchnorm(const LayerSpec& spec, const Shape& in, const Shape& out,
                                      DnnlContext& ctx, std::uint64_t) {
    return std::make_unique<BatchNormLayer>(spec, in, out, ctx);
}

}  // namespace snac::nn::detail
