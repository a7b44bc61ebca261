#pragma once
// Private to nn: the two primitive shapes the layers share. Each is built once per batch size;
// memory objects are handles, so the argument maps are built once and a call only swaps the data
// pointers (no allocation on the training hot path).
#include <unordered_map>

#include "layer.hpp"

namespace snac::nn::detail {

/// What a backward-data primitive reads besides dL/dy.
enum class BackwardReads { kNothing, kDst, kSrc };

/// A parameterless forward/backward pair (eltwise, softmax, pooling): src -> dst and
/// (ddst[, dst]) -> dsrc, sharing the forward workspace when the primitive has one.
template <class Fwd, class Bwd>
struct PrimitivePair {
    PrimitivePair(const typename Fwd::primitive_desc& fwd_pd,
                  const typename Bwd::primitive_desc& bwd_pd, const dnnl::memory::desc& src_md,
                  const dnnl::memory::desc& dst_md, const dnnl::engine& eng, BackwardReads reads)
        : fwd(fwd_pd),
          bwd(bwd_pd),
          src(src_md, eng, DNNL_MEMORY_NONE),
          dst(dst_md, eng, DNNL_MEMORY_NONE),
          dsrc(src_md, eng, DNNL_MEMORY_NONE),
          ddst(dst_md, eng, DNNL_MEMORY_NONE),
          reads_(reads) {
        fwd_args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}};
        bwd_args = {{DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_DIFF_SRC, dsrc}};
        if (reads == BackwardReads::kDst) bwd_args.emplace(DNNL_ARG_DST, dst);
        if (reads == BackwardReads::kSrc) bwd_args.emplace(DNNL_ARG_SRC, src);
        if (fwd_pd.workspace_desc().get_size() > 0) {
            ws = dnnl::memory(fwd_pd.workspace_desc(), eng);
            fwd_args.emplace(DNNL_ARG_WORKSPACE, ws);
            bwd_args.emplace(DNNL_ARG_WORKSPACE, ws);
        }
    }

    /// y = f(x).
    void forward(dnnl::stream& stream, const float* x, float* y) {
        src.set_data_handle(const_cast<float*>(x));
        dst.set_data_handle(y);
        fwd.execute(stream, fwd_args);
        stream.wait();
    }
    /// dx from dy and `saved`: the last forward's output y (kDst) or input x (kSrc).
    void backward(dnnl::stream& stream, const float* saved, const float* dy, float* dx) {
        (reads_ == BackwardReads::kSrc ? src : dst).set_data_handle(const_cast<float*>(saved));
        ddst.set_data_handle(const_cast<float*>(dy));
        dsrc.set_data_handle(dx);
        bwd.execute(stream, bwd_args);
        stream.wait();
    }

    Fwd fwd;
    Bwd bwd;
    dnnl::memory src, dst, dsrc, ddst, ws;
    std::unordered_map<int, dnnl::memory> fwd_args, bwd_args;
    BackwardReads reads_;
};

/// Weights, biases and their gradients of a layer with a kernel (dense, conv2d). The storage is
/// stable: primitives keep pointers to it.
class WeightedLayer : public Layer {
public:
    /// `kernel_shape` is the checkpoint layout of the kernel; the bias has `units` entries.
    WeightedLayer(const LayerSpec& spec, const Shape& in, const Shape& out, Shape kernel_shape,
                  std::int64_t units)
        : Layer(spec, in, out), kernel_shape_(std::move(kernel_shape)), units_(units) {
        w_.resize(static_cast<std::size_t>(numel(kernel_shape_)));
        gw_.resize(w_.size());
        b_.assign(spec.use_bias ? static_cast<std::size_t>(units) : 0, 0.0f);
        gb_.resize(b_.size());
    }

    std::vector<Param> params() override {
        std::vector<Param> out{{w_.data(), gw_.data(), w_.size(), Decay::kApply}};
        if (spec_.use_bias) out.push_back({b_.data(), gb_.data(), b_.size(), Decay::kNone});
        return out;
    }

protected:
    std::vector<NamedTensor> tensors() const override {
        std::vector<NamedTensor> t{{"kernel", kernel_shape_, w_}};
        if (spec_.use_bias) t.push_back({"bias", {units_}, b_});
        return t;
    }
    void set_tensors(const std::vector<NamedTensor>& t) override {
        const std::string where = "layer '" + spec_.name + "'";
        copy_into(find_tensor(t, "kernel", w_.size(), where), w_);
        if (spec_.use_bias) copy_into(find_tensor(t, "bias", b_.size(), where), b_);
    }

    /// Forward, backward-data and backward-weights primitives over this layer's storage.
    template <class Fwd, class BwdData, class BwdWeights>
    struct Primitives {
        Primitives(WeightedLayer& layer, const typename Fwd::primitive_desc& fwd_pd,
                   const typename BwdData::primitive_desc& bd_pd,
                   const typename BwdWeights::primitive_desc& bw_pd,
                   const dnnl::memory::desc& src_md, const dnnl::memory::desc& dst_md,
                   const dnnl::memory::desc& w_md, const dnnl::memory::desc& b_md,
                   const dnnl::engine& eng)
            : fwd(fwd_pd), bwd_d(bd_pd), bwd_w(bw_pd), src(src_md, eng, DNNL_MEMORY_NONE),
              dst(dst_md, eng, DNNL_MEMORY_NONE), dsrc(src_md, eng, DNNL_MEMORY_NONE),
              ddst(dst_md, eng, DNNL_MEMORY_NONE), w(w_md, eng, layer.w_.data()),
              dw(w_md, eng, layer.gw_.data()) {
            fwd_args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DST, dst}};
            bwd_w_args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, ddst},
                          {DNNL_ARG_DIFF_WEIGHTS, dw}};
            bwd_d_args = {{DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_WEIGHTS, w},
                          {DNNL_ARG_DIFF_SRC, dsrc}};
            if (layer.spec_.use_bias) {
                b = dnnl::memory(b_md, eng, layer.b_.data());
                db = dnnl::memory(b_md, eng, layer.gb_.data());
                fwd_args.emplace(DNNL_ARG_BIAS, b);
                bwd_w_args.emplace(DNNL_ARG_DIFF_BIAS, db);
            }
        }

        void forward(dnnl::stream& stream, const float* x, float* y) {
            src.set_data_handle(const_cast<float*>(x));
            dst.set_data_handle(y);
            fwd.execute(stream, fwd_args);
            stream.wait();
        }
        /// Overwrites the weight (and bias) gradients; writes dx unless it is null.
        void backward(dnnl::stream& stream, const float* x, const float* dy, float* dx) {
            src.set_data_handle(const_cast<float*>(x));
            ddst.set_data_handle(const_cast<float*>(dy));
            bwd_w.execute(stream, bwd_w_args);
            if (dx) {
                dsrc.set_data_handle(dx);
                bwd_d.execute(stream, bwd_d_args);
            }
            stream.wait();
        }

        Fwd fwd;
        BwdData bwd_d;
        BwdWeights bwd_w;
        dnnl::memory src, dst, dsrc, ddst, w, dw, b, db;
        std::unordered_map<int, dnnl::memory> fwd_args, bwd_w_args, bwd_d_args;
    };

    Shape kernel_shape_;
    std::int64_t units_;
    std::vector<float> w_, gw_, b_, gb_;
};

}  // namespace snac::nn::detail
