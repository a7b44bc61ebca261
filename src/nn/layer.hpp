#pragma once
// Private to nn: one trainable layer of a network, forward and backward on a batch, backed by
// oneDNN primitives built once per batch size and reused (docs/training.md).
#include <cstdint>
#include <map>
#include <memory>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <utility>
#include <vector>

#include "snac/core/checkpoint_data.hpp"
#include "snac/nn/network_spec.hpp"

namespace snac::nn::detail {

enum class Mode { kTrain, kEval };
enum class Decay { kNone, kApply };

/// The oneDNN engine and stream every layer of one network executes on.
struct DnnlContext {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
};

/// One trainable array and its gradient (same size); `decay` marks L1/L2-regularised kernels.
struct Param {
    float* value = nullptr;
    float* grad = nullptr;
    std::size_t size = 0;
    Decay decay = Decay::kNone;
};

std::int64_t numel(const Shape& s);

/// How the activations between two layers lie in memory: plain row-major (NCHW for [C, H, W]), or
/// the channel-blocked layout oneDNN's direct convolutions choose on this CPU (blocked_tag()),
/// used for [C, H, W] tensors whose C is a multiple of the block, so both have the same size and
/// element-wise work is indifferent to it. Carrying the blocked layout from one conv/pool/batch
/// norm to the next saves a reorder in and out of each (docs/performance.md).
enum class Layout { kPlain, kBlocked };
/// The layouts a layer reads and writes: plain only; either, the same on both sides (element-wise
/// layers, batch norm); any combination (conv2d, pooling: they reorder at their boundary).
enum class LayoutSupport { kPlainOnly, kSame, kAny };

/// The channel-blocked format (nChw8c on AVX2, nChw16c on AVX-512) oneDNN chooses with
/// format_tag::any for a typical convolution on this CPU, probed once per process; undef when it
/// chooses no channel-blocked format (then every layout stays plain).
dnnl::memory::format_tag blocked_tag();
/// The channel block of blocked_tag() (8 or 16), 0 when undef.
std::int64_t blocked_channels();
/// An f32 [n, C, H, W] descriptor in `layout`.
dnnl::memory::desc chw_desc(const dnnl::memory::dims& dims, Layout layout);

/// A layer maps a batch of `n` samples of in_shape() to n samples of out_shape(), both row-major.
class Layer {
public:
    Layer(const LayerSpec& spec, Shape in, Shape out)
        : spec_(spec), in_(std::move(in)), out_(std::move(out)) {}
    virtual ~Layer() = default;
    Layer(const Layer&) = delete;
    Layer& operator=(const Layer&) = delete;

    /// y = f(x) for n samples. kTrain keeps what backward needs (batch statistics, masks).
    virtual void forward(const float* x, float* y, std::int64_t n, Mode mode) = 0;
    /// Given x, y of the last forward and dL/dy, writes dL/dx (skipped when dx is null) and
    /// overwrites the parameter gradients.
    virtual void backward(const float* x, const float* y, const float* dy, float* dx,
                          std::int64_t n) = 0;
    virtual std::vector<Param> params() { return {}; }
    /// Appends this layer's arrays (and nested layers') under `prefix` + name.
    virtual void save(std::vector<LayerWeights>& out, const std::string& prefix) const;
    /// Reads this layer's arrays from `weights` (looked up by prefixed name).
    virtual void load(const std::vector<LayerWeights>& weights, const std::string& prefix);
    /// The kernels of nested dense/conv2d members by path (`prefix` + name + "/phi/<member>"
    /// for Deep Sets), which pruning masks address like top-level kernels. Plain layers: none.
    virtual std::vector<std::pair<std::string, Param>> nested_kernels(const std::string& prefix) {
        (void)prefix;
        return {};
    }
    /// Records the largest magnitude of each nested intermediate result of the last forward
    /// (Deep Sets members and aggregation, ConvAttn parts and attention products) under its
    /// path (`prefix` + name + "/..."), for QAT's `int_bits: auto`. Plain layers have none.
    virtual void observe_ranges(const std::string& prefix,
                                std::map<std::string, double>& max_abs) const {
        (void)prefix;
        (void)max_abs;
    }

    /// Which layouts this layer accepts (Sequence plans the activations' layouts from it).
    virtual LayoutSupport layout_support() const { return LayoutSupport::kPlainOnly; }
    /// The layouts of x (and dx) and of y (and dy) in the following calls; plain by default, so a
    /// layer used on its own (ConvAttn parts, tests) sees row-major buffers.
    void set_layouts(Layout in, Layout out) {
        in_layout_ = in;
        out_layout_ = out;
    }

    const LayerSpec& spec() const { return spec_; }
    const Shape& in_shape() const { return in_; }
    const Shape& out_shape() const { return out_; }
    std::int64_t in_size() const { return numel(in_); }
    std::int64_t out_size() const { return numel(out_); }

protected:
    /// The tensors save() writes and load() reads; empty for parameterless layers.
    virtual std::vector<NamedTensor> tensors() const { return {}; }
    virtual void set_tensors(const std::vector<NamedTensor>&) {}

    LayerSpec spec_;
    Shape in_, out_;
    Layout in_layout_ = Layout::kPlain, out_layout_ = Layout::kPlain;
};

/// Observes and may replace what a Sequence computes layer by layer (quantization-aware training,
/// src/nn/qat_hook.hpp). Indices are the sequence's layer indices.
class SequenceHook {
public:
    virtual ~SequenceHook() = default;
    /// The mode layer i runs in (QAT runs batch norm and dropout as at inference).
    virtual Mode layer_mode(std::size_t i, Mode mode) {
        (void)i;
        return mode;
    }
    /// Called after layer i computed y from x (n samples); may overwrite y.
    virtual void after_forward(std::size_t i, const float* x, float* y, std::int64_t n,
                               Mode mode) = 0;
    /// Called with dL/dy of layer i before its backward; may modify dy. Returns true when it
    /// wrote dx itself (dx may be null) and the layer's own backward must be skipped.
    virtual bool before_backward(std::size_t i, const float* x, float* dy, float* dx,
                                 std::int64_t n) = 0;
};

/// Layers applied in order, with the activation and gradient buffers between them.
class Sequence {
public:
    /// `seed` initialises weights and dropout masks deterministically.
    Sequence(const std::vector<LayerSpec>& specs, const Shape& in, DnnlContext& ctx,
             std::uint64_t seed);
    /// Returns the output of the last layer for n samples (valid until the next call).
    const float* forward(const float* x, std::int64_t n, Mode mode);
    /// Back-propagates dy (n x out) through layers [0, end); writes dx unless null. `end` lets
    /// the caller skip a trailing softmax whose gradient it folded into the loss.
    void backward(const float* x, const float* dy, float* dx, std::int64_t n, std::size_t end);
    /// Output of layer i after the last forward, in layout(i) (the same values as plain, in
    /// another order; reductions such as the largest magnitude do not care).
    const float* output(std::size_t i) const { return acts_[i].data(); }
    /// The layout of layer i's output in the last forward (always plain while a hook is installed
    /// and for the last layer).
    Layout layout(std::size_t i) const { return hook_ ? Layout::kPlain : plan_[i]; }
    std::vector<Param> params();
    void save(std::vector<LayerWeights>& out, const std::string& prefix) const;
    void load(const std::vector<LayerWeights>& weights, const std::string& prefix);
    std::size_t size() const { return layers_.size(); }
    const Layer& layer(std::size_t i) const { return *layers_[i]; }
    Layer& layer(std::size_t i) { return *layers_[i]; }
    /// Installs (or with nullptr removes) a hook; the caller keeps it alive while installed.
    void set_hook(SequenceHook* hook) { hook_ = hook; }
    const Shape& in_shape() const { return in_; }
    const Shape& out_shape() const { return out_; }

private:
    void reserve(std::int64_t n);
    /// Tells every layer its input and output layouts (the plan, or all plain under a hook).
    void apply_layouts();

    Shape in_, out_;
    std::vector<std::unique_ptr<Layer>> layers_;
    std::vector<std::vector<float>> acts_;   ///< output of each layer
    std::vector<std::vector<float>> grads_;  ///< dL/d(output) of each layer
    std::vector<Layout> plan_;               ///< layout of acts_[i] and grads_[i] without a hook
    std::int64_t capacity_ = 0;              ///< samples the buffers hold
    SequenceHook* hook_ = nullptr;
    std::vector<float> hook_grad_;  ///< dL/dy copy the hook may modify
};

/// Builds one layer; `seed` is this layer's own stream.
std::unique_ptr<Layer> make_layer(const LayerSpec& spec, const Shape& in, const Shape& out,
                                  DnnlContext& ctx, std::uint64_t seed);

/// Deterministic uniform floats in [lo, hi) from a 64-bit seed (portable across libraries).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next();
    float uniform(float lo, float hi);

private:
    std::uint64_t state_;
};

/// Glorot-uniform fill of `w` for the given fan-in and fan-out.
void glorot_uniform(std::vector<float>& w, std::int64_t fan_in, std::int64_t fan_out, Rng& rng);

/// Plain row-major memory descriptor of f32 `dims`.
dnnl::memory::desc plain_md(const dnnl::memory::dims& dims);

/// Finds `name` in `tensors` and checks its element count; throws UsageError naming `where`.
const NamedTensor& find_tensor(const std::vector<NamedTensor>& tensors, const std::string& name,
                               std::size_t expected, const std::string& where);

/// Copies a tensor's values into existing storage (primitives keep pointers to it).
void copy_into(const NamedTensor& t, std::vector<float>& dst);

}  // namespace snac::nn::detail
