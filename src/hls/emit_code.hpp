#pragma once
// Generation of the project's C++ sources from a lowered model (private to the emitter).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "snac/hls/project.hpp"

namespace snac::hls::detail {

/// One FIFO of an io_stream design: the stream's name, its beats per inference, the values per
/// beat and the depth chosen (docs/hls.md#io_stream).
struct StreamFifo {
    std::string name;
    std::int64_t beats = 0, width = 0, depth = 0;
};

/// Relative path -> content of every generated (not copied) file of the firmware and testbench.
/// Under io_stream `fifos` receives the FIFOs between layers, in call order.
std::map<std::string, std::string> generate_sources(const nn::FixedModel& model,
                                                    const std::string& name, IoType io,
                                                    std::vector<StreamFifo>* fifos = nullptr);

/// The FIFO depth rule: every beat the producer writes in one inference, at least 2.
std::int64_t fifo_depth(std::int64_t beats);

/// Exact shortest decimal spelling of a double (round-trips to the same value).
std::string exact_number(double v);

/// Text safe inside a // comment: printable ASCII only, on one line.
std::string comment_text(std::string_view text);

}  // namespace snac::hls::detail
