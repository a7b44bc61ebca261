// snac kernel library: NAC's ConvAttn block, io_parallel. Channels-first [C][H][W] data with
// E = H*W positions. Q, K and V are 1x1 convolutions (the dense kernel of nnet_dense.h over each
// position's C channels), S = Q^T K over positions (products cast to accum_t, summed in hidden
// order, cast to res_T), A = softmax of each row of S (nnet_activation.h's tables), O = V A^T
// (the same cast order), a 1x1 projection back to C channels and the residual y = x + proj(O)
// with one cast. snac's FixedModel (src/nn/fixed_run.cpp) computes the same casts in the same
// order, so C simulation agrees bit for bit.
#ifndef NNET_CONV_ATTENTION_H_
#define NNET_CONV_ATTENTION_H_

#include "nnet_activation.h"
#include "nnet_dense.h"

namespace nnet {

struct conv_attention_config {
    typedef ap_fixed<16, 6> accum_t;  // the two attention products
    static const unsigned n_chan = 1;
    static const unsigned n_hidden = 1;
    static const unsigned n_pos = 1;
    // Also: q_t, k_t, v_t, a_t, proj_t (the parts' result types) and q_config, k_config,
    // v_config, softmax_config, proj_config (their dense / softmax configs).
};

template <class data_T, class res_T, typename CONFIG_T>
void conv_attention(
    const data_T data[CONFIG_T::n_chan * CONFIG_T::n_pos],
    res_T res[CONFIG_T::n_chan * CONFIG_T::n_pos],
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
    const unsigned C = CONFIG_T::n_chan, H = CONFIG_T::n_hidden, E = CONFIG_T::n_pos;
    typename CONFIG_T::q_t q[H * E];
    typename CONFIG_T::k_t k[H * E];
    typename CONFIG_T::v_t v[H * E];
    typename CONFIG_T::a_t a[E * E];
    res_T o[H * E];
#pragma HLS ARRAY_PARTITION variable = q complete
#pragma HLS ARRAY_PARTITION variable = k complete
#pragma HLS ARRAY_PARTITION variable = v complete

    // Q, K, V: one 1x1 convolution per position.
    for (unsigned p = 0; p < E; p++) {
        data_T xp[C];
        typename CONFIG_T::q_t qp[H];
        typename CONFIG_T::k_t kp[H];
        typename CONFIG_T::v_t vp[H];
        for (unsigned c = 0; c < C; c++) xp[c] = data[c * E + p];
        dense<data_T, typename CONFIG_T::q_t, typename CONFIG_T::q_config>(xp, qp, wq, bq);
        dense<data_T, typename CONFIG_T::k_t, typename CONFIG_T::k_config>(xp, kp, wk, bk);
        dense<data_T, typename CONFIG_T::v_t, typename CONFIG_T::v_config>(xp, vp, wv, bv);
        for (unsigned h = 0; h < H; h++) {
            q[h * E + p] = qp[h];
            k[h * E + p] = kp[h];
            v[h * E + p] = vp[h];
        }
    }
    // A = softmax over key positions of S = Q^T K, one row per query position.
    for (unsigned i = 0; i < E; i++) {
        res_T s[E];
        for (unsigned j = 0; j < E; j++) {
            typename CONFIG_T::accum_t acc = 0;
            for (unsigned h = 0; h < H; h++) {
                acc += (typename CONFIG_T::accum_t)(q[h * E + i] * k[h * E + j]);
            }
            s[j] = (res_T)acc;
        }
        softmax<res_T, typename CONFIG_T::a_t, typename CONFIG_T::softmax_config>(
            s, a + i * E, exp_table, inv_table);
    }
    // O = V A^T.
    for (unsigned h = 0; h < H; h++) {
        for (unsigned i = 0; i < E; i++) {
            typename CONFIG_T::accum_t acc = 0;
            for (unsigned j = 0; j < E; j++) {
                acc += (typename CONFIG_T::accum_t)(v[h * E + j] * a[i * E + j]);
            }
            o[h * E + i] = (res_T)acc;
        }
    }
    // Projection back to C channels and the residual, one cast.
    for (unsigned p = 0; p < E; p++) {
        res_T op[H];
        typename CONFIG_T::proj_t pp[C];
        for (unsigned h = 0; h < H; h++) op[h] = o[h * E + p];
        dense<res_T, typename CONFIG_T::proj_t, typename CONFIG_T::proj_config>(op, pp, wp, bp);
        for (unsigned c = 0; c < C; c++) res[c * E + p] = (res_T)(data[c * E + p] + pp[c]);
    }
}

}  // namespace nnet

#endif
