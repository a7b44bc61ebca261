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

// One window, gathered in (row, column) order: the maximum, or the sum in accum_t divided by the
// window size. The io_parallel and the io_stream kernels both call these (the same arithmetic).
template <class data_T, typename CONFIG_T>
data_T pool_window_max(const data_T window[CONFIG_T::pool_size * CONFIG_T::pool_size]) {
#pragma HLS INLINE
    data_T m = window[0];
    for (unsigned i = 0; i < CONFIG_T::pool_size * CONFIG_T::pool_size; i++) {
        if (window[i] > m) m = window[i];
    }
    return m;
}

template <class data_T, class res_T, typename CONFIG_T>
res_T pool_window_avg(const data_T window[CONFIG_T::pool_size * CONFIG_T::pool_size]) {
#pragma HLS INLINE
    typename CONFIG_T::accum_t s = 0;
    for (unsigned i = 0; i < CONFIG_T::pool_size * CONFIG_T::pool_size; i++) {
        s += window[i];
    }
    return (res_T)(s / (int)(CONFIG_T::pool_size * CONFIG_T::pool_size));
}

template <class data_T, class res_T, typename CONFIG_T, bool MAX>
void pooling2d_cf(const data_T data[CONFIG_T::n_chan * CONFIG_T::in_height * CONFIG_T::in_width],
                  res_T res[CONFIG_T::n_chan * CONFIG_T::out_height * CONFIG_T::out_width]) {
#pragma HLS PIPELINE
    const unsigned p = CONFIG_T::pool_size;
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
        for (unsigned oh = 0; oh < CONFIG_T::out_height; oh++) {
            for (unsigned ow = 0; ow < CONFIG_T::out_width; ow++) {
                data_T window[CONFIG_T::pool_size * CONFIG_T::pool_size];
                for (unsigned i = 0; i < p; i++) {
                    for (unsigned j = 0; j < p; j++) {
                        window[i * p + j] =
                            data[(c * CONFIG_T::in_height + oh * p + i) * CONFIG_T::in_width +
                                 ow * p + j];
                    }
                }
                res[(c * CONFIG_T::out_height + oh) * CONFIG_T::out_width + ow] =
                    MAX ? (res_T)pool_window_max<data_T, CONFIG_T>(window)
                        : pool_window_avg<data_T, res_T, CONFIG_T>(window);
            }
        }
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void pooling2d_max_cf(
    const data_T data[CONFIG_T::n_chan * CONFIG_T::in_height * CONFIG_T::in_width],
    res_T res[CONFIG_T::n_chan * CONFIG_T::out_height * CONFIG_T::out_width]) {
#pragma HLS INLINE
    pooling2d_cf<data_T, res_T, CONFIG_T, true>(data, res);
}

template <class data_T, class res_T, typename CONFIG_T>
void pooling2d_avg_cf(
    const data_T data[CONFIG_T::n_chan * CONFIG_T::in_height * CONFIG_T::in_width],
    res_T res[CONFIG_T::n_chan * CONFIG_T::out_height * CONFIG_T::out_width]) {
#pragma HLS INLINE
    pooling2d_cf<data_T, res_T, CONFIG_T, false>(data, res);
}

}  // namespace nnet

#endif
