// snac kernel library: max and average pooling, channels-first, window = stride = pool_size.
// Average: the window sum in accum_t, divided by the window size (ap_fixed division keeps the
// fraction and truncates toward zero), then cast to the result type.
#ifndef NNET_POOLING_H_
#define NNET_POOLING_H_

#include "nnet_common.h"

namespace nnet {

struct pooling2d_config {
    typedef ap_fixed<16, 6> accum_t;
    static const unsigned n_chan = 1;
    static const unsigned in_height = 1;
    static const unsigned in_width = 1;
    static const unsigned pool_size = 1;
    static const unsigned out_height = 1;
    static const unsigned out_width = 1;
};

template <class data_T, class res_T, typename CONFIG_T>
void pooling2d_max_cf(const data_T data[CONFIG_T::n_chan * CONFIG_T::in_height * CONFIG_T::in_width],
                      res_T res[CONFIG_T::n_chan * CONFIG_T::out_height * CONFIG_T::out_width]) {
#pragma HLS PIPELINE
    const unsigned p = CONFIG_T::pool_size;
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
        for (unsigned oh = 0; oh < CONFIG_T::out_height; oh++) {
            for (unsigned ow = 0; ow < CONFIG_T::out_width; ow++) {
                data_T m = data[(c * CONFIG_T::in_height + oh * p) * CONFIG_T::in_width + ow * p];
                for (unsigned i = 0; i < p; i++) {
                    for (unsigned j = 0; j < p; j++) {
                        const data_T v =
                            data[(c * CONFIG_T::in_height + oh * p + i) * CONFIG_T::in_width + ow * p + j];
                        if (v > m) m = v;
                    }
                }
                res[(c * CONFIG_T::out_height + oh) * CONFIG_T::out_width + ow] = (res_T)m;
            }
        }
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void pooling2d_avg_cf(const data_T data[CONFIG_T::n_chan * CONFIG_T::in_height * CONFIG_T::in_width],
                      res_T res[CONFIG_T::n_chan * CONFIG_T::out_height * CONFIG_T::out_width]) {
#pragma HLS PIPELINE
    const unsigned p = CONFIG_T::pool_size;
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
        for (unsigned oh = 0; oh < CONFIG_T::out_height; oh++) {
            for (unsigned ow = 0; ow < CONFIG_T::out_width; ow++) {
                typename CONFIG_T::accum_t s = 0;
                for (unsigned i = 0; i < p; i++) {
                    for (unsigned j = 0; j < p; j++) {
                        s += data[(c * CONFIG_T::in_height + oh * p + i) * CONFIG_T::in_width + ow * p + j];
                    }
                }
                res[(c * CONFIG_T::out_height + oh) * CONFIG_T::out_width + ow] =
                    (res_T)(s / (int)(p * p));
            }
        }
    }
}

}  // namespace nnet

#endif
