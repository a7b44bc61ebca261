#pragma once
// Running an external program (g++, the compiled testbench, vitis_hls) without a shell, so that
// user-chosen paths are never interpreted.
#include <string>
#include <vector>

namespace snac::hls::detail {

struct ProcessResult {
    int exit_code = -1;  ///< exit status, or 128 + signal
    std::string output;  ///< stdout and stderr, interleaved
};

/// Runs argv[0] (looked up in PATH) with working directory `cwd`. Throws Error if it cannot start.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd);

/// True when `program` is an executable file in one of PATH's directories.
bool on_path(const std::string& program);

}  // namespace snac::hls::detail
