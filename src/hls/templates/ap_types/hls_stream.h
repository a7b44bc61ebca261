// snac's stand-in for Vitis HLS's hls_stream.h, for g++ C simulation only (Vitis HLS uses its
// own header). hls::stream<T> is an unbounded FIFO, as in Vitis C simulation, where the dataflow
// functions run one after the other: write() appends a beat, read() takes the oldest. Reading an
// empty stream would deadlock the hardware; here it stops the program naming the stream. A stream
// destroyed with unread beats is reported and counted (hls::snac_leftover_beats()), so the
// testbench fails on a kernel that does not consume its whole input.
#ifndef HLS_STREAM_H_
#define HLS_STREAM_H_

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>

#define SNAC_HLS_STREAM_STANDIN 1

namespace hls {

inline unsigned long& snac_leftover_beats() {
    static unsigned long beats = 0;
    return beats;
}

template <class T>
class stream {
public:
    stream() : name_("hls::stream") {}
    explicit stream(const char* name) : name_(name) {}
    ~stream() {
        if (!q_.empty()) {
            std::fprintf(stderr, "hls::stream '%s' destroyed with %lu unread beats\n",
                         name_.c_str(), static_cast<unsigned long>(q_.size()));
            snac_leftover_beats() += static_cast<unsigned long>(q_.size());
        }
    }

    void write(const T& v) { q_.push_back(v); }
    bool write_nb(const T& v) {
        write(v);
        return true;
    }
    T read() {
        if (q_.empty()) {
            std::fprintf(stderr, "read from the empty hls::stream '%s' (a deadlock in hardware)\n",
                         name_.c_str());
            std::abort();
        }
        T v = q_.front();
        q_.pop_front();
        return v;
    }
    void read(T& v) { v = read(); }
    bool read_nb(T& v) {
        if (q_.empty()) return false;
        v = read();
        return true;
    }
    void operator<<(const T& v) { write(v); }
    void operator>>(T& v) { v = read(); }
    bool empty() const { return q_.empty(); }
    bool full() const { return false; }
    std::size_t size() const { return q_.size(); }

private:
    stream(const stream&);             // not copyable, as in Vitis
    stream& operator=(const stream&);  // (streams are passed by reference)
    std::deque<T> q_;
    std::string name_;
};

}  // namespace hls

#endif
