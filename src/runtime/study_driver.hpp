#pragma once
// Private to runtime: the SearchDriver of the global stage. Wraps the sampler (search) and the
// study file (io), re-queues the genomes of interrupted trials on resume, writes per-trial
// architecture files and, at the end, pareto_global.csv.
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <set>

#include "snac/core/config.hpp"
#include "snac/io/study_store.hpp"
#include "snac/runtime/actors.hpp"
#include "snac/search/architecture.hpp"
#include "snac/search/sampler.hpp"

namespace snac::runtime::detail {

/// The one convention for trials a stopped run left unfinished, in every study snac writes (the
/// global stage's and the local TPE's): FAIL with the system attribute `snac:interrupted` (not
/// counted against the budget), and the same genome runs again as a new trial whose system
/// attribute `failed_trial` names the interrupted one.
inline constexpr const char* kInterruptedAttr = "snac:interrupted";
inline constexpr const char* kRetryOfAttr = "failed_trial";
/// Marks the RUNNING trials of a dead run FAIL and interrupted (resume); returns their numbers.
std::vector<std::int64_t> fail_interrupted(io::StudyStore& store, const std::string& reason);

class StudyDriver final : public SearchDriver {
public:
    /// Opens (or creates) RUN_DIR/study.db. With an existing study (resume): RUNNING trials are
    /// marked FAIL and their genomes queued for re-running, and the sampler is rebuilt.
    StudyDriver(const RunConfig& config, std::string run_dir,
                search::ArchitectureContext context);

    std::optional<Candidate> next() override;
    std::optional<std::string> incomplete(const FinishedTrial& trial) const override;
    void finish(const FinishedTrial& trial) override;
    void sync() override;
    void flush(bool force) override;
    std::int64_t counted_trials() const override { return counted_; }
    std::string status(StatusAge age = StatusAge::kCached) const override;
    std::optional<FinishedTrial> reuse(const Candidate& candidate) override;
    std::optional<std::int64_t> running_twin(const Candidate& candidate) const override;
    std::optional<std::string> exhausted() const override;

    /// Trials re-queued from an interrupted earlier run (resume).
    std::size_t requeued() const { return requeue_.size(); }
    /// Writes RUN_DIR/pareto_global.csv (atomically); returns its path and the front size.
    std::pair<std::string, std::size_t> write_pareto_csv();
    double hypervolume();

private:
    struct Requeue {
        std::int64_t failed_trial = 0;
        search::Genome genome;
        int generation = 0;
    };
    /// A baseline of `search.baselines`: a trial whose architecture comes from a file.
    struct Baseline {
        std::string path;
        std::string architecture_yaml;
    };
    static std::vector<Baseline> load_baselines(const RunConfig& config,
                                                const search::ArchitectureContext& context);
    /// records_ as the sampler sees them: baseline trials (no genome) as FAIL, so they neither
    /// breed nor fill a generation.
    std::vector<search::TrialRecord> sampler_records() const;
    void load_existing();
    void restore_sampler_if_needed();
    Candidate make_candidate(std::int64_t number, const search::Genome& genome) const;
    /// The training seed of trial `number` (train.seed, else derived from search.seed).
    std::uint64_t trial_seed(std::int64_t number) const;
    void tell(const FinishedTrial& t, TrialState state, const std::vector<double>& values,
              const std::vector<double>& constraints);

    const RunConfig& config_;
    std::string run_dir_;
    search::ArchitectureContext context_;
    search::SearchSpace space_;
    std::vector<Baseline> baselines_;                  // loaded before the study file is opened
    std::deque<std::size_t> baseline_queue_;           // indices into baselines_ still to run
    std::map<std::int64_t, std::size_t> baseline_of_;  // trial -> index into baselines_
    std::unique_ptr<search::Sampler> sampler_;
    io::StudyStore store_;
    std::vector<search::TrialRecord> records_;  // mirror of the study, by number
    std::map<std::int64_t, std::map<std::string, double>> metrics_;
    std::map<std::int64_t, std::string> checkpoints_, architectures_;
    std::deque<Requeue> requeue_;
    std::set<std::int64_t> retries_running_;
    std::map<std::int64_t, std::int64_t> duplicate_of_;  // trial -> earlier trial, same genome
    bool restore_needed_ = false;
    std::vector<std::pair<std::int64_t, std::pair<std::vector<double>, std::vector<double>>>>
        pending_;  // generational: (trial, (values, constraints)) told at sync()
    std::map<std::int64_t, TrialState> pending_state_;
    std::int64_t counted_ = 0;
    mutable std::string status_;
    mutable std::chrono::steady_clock::time_point status_time_{};
};

}  // namespace snac::runtime::detail
