#pragma once
// Private to runtime: the local stage's TPE search over training settings
// (docs/local-search.md#tpe).
// Per model: trial 0 trains with the `train:` section as written (the baseline), then snac's TPE
// sampler proposes settings from the training-gene space of local_tpe_space(); every trial trains
// the architecture in float from a fresh seeded initialisation, is a trial of the model's own
// study `local_tpe_<model>` and keeps its checkpoint. The best trial's settings then train the
// QAT x pruning chains.
// Distribution: LocalTpeSearch (rank 0, the only writer of the study) hands out trials as
// TpeTasks in batches of `batch` (the trainer ranks), and run_tpe_trial() trains one on whichever
// rank received it. A killed run's RUNNING trials are FAIL and interrupted, and their settings
// run again (the global stage's convention, study_driver.hpp).
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "snac/core/config.hpp"
#include "snac/core/dataset.hpp"
#include "snac/io/study_store.hpp"
#include "snac/search/sampler.hpp"
#include "snac/search/space.hpp"

namespace snac::runtime::detail {

/// The searched training settings around `base` (the `train:` section): every range and list
/// holds base's own value, so the baseline trial is a point of the space.
SearchSpaceConfig local_tpe_space(const TrainConfig& base);

/// One TPE trial to train (rank 0 -> trainer, kLocalTpeTask; JSON payload).
struct TpeTask {
    std::string model;
    std::string architecture_yaml;
    std::int64_t number = 0;
    bool baseline = false;
    std::uint64_t seed = 0;
    std::map<std::string, std::string> genes;  ///< training genes (none for the baseline)
};

/// A trainer's report of one TPE trial (trainer -> rank 0, kLocalTpeResult; JSON payload).
struct TpeResult {
    enum class Outcome { kOk, kFailed, kStopped };
    std::string model;
    std::int64_t number = 0;
    Outcome outcome = Outcome::kOk;
    std::string reason;
    double value = 0.0;                     ///< the float validation metric (kOk)
    std::map<std::string, double> metrics;  ///< the training's finite metrics
    std::string checkpoint;                 ///< relative to the run directory (kOk)
    double seconds = 0.0;
    int rank = 0;  ///< the rank that trained it (user attr trained_on_rank)
};

std::string to_json(const TpeTask& t);
TpeTask tpe_task_from_json(const std::string& text);
std::string to_json(const TpeResult& r);
TpeResult tpe_result_from_json(const std::string& text);

/// Trains one trial (any rank): float training of the architecture with the trial's settings,
/// its checkpoint `local/<model>/tpe/trialN.h5`.
TpeResult run_tpe_trial(const TpeTask& task, const RunConfig& cfg, const Dataset& data,
                        const std::string& run_dir, int threads, const std::atomic<bool>* stop);

struct TpeOutcome {
    std::int64_t trials = 0;           ///< trials in the study (all states)
    std::optional<std::int64_t> best;  ///< the best COMPLETE trial
    double best_metric = 0.0;          ///< its float validation metric
    TrainConfig best_settings;         ///< its training settings (`train:` + its genes)
    std::string best_checkpoint;       ///< its float checkpoint, relative to the run directory
};

/// Rank 0's side of one model's TPE stage: proposes trials, records their results in the study.
/// Batch rule (reproducible for a fixed seed and batch size): a batch of up to `batch` trials is
/// asked only when every earlier trial is told, so each batch is proposed from the same history
/// whatever order results arrive in; within a batch the sampler sees the trials asked before as
/// RUNNING (constant liar) and each proposal draws from its own seeded stream. The study is
/// passed to every call: a study file has one writer store at a time, and rank 0 switches
/// between models' studies.
class LocalTpeSearch {
public:
    LocalTpeSearch(const RunConfig& cfg, const Dataset& data, std::string model,
                   std::string architecture_yaml, int batch);
    /// The study `local_tpe_<model>` (for StudyStore::open).
    const io::StudyDefinition& definition() const { return def_; }
    /// Reads the study (first call): RUNNING trials of a dead run become FAIL + interrupted and
    /// their settings are queued to run again; rebuilds the sampler.
    void load(io::StudyStore& study);
    /// The next trial to train (RUNNING in the study from now), or nullopt: wait for the batch,
    /// or nothing left to ask.
    std::optional<TpeTask> next(io::StudyStore& study);
    void tell(io::StudyStore& study, const TpeResult& r);
    /// Every counted trial is finished (or the space ran out of new settings).
    bool finished() const;
    std::size_t running() const { return running_.size(); }
    TpeOutcome outcome() const;

private:
    std::int64_t counted() const;
    void create(io::StudyStore& study, const search::Genome& genome, bool baseline,
                std::optional<std::int64_t> retry_of);

    const RunConfig& cfg_;
    std::string model_, architecture_yaml_;
    int batch_;
    bool higher_;
    std::string metric_key_;
    io::StudyDefinition def_;
    search::SearchSpace space_;
    std::unique_ptr<search::Sampler> sampler_;
    bool loaded_ = false, exhausted_ = false;
    std::vector<search::TrialRecord> records_;  ///< mirror of the study, by number
    std::map<std::int64_t, std::string> checkpoints_;
    std::set<std::int64_t> interrupted_, baselines_, running_;
    std::vector<std::pair<std::int64_t, search::Genome>> requeue_;  ///< (failed trial, genome)
    std::vector<TpeTask> ready_;  ///< asked in this batch, not yet handed out
};

}  // namespace snac::runtime::detail
