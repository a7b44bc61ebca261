// snac kernel library: Deep Sets aggregation (Zaheer et al., "Deep Sets", NeurIPS 2017). The
// generated top function applies phi to every element; this kernel pools the [elements][features]
// array over elements (mean, max or sum) before rho.
#ifndef NNET_DEEPSETS_H_
#define NNET_DEEPSETS_H_

#include "nnet_common.h"

namespace nnet {

struct aggregate_config {
    typedef ap_fixed<16, 6> accum_t;
    static const unsigned n_elem = 1;
    static const unsigned n_feat = 1;
    static const unsigned aggregate = agg_mean;
};

template <class data_T, class res_T, typename CONFIG_T>
void aggregate(const data_T data[CONFIG_T::n_elem * CONFIG_T::n_feat], res_T res[CONFIG_T::n_feat]) {
#pragma HLS PIPELINE
    for (unsigned j = 0; j < CONFIG_T::n_feat; j++) {
        if (CONFIG_T::aggregate == agg_max) {
            data_T m = data[j];
            for (unsigned e = 1; e < CONFIG_T::n_elem; e++) {
                if (data[e * CONFIG_T::n_feat + j] > m) m = data[e * CONFIG_T::n_feat + j];
            }
            res[j] = (res_T)m;
        } else {
            typename CONFIG_T::accum_t s = 0;
            for (unsigned e = 0; e < CONFIG_T::n_elem; e++) {
                s += data[e * CONFIG_T::n_feat + j];
            }
            if (CONFIG_T::aggregate == agg_mean) {
                res[j] = (res_T)(s / (int)CONFIG_T::n_elem);
            } else {
                res[j] = (res_T)s;
            }
        }
    }
}

}  // namespace nnet

#endif
