#pragma once
// Private to nn: what batch and layer normalisation share on oneDNN (scale and shift, mean and
// variance): the memory objects and argument maps of a forward/backward pair, built once per
// primitive; a call only swaps the data pointers.
#include <unordered_map>
#include <vector>

#include "layer.hpp"

namespace snac::nn::detail {

/// The per-parameter storage a normalisation layer owns (gamma/beta with their gradients, and the
/// mean/variance the primitive reads or writes); primitives keep pointers to it.
struct NormStorage {
    float *gamma, *beta, *dgamma, *dbeta, *mean, *var;
};

struct NormArgs {
    /// `data_md`: src/dst and their gradients; `param_md`: gamma/beta; `stat_md`: mean/variance.
    NormArgs(const dnnl::memory::desc& data_md, const dnnl::memory::desc& param_md,
             const dnnl::memory::desc& stat_md, const dnnl::engine& eng, const NormStorage& s)
        : src(data_md, eng, DNNL_MEMORY_NONE),
          dst(data_md, eng, DNNL_MEMORY_NONE),
          dsrc(data_md, eng, DNNL_MEMORY_NONE),
          ddst(data_md, eng, DNNL_MEMORY_NONE) {
        const dnnl::memory gamma(param_md, eng, s.gamma), beta(param_md, eng, s.beta);
        const dnnl::memory mean(stat_md, eng, s.mean), var(stat_md, eng, s.var);
        fwd_args = {{DNNL_ARG_SRC, src},    {DNNL_ARG_DST, dst},   {DNNL_ARG_SCALE, gamma},
                    {DNNL_ARG_SHIFT, beta}, {DNNL_ARG_MEAN, mean}, {DNNL_ARG_VARIANCE, var}};
        bwd_args = {{DNNL_ARG_SRC, src},
                    {DNNL_ARG_DIFF_DST, ddst},
                    {DNNL_ARG_SCALE, gamma},
                    {DNNL_ARG_SHIFT, beta},  // required by oneDNN 2.6
                    {DNNL_ARG_MEAN, mean},
                    {DNNL_ARG_VARIANCE, var},
                    {DNNL_ARG_DIFF_SRC, dsrc},
                    {DNNL_ARG_DIFF_SCALE, dnnl::memory(param_md, eng, s.dgamma)},
                    {DNNL_ARG_DIFF_SHIFT, dnnl::memory(param_md, eng, s.dbeta)}};
    }

    /// y = normalise(x) with `fwd`.
    void forward(const dnnl::primitive& fwd, dnnl::stream& stream, const float* x, float* y) {
        src.set_data_handle(const_cast<float*>(x));
        dst.set_data_handle(y);
        fwd.execute(stream, fwd_args);
        stream.wait();
    }
    /// Parameter gradients and dx (`size` floats) from x and dy with `bwd`, reading the
    /// statistics the preceding forward left. oneDNN always computes diff_src: `scratch` stands
    /// in when dx is unwanted (null).
    void backward(const dnnl::primitive& bwd, dnnl::stream& stream, const float* x, const float* dy,
                  float* dx, std::vector<float>& scratch, std::size_t size) {
        src.set_data_handle(const_cast<float*>(x));
        ddst.set_data_handle(const_cast<float*>(dy));
        if (!dx) {
            scratch.resize(size);
            dx = scratch.data();
        }
        dsrc.set_data_handle(dx);
        bwd.execute(stream, bwd_args);
        stream.wait();
    }

    dnnl::memory src, dst, dsrc, ddst;
    std::unordered_map<int, dnnl::memory> fwd_args, bwd_args;  ///< built once (handles)
};

/// A normalisation layer's trainable scale (gamma, initially 1) and shift (beta, initially 0) of
/// `features` entries, with their gradients.
class ScaleShiftLayer : public Layer {
public:
    ScaleShiftLayer(const LayerSpec& spec, const Shape& in, const Shape& out, std::int64_t features)
        : Layer(spec, in, out),
          gamma_(static_cast<std::size_t>(features), 1.0f),
          beta_(gamma_.size(), 0.0f),
          ggamma_(gamma_.size(), 0.0f),
          gbeta_(gamma_.size(), 0.0f) {}

    std::vector<Param> params() override {
        return {{gamma_.data(), ggamma_.data(), gamma_.size(), Decay::kNone},
                {beta_.data(), gbeta_.data(), beta_.size(), Decay::kNone}};
    }

protected:
    /// The storage NormArgs binds, with the statistics at `mean` and `var`.
    NormStorage storage(float* mean, float* var) {
        return {gamma_.data(), beta_.data(), ggamma_.data(), gbeta_.data(), mean, var};
    }

    std::vector<float> gamma_, beta_, ggamma_, gbeta_;
    std::vector<float> scratch_;  ///< diff_src when the caller wants no dx
};

}  // namespace snac::nn::detail
