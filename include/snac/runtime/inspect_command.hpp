#pragma once
/// `snac inspect`: the layer table of a network with parameter, MAC and BOPs counts.
#include <string>

namespace snac::runtime {

struct InspectOptions {
    std::string path;
    int bits = 32;
    bool json = false;
};

/// Prints the table (or JSON) to standard output; returns the exit code.
int run_inspect(const InspectOptions& options);

}  // namespace snac::runtime
