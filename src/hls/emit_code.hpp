#pragma once
// Generation of the project's C++ sources from a lowered model (private to the emitter).
#include <map>
#include <string>

#include "snac/hls/project.hpp"

namespace snac::hls::detail {

/// Relative path -> content of every generated (not copied) file of the firmware and testbench.
std::map<std::string, std::string> generate_sources(const nn::FixedModel& model,
                                                    const std::string& name);

/// Exact shortest decimal spelling of a double (round-trips to the same value).
std::string exact_number(double v);

/// Text safe inside a // comment: printable ASCII only, on one line.
std::string comment_text(std::string_view text);

}  // namespace snac::hls::detail
