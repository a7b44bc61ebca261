// snac kernel library: dense layers (hls4ml-semantics.md §3). Bit-exact cast order: each product
// x[i]*w is cast to accum_t on its own, the accumulator starts from the bias, and the sum is cast
// once to the result type.
#ifndef NNET_DENSE_H_
#define NNET_DENSE_H_

#include "nnet_common.h"

namespace nnet {

struct dense_config {
    typedef ap_fixed<16, 6> accum_t;
    typedef ap_fixed<16, 6> bias_t;
    typedef ap_fixed<16, 6> weight_t;
    static const unsigned n_in = 1;
    static const unsigned n_out = 1;
    static const unsigned reuse_factor = 1;
    static const unsigned strategy = latency;
    static const unsigned n_zeros = 0;
    static const unsigned n_nonzeros = 1;
    static const unsigned multiplier_limit = 1;
    static const unsigned n_beats = 1;  // io_stream: beats read per inference
};

// Latency strategy: fully unrolled, pipelined at II = reuse_factor, weights w[i*n_out + j].
// Zero weights are constants of the unrolled loop, so synthesis removes their multipliers.
template <class data_T, class res_T, typename CONFIG_T>
void dense_latency(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                   const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                   const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
#pragma HLS FUNCTION_INSTANTIATE variable = weights, biases
#pragma HLS ARRAY_PARTITION variable = weights complete
#pragma HLS ARRAY_PARTITION variable = biases complete
#pragma HLS ALLOCATION operation instances = mul limit = CONFIG_T::multiplier_limit
    typename CONFIG_T::accum_t acc[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable = acc complete

    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        acc[j] = (typename CONFIG_T::accum_t)biases[j];
    }
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
            acc[j] += (typename CONFIG_T::accum_t)(data[i] * weights[i * CONFIG_T::n_out + j]);
        }
    }
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        res[j] = (res_T)acc[j];
    }
}

// Resource strategy: weights in a ROM, transposed (w[j*n_in + i]); reuse_factor iterations of a
// loop pipelined at II = 1, each doing ceil(n_in*n_out / reuse_factor) multiplications.
template <class data_T, class res_T, typename CONFIG_T>
void dense_resource(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                    const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    const unsigned total = CONFIG_T::n_in * CONFIG_T::n_out;
    const unsigned block_factor = (total + CONFIG_T::reuse_factor - 1) / CONFIG_T::reuse_factor;
#pragma HLS FUNCTION_INSTANTIATE variable = weights, biases
#pragma HLS ARRAY_RESHAPE variable = weights block factor = block_factor
#pragma HLS RESOURCE variable = weights core = ROM_nP_BRAM
    typename CONFIG_T::accum_t acc[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable = acc complete

    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
#pragma HLS UNROLL
        acc[j] = (typename CONFIG_T::accum_t)biases[j];
    }
    for (unsigned ir = 0; ir < CONFIG_T::reuse_factor; ir++) {
#pragma HLS PIPELINE II = 1 rewind
        for (unsigned im = 0; im < block_factor; im++) {
#pragma HLS UNROLL
            const unsigned w_index = ir + CONFIG_T::reuse_factor * im;
            if (w_index >= total) break;
            const unsigned in_index = w_index % CONFIG_T::n_in;
            const unsigned out_index = w_index / CONFIG_T::n_in;
            acc[out_index] += (typename CONFIG_T::accum_t)(data[in_index] * weights[w_index]);
        }
    }
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
#pragma HLS UNROLL
        res[j] = (res_T)acc[j];
    }
}

// Resource strategy with pruned weights (hls4ml's compressed dense): only the n_nonzeros non-zero
// weights are stored, each with its input and output index, in transposed order; reuse_factor
// iterations of a loop pipelined at II = 1 each do ceil(n_nonzeros / reuse_factor) of them, so
// neither the ROM nor the multipliers hold the zeros.
template <class data_T, class res_T, typename CONFIG_T>
void dense_compressed(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                      const typename CONFIG_T::weight_t weights[CONFIG_T::n_nonzeros],
                      const typename CONFIG_T::index_t in_index[CONFIG_T::n_nonzeros],
                      const typename CONFIG_T::index_t out_index[CONFIG_T::n_nonzeros],
                      const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    const unsigned total = CONFIG_T::n_nonzeros;
    const unsigned block_factor = (total + CONFIG_T::reuse_factor - 1) / CONFIG_T::reuse_factor;
#pragma HLS ARRAY_RESHAPE variable = weights block factor = block_factor
#pragma HLS ARRAY_RESHAPE variable = in_index block factor = block_factor
#pragma HLS ARRAY_RESHAPE variable = out_index block factor = block_factor
    typename CONFIG_T::accum_t acc[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable = acc complete

    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
#pragma HLS UNROLL
        acc[j] = (typename CONFIG_T::accum_t)biases[j];
    }
    for (unsigned ir = 0; ir < CONFIG_T::reuse_factor; ir++) {
#pragma HLS PIPELINE II = 1 rewind
        for (unsigned im = 0; im < block_factor; im++) {
#pragma HLS UNROLL
            const unsigned k = ir + CONFIG_T::reuse_factor * im;
            if (k >= total) break;
            const unsigned i = in_index[k].to_uint();
            const unsigned j = out_index[k].to_uint();
            acc[j] += (typename CONFIG_T::accum_t)(data[i] * weights[k]);
        }
    }
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
#pragma HLS UNROLL
        res[j] = (res_T)acc[j];
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void dense(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
           const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
           const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
    if (CONFIG_T::strategy == latency) {
        dense_latency<data_T, res_T, CONFIG_T>(data, res, weights, biases);
    } else {
        dense_resource<data_T, res_T, CONFIG_T>(data, res, weights, biases);
    }
}

}  // namespace nnet

#endif
