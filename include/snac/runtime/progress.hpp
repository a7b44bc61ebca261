#pragma once
/// The live progress line on stderr: done / running / failed / pruned, front size, hypervolume,
/// trials per minute and ETA. Rewritten in place on a terminal; one line every 10 s otherwise.
#include <chrono>
#include <cstdint>
#include <string>

namespace snac::runtime {

struct ProgressCounts {
    std::int64_t done = 0, running = 0, failed = 0, pruned = 0;
    std::int64_t budget = 0;
    std::int64_t done_this_run = 0;  ///< for the rate: trials finished since this process began
    std::string status;              ///< "front 5 | HV 0.81" from the search driver
};

/// The text of one progress line (no newline); `elapsed_s` since this process began.
std::string format_progress(const ProgressCounts& counts, double elapsed_s);

class ProgressLine {
public:
    explicit ProgressLine(bool enabled);
    /// Prints when due (or `force`).
    void update(const ProgressCounts& counts, bool force = false);
    /// Whether update() would print now: callers skip building the counts (the study status
    /// costs O(trials)) when it would not.
    bool due() const;
    /// Ends an in-place line with a newline.
    void finish(const ProgressCounts& counts);

private:
    bool enabled_;
    bool tty_;
    std::chrono::steady_clock::time_point start_, last_;
    bool printed_ = false;
};

}  // namespace snac::runtime
