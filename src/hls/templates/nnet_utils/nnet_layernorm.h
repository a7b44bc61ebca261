// snac kernel library: layer normalisation over the last axis ([F], [R][F]) or over a whole
// [C][H][W] sample (n_rows = 1, n_feat = C*H*W), in hls4ml's layernorm style
// (a config with accum_t/table_t/scale_t/bias_t, the inverse standard deviation from a lookup
// table over a variance range of 2^table_range_pow2, derived from the types and at most 8). Per
// row of n_feat values, in accum_t:
//   mean = (sum of x) / n_feat            (ap_fixed division: keeps the fraction, truncates)
//   d[i] = x[i] - mean
//   var  = (sum of accum_t(d[i]*d[i])) / n_feat
//   inv  = table[trunc0(var * table_size / 2^table_range_pow2)], clamped to the table
//   y[i] = res_T(accum_t(d[i] * inv) * scale[i] + bias[i])   (one quantization at the end)
// snac's FixedModel (src/nn/fixed_run.cpp) computes the same casts in the same order.
#ifndef NNET_LAYERNORM_H_
#define NNET_LAYERNORM_H_

#include "nnet_common.h"

namespace nnet {

struct layernorm_config {
    typedef ap_fixed<16, 6> accum_t;
    typedef ap_fixed<18, 8, AP_RND, AP_SAT> table_t;
    typedef ap_fixed<16, 6> scale_t;
    typedef ap_fixed<16, 6> bias_t;
    static const unsigned n_rows = 1;   // 1 for [F], R for [R][F]
    static const unsigned n_feat = 1;   // the normalised axis
    static const unsigned table_size = 1024;
    static const unsigned table_range_pow2 = 3;
    static const unsigned reuse_factor = 1;
    static const unsigned n_beats = 1;  // io_stream: beats read per inference
};

// One normalised group of n_feat values (a row; all of [C][H][W] in channels-first order).
template <class data_T, class res_T, typename CONFIG_T>
void layernorm_row(const data_T x[CONFIG_T::n_feat], res_T y[CONFIG_T::n_feat],
                   const typename CONFIG_T::scale_t scale[CONFIG_T::n_feat],
                   const typename CONFIG_T::bias_t bias[CONFIG_T::n_feat],
                   const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
#pragma HLS INLINE
    typedef typename CONFIG_T::accum_t accum_t;
    const int range = 1 << CONFIG_T::table_range_pow2;
    accum_t sum = 0;
    for (unsigned i = 0; i < CONFIG_T::n_feat; i++) {
        sum += x[i];
    }
    const accum_t mean = sum / (int)CONFIG_T::n_feat;
    accum_t d[CONFIG_T::n_feat];
#pragma HLS ARRAY_PARTITION variable = d complete
    accum_t sq = 0;
    for (unsigned i = 0; i < CONFIG_T::n_feat; i++) {
        d[i] = x[i] - mean;
        sq += (accum_t)(d[i] * d[i]);
    }
    const accum_t var = sq / (int)CONFIG_T::n_feat;
    int idx = (var * CONFIG_T::table_size / range).to_int();
    if (idx < 0) idx = 0;
    if (idx > (int)CONFIG_T::table_size - 1) idx = (int)CONFIG_T::table_size - 1;
    const typename CONFIG_T::table_t inv = table[idx];
    for (unsigned i = 0; i < CONFIG_T::n_feat; i++) {
        const accum_t n = d[i] * inv;
        y[i] = (res_T)(n * scale[i] + bias[i]);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void layernorm(const data_T data[CONFIG_T::n_rows * CONFIG_T::n_feat],
               res_T res[CONFIG_T::n_rows * CONFIG_T::n_feat],
               const typename CONFIG_T::scale_t scale[CONFIG_T::n_feat],
               const typename CONFIG_T::bias_t bias[CONFIG_T::n_feat],
               const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
#pragma HLS ARRAY_PARTITION variable = scale complete
#pragma HLS ARRAY_PARTITION variable = bias complete
    for (unsigned r = 0; r < CONFIG_T::n_rows; r++) {
        layernorm_row<data_T, res_T, CONFIG_T>(data + r * CONFIG_T::n_feat,
                                               res + r * CONFIG_T::n_feat, scale, bias, table);
    }
}

}  // namespace nnet

#endif
