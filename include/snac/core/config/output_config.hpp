#pragma once
/// `output:` section — where results go.
#include <string>

namespace snac {

struct OutputConfig {
    std::string dir = "runs/snac";   ///< RUN_DIR; `--out` overrides
    bool keep_checkpoints = true;    ///< write every trial's checkpoint
};

}  // namespace snac
