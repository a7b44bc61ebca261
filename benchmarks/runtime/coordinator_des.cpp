// The coordinator at scale, measured rather than projected (issue 15 item 6a): a discrete-event
// simulation that drives the REAL coordinator loop, NSGA-II sampler, inline estimator (counts +
// analytical cost model) and SQLite study store with thousands of virtual trainers.
//
// Time model. A virtual clock advances by (a) the coordinator's real wall time spent between two
// calls to Transport::receive (it is busy computing or waiting on the study file: nothing else
// happens at rank 0 meanwhile) and (b)
// jumps to the next message's arrival when the coordinator waits. A trainer that receives a
// TrainTask at virtual time t answers at t + d, d drawn from a log-normal distribution around the
// stated median (sigma 0.5, seeded). Nothing else is simulated: the messages, the sampler, the
// study transactions and the event log are the production code paths, run at full speed.
//
// Reported per scale: coordinator utilisation (busy / simulated time), mean and p99 queue wait
// (a result's arrival until the coordinator reads it), trainer idle fraction over the whole run
// and in steady state (after the ramp-up in which the coordinator hands out the first task to
// every trainer, and before the tail in which the budget runs out), and coordinator CPU per trial.
//
//   bench_runtime_des [--trainers 1000,10000,100000] [--median 10,60] [--trials-per-trainer 6]
//                     [--driver full|protocol] [--clock wall|cpu] [--config configs/quickstart.yaml]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <queue>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "snac/core/config.hpp"
#include "snac/core/log.hpp"
#include "snac/core/seed.hpp"
#include "snac/runtime/actors.hpp"
#include "protocol_driver.hpp"
#include "study_driver.hpp"
#include "work.hpp"

using namespace snac;
using namespace snac::runtime;
namespace fs = std::filesystem;

namespace {

double thread_cpu_seconds() {
    timespec ts{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0.0;
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::vector<double> parse_list(const std::string& text) {
    std::vector<double> v;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) v.push_back(std::stod(item));
    return v;
}

struct Args {
    std::vector<double> trainers = {1000, 10000, 100000};
    std::vector<double> medians = {10, 60};
    double trials_per_trainer = 6;
    std::string driver = "full";
    bool cpu_clock = false;
    std::string config = std::string(SNAC_SOURCE_DIR) + "/configs/quickstart.yaml";
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--trainers") a.trainers = parse_list(v);
        else if (k == "--median") a.medians = parse_list(v);
        else if (k == "--trials-per-trainer") a.trials_per_trainer = std::stod(v);
        else if (k == "--driver") a.driver = v;
        else if (k == "--clock") a.cpu_clock = v == "cpu";
        else if (k == "--config") a.config = v;
        else {
            std::cerr << "unknown option " << k << "\n";
            std::exit(2);
        }
    }
    return a;
}

/// Rank 0's view of a world of virtual trainers on a virtual clock.
class SimTransport final : public Transport {
public:
    SimTransport(int trainers, double median_s, std::uint64_t seed, bool cpu_clock)
        : size_(trainers + 1),
          rng_(seed),
          duration_(std::log(median_s), 0.5),
          free_since_(static_cast<std::size_t>(size_), 0.0),
          started_(static_cast<std::size_t>(size_), false) {
        for (int r = 1; r < size_; ++r) push(0.0, r, make_hello(Role::kTrainer));
        cpu_clock_ = cpu_clock;
        mark_ = Clock::now();
        cpu_mark_ = thread_cpu_seconds();
    }

    int rank() const override { return 0; }
    int size() const override { return size_; }

    void send(int dest, Message m) override {
        charge_busy();
        const auto d = static_cast<std::size_t>(dest);
        if (m.header.kind == MessageKind::kTrainTask) {
            const Candidate c = decode_candidate(m);
            idle_intervals_.push_back({free_since_[d], now_});
            if (!started_[d]) {
                started_[d] = true;
                ++n_started_;
                if (n_started_ == size_ - 1) ramp_end_ = now_;
            }
            last_task_ = now_;
            TrainReport r = bench::instant_report(c);
            r.seconds = duration_(rng_);
            push(now_ + r.seconds, dest, encode(r));
        }
    }

    std::optional<Envelope> receive(std::chrono::milliseconds timeout) override {
        charge_busy();
        if (events_.empty() || events_.top().time > now_ + 1e-3 * timeout.count()) {
            now_ += 1e-3 * static_cast<double>(timeout.count());
            mark_ = Clock::now();
            cpu_mark_ = thread_cpu_seconds();
            return std::nullopt;
        }
        Event e = events_.top();
        events_.pop();
        const bool result = e.env.message.header.kind == MessageKind::kTrainResult;
        if (e.time > now_) {
            now_ = e.time;
        } else if (result) {
            waits_.push_back(now_ - e.time);
        }
        if (result) free_since_[static_cast<std::size_t>(e.env.source)] = e.time;
        mark_ = Clock::now();
        cpu_mark_ = thread_cpu_seconds();
        return std::move(e.env);
    }

    void flush() override {}

    /// Trainers left without work at the end were idle until the end.
    void finish() {
        charge_busy();
        for (std::size_t r = 1; r < free_since_.size(); ++r)
            idle_intervals_.push_back({free_since_[r], now_});
    }

    /// Idle trainer-seconds over the whole run, and within [from, to].
    double idle(double from, double to) const {
        double sum = 0.0;
        for (const auto& [a, b] : idle_intervals_) sum += std::max(0.0, std::min(b, to) - std::max(a, from));
        return sum;
    }
    /// Every trainer has had its first task from here on.
    double ramp_end() const { return ramp_end_; }
    /// The budget is spent from here on: no trainer gets new work.
    double last_task() const { return last_task_; }

    double now() const { return now_; }
    double coordinator_busy() const { return coord_busy_; }
    std::vector<double>& waits() { return waits_; }

private:
    struct Event {
        double time;
        std::uint64_t seq;
        Envelope env;
        bool operator>(const Event& o) const {
            return time != o.time ? time > o.time : seq > o.seq;
        }
    };

    void push(double t, int source, Message m) {
        events_.push(Event{t, seq_++, Envelope{source, std::move(m)}});
    }

    /// Wall time the coordinator spent since the transport last returned control advances the
    /// virtual clock: rank 0 was busy that long (computing, or waiting on the study file's fsync).
    /// With `cpu_clock`, the coordinator thread's CPU time is charged instead (a loaded machine
    /// inflates wall time; CPU time leaves out the study file's fsync waits).
    void charge_busy() {
        const auto t = Clock::now();
        const double c = thread_cpu_seconds();
        const double dt = cpu_clock_ ? c - cpu_mark_ : std::chrono::duration<double>(t - mark_).count();
        now_ += dt;
        coord_busy_ += dt;
        mark_ = t;
        cpu_mark_ = c;
    }

    int size_;
    std::mt19937_64 rng_;
    std::lognormal_distribution<double> duration_;
    std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
    std::uint64_t seq_ = 0;
    using Clock = std::chrono::steady_clock;
    Clock::time_point mark_ = Clock::now();
    double cpu_mark_ = thread_cpu_seconds();
    bool cpu_clock_ = false;
    double now_ = 0.0, coord_busy_ = 0.0;
    std::vector<double> free_since_;
    std::vector<bool> started_;
    int n_started_ = 0;
    double ramp_end_ = 0.0, last_task_ = 0.0;
    std::vector<std::pair<double, double>> idle_intervals_;
    std::vector<double> waits_;
};

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0.0;
    const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

void run_one(const Args& a, RunConfig cfg, int trainers, double median) {
    const auto budget =
        static_cast<std::int64_t>(std::llround(a.trials_per_trainer * static_cast<double>(trainers)));
    cfg.search.trials = budget;
    cfg.search.mode = SearchMode::kSteadyState;
    const fs::path dir = fs::temp_directory_path() /
                         ("snac-des-" + std::to_string(::getpid()) + "-" + std::to_string(trainers));
    fs::create_directories(dir);
    search::ArchitectureContext ctx;
    ctx.input_shape = {64};
    ctx.outputs = 10;

    CoordinatorOptions opt;
    opt.trial_budget = budget;
    opt.progress = false;
    std::ofstream events;
    if (a.driver == "full") {
        events.open(dir / "events.jsonl", std::ios::app);
        opt.on_event = [&events](const std::string& line) {
            events << line << '\n';
            events.flush();
        };
    }
    std::optional<detail::StudyDriver> full;
    bench::ProtocolDriver proto;
    if (a.driver == "full") full.emplace(cfg, dir.string(), ctx);
    detail::Estimator est(cfg);
    const EstimateFn inline_est = [&](const Candidate& c) {
        if (a.driver == "full") return est(c);
        EstimateResult r;
        r.trial = c.trial;
        r.metrics["bops"] = 1000.0 + static_cast<double>(c.trial % 97);
        return r;
    };
    SearchDriver& d = full ? static_cast<SearchDriver&>(*full) : proto;

    RoleLayout layout;
    layout.world_size = trainers + 1;
    layout.embedded = false;
    for (int r = 1; r <= trainers; ++r) layout.trainers.push_back(r);

    SimTransport t(trainers, median, derive_seed(7, static_cast<std::uint64_t>(trainers), "des"), a.cpu_clock);
    const auto wall0 = std::chrono::steady_clock::now();
    const CoordinatorSummary s = run_coordinator(t, layout, d, inline_est, opt);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();

    t.finish();
    const double sim = t.now();
    const double trainer_time = sim * trainers;
    // Steady state: every trainer has had its first task, and the budget is not yet spent.
    const double ss_from = t.ramp_end(), ss_to = t.last_task();
    const double steady_span = std::max(0.0, ss_to - ss_from) * trainers;
    std::vector<double>& w = t.waits();
    double mean_wait = 0.0;
    for (double x : w) mean_wait += x;
    mean_wait = w.empty() ? 0.0 : mean_wait / static_cast<double>(w.size());
    std::printf("%-8s %8d %7.0f %9lld %9.1f %7.1f%% %10.3f %10.3f %8.2f%% %8.3f%% %9.3f %7.1f\n",
                a.driver.c_str(), trainers, median, static_cast<long long>(s.counted), sim,
                100.0 * t.coordinator_busy() / sim, 1e3 * mean_wait, 1e3 * percentile(w, 0.99),
                100.0 * t.idle(0.0, sim) / trainer_time,
                steady_span > 0 ? 100.0 * t.idle(ss_from, ss_to) / steady_span : -1.0,
                1e3 * t.coordinator_busy() / static_cast<double>(std::max<std::int64_t>(1, s.counted)),
                wall);
    std::fflush(stdout);
    full.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
}

}  // namespace

int main(int argc, char** argv) {
    const Args a = parse(argc, argv);
    log::set_level(log::Level::kWarn);
    const RunConfig cfg = load_config(a.config);
    std::printf("discrete-event simulation of the real coordinator (%s driver; trial times "
                "log-normal, sigma 0.5, around the median; %.1f trials per trainer)\n",
                a.driver.c_str(), a.trials_per_trainer);
    std::printf("%-8s %8s %7s %9s %9s %8s %10s %10s %9s %9s %9s %7s\n", "driver", "trainers",
                "median", "trials", "sim s", "coord%", "wait ms", "p99 ms", "idle", "idle-ss",
                "ms/trial", "wall s");
    for (double m : a.medians)
        for (double n : a.trainers) run_one(a, cfg, static_cast<int>(n), m);
    std::printf("coord%% = coordinator busy / simulated time; wait = a result's arrival until the "
                "coordinator reads it; idle = trainer time without a task / all trainer time "
                "(whole run, incl. ramp-up and tail); idle-ss = the same between the ramp-up's end and the "
                "budget's last task; ms/trial = coordinator time charged per trial (--clock wall or cpu)\n");
    return 0;
}
