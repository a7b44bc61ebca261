#include "snac/search/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "samplers.hpp"
#include "snac/core/error.hpp"
#include "snac/core/seed.hpp"
#include "snac/search/hypervolume.hpp"
#include "snac/search/pareto.hpp"

namespace snac::search {

namespace {
/// Proposals per ask before a duplicate genome is accepted (half of them from the sampler, the
/// rest uniform).
constexpr int kMaxDuplicateRetries = 64;
}  // namespace

Sampler::Sampler(const SearchSpace& space, SearchConfig config)
    : space_(space), config_(std::move(config)) {
    for (const auto& obj : config_.objectives) directions_.push_back(obj.direction);
    if (directions_.empty())
        throw UsageError("a search needs at least one objective", "list them under search.objectives");
    if (config_.population < 2)
        throw UsageError("the NSGA-II population must be at least 2", "set search.population >= 2");
    if (!config_.reference_point.empty() && config_.reference_point.size() != directions_.size())
        throw UsageError("the reference point needs one value per objective");
    space_size_ = space_.distinct_genomes();
}

Sampler::~Sampler() = default;

std::optional<Suggestion> Sampler::ask() {
    // Nothing new can be found: proposing would only repeat genomes (and, for NSGA-II, breed
    // `max_duplicate_retries` children per ask to find that out).
    if (exhausted()) return std::nullopt;
    const auto number = static_cast<std::int64_t>(trials_.size());
    Rng rng(derive_seed(config_.seed, static_cast<std::uint64_t>(number), "search.ask"));
    Suggestion s;
    s.number = number;
    std::string key;
    for (int attempt = 0;; ++attempt) {
        int generation = s.generation;
        // A model-based sampler can keep proposing the same optimum: after half of the retries,
        // fall back to uniform samples to find a genome not evaluated yet.
        std::optional<Genome> g = attempt == 0 || attempt < kMaxDuplicateRetries / 2
                                      ? propose(number, generation, rng)
                                      : std::optional<Genome>(space_.sample(rng));
        if (!g) return std::nullopt;
        s.genome = space_.repair(std::move(*g), rng);
        s.generation = generation;
        key = SearchSpace::key(s.genome);
        s.duplicate_of = evaluated_duplicate(key);
        if (!s.duplicate_of || attempt >= kMaxDuplicateRetries) break;
    }
    TrialRecord t;
    t.number = number;
    t.genome = s.genome;
    t.generation = s.generation;
    t.state = TrialState::kRunning;
    trials_.push_back(std::move(t));
    by_key_[key].push_back(number);
    on_asked(trials_.back());
    return s;
}

std::optional<std::int64_t> Sampler::evaluated_duplicate(const std::string& key) const {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return std::nullopt;
    // Prefer a finished twin: its result can be copied at once.
    std::optional<std::int64_t> running;
    for (auto n : it->second) {
        const auto& t = trials_[static_cast<std::size_t>(n)];
        if (t.state == TrialState::kComplete) return n;
        if (t.state == TrialState::kRunning && !running) running = n;
    }
    return running;
}

void Sampler::tell(std::int64_t number, std::span<const double> values,
                   std::span<const double> constraints, TrialState state) {
    if (number < 0 || number >= static_cast<std::int64_t>(trials_.size()))
        throw Error("tell: trial " + std::to_string(number) + " was never asked");
    TrialRecord& t = trials_[static_cast<std::size_t>(number)];
    if (t.state != TrialState::kRunning)
        throw Error("tell: trial " + std::to_string(number) + " is already finished");
    if (state == TrialState::kRunning || state == TrialState::kWaiting)
        throw Error("tell: a trial must finish as COMPLETE, PRUNED or FAIL");
    if (state == TrialState::kComplete) {
        if (values.size() != directions_.size())
            throw Error("tell: trial " + std::to_string(number) + " has " +
                        std::to_string(values.size()) + " objective values, the study " +
                        std::to_string(directions_.size()));
        for (double v : values)
            if (std::isnan(v)) throw Error("tell: objective value of trial " + std::to_string(number) + " is NaN",
                                           "report a diverged trial as FAIL");
        for (double c : constraints)
            if (std::isnan(c)) throw Error("tell: a constraint of trial " + std::to_string(number) + " is NaN");
    }
    t.state = state;
    t.values.assign(values.begin(), values.end());
    t.constraints.assign(constraints.begin(), constraints.end());
    on_told(t);
}

void Sampler::restore(std::vector<TrialRecord> trials) {
    std::sort(trials.begin(), trials.end(),
              [](const auto& a, const auto& b) { return a.number < b.number; });
    for (std::size_t i = 0; i < trials.size(); ++i) {
        if (trials[i].number != static_cast<std::int64_t>(i))
            throw UsageError("stored trial numbers are not contiguous (trial " + std::to_string(i) +
                             " is missing)",
                             "the study file was edited by hand; start a new study");
        if (trials[i].state == TrialState::kRunning || trials[i].state == TrialState::kWaiting)
            trials[i].state = TrialState::kFail;
        if (trials[i].state == TrialState::kComplete &&
            trials[i].values.size() != directions_.size())
            trials[i].state = TrialState::kFail;
    }
    trials_ = std::move(trials);
    by_key_.clear();
    for (const auto& t : trials_) by_key_[SearchSpace::key(t.genome)].push_back(t.number);
    on_restored();
}

std::vector<double> Sampler::minimized(const TrialRecord& t) const {
    return to_minimization(t.values, directions_);
}

const TrialRecord* Sampler::find(std::int64_t number) const {
    if (number < 0 || number >= static_cast<std::int64_t>(trials_.size())) return nullptr;
    return &trials_[static_cast<std::size_t>(number)];
}

std::vector<std::int64_t> Sampler::pareto_front() const { return pareto_front(trials_); }

std::vector<std::int64_t> Sampler::pareto_front(std::span<const TrialRecord> trials) const {
    std::vector<Point> pts;
    std::vector<std::int64_t> numbers;
    for (const auto& t : trials) {
        if (t.state != TrialState::kComplete) continue;
        pts.push_back(make_point(*this, t));
        numbers.push_back(t.number);
    }
    std::vector<std::int64_t> out;
    for (std::size_t i : search::pareto_front(pts)) out.push_back(numbers[i]);
    std::sort(out.begin(), out.end());
    return out;
}

double Sampler::hypervolume() const {
    std::vector<std::vector<double>> all, feasible;
    for (const auto& t : trials_) {
        if (t.state != TrialState::kComplete) continue;
        all.push_back(minimized(t));
        if (violation(t.constraints) == 0.0 &&
            (config_.constraints.empty() || !t.constraints.empty()))
            feasible.push_back(all.back());
    }
    if (all.empty()) return 0.0;
    const std::vector<double> ref = config_.reference_point.empty()
                                        ? derive_reference_point(all)
                                        : to_minimization(config_.reference_point, directions_);
    return search::hypervolume(feasible, ref);
}

Point make_point(const Sampler& s, const TrialRecord& t) {
    Point p;
    p.objectives = to_minimization(t.values, s.directions());
    p.constraints = t.constraints;
    // A trial without its constraint values loses to every trial that has them (Optuna).
    if (!s.config().constraints.empty() && p.constraints.empty())
        p.constraints = {std::numeric_limits<double>::max()};
    return p;
}

std::unique_ptr<Sampler> make_sampler(const SearchSpace& space, const SearchConfig& config) {
    switch (config.sampler) {
        case SamplerKind::kNsga2: return make_nsga2_sampler(space, config);
        case SamplerKind::kTpe: return make_tpe_sampler(space, config);
        case SamplerKind::kRandom: return make_random_sampler(space, config);
    }
    throw Error("unknown sampler kind");
}

}  // namespace snac::search
