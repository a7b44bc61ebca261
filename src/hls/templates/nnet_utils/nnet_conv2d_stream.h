// snac kernel library: 2-D convolution and pooling over io_stream (hls4ml-semantics.md §7: line
// buffers, the same per-pixel arithmetic as io_parallel). The input arrives as in_height*in_width
// beats of n_chan channels in raster order. The kernel walks the zero-padded image in raster
// order, reading a beat for every real pixel and inserting zeros for the padding itself, and
// keeps the last filt_size rows in a line buffer (filt_size x padded width x n_chan values). When
// the pixel that completes an output window arrives, the window's C*k*k patch is gathered in
// (c, kh, kw) order and runs the dense arithmetic of nnet_dense.h, exactly as conv_2d_cf does, so
// the output beats (n_filt channels each) leave in raster order. Pooling (window = stride =
// pool_size, no padding) keeps pool_size rows and calls the io_parallel window functions.
#ifndef NNET_CONV2D_STREAM_H_
#define NNET_CONV2D_STREAM_H_

#include "hls_stream.h"
#include "nnet_conv2d.h"
#include "nnet_pooling.h"
#include "nnet_types.h"

namespace nnet {

template <typename CONFIG_T>
struct conv2d_padded {
    // The padded extent the windows cover, at least the image itself (a valid convolution whose
    // stride leaves rows or columns over still reads them).
    static const unsigned need_h =
        (CONFIG_T::out_height - 1) * CONFIG_T::stride + CONFIG_T::filt_size;
    static const unsigned need_w =
        (CONFIG_T::out_width - 1) * CONFIG_T::stride + CONFIG_T::filt_size;
    static const unsigned img_h = CONFIG_T::pad_top + CONFIG_T::in_height;
    static const unsigned img_w = CONFIG_T::pad_left + CONFIG_T::in_width;
    static const unsigned height = need_h > img_h ? need_h : img_h;
    static const unsigned width = need_w > img_w ? need_w : img_w;
};

template <class data_T, class res_T, typename CONFIG_T>
void conv_2d_stream(hls::stream<data_T>& in, hls::stream<res_T>& out,
                    const typename CONFIG_T::mult_config::weight_t
                        weights[CONFIG_T::n_chan * CONFIG_T::filt_size * CONFIG_T::filt_size *
                                CONFIG_T::n_filt],
                    const typename CONFIG_T::mult_config::bias_t biases[CONFIG_T::n_filt]) {
    typedef typename data_T::value_type elem_t;
    const unsigned K = CONFIG_T::filt_size, S = CONFIG_T::stride, C = CONFIG_T::n_chan;
    const unsigned HP = conv2d_padded<CONFIG_T>::height, WP = conv2d_padded<CONFIG_T>::width;
    elem_t line[CONFIG_T::filt_size][conv2d_padded<CONFIG_T>::width][CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable = line complete dim = 1
#pragma HLS ARRAY_PARTITION variable = line complete dim = 3
    for (unsigned ph = 0; ph < HP; ph++) {
        for (unsigned pw = 0; pw < WP; pw++) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
            const int ih = (int)ph - (int)CONFIG_T::pad_top;
            const int iw = (int)pw - (int)CONFIG_T::pad_left;
            data_T pixel;
            if (ih >= 0 && ih < (int)CONFIG_T::in_height && iw >= 0 &&
                iw < (int)CONFIG_T::in_width) {
                pixel = in.read();
            } else {
                for (unsigned c = 0; c < C; c++) pixel[c] = 0;
            }
            for (unsigned c = 0; c < C; c++) line[ph % K][pw][c] = pixel[c];
            if (ph + 1 < K || pw + 1 < K) continue;
            if ((ph + 1 - K) % S != 0 || (pw + 1 - K) % S != 0) continue;
            const unsigned oh = (ph + 1 - K) / S, ow = (pw + 1 - K) / S;
            if (oh >= CONFIG_T::out_height || ow >= CONFIG_T::out_width) continue;
            elem_t patch[CONFIG_T::n_chan * CONFIG_T::filt_size * CONFIG_T::filt_size];
#pragma HLS ARRAY_PARTITION variable = patch complete
            for (unsigned c = 0; c < C; c++) {
                for (unsigned kh = 0; kh < K; kh++) {
                    for (unsigned kw = 0; kw < K; kw++) {
                        patch[(c * K + kh) * K + kw] = line[(oh * S + kh) % K][ow * S + kw][c];
                    }
                }
            }
            res_T y;
            dense<elem_t, typename res_T::value_type, typename CONFIG_T::mult_config>(
                patch, y.data, weights, biases);
            out.write(y);
        }
    }
}

template <class data_T, class res_T, typename CONFIG_T, bool MAX>
void pooling2d_stream(hls::stream<data_T>& in, hls::stream<res_T>& out) {
    typedef typename data_T::value_type elem_t;
    const unsigned P = CONFIG_T::pool_size;
    elem_t line[CONFIG_T::pool_size][CONFIG_T::in_width][CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable = line complete dim = 1
#pragma HLS ARRAY_PARTITION variable = line complete dim = 3
    for (unsigned h = 0; h < CONFIG_T::in_height; h++) {
        for (unsigned w = 0; w < CONFIG_T::in_width; w++) {
#pragma HLS PIPELINE
            const data_T pixel = in.read();
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) line[h % P][w][c] = pixel[c];
            if (h % P != P - 1 || w % P != P - 1) continue;
            if (h / P >= CONFIG_T::out_height || w / P >= CONFIG_T::out_width) continue;
            res_T y;
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                elem_t window[CONFIG_T::pool_size * CONFIG_T::pool_size];
                for (unsigned i = 0; i < P; i++) {
                    for (unsigned j = 0; j < P; j++) window[i * P + j] = line[i][w + 1 - P + j][c];
                }
                y[c] = MAX ? (typename res_T::value_type)pool_window_max<elem_t, CONFIG_T>(window)
                           : pool_window_avg<elem_t, typename res_T::value_type, CONFIG_T>(window);
            }
            out.write(y);
        }
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void pooling2d_max_stream(hls::stream<data_T>& in, hls::stream<res_T>& out) {
#pragma HLS INLINE
    pooling2d_stream<data_T, res_T, CONFIG_T, true>(in, out);
}

template <class data_T, class res_T, typename CONFIG_T>
void pooling2d_avg_stream(hls::stream<data_T>& in, hls::stream<res_T>& out) {
#pragma HLS INLINE
    pooling2d_stream<data_T, res_T, CONFIG_T, false>(in, out);
}

}  // namespace nnet

#endif
