// snac kernel library: shared definitions. Clean-room kernels in the style of hls4ml's nnet_utils
// (generic templates; generated code holds only per-layer config structs and the call sequence).
// Data layout is snac's: [F], channels-first [C][H][W] flattened, or [elements][features].
#ifndef NNET_COMMON_H_
#define NNET_COMMON_H_

#include "ap_fixed.h"

namespace nnet {

enum strategy { latency, resource };
enum aggregation { agg_mean, agg_max, agg_sum };

// Flatten is a reshape of a row-major array: a plain copy without a cast.
struct flatten_config {
    static const unsigned n_in = 1;
    static const unsigned n_beats = 1;          // io_stream: beats read per inference
    static const bool channels_first = false;  // io_stream: the beats are pixels of [C][H][W]
};

template <class data_T, class res_T, typename CONFIG_T>
void flatten(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
#pragma HLS INLINE
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
#pragma HLS UNROLL
        res[i] = data[i];
    }
}

}  // namespace nnet

#endif
