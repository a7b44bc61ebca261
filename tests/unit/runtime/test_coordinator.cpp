// The actor protocol on the in-process transport with fake work: budget reached exactly once per
// trial, infeasible candidates never trained, failures recorded, drain, generational determinism.
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "snac/core/seed.hpp"
#include "snac/runtime/actors.hpp"
#include "snac/runtime/signals.hpp"

namespace snac::runtime {
namespace {

/// Hands out trials 0, 1, ...; with `population` > 0 at most that many per generation (the
/// generational barrier), and each new candidate's seed depends on everything told so far, so a
/// different tell order would change the study.
class FakeDriver : public SearchDriver {
public:
    explicit FakeDriver(int population = 0) : population_(population) {}
    std::optional<Candidate> next() override {
        if (population_ > 0 && asked_in_generation_ >= population_) return std::nullopt;
        ++asked_in_generation_;
        Candidate c;
        c.trial = next_++;
        c.seed = derive_seed(history_, static_cast<std::uint64_t>(c.trial), "fake");
        c.params["x"] = std::to_string(c.seed % 1000);
        return c;
    }
    void finish(const FinishedTrial& t) override {
        std::lock_guard lock(mutex_);
        finished_[t.candidate.trial] = t;
        pending_.push_back(t);
        if (population_ == 0) sync();
    }
    void sync() override {
        std::sort(pending_.begin(), pending_.end(), [](const auto& a, const auto& b) {
            return a.candidate.trial < b.candidate.trial;
        });
        for (const auto& t : pending_) {
            history_ = mix64(history_ ^ static_cast<std::uint64_t>(t.candidate.seed));
            if (t.end == TrialEnd::kComplete)
                history_ = mix64(history_ + static_cast<std::uint64_t>(t.train.metrics.at("score")));
        }
        pending_.clear();
        asked_in_generation_ = 0;
    }
    std::map<std::int64_t, FinishedTrial> finished_;
    std::uint64_t history_ = 1;

private:
    int population_;
    int asked_in_generation_ = 0;
    std::int64_t next_ = 0;
    std::vector<FinishedTrial> pending_;
    std::mutex mutex_;
};

struct World {
    std::shared_ptr<InProcessHub> hub;
    std::vector<std::thread> threads;
    RoleLayout layout;
};

/// Starts `trainers` trainer threads (ranks 1..) and `estimators` estimator threads after them.
/// The work functions must outlive the world (threads hold references).
World start_world(int trainers, int estimators, const TrainFn& train, const EstimateFn& est,
                  const EstimateBatchFn& batch = {}) {
    World w;
    w.hub = std::make_shared<InProcessHub>(1 + trainers + estimators);
    w.layout.world_size = 1 + trainers + estimators;
    w.layout.embedded = false;
    for (int r = 1; r <= trainers; ++r) {
        w.layout.trainers.push_back(r);
        w.threads.emplace_back([hub = w.hub, r, &train] {
            InProcessTransport t(hub, r);
            run_trainer(t, train);
        });
    }
    for (int r = trainers + 1; r <= trainers + estimators; ++r) {
        w.layout.estimators.push_back(r);
        w.threads.emplace_back([hub = w.hub, r, &est, batch] {
            InProcessTransport t(hub, r);
            run_estimator(t, est, batch);
        });
    }
    return w;
}

CoordinatorSummary run_world(World& w, SearchDriver& driver, const EstimateFn& est,
                             CoordinatorOptions opt) {
    opt.progress = false;
    InProcessTransport t(w.hub, 0);
    const CoordinatorSummary s = run_coordinator(t, w.layout, driver, est, opt);
    for (auto& th : w.threads) th.join();
    return s;
}

// Trial 3k+1 is infeasible, trial 5 throws in training; others score by their seed.
EstimateResult fake_estimate_fn(const Candidate& c) {
    EstimateResult r;
    r.trial = c.trial;
    r.metrics["bops"] = static_cast<double>(c.trial * 10);
    if (c.trial % 3 == 1) {
        r.feasible = false;
        r.reason = "bops > limit";
    }
    return r;
}
const EstimateFn fake_estimate = fake_estimate_fn;

TEST(Coordinator, EveryTrialFinishesOnceAndInfeasibleOnesAreNeverTrained) {
    reset_drain();
    std::mutex m;
    std::multiset<std::int64_t> trained;
    TrainFn train = [&](const Candidate& c) {
        {
            std::lock_guard lock(m);
            trained.insert(c.trial);
        }
        if (c.trial == 5) throw std::runtime_error("injected failure");
        std::this_thread::sleep_for(std::chrono::milliseconds(1 + c.seed % 5));
        TrainReport r;
        r.metrics["score"] = static_cast<double>(c.seed % 97);
        return r;
    };
    for (int estimators : {0, 1}) {
        trained.clear();
        FakeDriver driver;
        World w = start_world(3, estimators, train, fake_estimate);
        CoordinatorOptions opt;
        opt.trial_budget = 20;
        const CoordinatorSummary s = run_world(w, driver, fake_estimate, opt);
        EXPECT_EQ(s.counted, 20);
        EXPECT_EQ(driver.finished_.size(), 20u);
        EXPECT_EQ(s.pruned, 7);  // 1, 4, 7, ..., 19
        EXPECT_EQ(s.failed, 1);
        EXPECT_EQ(s.complete, 12);
        EXPECT_EQ(s.interrupted, 0);
        for (const auto& [trial, t] : driver.finished_) {
            EXPECT_EQ(trained.count(trial), t.end == TrialEnd::kPruned ? 0u : 1u) << trial;
            if (trial == 5) {
                EXPECT_EQ(t.end, TrialEnd::kFailed);
                EXPECT_NE(t.reason.find("injected failure"), std::string::npos);
            }
            if (t.end == TrialEnd::kPruned) {
                EXPECT_EQ(t.reason, "bops > limit");
            }
        }
    }
}

TEST(Coordinator, GenerationalStudyDoesNotDependOnTheNumberOfTrainers) {
    reset_drain();
    TrainFn train = [](const Candidate& c) {
        // Finishing order differs between runs: later trials are often faster.
        std::this_thread::sleep_for(std::chrono::milliseconds((7 - c.trial % 7) * 2));
        TrainReport r;
        r.metrics["score"] = static_cast<double>(c.seed % 101);
        return r;
    };
    std::vector<std::uint64_t> histories;
    std::vector<std::map<std::int64_t, std::string>> params;
    for (int trainers : {1, 2, 4}) {
        FakeDriver driver(/*population=*/4);
        World w = start_world(trainers, 0, train, fake_estimate);
        CoordinatorOptions opt;
        opt.trial_budget = 14;
        opt.generational = true;
        const CoordinatorSummary s = run_world(w, driver, fake_estimate, opt);
        EXPECT_EQ(s.counted, 14);
        histories.push_back(driver.history_);
        std::map<std::int64_t, std::string> p;
        for (const auto& [trial, t] : driver.finished_) p[trial] = t.candidate.params.at("x");
        params.push_back(p);
    }
    EXPECT_EQ(histories[0], histories[1]);
    EXPECT_EQ(histories[0], histories[2]);
    EXPECT_EQ(params[0], params[1]);
    EXPECT_EQ(params[0], params[2]);
}

TEST(Coordinator, EstimatorsScoreQueuedCandidatesInBoundedBatchesWithTheSameStudy) {
    reset_drain();
    TrainFn train = [](const Candidate& c) {
        TrainReport r;
        r.metrics["score"] = static_cast<double>(c.seed % 101);
        return r;
    };
    std::mutex m;
    std::vector<std::size_t> sizes;
    const EstimateBatchFn batch = [&](const std::vector<Candidate>& cs) {
        {
            std::lock_guard lock(m);
            sizes.push_back(cs.size());
        }
        std::vector<EstimateResult> out;
        for (const Candidate& c : cs) out.push_back(fake_estimate_fn(c));
        return out;
    };
    std::vector<std::uint64_t> histories;
    std::vector<std::map<std::int64_t, TrialEnd>> ends;
    for (int estimators : {0, 1, 2}) {
        sizes.clear();
        FakeDriver driver(/*population=*/8);  // a generation queues 8 candidates at once
        World w = start_world(2, estimators, train, fake_estimate, batch);
        CoordinatorOptions opt;
        opt.trial_budget = 24;
        opt.generational = true;
        opt.estimate_batch = 3;
        const CoordinatorSummary s = run_world(w, driver, fake_estimate, opt);
        EXPECT_EQ(s.counted, 24);
        EXPECT_EQ(s.pruned, 8);
        histories.push_back(driver.history_);
        std::map<std::int64_t, TrialEnd> e;
        for (const auto& [trial, t] : driver.finished_) e[trial] = t.end;
        ends.push_back(e);
        if (estimators > 0) {
            std::size_t total = 0, largest = 0;
            for (std::size_t n : sizes) {
                total += n;
                largest = std::max(largest, n);
            }
            EXPECT_EQ(total, 24u);  // every candidate estimated once
            EXPECT_EQ(largest, 3u);  // batches form, and stay within the bound
        }
    }
    EXPECT_EQ(histories[0], histories[1]);
    EXPECT_EQ(histories[0], histories[2]);
    EXPECT_EQ(ends[0], ends[1]);
    EXPECT_EQ(ends[0], ends[2]);
}

TEST(Coordinator, DrainStopsHandingOutWorkAndInterruptsWhatCannotFinish) {
    reset_drain();
    std::atomic<int> started{0};
    TrainFn train = [&](const Candidate& c) {
        if (++started == 4) request_drain();
        // Trial 2 and later take long: they must be written off at the deadline, not waited on.
        std::this_thread::sleep_for(std::chrono::milliseconds(c.trial >= 2 ? 800 : 5));
        TrainReport r;
        r.metrics["score"] = 1;
        return r;
    };
    EstimateFn feasible = [](const Candidate& c) {
        EstimateResult r;
        r.trial = c.trial;
        return r;
    };
    FakeDriver driver;
    World w = start_world(2, 0, train, feasible);
    CoordinatorOptions opt;
    opt.trial_budget = 100;
    opt.drain_timeout_s = 0.3;
    const CoordinatorSummary s = run_world(w, driver, feasible, opt);
    reset_drain();
    EXPECT_TRUE(s.drained);
    EXPECT_LT(s.counted, 100);
    EXPECT_GE(s.interrupted, 1);  // written off at the deadline
    EXPECT_EQ(static_cast<std::int64_t>(driver.finished_.size()), s.counted + s.interrupted);
    // Every trial handed out is accounted for exactly once: contiguous numbers, no gaps.
    std::int64_t expect = 0;
    for (const auto& [trial, t] : driver.finished_) EXPECT_EQ(trial, expect++);
}

TEST(Coordinator, TimeLimitStopsAsking) {
    reset_drain();
    TrainFn train = [](const Candidate&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        TrainReport r;
        r.metrics["score"] = 1;
        return r;
    };
    EstimateFn feasible = [](const Candidate& c) {
        EstimateResult r;
        r.trial = c.trial;
        return r;
    };
    FakeDriver driver;
    World w = start_world(1, 0, train, feasible);
    CoordinatorOptions opt;
    opt.trial_budget = 1000;
    opt.time_limit_s = 0.2;
    const CoordinatorSummary s = run_world(w, driver, feasible, opt);
    EXPECT_TRUE(s.time_limit_reached);
    EXPECT_GT(s.counted, 0);
    EXPECT_LT(s.counted, 1000);
    EXPECT_EQ(s.interrupted, 0);  // running trials finish; only asking stops
}

}  // namespace
}  // namespace snac::runtime

namespace snac::runtime {
namespace {

TEST(Coordinator, AnEstimatorExceptionBecomesAFailTrialAndTheSearchGoesOn) {
    reset_drain();
    std::atomic<int> trained{0};
    const TrainFn train = [&](const Candidate&) {
        ++trained;
        TrainReport r;
        r.metrics["score"] = 1;
        return r;
    };
    const EstimateFn throwing = [](const Candidate& c) {
        if (c.trial == 2) throw std::runtime_error("layer type not covered by the cost model");
        EstimateResult r;
        r.trial = c.trial;
        return r;
    };
    for (int estimators : {0, 1}) {
        trained = 0;
        FakeDriver driver;
        World w = start_world(2, estimators, train, throwing);
        CoordinatorOptions opt;
        opt.trial_budget = 6;
        const CoordinatorSummary s = run_world(w, driver, throwing, opt);
        EXPECT_EQ(s.counted, 6);
        EXPECT_EQ(s.failed, 1);
        EXPECT_EQ(trained.load(), 5);
        const FinishedTrial& t = driver.finished_.at(2);
        EXPECT_EQ(t.end, TrialEnd::kFailed);
        EXPECT_NE(t.reason.find("estimation failed: layer type not covered"), std::string::npos)
            << t.reason;
    }
}

}  // namespace
}  // namespace snac::runtime

namespace snac::runtime {
namespace {

/// From trial 6 on every candidate repeats an earlier genome whose result the driver offers.
class DuplicatingDriver : public FakeDriver {
public:
    std::optional<FinishedTrial> reuse(const Candidate& c) override {
        if (c.trial < 6) return std::nullopt;
        FinishedTrial t;
        t.candidate = c;
        t.end = TrialEnd::kComplete;
        t.reason = "duplicate";
        t.train.metrics["score"] = 42.0;
        return t;
    }
};

TEST(Coordinator, ReusedDuplicatesAreCountedButNeverEstimatedOrTrained) {
    reset_drain();
    std::mutex m;
    std::multiset<std::int64_t> trained, estimated;
    TrainFn train = [&](const Candidate& c) {
        std::lock_guard lock(m);
        trained.insert(c.trial);
        TrainReport r;
        r.metrics["score"] = 1.0;
        return r;
    };
    EstimateFn estimate = [&](const Candidate& c) {
        {
            std::lock_guard lock(m);
            estimated.insert(c.trial);
        }
        EstimateResult r;
        r.trial = c.trial;
        return r;
    };
    for (int estimators : {0, 1}) {
        trained.clear();
        estimated.clear();
        DuplicatingDriver driver;
        World w = start_world(2, estimators, train, estimate);
        CoordinatorOptions opt;
        opt.trial_budget = 10;
        const CoordinatorSummary s = run_world(w, driver, estimate, opt);
        EXPECT_EQ(s.counted, 10);
        EXPECT_EQ(s.complete, 10);
        ASSERT_EQ(driver.finished_.size(), 10u);
        for (std::int64_t trial = 0; trial < 10; ++trial) {
            const bool copied = trial >= 6;
            EXPECT_EQ(trained.count(trial), copied ? 0u : 1u) << trial;
            EXPECT_EQ(estimated.count(trial), copied ? 0u : 1u) << trial;
            EXPECT_EQ(driver.finished_.at(trial).reason, copied ? "duplicate" : "") << trial;
        }
    }
}

}  // namespace
}  // namespace snac::runtime

namespace snac::runtime {
namespace {

/// Trial 3 repeats trial 0's genome and is asked while trial 0 trains; its result may be copied
/// once trial 0 has finished (issue 13, defect 2: never evaluate one genome twice at once).
class TwinDriver : public FakeDriver {
public:
    std::optional<std::int64_t> running_twin(const Candidate& c) const override {
        if (c.trial != 3 || finished_.count(0)) return std::nullopt;
        return 0;
    }
    std::optional<FinishedTrial> reuse(const Candidate& c) override {
        if (c.trial != 3) return std::nullopt;
        reused_while_twin_finished = finished_.count(0) == 1;
        FinishedTrial t;
        t.candidate = c;
        t.end = TrialEnd::kComplete;
        t.reason = "duplicate";
        t.train.metrics["score"] = finished_.at(0).train.metrics.at("score");
        return t;
    }
    bool reused_while_twin_finished = false;
};

TEST(Coordinator, ADuplicateOfARunningTrialWaitsForItAndIsNeverEvaluated) {
    reset_drain();
    std::mutex m;
    std::multiset<std::int64_t> trained, estimated;
    TrainFn train = [&](const Candidate& c) {
        std::lock_guard lock(m);
        trained.insert(c.trial);
        TrainReport r;
        r.metrics["score"] = 7.0;
        return r;
    };
    EstimateFn estimate = [&](const Candidate& c) {
        {
            std::lock_guard lock(m);
            estimated.insert(c.trial);
        }
        EstimateResult r;
        r.trial = c.trial;
        return r;
    };
    for (int estimators : {0, 1}) {
        trained.clear();
        estimated.clear();
        TwinDriver driver;
        // Four trainers: trials 0..3 are asked at once, so trial 0 is in flight when 3 comes.
        World w = start_world(4, estimators, train, estimate);
        CoordinatorOptions opt;
        opt.trial_budget = 6;
        const CoordinatorSummary s = run_world(w, driver, estimate, opt);
        EXPECT_EQ(s.counted, 6);
        EXPECT_EQ(trained.count(3), 0u);
        EXPECT_EQ(estimated.count(3), 0u);
        EXPECT_TRUE(driver.reused_while_twin_finished);
        ASSERT_TRUE(driver.finished_.count(3));
        EXPECT_EQ(driver.finished_.at(3).reason, "duplicate");
        EXPECT_EQ(driver.finished_.at(3).train.metrics.at("score"), 7.0);
    }
}

/// Every trial repeats a finished one: the driver says the space is exhausted after trial 2.
class ExhaustingDriver : public FakeDriver {
public:
    std::optional<Candidate> next() override {
        if (asked_ == 3) return std::nullopt;
        ++asked_;
        return FakeDriver::next();
    }
    std::optional<std::string> exhausted() const override {
        if (asked_ < 3) return std::nullopt;
        return std::string("the search space is exhausted");
    }
    int asked_ = 0;
};

TEST(Coordinator, AnExhaustedSpaceEndsTheSearchBeforeAHugeBudget) {
    reset_drain();
    TrainFn train = [](const Candidate&) {
        TrainReport r;
        r.metrics["score"] = 1.0;
        return r;
    };
    EstimateFn estimate = [](const Candidate& c) {
        EstimateResult r;
        r.trial = c.trial;
        return r;
    };
    ExhaustingDriver driver;
    World w = start_world(2, 0, train, estimate);
    CoordinatorOptions opt;
    opt.trial_budget = std::numeric_limits<std::int64_t>::max();
    const CoordinatorSummary s = run_world(w, driver, estimate, opt);
    EXPECT_EQ(s.counted, 3);
    EXPECT_EQ(s.exhausted, "the search space is exhausted");
    EXPECT_FALSE(s.drained);
}

}  // namespace
}  // namespace snac::runtime
