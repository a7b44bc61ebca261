#pragma once
/// `snac surrogate fit | eval` (docs/surrogate.md).
#include <cstdint>
#include <string>
#include <vector>

namespace snac::runtime {

struct SurrogateOptions {
    std::vector<std::string> records;
    std::string out, model, model_file, coefficients, resource_source = "vivado";
    double test_fraction = 0.25;
    std::uint64_t seed = 1;
    int epochs = 300;
    bool json = false;
};

/// Fits the analytical coefficients or trains the learned model and writes options.out.
int run_surrogate_fit(const SurrogateOptions& options);

/// Scores a model on a split grouped by architecture; prints the metrics.
int run_surrogate_eval(const SurrogateOptions& options);

}  // namespace snac::runtime
