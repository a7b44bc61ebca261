#pragma once
// One emitter record per fixed-point op (private to the emitter): the kernel header it needs, the
// typedefs, the constant arrays, the config struct and the kernel call. Adding an op is one record
// in op_records.cpp plus its kernel in templates/nnet_utils
// (docs/architecture.md#add-a-layer-type).
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "snac/nn/fixed_model.hpp"

namespace snac::hls::detail {

/// Receives one constant array of a layer: variable name, element typedef, its ap type, the raw
/// words and a one-line description for the header comment.
using WeightSink =
    std::function<void(const std::string& var, const std::string& type, const FixedType& t,
                       const std::vector<std::int64_t>& raw, const std::string& what)>;

/// How a layer's input arrives under io_stream (nullptr-equivalent `stream == false`: io_parallel).
struct IoInfo {
    bool stream = false;
    std::int64_t beats = 1;       ///< beats read per inference
    bool channels_first = false;  ///< the beats are the pixels of a [C][H][W] tensor
};

struct OpRecord {
    nn::FixedOp op;
    std::string_view header;  ///< kernel header under nnet_utils/
    /// typedefs of defines.h beyond layerN_t (weightN_t, accumN_t, tableN_t, ...).
    void (*types)(std::ostream& out, const nn::FixedLayer& l, const std::string& n);
    /// constant arrays (weights, biases, tables); may be empty.
    void (*weights)(const WeightSink& sink, const nn::FixedLayer& l, const std::string& n,
                    const std::string& who);
    /// the config struct(s) of parameters.h (under io_stream with `n_beats`, see IoInfo).
    void (*config)(std::ostream& out, const nn::FixedLayer& l, const std::string& n,
                   const IoInfo& io);
    /// the kernel call: `tmpl` is "<in_t, layerN_t, configN>". Under io_stream the emitter calls
    /// the kernel's `_stream` variant (its name without `_cf`, nnet_stream.h and
    /// nnet_conv2d_stream.h) with the same arguments, the two arrays replaced by streams.
    std::string (*call)(const nn::FixedLayer& l, const std::string& n, const std::string& tmpl,
                        const std::string& in, const std::string& out);
};

/// A count or dimension as C++ source text (shared by the records and the emitter).
inline std::string num(std::int64_t v) {
    return std::to_string(v);
}

/// The io_stream kernel header of a record (nnet_conv2d_stream.h for convolution and pooling,
/// nnet_stream.h for every other op).
std::string_view stream_header(const OpRecord& record);

/// The io_stream kernel name of an io_parallel call ("nnet::conv_2d_cf<...>(...)" ->
/// "nnet::conv_2d_stream<...>(...)").
std::string stream_call(const std::string& parallel_call);

/// The record of `op` (every FixedOp has one).
const OpRecord& op_record(nn::FixedOp op);

/// Every record, in FixedOp order (for parameters.h's include list).
const std::vector<OpRecord>& op_records();

}  // namespace snac::hls::detail
