#pragma once
/// SIGTERM / SIGUSR1 (Slurm's warning before the time limit, scancel, preemption) ask the run to
/// drain: the handlers only set a flag; the coordinator polls it, stops handing out work and waits
/// a bounded time for running trials. Trainers stop training when that time is up.
#include <atomic>

namespace snac::runtime {

/// Installs the SIGTERM/SIGUSR1/SIGINT handlers (idempotent).
void install_signal_handlers();
/// True once a drain was requested (by a signal or request_drain()).
bool drain_requested() noexcept;
/// The signal that asked for the drain (0 when requested programmatically or not at all).
int drain_signal() noexcept;
/// Requests a drain as a signal would (tests, time limits).
void request_drain() noexcept;
/// Clears the flags (tests; a new run in the same process).
void reset_drain() noexcept;

/// Test hook (docs/running-on-hpc.md#test-hooks): when SNAC_TEST_PAUSE_MS is set, waits that many
/// milliseconds after a finished global trial or local step, returning early on a drain or `stop`,
/// so interruption tests can kill a stage mid-way on a machine of any speed. No effect otherwise.
void test_hook_pause(const std::atomic<bool>* stop = nullptr);

/// Sets `stop` once `drain_timeout_s` seconds have passed after a drain request, so a trainer
/// that cannot finish in time ends its training between batches. Runs on its own thread for the
/// lifetime of the object.
class DrainWatchdog {
public:
    explicit DrainWatchdog(double drain_timeout_s);
    ~DrainWatchdog();
    DrainWatchdog(const DrainWatchdog&) = delete;
    DrainWatchdog& operator=(const DrainWatchdog&) = delete;
    /// The flag trainers pass to nn::TrainOptions::stop.
    const std::atomic<bool>* stop_flag() const noexcept { return &stop_; }

private:
    struct Impl;
    Impl* impl_;
    std::atomic<bool> stop_{false};
};

}  // namespace snac::runtime
