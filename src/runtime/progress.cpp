#include "snac/runtime/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <sstream>

namespace snac::runtime {
namespace {

std::string duration_text(double s) {
    std::ostringstream out;
    if (s < 90) out << static_cast<long>(s + 0.5) << "s";
    else if (s < 5400) out << static_cast<long>(s / 60 + 0.5) << "m";
    else out << static_cast<long>(s / 3600) << "h" << static_cast<long>(s / 60) % 60 << "m";
    return out.str();
}

}  // namespace

std::string format_progress(const ProgressCounts& c, double elapsed_s) {
    std::ostringstream out;
    out << "[global] done " << c.done << "/" << c.budget << " | running " << c.running
        << " | failed " << c.failed << " | pruned " << c.pruned;
    if (!c.status.empty()) out << " | " << c.status;
    const double rate = elapsed_s > 0 ? c.done_this_run * 60.0 / elapsed_s : 0.0;
    out.setf(std::ios::fixed);
    out.precision(1);
    out << " | " << rate << " trials/min";
    const std::int64_t left = c.budget - c.done;
    if (rate > 0 && left > 0) out << " | ETA " << duration_text(left * 60.0 / rate);
    return out.str();
}

ProgressLine::ProgressLine(bool enabled)
    : enabled_(enabled),
      tty_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

bool ProgressLine::due() const {
    if (!enabled_) return false;
    const double since =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count();
    return since >= (tty_ ? 0.5 : 10.0);
}

void ProgressLine::update(const ProgressCounts& counts, bool force) {
    if (!enabled_) return;
    if (!force && !due()) return;
    const auto now = std::chrono::steady_clock::now();
    last_ = now;
    const std::string line =
        format_progress(counts, std::chrono::duration<double>(now - start_).count());
    if (tty_) std::fprintf(stderr, "\r\033[K%s", line.c_str());
    else std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
    printed_ = true;
}

void ProgressLine::finish(const ProgressCounts& counts) {
    if (!enabled_) return;
    update(counts, true);
    if (tty_ && printed_) std::fputc('\n', stderr);
}

}  // namespace snac::runtime
