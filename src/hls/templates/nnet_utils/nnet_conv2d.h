// snac kernel library: 2-D convolution, io_parallel (hls4ml-semantics.md §7). Channels-first
// [C][H][W] data; every output pixel gathers its C*k*k patch (zeros for padding) and runs the
// dense arithmetic of nnet_dense.h with n_in = C*k*k, n_out = F.
#ifndef NNET_CONV2D_H_
#define NNET_CONV2D_H_

#include "nnet_dense.h"

namespace nnet {

struct conv2d_config {
    static const unsigned n_chan = 1;
    static const unsigned in_height = 1;
    static const unsigned in_width = 1;
    static const unsigned n_filt = 1;
    static const unsigned filt_size = 1;
    static const unsigned stride = 1;
    static const unsigned pad_top = 0;
    static const unsigned pad_left = 0;
    static const unsigned out_height = 1;
    static const unsigned out_width = 1;
    static const unsigned reuse_factor = 1;
    typedef dense_config mult_config;
};

template <class data_T, class res_T, typename CONFIG_T>
void conv_2d_cf(const data_T data[CONFIG_T::n_chan * CONFIG_T::in_height * CONFIG_T::in_width],
                res_T res[CONFIG_T::n_filt * CONFIG_T::out_height * CONFIG_T::out_width],
                const typename CONFIG_T::mult_config::weight_t
                    weights[CONFIG_T::n_chan * CONFIG_T::filt_size * CONFIG_T::filt_size *
                            CONFIG_T::n_filt],
                const typename CONFIG_T::mult_config::bias_t biases[CONFIG_T::n_filt]) {
    const unsigned k = CONFIG_T::filt_size;
    const unsigned n_pix = CONFIG_T::out_height * CONFIG_T::out_width;
    for (unsigned p = 0; p < n_pix; p++) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
        const int oh = (int)(p / CONFIG_T::out_width);
        const int ow = (int)(p % CONFIG_T::out_width);
        data_T patch[CONFIG_T::n_chan * CONFIG_T::filt_size * CONFIG_T::filt_size];
#pragma HLS ARRAY_PARTITION variable = patch complete
        res_T pixel[CONFIG_T::n_filt];
#pragma HLS ARRAY_PARTITION variable = pixel complete
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
            for (unsigned kh = 0; kh < k; kh++) {
                for (unsigned kw = 0; kw < k; kw++) {
                    const int ih = oh * (int)CONFIG_T::stride + (int)kh - (int)CONFIG_T::pad_top;
                    const int iw = ow * (int)CONFIG_T::stride + (int)kw - (int)CONFIG_T::pad_left;
                    const unsigned r = (c * k + kh) * k + kw;
                    if (ih >= 0 && ih < (int)CONFIG_T::in_height && iw >= 0 &&
                        iw < (int)CONFIG_T::in_width) {
                        patch[r] = data[(c * CONFIG_T::in_height + (unsigned)ih) * CONFIG_T::in_width +
                                        (unsigned)iw];
                    } else {
                        patch[r] = 0;
                    }
                }
            }
        }
        dense<data_T, res_T, typename CONFIG_T::mult_config>(patch, pixel, weights, biases);
        for (unsigned f = 0; f < CONFIG_T::n_filt; f++) {
            res[f * n_pix + p] = pixel[f];
        }
    }
}

}  // namespace nnet

#endif
