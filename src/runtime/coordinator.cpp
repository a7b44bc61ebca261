// Rank 0's event loop. Asynchronous master-worker NSGA-II (Zavoianu et al., Knowledge-Based
// Systems 87, 2015): a result is recorded as soon as it arrives and a new candidate goes to the
// idle trainer at once; the generational mode instead asks whole generations and tells them in
// trial order (SearchDriver::sync), so the study does not depend on the number of ranks.
// Cheap checks first: every candidate is estimated (inline or on an estimator rank) before a
// trainer sees it, and infeasible ones are recorded as PRUNED without training.
#include <time.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "snac/core/error.hpp"
#include "snac/core/log.hpp"
#include "snac/runtime/actors.hpp"
#include "snac/runtime/progress.hpp"
#include "snac/runtime/signals.hpp"

namespace snac::runtime {
namespace {

using Clock = std::chrono::steady_clock;

double thread_cpu_seconds() {
    timespec ts{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0.0;
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// kParked: a duplicate of a trial still in flight, waiting for that trial's result.
enum class Stage { kParked, kEstimating, kQueued, kTraining };

struct Flight {
    Candidate candidate;
    EstimateResult estimate;
    Stage stage = Stage::kQueued;
    int worker = -1;
};

std::string_view end_name(TrialEnd e) {
    switch (e) {
        case TrialEnd::kComplete: return "complete";
        case TrialEnd::kPruned: return "pruned";
        case TrialEnd::kFailed: return "failed";
        case TrialEnd::kInterrupted: return "interrupted";
    }
    return "?";
}

class Coordinator {
public:
    Coordinator(Transport& transport, const RoleLayout& layout, SearchDriver& driver,
                const EstimateFn& inline_estimate, const CoordinatorOptions& options)
        : t_(transport),
          layout_(layout),
          driver_(driver),
          inline_estimate_(inline_estimate),
          opt_(options),
          progress_(options.progress) {}

    CoordinatorSummary run();

private:
    bool may_ask() const;
    void ask_more();
    void evaluate(Flight flight);
    void release_parked(std::int64_t twin);
    void dispatch();
    void handle(const Envelope& env);
    void on_estimate(EstimateResult result);
    void on_train(TrainReport report, int source);
    void finish(Flight flight, TrialEnd end, std::string reason, TrainReport train = {});
    void begin_drain();
    void interrupt_remaining(const std::string& reason);
    void shutdown_workers();
    void event(nlohmann::json e);
    ProgressCounts counts(SearchDriver::StatusAge age = SearchDriver::StatusAge::kCached) const;

    Transport& t_;
    const RoleLayout& layout_;
    SearchDriver& driver_;
    const EstimateFn& inline_estimate_;
    CoordinatorOptions opt_;
    ProgressLine progress_;

    std::map<std::int64_t, Flight> flight_;
    std::deque<std::int64_t> to_estimate_, to_train_;
    std::deque<int> idle_trainers_, idle_estimators_;
    std::map<int, std::int64_t> busy_;  // worker rank -> trial
    std::map<std::int64_t, std::vector<std::int64_t>> parked_;  // twin -> trials waiting for it
    std::set<int> hello_;               // workers that announced themselves
    bool sampler_waiting_ = false;      // next() said: wait for results
    bool draining_ = false;
    Clock::time_point start_ = Clock::now(), drain_deadline_;
    CoordinatorSummary sum_;
    std::int64_t initial_counted_ = 0;  // counted before this process began (resume)
};

bool Coordinator::may_ask() const {
    if (draining_ || sampler_waiting_) return false;
    if (sum_.counted + static_cast<std::int64_t>(flight_.size()) >= opt_.trial_budget) return false;
    if (opt_.time_limit_s > 0 && seconds_since(start_) >= opt_.time_limit_s) return false;
    if (opt_.generational) return true;
    // Steady state: one candidate per worker that can take one; more would be bred from staler
    // information without keeping anyone busier.
    const auto capacity = layout_.trainers.size() + layout_.estimators.size();
    return flight_.size() < capacity;
}

void Coordinator::ask_more() {
    // The drain is checked per candidate: copied duplicates finish without a message round, so
    // this loop may otherwise run for the whole budget.
    while (may_ask() && !drain_requested()) {
        std::optional<Candidate> c = driver_.next();
        if (!c) {
            sampler_waiting_ = true;
            return;
        }
        const std::int64_t trial = c->trial;
        if (flight_.count(trial)) throw_runtime("search driver handed out trial " +
                                                std::to_string(trial) + " twice");
        Flight f;
        f.candidate = std::move(*c);
        event({{"event", "ask"}, {"trial", trial}});
        if (std::optional<std::int64_t> twin = driver_.running_twin(f.candidate);
            twin && flight_.count(*twin)) {
            f.stage = Stage::kParked;
            parked_[*twin].push_back(trial);
            flight_.emplace(trial, std::move(f));
            event({{"event", "park"}, {"trial", trial}, {"twin", *twin}});
            continue;
        }
        evaluate(std::move(f));
    }
}

void Coordinator::evaluate(Flight f) {
    const std::int64_t trial = f.candidate.trial;
    if (std::optional<FinishedTrial> copied = driver_.reuse(f.candidate)) {
        f.estimate = std::move(copied->estimate);
        finish(std::move(f), copied->end, std::move(copied->reason), std::move(copied->train));
        return;
    }
    f.stage = Stage::kEstimating;
    if (layout_.estimators.empty()) {
        EstimateResult r;
        try {
            r = inline_estimate_(f.candidate);
        } catch (const std::exception& e) {
            r = EstimateResult{};
            r.failed = true;
            r.feasible = false;
            r.reason = std::string("estimation failed: ") + e.what();
        }
        r.trial = trial;
        flight_.insert_or_assign(trial, std::move(f));
        on_estimate(std::move(r));
    } else {
        flight_.insert_or_assign(trial, std::move(f));
        to_estimate_.push_back(trial);
    }
}

void Coordinator::release_parked(std::int64_t twin) {
    auto it = parked_.find(twin);
    if (it == parked_.end()) return;
    const std::vector<std::int64_t> waiting = std::move(it->second);
    parked_.erase(it);
    for (std::int64_t trial : waiting) {
        auto f = flight_.find(trial);
        if (f == flight_.end()) continue;
        Flight parked = std::move(f->second);
        flight_.erase(f);
        if (draining_)
            finish(std::move(parked), TrialEnd::kInterrupted, "drained while waiting for its twin");
        else
            evaluate(std::move(parked));
    }
}

void Coordinator::dispatch() {
    // Pending candidates are shared out among the idle estimators, up to estimate_batch each:
    // one message and one batched cost-model call per estimator. The results come back in the
    // order sent, so the order they reach the sampler is that of one-by-one estimation.
    while (!to_estimate_.empty() && !idle_estimators_.empty()) {
        const int worker = idle_estimators_.front();
        idle_estimators_.pop_front();
        const std::size_t share =
            (to_estimate_.size() + idle_estimators_.size()) / (idle_estimators_.size() + 1);
        const std::size_t n =
            std::min(share, static_cast<std::size_t>(std::max(1, opt_.estimate_batch)));
        std::vector<Candidate> batch;
        batch.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            const std::int64_t trial = to_estimate_.front();
            to_estimate_.pop_front();
            Flight& f = flight_.at(trial);
            f.worker = worker;
            batch.push_back(f.candidate);
        }
        busy_[worker] = batch.front().trial;
        t_.send(worker, encode_estimate_batch(batch));
    }
    // A trial on a trainer is RUNNING in the study file first (a kill then leaves it RUNNING for
    // --resume): the study's open group of writes is committed once per round of train tasks.
    if (!draining_ && !to_train_.empty() && !idle_trainers_.empty()) driver_.flush(true);
    while (!draining_ && !to_train_.empty() && !idle_trainers_.empty()) {
        const int worker = idle_trainers_.front();
        idle_trainers_.pop_front();
        const std::int64_t trial = to_train_.front();
        to_train_.pop_front();
        Flight& f = flight_.at(trial);
        f.stage = Stage::kTraining;
        f.worker = worker;
        busy_[worker] = trial;
        t_.send(worker, encode(f.candidate, MessageKind::kTrainTask));
        event({{"event", "train"}, {"trial", trial}, {"rank", worker}});
    }
}

void Coordinator::handle(const Envelope& env) {
    const MessageHeader& h = env.message.header;
    switch (h.kind) {
        case MessageKind::kHello:
            hello_.insert(env.source);
            if (h.status == static_cast<std::int32_t>(Role::kTrainer))
                idle_trainers_.push_back(env.source);
            else if (h.status == static_cast<std::int32_t>(Role::kEstimator))
                idle_estimators_.push_back(env.source);
            else
                throw_runtime("rank " + std::to_string(env.source) + " announced an unknown role");
            event({{"event", "hello"}, {"rank", env.source}, {"role", h.status}});
            break;
        case MessageKind::kEstimateResult:
            busy_.erase(env.source);
            idle_estimators_.push_back(env.source);
            on_estimate(decode_estimate(env.message));
            break;
        case MessageKind::kEstimateBatchResult:
            busy_.erase(env.source);
            idle_estimators_.push_back(env.source);
            for (EstimateResult& r : decode_estimate_results(env.message)) on_estimate(std::move(r));
            break;
        case MessageKind::kTrainResult:
            busy_.erase(env.source);
            idle_trainers_.push_back(env.source);
            on_train(decode_train_report(env.message), env.source);
            break;
        default:
            throw_runtime("coordinator received unexpected message " +
                          std::string(to_string(h.kind)) + " from rank " +
                          std::to_string(env.source));
    }
}

void Coordinator::on_estimate(EstimateResult result) {
    auto it = flight_.find(result.trial);
    if (it == flight_.end()) return;  // already written off (drain timeout)
    Flight& f = it->second;
    f.estimate = std::move(result);
    if (f.estimate.failed || !f.estimate.feasible) {
        const TrialEnd end = f.estimate.failed ? TrialEnd::kFailed : TrialEnd::kPruned;
        std::string reason = f.estimate.reason;
        Flight done = std::move(f);
        flight_.erase(it);
        finish(std::move(done), end, std::move(reason));
    } else if (draining_) {
        Flight done = std::move(f);
        flight_.erase(it);
        finish(std::move(done), TrialEnd::kInterrupted, "drained before training (signal)");
    } else {
        f.stage = Stage::kQueued;
        to_train_.push_back(f.candidate.trial);
    }
}

void Coordinator::on_train(TrainReport report, int source) {
    auto it = flight_.find(report.trial);
    if (it == flight_.end()) return;  // written off at the drain deadline; result arrived late
    Flight done = std::move(it->second);
    flight_.erase(it);
    if (done.worker != source)
        log::warn("trial " + std::to_string(report.trial) + " reported by rank " +
                  std::to_string(source) + ", dispatched to rank " + std::to_string(done.worker));
    switch (report.outcome) {
        case TrainOutcome::kOk:
            finish(std::move(done), TrialEnd::kComplete, {}, std::move(report));
            break;
        case TrainOutcome::kDiverged:
        case TrainOutcome::kFailed: {
            std::string reason = report.reason.empty() ? "training failed" : report.reason;
            finish(std::move(done), TrialEnd::kFailed, std::move(reason), std::move(report));
            break;
        }
        case TrainOutcome::kInterrupted:
            finish(std::move(done), TrialEnd::kInterrupted,
                   report.reason.empty() ? "training interrupted (drain)" : report.reason,
                   std::move(report));
            break;
    }
}

void Coordinator::finish(Flight flight, TrialEnd end, std::string reason, TrainReport train) {
    FinishedTrial t;
    t.candidate = std::move(flight.candidate);
    t.end = end;
    t.reason = std::move(reason);
    t.estimate = std::move(flight.estimate);
    t.train = std::move(train);
    if (end == TrialEnd::kComplete) {
        if (auto why = driver_.incomplete(t)) {
            end = t.end = TrialEnd::kFailed;
            t.reason = std::move(*why);
        }
    }
    if (end == TrialEnd::kFailed) ++sum_.fail_reasons[t.reason];
    switch (end) {
        case TrialEnd::kComplete: ++sum_.complete; break;
        case TrialEnd::kPruned: ++sum_.pruned; break;
        case TrialEnd::kFailed: ++sum_.failed; break;
        case TrialEnd::kInterrupted: ++sum_.interrupted; break;
    }
    if (end != TrialEnd::kInterrupted) ++sum_.counted;
    nlohmann::json e = {{"event", "finish"},
                        {"trial", t.candidate.trial},
                        {"state", end_name(end)},
                        {"seconds", t.train.seconds}};
    if (!t.reason.empty()) e["reason"] = t.reason;
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& [k, v] : t.estimate.metrics) metrics[k] = v;
    for (const auto& [k, v] : t.train.metrics) metrics[k] = v;
    e["metrics"] = metrics;
    const std::int64_t number = t.candidate.trial;
    driver_.finish(t);
    event(std::move(e));
    release_parked(number);
    // A finished trial may lift a generational barrier only after sync(); a steady-state
    // sampler can propose again at once.
    if (!opt_.generational) sampler_waiting_ = false;
    if (progress_.due()) progress_.update(counts());
}

void Coordinator::begin_drain() {
    draining_ = true;
    drain_deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(opt_.drain_timeout_s));
    sum_.drained = true;
    log::warn("drain requested" +
              (drain_signal() ? " (signal " + std::to_string(drain_signal()) + ")" : std::string()) +
              ": no new trials; waiting up to " + std::to_string(opt_.drain_timeout_s) +
              " s for " + std::to_string(flight_.size()) + " running");
    event({{"event", "drain"}, {"running", flight_.size()}});
    // Candidates not yet on a trainer are handed back at once (they are re-queued on resume).
    while (!to_train_.empty()) {
        const std::int64_t trial = to_train_.front();
        to_train_.pop_front();
        Flight f = std::move(flight_.at(trial));
        flight_.erase(trial);
        finish(std::move(f), TrialEnd::kInterrupted, "drained before training (signal)");
    }
    // Parked duplicates are handed back too (finish() may release others: collect first).
    std::vector<std::int64_t> parked;
    for (const auto& [trial, f] : flight_)
        if (f.stage == Stage::kParked) parked.push_back(trial);
    parked_.clear();
    for (std::int64_t trial : parked) {
        auto it = flight_.find(trial);
        if (it == flight_.end()) continue;
        Flight f = std::move(it->second);
        flight_.erase(it);
        finish(std::move(f), TrialEnd::kInterrupted, "drained while waiting for its twin");
    }
}

void Coordinator::interrupt_remaining(const std::string& reason) {
    while (!flight_.empty()) {
        Flight f = std::move(flight_.begin()->second);
        flight_.erase(flight_.begin());
        finish(std::move(f), TrialEnd::kInterrupted, reason);
    }
}

void Coordinator::shutdown_workers() {
    for (int r : layout_.trainers)
        if (r != t_.rank()) t_.send(r, make_shutdown());
    for (int r : layout_.estimators) t_.send(r, make_shutdown());
    // A worker still busy answers once more before it reads Shutdown: take that answer, so no
    // send is left unmatched when MPI finalizes. Bounded: trainers stop at the drain deadline.
    // Likewise a worker whose Hello has not been read yet (a run with nothing left to do).
    const std::size_t workers = layout_.trainers.size() + layout_.estimators.size();
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while ((!busy_.empty() || hello_.size() < workers) && Clock::now() < deadline) {
        auto env = t_.receive(std::chrono::milliseconds(50));
        if (!env) continue;
        busy_.erase(env->source);
        hello_.insert(env->source);
    }
    t_.flush();
}

void Coordinator::event(nlohmann::json e) {
    if (!opt_.on_event) return;
    e["t"] = std::round(seconds_since(start_) * 1000.0) / 1000.0;
    opt_.on_event(e.dump());
}

ProgressCounts Coordinator::counts(SearchDriver::StatusAge age) const {
    ProgressCounts c;
    c.done = sum_.counted;
    c.done_this_run = sum_.counted - initial_counted_;
    c.running = static_cast<std::int64_t>(flight_.size());
    c.failed = sum_.failed;
    c.pruned = sum_.pruned;
    c.budget = opt_.trial_budget;
    c.status = driver_.status(age);
    return c;
}

CoordinatorSummary Coordinator::run() {
    const double cpu0 = thread_cpu_seconds();
    sum_.counted = driver_.counted_trials();
    initial_counted_ = sum_.counted;
    event({{"event", "start"},
           {"ranks", layout_.world_size},
           {"trainers", layout_.trainers.size()},
           {"estimators", layout_.estimators.size()},
           {"budget", opt_.trial_budget},
           {"counted", sum_.counted}});
    for (;;) {
        if (!draining_ && drain_requested()) begin_drain();
        if (draining_) {
            if (flight_.empty()) break;
            if (Clock::now() >= drain_deadline_) {
                interrupt_remaining("still running at the drain deadline");
                break;
            }
        } else {
            if (flight_.empty()) {
                driver_.sync();
                sampler_waiting_ = false;
            }
            ask_more();
            if (flight_.empty()) break;  // budget or time spent (or nothing left to propose)
        }
        dispatch();
        auto env = t_.receive(std::chrono::milliseconds(20));
        while (env) {
            handle(*env);
            env = t_.receive(std::chrono::milliseconds(0));
        }
        driver_.flush(false);
    }
    driver_.sync();
    driver_.flush(true);
    if (!draining_ && sum_.counted < opt_.trial_budget)
        if (std::optional<std::string> why = driver_.exhausted()) sum_.exhausted = *why;
    sum_.time_limit_reached =
        opt_.time_limit_s > 0 && seconds_since(start_) >= opt_.time_limit_s && !sum_.drained;
    shutdown_workers();
    progress_.finish(counts(SearchDriver::StatusAge::kFresh));
    sum_.seconds = seconds_since(start_);
    sum_.cpu_seconds = thread_cpu_seconds() - cpu0;
    event({{"event", "end"},
           {"complete", sum_.complete},
           {"pruned", sum_.pruned},
           {"failed", sum_.failed},
           {"interrupted", sum_.interrupted},
           {"counted", sum_.counted},
           {"drained", sum_.drained},
           {"exhausted", sum_.exhausted}});
    return sum_;
}

}  // namespace

CoordinatorSummary run_coordinator(Transport& transport, const RoleLayout& layout,
                                   SearchDriver& driver, const EstimateFn& inline_estimate,
                                   const CoordinatorOptions& options) {
    if (layout.trainers.empty()) throw_runtime("the coordinator needs at least one trainer");
    Coordinator c(transport, layout, driver, inline_estimate, options);
    return c.run();
}

}  // namespace snac::runtime
