// snac kernel library: the beat of an io_stream FIFO (hls4ml's nnet::array convention): one
// pixel's channels of a [C][H][W] tensor, one row of [rows][F], or a whole [F] vector.
#ifndef NNET_TYPES_H_
#define NNET_TYPES_H_

namespace nnet {

template <typename T, unsigned N>
struct array {
    typedef T value_type;
    static const unsigned size = N;
    T data[N];

    T& operator[](unsigned i) { return data[i]; }
    const T& operator[](unsigned i) const { return data[i]; }
};

}  // namespace nnet

#endif
