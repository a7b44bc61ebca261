// snac kernel library: activations (hls4ml-semantics.md §4, §5). Sigmoid, tanh and softmax read
// lookup tables that snac computes once and emits as constants (weights/t*.h, e*.h, i*.h).
#ifndef NNET_ACTIVATION_H_
#define NNET_ACTIVATION_H_

#include "nnet_common.h"

namespace nnet {

struct activ_config {
    typedef ap_fixed<18, 8> table_t;
    typedef ap_fixed<16, 6> param_t;
    static const unsigned n_in = 1;
    static const unsigned table_size = 1024;
    static const unsigned n_beats = 1;  // io_stream: beats read per inference
};

template <class data_T, class res_T, typename CONFIG_T>
void relu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
#pragma HLS PIPELINE
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        if (data[i] > 0) {
            res[i] = (res_T)data[i];
        } else {
            res[i] = 0;
        }
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void leaky_relu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
                const typename CONFIG_T::param_t alpha[1]) {
#pragma HLS PIPELINE
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        if (data[i] > 0) {
            res[i] = (res_T)data[i];
        } else {
            res[i] = (res_T)(data[i] * alpha[0]);
        }
    }
}

// Table index trunc0(x*size/range) + size/2, clamped: the multiplication is exact, the division
// and the int conversion truncate toward zero.
template <class data_T, typename CONFIG_T, int RANGE>
int table_index(const data_T& x) {
#pragma HLS INLINE
    int idx = (x * CONFIG_T::table_size / RANGE).to_int() + (int)(CONFIG_T::table_size / 2);
    if (idx < 0) idx = 0;
    if (idx > (int)CONFIG_T::table_size - 1) idx = (int)CONFIG_T::table_size - 1;
    return idx;
}

// Sigmoid over [-8, 8).
template <class data_T, class res_T, typename CONFIG_T>
void sigmoid(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
             const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
#pragma HLS PIPELINE
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        res[i] = (res_T)table[table_index<data_T, CONFIG_T, 16>(data[i])];
    }
}

// Tanh over [-4, 4).
template <class data_T, class res_T, typename CONFIG_T>
void tanh(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
          const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
#pragma HLS PIPELINE
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        res[i] = (res_T)table[table_index<data_T, CONFIG_T, 8>(data[i])];
    }
}

// GELU over [-8, 8) from a table (sigmoid's index rule); from 8 up GELU(x) = x to double
// precision, so the input passes through; below -8 the first entry (GELU(-8) ~ 0) is used.
template <class data_T, class res_T, typename CONFIG_T>
void gelu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
          const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
#pragma HLS PIPELINE
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        int idx = (data[i] * CONFIG_T::table_size / 16).to_int() + (int)(CONFIG_T::table_size / 2);
        if (idx >= (int)CONFIG_T::table_size) {
            res[i] = (res_T)data[i];
        } else {
            res[i] = (res_T)table[idx < 0 ? 0 : idx];
        }
    }
}

struct softmax_config {
    typedef ap_fixed<16, 6> accum_t;
    typedef ap_ufixed<15, 5> norm_t;
    typedef ap_fixed<18, 8, AP_RND, AP_SAT> exp_table_t;
    typedef ap_fixed<18, 8, AP_RND, AP_SAT> inv_table_t;
    typedef ap_fixed<18, 8, AP_RND, AP_SAT> inv_inp_t;
    static const unsigned n_in = 1;
    static const unsigned norm_width = 15;
    static const unsigned inv_inp_width = 18;
    static const unsigned exp_table_bits = 10;
    static const unsigned inv_table_bits = 10;
    static const unsigned n_beats = 1;  // io_stream: beats read per inference
};

// Stable softmax: exp(-(max - x)) from a table indexed by the top bits of the normalised
// difference, the sum inverted by a table indexed by the top bits of the sum (sign included).
template <class data_T, class res_T, typename CONFIG_T>
void softmax(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
             const typename CONFIG_T::exp_table_t exp_table[1 << CONFIG_T::exp_table_bits],
             const typename CONFIG_T::inv_table_t inv_table[1 << CONFIG_T::inv_table_bits]) {
#pragma HLS PIPELINE
    data_T x_max = data[0];
    for (unsigned i = 1; i < CONFIG_T::n_in; i++) {
        if (data[i] > x_max) x_max = data[i];
    }
    typename CONFIG_T::accum_t e[CONFIG_T::n_in];
#pragma HLS ARRAY_PARTITION variable = e complete
    typename CONFIG_T::accum_t sum = 0;
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        typename CONFIG_T::norm_t d = x_max - data[i];
        const unsigned idx = d.range(CONFIG_T::norm_width - 1,
                                     CONFIG_T::norm_width - CONFIG_T::exp_table_bits).to_uint();
        e[i] = exp_table[idx];
        sum += e[i];
    }
    typename CONFIG_T::inv_inp_t s = sum;
    const unsigned j = s.range(CONFIG_T::inv_inp_width - 1,
                               CONFIG_T::inv_inp_width - CONFIG_T::inv_table_bits).to_uint();
    typename CONFIG_T::inv_table_t inv = inv_table[j];
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        res[i] = (res_T)(e[i] * inv);
    }
}

}  // namespace nnet

#endif
