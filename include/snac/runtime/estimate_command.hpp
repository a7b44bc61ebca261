#pragma once
/// `snac estimate`: hardware cost of one network with the surrogate (docs/cli.md#estimate).
#include <string>

namespace snac::runtime {

struct EstimateOptions {
    std::string input, config, part, precision, weight_precision, strategy, io_type, model,
        model_file;
    int reuse_factor = 1;
    double clock_ns = 5.0;
    bool json = false;
    bool rf_set = false, clock_set = false;  // given on the command line
};

/// Prints the table (or JSON) to standard output; returns the exit code. Throws UsageError for bad
/// flags.
int run_estimate(const EstimateOptions& options);

}  // namespace snac::runtime
