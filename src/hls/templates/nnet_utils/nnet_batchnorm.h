// snac kernel library: batch normalization folded into scale and bias (hls4ml-semantics.md §6):
// out = result(x*scale[c] + bias[c]) with a full-precision product and add, one quantization.
#ifndef NNET_BATCHNORM_H_
#define NNET_BATCHNORM_H_

#include "nnet_common.h"

namespace nnet {

struct batchnorm_config {
    typedef ap_fixed<16, 6> scale_t;
    typedef ap_fixed<16, 6> bias_t;
    static const unsigned n_in = 1;
    static const unsigned n_filt = 1;     // channels
    static const unsigned n_per_filt = 1; // H*W for [C][H][W], 1 for [F]
    static const unsigned reuse_factor = 1;
    static const unsigned n_beats = 1;  // io_stream: beats read per inference
};

template <class data_T, class res_T, typename CONFIG_T>
void normalize(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
               const typename CONFIG_T::scale_t scale[CONFIG_T::n_filt],
               const typename CONFIG_T::bias_t bias[CONFIG_T::n_filt]) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
#pragma HLS ARRAY_PARTITION variable = scale complete
#pragma HLS ARRAY_PARTITION variable = bias complete
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        const unsigned c = i / CONFIG_T::n_per_filt;
        res[i] = (res_T)(data[i] * scale[c] + bias[c]);
    }
}

}  // namespace nnet

#endif
