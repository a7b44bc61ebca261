#pragma once
/// Samplers behind one ask/tell interface that an asynchronous coordinator drives: NSGA-II
/// (generational, Optuna-compatible; or steady-state), TPE and random. Every proposal of trial n
/// draws from its own stream derive_seed(seed, n, purpose), so results do not depend on which
/// worker evaluated what. Samplers are pure: no I/O; state is rebuilt from stored trials.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "snac/core/config/search_config.hpp"
#include "snac/core/trial_state.hpp"
#include "snac/search/space.hpp"

namespace snac::search {

/// A trial as a sampler knows it.
struct TrialRecord {
    std::int64_t number = 0;
    Genome genome;
    TrialState state = TrialState::kRunning;
    std::vector<double> values;       ///< objective values as measured (not sign-flipped)
    std::vector<double> constraints;  ///< constraint values, violated when > 0
    int generation = 0;               ///< NSGA-II generation label (0 for other samplers)
};

/// What ask() hands out.
struct Suggestion {
    std::int64_t number = 0;  ///< 0-based, contiguous trial number
    Genome genome;
    int generation = 0;
    /// Set when no new genome could be found (a small space is exhausted): the genome equals
    /// this earlier trial's, whose result should be copied instead of re-evaluating it.
    std::optional<std::int64_t> duplicate_of;
};

class Sampler {
public:
    /// Reads everything from the `search:` section it is given (a copy is kept): the sampler
    /// kind, one direction per objective, the constraint count, the NSGA-II/TPE settings, the
    /// reference point and the seed of every proposal.
    Sampler(const SearchSpace& space, SearchConfig config);
    virtual ~Sampler();
    Sampler(const Sampler&) = delete;
    Sampler& operator=(const Sampler&) = delete;

    /// The next trial, or nullopt when nothing may be proposed until a RUNNING trial is told
    /// (the generational barrier) or ever again (exhausted()). The trial is RUNNING from now on.
    std::optional<Suggestion> ask();
    /// Whether every distinct genome of a finite space has been asked: ask() has nothing new.
    /// (Trials without a genome, e.g. a restored baseline model, do not count.)
    bool exhausted() const {
        const auto asked = by_key_.size() - by_key_.count(std::string());
        return space_size_ && static_cast<double>(asked) >= *space_size_;
    }
    /// The number of distinct genomes, or nullopt for an infinite or uncountably large space.
    std::optional<double> space_size() const { return space_size_; }
    /// Records the outcome of a RUNNING trial. `values` has one entry per objective for
    /// COMPLETE; `constraints` one per constraint (or none). Throws snac::Error on misuse.
    void tell(std::int64_t number, std::span<const double> values,
              std::span<const double> constraints, TrialState state);
    /// Rebuilds the state from stored trials (resume). RUNNING trials count as FAIL: the caller
    /// marks them so in the study. The next number follows the highest stored one.
    void restore(std::vector<TrialRecord> trials);

    const std::vector<TrialRecord>& trials() const { return trials_; }
    const SearchSpace& space() const { return space_; }
    const SearchConfig& config() const { return config_; }
    /// One per objective, in config order.
    const std::vector<Direction>& directions() const { return directions_; }
    /// Numbers of the COMPLETE trials on the (constrained) Pareto front.
    std::vector<std::int64_t> pareto_front() const;
    /// The same over other records under this sampler's directions (the study's, which also hold
    /// trials the sampler never learns about, such as baselines).
    std::vector<std::int64_t> pareto_front(std::span<const TrialRecord> trials) const;
    /// Hypervolume of the feasible front of COMPLETE trials w.r.t. the configured reference
    /// point (or one derived from all COMPLETE trials when none is configured).
    double hypervolume() const;
    /// Numbers of the current parent population (NSGA-II); empty for other samplers.
    virtual std::vector<std::int64_t> population() const { return {}; }

protected:
    /// Proposes the genome of trial `number` (already repaired to the space), or nullopt to
    /// wait. May set `generation`.
    virtual std::optional<Genome> propose(std::int64_t number, int& generation, Rng& rng) = 0;
    /// Called after a trial was asked (it is RUNNING), after it was told, and after restore.
    virtual void on_asked(const TrialRecord&) {}
    virtual void on_told(const TrialRecord&) {}
    virtual void on_restored() {}
    /// Objective values of a COMPLETE trial, sign-flipped to minimisation.
    std::vector<double> minimized(const TrialRecord& t) const;
    const TrialRecord* find(std::int64_t number) const;

    const SearchSpace& space_;
    SearchConfig config_;
    std::vector<Direction> directions_;  ///< of config_.objectives, read on every comparison
    std::vector<TrialRecord> trials_;  ///< indexed by number

private:
    std::optional<std::int64_t> evaluated_duplicate(const std::string& key) const;

    std::map<std::string, std::vector<std::int64_t>> by_key_;  ///< genome key -> trial numbers
    std::optional<double> space_size_;                          ///< distinct genomes, if finite
};

/// The sampler `config.sampler` names, driven by the `search:` section `config`.
std::unique_ptr<Sampler> make_sampler(const SearchSpace& space, const SearchConfig& config);

}  // namespace snac::search
