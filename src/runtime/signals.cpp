// Async-signal-safe drain flag: the handler stores to lock-free atomics and nothing else.
#include "snac/runtime/signals.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace snac::runtime {
namespace {

std::atomic<bool> g_drain{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "signal handlers may only touch lock-free atomics");

extern "C" void on_drain_signal(int sig) {
    // A second Ctrl-C means "now": fall back to the default action.
    if (sig == SIGINT && g_drain.load()) {
        std::signal(SIGINT, SIG_DFL);
        std::raise(SIGINT);
        return;
    }
    g_signal.store(sig);
    g_drain.store(true);
}

}  // namespace

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_drain_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (int sig : {SIGTERM, SIGUSR1, SIGINT}) sigaction(sig, &action, nullptr);
}

bool drain_requested() noexcept { return g_drain.load(); }

void test_hook_pause(const std::atomic<bool>* stop) {
    static const long pause_ms = [] {
        const char* v = std::getenv("SNAC_TEST_PAUSE_MS");
        return v && *v ? std::max(0L, std::strtol(v, nullptr, 10)) : 0L;
    }();
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(pause_ms);
    while (std::chrono::steady_clock::now() < until && !g_drain.load() && !(stop && stop->load()))
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
}
int drain_signal() noexcept { return g_signal.load(); }
void request_drain() noexcept { g_drain.store(true); }
void reset_drain() noexcept {
    g_drain.store(false);
    g_signal.store(0);
}

struct DrainWatchdog::Impl {
    std::mutex mutex;
    std::condition_variable wake;
    bool done = false;
    std::thread thread;
};

DrainWatchdog::DrainWatchdog(double drain_timeout_s) : impl_(new Impl) {
    impl_->thread = std::thread([this, drain_timeout_s] {
        using clock = std::chrono::steady_clock;
        std::optional<clock::time_point> deadline;
        std::unique_lock lock(impl_->mutex);
        while (!impl_->done) {
            impl_->wake.wait_for(lock, std::chrono::milliseconds(50));
            if (!drain_requested()) continue;
            if (!deadline)
                deadline = clock::now() + std::chrono::duration_cast<clock::duration>(
                                              std::chrono::duration<double>(drain_timeout_s));
            if (clock::now() >= *deadline) stop_.store(true);
        }
    });
}

DrainWatchdog::~DrainWatchdog() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->done = true;
    }
    impl_->wake.notify_all();
    if (impl_->thread.joinable()) impl_->thread.join();
    delete impl_;
}

}  // namespace snac::runtime
