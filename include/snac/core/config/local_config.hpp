#pragma once
/// `local:` section — per selected model: TPE over training settings, then quantization-aware
/// training at each bit width with iterative magnitude pruning.
#include <string>
#include <vector>

namespace snac {

struct LocalConfig {
    bool enabled = false;
    int tpe_trials = 20;
    std::vector<int> bit_widths = {4, 6, 8, 16};
    int pruning_iterations = 5;
    double pruning_rate = 0.2;        ///< fraction of remaining weights removed per iteration
    int epochs_per_iteration = 5;
};

}  // namespace snac
