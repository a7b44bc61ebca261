// snac kernel library: io_stream kernels (hls4ml's io_stream conventions). Layers exchange
// hls::stream FIFOs of nnet::array beats: a [C][H][W] tensor travels as H*W beats of C channels
// in raster order, an [R][F] tensor as R beats of F, an [F] vector as one beat (inside Deep Sets,
// phi's tensors as one beat per set element). Every kernel reads CONFIG_T::n_beats beats and runs
// the io_parallel kernel's arithmetic on each (the same functions, so C simulation stays bit-exact
// with snac's FixedModel). Kernels whose output depends on the whole tensor (flatten of
// [C][H][W], layer norm over [C][H][W], the Deep Sets aggregation, ConvAttn) read it into a
// buffer first. Convolution and pooling with line buffers are in nnet_conv2d_stream.h.
#ifndef NNET_STREAM_H_
#define NNET_STREAM_H_

#include "hls_stream.h"
#include "nnet_activation.h"
#include "nnet_batchnorm.h"
#include "nnet_common.h"
#include "nnet_conv_attention.h"
#include "nnet_deepsets.h"
#include "nnet_dense.h"
#include "nnet_layernorm.h"
#include "nnet_types.h"

namespace nnet {

// The per-beat view of an element-wise layer's config: n_in is the beat width.
template <typename CONFIG_T, unsigned N>
struct beat_config : CONFIG_T {
    static const unsigned n_in = N;
};

// Batch norm per beat: lane i is channel (or feature) i.
template <typename CONFIG_T, unsigned N>
struct bn_beat_config : CONFIG_T {
    static const unsigned n_in = N;
    static const unsigned n_filt = N;
    static const unsigned n_per_filt = 1;
};

// N_BEATS beats of a [C][H][W] tensor into channels-first order (x[c*N_BEATS + p]), and back.
template <class data_T, unsigned N_BEATS>
void read_channels_first(hls::stream<data_T>& in,
                         typename data_T::value_type x[N_BEATS * data_T::size]) {
    for (unsigned p = 0; p < N_BEATS; p++) {
#pragma HLS PIPELINE
        const data_T beat = in.read();
        for (unsigned c = 0; c < data_T::size; c++) {
            x[c * N_BEATS + p] = beat[c];
        }
    }
}

template <class res_T, unsigned N_BEATS>
void write_channels_first(const typename res_T::value_type y[N_BEATS * res_T::size],
                          hls::stream<res_T>& out) {
    for (unsigned p = 0; p < N_BEATS; p++) {
#pragma HLS PIPELINE
        res_T beat;
        for (unsigned c = 0; c < res_T::size; c++) {
            beat[c] = y[c * N_BEATS + p];
        }
        out.write(beat);
    }
}

// ---- dense: one product per beat (one per set element inside Deep Sets) --------------------

template <class data_T, class res_T, typename CONFIG_T>
void dense_stream(hls::stream<data_T>& in, hls::stream<res_T>& out,
                  const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                  const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    for (unsigned b = 0; b < CONFIG_T::n_beats; b++) {
        const data_T x = in.read();
        res_T y;
        dense<typename data_T::value_type, typename res_T::value_type, CONFIG_T>(x.data, y.data,
                                                                                 weights, biases);
        out.write(y);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void dense_compressed_stream(hls::stream<data_T>& in, hls::stream<res_T>& out,
                             const typename CONFIG_T::weight_t weights[CONFIG_T::n_nonzeros],
                             const typename CONFIG_T::index_t in_index[CONFIG_T::n_nonzeros],
                             const typename CONFIG_T::index_t out_index[CONFIG_T::n_nonzeros],
                             const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    for (unsigned b = 0; b < CONFIG_T::n_beats; b++) {
        const data_T x = in.read();
        res_T y;
        dense_compressed<typename data_T::value_type, typename res_T::value_type, CONFIG_T>(
            x.data, y.data, weights, in_index, out_index, biases);
        out.write(y);
    }
}

// ---- element-wise layers, one beat at a time -------------------------------------------------

template <class data_T, class res_T, typename CONFIG_T>
void relu_stream(hls::stream<data_T>& in, hls::stream<res_T>& out) {
    for (unsigned b = 0; b < CONFIG_T::n_beats; b++) {
#pragma HLS PIPELINE
        const data_T x = in.read();
        res_T y;
        relu<typename data_T::value_type, typename res_T::value_type,
             beat_config<CONFIG_T, data_T::size> >(x.data, y.data);
        out.write(y);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void leaky_relu_stream(hls::stream<data_T>& in, hls::stream<res_T>& out,
                       const typename CONFIG_T::param_t alpha[1]) {
    for (unsigned b = 0; b < CONFIG_T::n_beats; b++) {
#pragma HLS PIPELINE
        const data_T x = in.read();
        res_T y;
        leaky_relu<typename data_T::value_type, typename res_T::value_type,
                   beat_config<CONFIG_T, data_T::size> >(x.data, y.data, alpha);
        out.write(y);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void sigmoid_stream(hls::stream<data_T>& in, hls::stream<res_T>& out,
                    const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
    for (unsigned b = 0; b < CONFIG_T::n_beats; b++) {
#pragma HLS PIPELINE
        const data_T x = in.read();
        res_T y;
        sigmoid<typename data_T::value_type, typename res_T::value_type,
                beat_config<CONFIG_T, data_T::size> >(x.data, y.data, table);
        out.write(y);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void tanh_stream(hls::stream<data_T>& in, hls::stream<res_T>& out,
                 const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
    for (unsigned b = 0; b < CONFIG_T::n_beats; b++) {
#pragma HLS PIPELINE
        const data_T x = in.read();
        res_T y;
        tanh<typename data_T::value_type, typename res_T::value_type,
             beat_config<CONFIG_T, data_T::size> >(x.data, y.data, table);
        out.write(y);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void gelu_stream(hls::stream<data_T>& in, hls::stream<res_T>& out,
                 const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
    for (unsigned b = 0; b < CONFIG_T::n_beats; b++) {
#pragma HLS PIPELINE
        const data_T x = in.read();
        res_T y;
        gelu<typename data_T::value_type, typename res_T::value_type,
             beat_config<CONFIG_T, data_T::size> >(x.data, y.data, table);
        out.write(y);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax_stream(hls::stream<data_T>& in, hls::stream<res_T>& out,
                    const typename CONFIG_T::exp_table_t exp_table[1 << CONFIG_T::exp_table_bits],
                    const typename CONFIG_T::inv_table_t inv_table[1 << CONFIG_T::inv_table_bits]) {
    for (unsigned b = 0; b < CONFIG_T::n_beats; b++) {
        const data_T x = in.read();
        res_T y;
        softmax<typename data_T::value_type, typename res_T::value_type,
                beat_config<CONFIG_T, data_T::size> >(x.data, y.data, exp_table, inv_table);
        out.write(y);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void normalize_stream(hls::stream<data_T>& in, hls::stream<res_T>& out,
                      const typename CONFIG_T::scale_t scale[CONFIG_T::n_filt],
                      const typename CONFIG_T::bias_t bias[CONFIG_T::n_filt]) {
    for (unsigned b = 0; b < CONFIG_T::n_beats; b++) {
#pragma HLS PIPELINE
        const data_T x = in.read();
        res_T y;
        normalize<typename data_T::value_type, typename res_T::value_type,
                  bn_beat_config<CONFIG_T, data_T::size> >(x.data, y.data, scale, bias);
        out.write(y);
    }
}

// ---- layer norm: a group of n_feat values spans n_feat / beat-width beats --------------------

template <class data_T, class res_T, typename CONFIG_T>
void layernorm_stream(hls::stream<data_T>& in, hls::stream<res_T>& out,
                      const typename CONFIG_T::scale_t scale[CONFIG_T::n_feat],
                      const typename CONFIG_T::bias_t bias[CONFIG_T::n_feat],
                      const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
    const unsigned group_beats = CONFIG_T::n_feat / data_T::size;
    for (unsigned g = 0; g < CONFIG_T::n_beats / group_beats; g++) {
        typename data_T::value_type x[CONFIG_T::n_feat];
        typename res_T::value_type y[CONFIG_T::n_feat];
        read_channels_first<data_T, CONFIG_T::n_feat / data_T::size>(in, x);
        layernorm_row<typename data_T::value_type, typename res_T::value_type, CONFIG_T>(
            x, y, scale, bias, table);
        write_channels_first<res_T, CONFIG_T::n_feat / data_T::size>(y, out);
    }
}

// ---- reshapes and whole-tensor layers --------------------------------------------------------

// Flatten: n_beats beats into one beat, in the tensor's row-major order (channels-first for a
// [C][H][W] input, so the following dense sees snac's flatten order).
template <class data_T, class res_T, typename CONFIG_T>
void flatten_stream(hls::stream<data_T>& in, hls::stream<res_T>& out) {
    res_T y;
    for (unsigned p = 0; p < CONFIG_T::n_beats; p++) {
#pragma HLS PIPELINE
        const data_T beat = in.read();
        for (unsigned c = 0; c < data_T::size; c++) {
            const unsigned i =
                CONFIG_T::channels_first ? c * CONFIG_T::n_beats + p : p * data_T::size + c;
            y[i] = beat[c];
        }
    }
    out.write(y);
}

// Deep Sets aggregation: one beat per set element in, one beat out.
template <class data_T, class res_T, typename CONFIG_T>
void aggregate_stream(hls::stream<data_T>& in, hls::stream<res_T>& out) {
    typename data_T::value_type x[CONFIG_T::n_elem * CONFIG_T::n_feat];
    for (unsigned e = 0; e < CONFIG_T::n_elem; e++) {
#pragma HLS PIPELINE
        const data_T beat = in.read();
        for (unsigned j = 0; j < CONFIG_T::n_feat; j++) {
            x[e * CONFIG_T::n_feat + j] = beat[j];
        }
    }
    res_T y;
    aggregate<typename data_T::value_type, typename res_T::value_type, CONFIG_T>(x, y.data);
    out.write(y);
}

// ConvAttn: every position attends to every other, so the block reads its whole input.
template <class data_T, class res_T, typename CONFIG_T>
void conv_attention_stream(
    hls::stream<data_T>& in, hls::stream<res_T>& out,
    const typename CONFIG_T::q_config::weight_t wq[CONFIG_T::n_chan * CONFIG_T::n_hidden],
    const typename CONFIG_T::q_config::bias_t bq[CONFIG_T::n_hidden],
    const typename CONFIG_T::k_config::weight_t wk[CONFIG_T::n_chan * CONFIG_T::n_hidden],
    const typename CONFIG_T::k_config::bias_t bk[CONFIG_T::n_hidden],
    const typename CONFIG_T::v_config::weight_t wv[CONFIG_T::n_chan * CONFIG_T::n_hidden],
    const typename CONFIG_T::v_config::bias_t bv[CONFIG_T::n_hidden],
    const typename CONFIG_T::softmax_config::exp_table_t
        exp_table[1 << CONFIG_T::softmax_config::exp_table_bits],
    const typename CONFIG_T::softmax_config::inv_table_t
        inv_table[1 << CONFIG_T::softmax_config::inv_table_bits],
    const typename CONFIG_T::proj_config::weight_t wp[CONFIG_T::n_hidden * CONFIG_T::n_chan],
    const typename CONFIG_T::proj_config::bias_t bp[CONFIG_T::n_chan]) {
    typename data_T::value_type x[CONFIG_T::n_chan * CONFIG_T::n_pos];
    typename res_T::value_type y[CONFIG_T::n_chan * CONFIG_T::n_pos];
    read_channels_first<data_T, CONFIG_T::n_pos>(in, x);
    conv_attention<typename data_T::value_type, typename res_T::value_type, CONFIG_T>(
        x, y, wq, bq, wk, bk, wv, bv, exp_table, inv_table, wp, bp);
    write_channels_first<res_T, CONFIG_T::n_pos>(y, out);
}

}  // namespace nnet

#endif
