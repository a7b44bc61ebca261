#pragma once
/// The three actors (../shared/docs/design.md §2) as loops over a Transport. Work is injected as
/// functions, so the protocol is tested with fake work on the in-process transport and runs the
/// real oneDNN training / cost model in production (src/runtime/global_search.cpp).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "snac/runtime/messages.hpp"
#include "snac/runtime/roles.hpp"
#include "snac/runtime/transport.hpp"

namespace snac::runtime {

/// Trains one candidate; must not throw for a bad candidate (report kFailed with the reason).
using TrainFn = std::function<TrainReport(const Candidate&)>;
/// Estimates one candidate and checks the constraints; a throw becomes a FAIL trial.
using EstimateFn = std::function<EstimateResult(const Candidate&)>;
/// Estimates several candidates at once (one result per candidate, same order); must give the
/// same results as EstimateFn on each. A throw makes the estimator fall back to EstimateFn one
/// candidate at a time, so an error is charged to the candidate that caused it.
using EstimateBatchFn = std::function<std::vector<EstimateResult>(const std::vector<Candidate>&)>;

/// Final state of a trial as the coordinator decided it.
enum class TrialEnd { kComplete, kPruned, kFailed, kInterrupted };

/// Everything known about a finished trial.
struct FinishedTrial {
    Candidate candidate;
    TrialEnd end = TrialEnd::kComplete;
    std::string reason;              ///< pruned / failed / interrupted: why
    EstimateResult estimate;         ///< empty metrics when estimation did not run
    TrainReport train;               ///< empty when not trained
};

/// What the coordinator needs from the search: candidates, and a place for results. The real one
/// wraps the sampler and the study store; tests use fakes.
class SearchDriver {
public:
    virtual ~SearchDriver() = default;
    /// The next candidate (registered as RUNNING), or nullopt when the sampler must first hear
    /// about running trials (generational barrier).
    virtual std::optional<Candidate> next() = 0;
    /// The stored result of an earlier trial with the same genome, when next() handed out a
    /// duplicate (the sampler found nothing new in an exhausted space): the coordinator records
    /// it at once instead of estimating and training the genome again. nullopt: evaluate it.
    virtual std::optional<FinishedTrial> reuse(const Candidate&) { return std::nullopt; }
    /// The trial still in flight whose genome the candidate repeats, or nullopt. The coordinator
    /// parks the candidate until that trial ends, then asks reuse() again (a genome is never
    /// evaluated twice at once).
    virtual std::optional<std::int64_t> running_twin(const Candidate&) const {
        return std::nullopt;
    }
    /// Why next() will never hand out a candidate again (every distinct genome of a finite
    /// search space was tried), or nullopt while it may.
    virtual std::optional<std::string> exhausted() const { return std::nullopt; }
    /// Why a trial its trainer reports complete cannot be recorded COMPLETE (an objective it did
    /// not measure), or nullopt when it can. The coordinator then counts, shows and records it
    /// as FAILED with that reason.
    virtual std::optional<std::string> incomplete(const FinishedTrial&) const {
        return std::nullopt;
    }
    /// Records a finished trial (study, events). Called once per trial handed out by next().
    virtual void finish(const FinishedTrial& trial) = 0;
    /// Called whenever no trial is in flight: a generational driver tells the sampler here, in
    /// trial order, so the study does not depend on the order trainers finished in.
    virtual void sync() {}
    /// Trials already counted against the budget (from a resumed study).
    virtual std::int64_t counted_trials() const { return 0; }
    /// Buffered records reach the disk: called after every round of messages with force=false
    /// (write what is due: the study commits trials in groups) and with force=true when the
    /// loop ends, before the workers are shut down.
    virtual void flush(bool force) { (void)force; }
    /// A status text for the progress line (front size, hypervolume), "" for none. kCached lets
    /// the driver reuse a recent text (the hypervolume is not free); the final line asks kFresh.
    enum class StatusAge { kCached, kFresh };
    virtual std::string status(StatusAge age = StatusAge::kCached) const {
        (void)age;
        return {};
    }
};

struct CoordinatorOptions {
    std::int64_t trial_budget = 1;       ///< counted trials (COMPLETE, PRUNED, FAIL) to reach
    double time_limit_s = 0.0;           ///< stop asking after this wall time; 0 = none
    double drain_timeout_s = 60.0;       ///< after a drain request: wait this long for running trials
    bool generational = false;           ///< ask everything the sampler offers, tell at sync()
    bool progress = true;                ///< live progress line on stderr
    /// Most candidates in one estimate task to an estimator rank. Pending candidates are shared
    /// out among the idle estimators, so a batch only grows when candidates queue up.
    int estimate_batch = 64;
    std::function<void(const std::string&)> on_event;  ///< JSONL event sink; may be empty
};

/// How the coordinator's loop ended.
struct CoordinatorSummary {
    std::int64_t complete = 0, pruned = 0, failed = 0, interrupted = 0;
    std::map<std::string, std::int64_t> fail_reasons;  ///< this run's FAILED trials by reason
    std::int64_t counted = 0;             ///< including counted_trials() of a resumed study
    bool drained = false;                 ///< stopped by a drain request (signal)
    std::string exhausted;                ///< stopped before the budget: the search space is spent
    bool time_limit_reached = false;
    double seconds = 0.0;
    double cpu_seconds = 0.0;             ///< coordinator thread CPU time in the loop
};

/// Rank 0's loop: asks candidates, estimates them (inline with `inline_estimate` when the layout
/// has no estimator ranks), hands feasible ones to idle trainers, records results, until the
/// budget is spent or a drain was requested. Sends Shutdown to every worker before returning.
CoordinatorSummary run_coordinator(Transport& transport, const RoleLayout& layout,
                                   SearchDriver& driver, const EstimateFn& inline_estimate,
                                   const CoordinatorOptions& options);

/// A trainer's loop: Hello, then train every TrainTask until Shutdown.
void run_trainer(Transport& transport, const TrainFn& train);
/// An estimator's loop: Hello, then answer every EstimateTask and EstimateBatchTask until
/// Shutdown. Batches go to `estimate_batch` when given, else to `estimate` one by one.
void run_estimator(Transport& transport, const EstimateFn& estimate,
                   const EstimateBatchFn& estimate_batch = {});

}  // namespace snac::runtime
