#pragma once
/// `snac train`: train one architecture (a baseline) or retrain a global trial (docs/cli.md#train).
#include <cstdint>
#include <string>
#include <vector>

namespace snac::runtime {

struct TrainCommandOptions {
    std::string config;
    std::string arch;
    std::string out;
    std::uint64_t seed = 0;
    int threads = -1;
    int epochs = 0;
    std::vector<std::string> from_trial;  ///< RUN_DIR N
    bool quiet = false;                   ///< print only the output path (snac --quiet)
};

/// Writes OUT/checkpoint.h5 and OUT/metrics.json; returns the exit code (128+signal when
/// interrupted).
int run_train_command(const TrainCommandOptions& options);

}  // namespace snac::runtime
