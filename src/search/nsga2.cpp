// NSGA-II (Deb et al., IEEE TEVC 6(2), 2002) in two modes:
//  - generational, following Optuna's NSGAIISampler (v3.1): elite selection by non-dominated
//    fronts then crowding distance, binary tournament on (constrained) domination only, uniform
//    crossover with swapping probability on the intersection space, random-reset mutation. A
//    trial joins the newest generation while it has fewer than `population` COMPLETE or RUNNING
//    trials; when its outcome is still open ask() waits, so the study does not depend on the
//    number of workers.
//  - steady-state (asynchronous; Zavoianu et al., Knowledge-Based Systems 87, 2015): every
//    result updates the population at once and every ask breeds one child by tournament on
//    (rank, crowding distance), so no worker waits for a generation to fill.
#include <algorithm>
#include <map>
#include <set>

#include "random.hpp"
#include "samplers.hpp"
#include "variation.hpp"

namespace snac::search {
namespace {

class Nsga2Sampler final : public Sampler {
public:
    Nsga2Sampler(const SearchSpace& space, const SearchConfig& o) : Sampler(space, o) {}

    std::vector<std::int64_t> population() const override {
        if (config_.mode == SearchMode::kSteadyState) return archive_;
        int g = 0;
        for (const auto& t : trials_) g = std::max(g, t.generation);
        auto it = parents_.find(g);
        return it == parents_.end() ? std::vector<std::int64_t>{} : it->second;
    }

protected:
    std::optional<Genome> propose(std::int64_t number, int& generation, Rng& rng) override {
        const auto pop = static_cast<std::size_t>(config_.population);
        if (config_.mode == SearchMode::kSteadyState) {
            generation = static_cast<int>(number / config_.population);
            if (static_cast<std::size_t>(number) < pop || archive_.size() < 2) return space_.sample(rng);
            return breed(archive_, rng, Tournament::kRankCrowding);
        }
        const std::optional<int> g = next_generation();
        if (!g) return std::nullopt;
        generation = *g;
        if (*g == 0) return space_.sample(rng);
        const std::vector<std::int64_t>& parents = parent_population(*g);
        if (parents.size() < 2) return space_.sample(rng);
        return breed(parents, rng, Tournament::kDomination);
    }

    void on_asked(const TrialRecord& t) override {
        auto& c = counts_[t.generation];
        ++c.running;
    }

    void on_told(const TrialRecord& t) override {
        auto& c = counts_[t.generation];
        --c.running;
        if (t.state == TrialState::kComplete) {
            ++c.complete;
            absorb(t);
        }
    }

    void on_restored() override {
        counts_.clear();
        parents_.clear();
        archive_.clear();
        intersection_.clear();
        intersection_initialised_ = false;
        for (const auto& t : trials_) {
            auto& c = counts_[t.generation];
            if (t.state == TrialState::kRunning) ++c.running;
            if (t.state == TrialState::kComplete) {
                ++c.complete;
                absorb(t);
            }
        }
    }

private:
    enum class Tournament { kDomination, kRankCrowding };

    /// Optuna's counting rule, made order-independent by waiting while the outcome is open.
    std::optional<int> next_generation() const {
        if (counts_.empty()) return 0;
        const auto& [g, c] = *counts_.rbegin();
        const auto pop = static_cast<std::size_t>(config_.population);
        if (c.complete + c.running < pop) return g;
        if (c.running > 0) return std::nullopt;
        return g + 1;
    }

    /// Steady state: the new result joins the population, which is cut back to its size.
    void absorb(const TrialRecord& t) {
        absorb_intersection(t.genome);
        if (config_.mode != SearchMode::kSteadyState) return;
        archive_.push_back(t.number);
        if (archive_.size() > static_cast<std::size_t>(config_.population))
            archive_ = elite(archive_);
    }

    const std::vector<std::int64_t>& parent_population(int g) {
        if (auto it = parents_.find(g); it != parents_.end()) return it->second;
        // Optuna's order: the generation's COMPLETE trials, then the previous parents.
        std::vector<std::int64_t> pool;
        for (const auto& t : trials_)
            if (t.generation == g - 1 && t.state == TrialState::kComplete) pool.push_back(t.number);
        if (g >= 2) {
            const auto& previous = parent_population(g - 1);
            pool.insert(pool.end(), previous.begin(), previous.end());
        }
        return parents_[g] = elite(pool);
    }

    /// Fronts in order; the front that does not fit is cut by crowding distance (descending).
    std::vector<std::int64_t> elite(const std::vector<std::int64_t>& pool) const {
        std::vector<Point> pts;
        for (auto n : pool) pts.push_back(make_point(*this, *find(n)));
        const auto pop = static_cast<std::size_t>(config_.population);
        std::vector<std::int64_t> out;
        for (const auto& front : nondominated_sort(pts)) {
            if (out.size() + front.size() < pop) {
                for (auto i : front) out.push_back(pool[i]);
                continue;
            }
            const std::vector<double> d = crowding_distance(pts, front);
            std::vector<std::size_t> order(front.size());
            for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
            // Ties break as in Optuna: its crowding computation leaves the front stably sorted by
            // each objective in turn (raw values); then it sorts by distance and reverses.
            const std::size_t m = pts[front[0]].objectives.size();
            for (std::size_t k = 0; k < m; ++k)
                std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
                    return find(pool[front[a]])->values[k] < find(pool[front[b]])->values[k];
                });
            std::stable_sort(order.begin(), order.end(),
                             [&](std::size_t a, std::size_t b) { return d[a] < d[b]; });
            std::reverse(order.begin(), order.end());
            for (std::size_t k = 0; k < order.size() && out.size() < pop; ++k)
                out.push_back(pool[front[order[k]]]);
            break;
        }
        return out;
    }

    void absorb_intersection(const Genome& g) {
        if (!intersection_initialised_) {
            for (const auto& p : space_.params()) {
                const bool single = p.numeric() ? p.low == p.high : p.choices.size() == 1;
                if (g.count(p.name) && !single) intersection_.insert(p.name);
            }
            intersection_initialised_ = true;
            return;
        }
        for (auto it = intersection_.begin(); it != intersection_.end();)
            it = g.count(*it) ? std::next(it) : intersection_.erase(it);
    }

    std::int64_t select(const std::vector<std::int64_t>& candidates, Rng& rng, Tournament mode,
                        const std::map<std::int64_t, std::pair<std::size_t, double>>& rank) const {
        const std::int64_t a = candidates[uniform_index(rng, candidates.size())];
        const std::int64_t b = candidates[uniform_index(rng, candidates.size())];
        if (mode == Tournament::kDomination)
            return constrained_dominates(make_point(*this, *find(a)), make_point(*this, *find(b))) ? a : b;
        const auto& ra = rank.at(a);
        const auto& rb = rank.at(b);
        if (ra.first != rb.first) return ra.first < rb.first ? a : b;
        return ra.second >= rb.second ? a : b;
    }

    Genome breed(const std::vector<std::int64_t>& parents, Rng& rng, Tournament mode) const {
        std::map<std::int64_t, std::pair<std::size_t, double>> rank;
        if (mode == Tournament::kRankCrowding) {
            std::vector<Point> pts;
            for (auto n : parents) pts.push_back(make_point(*this, *find(n)));
            const auto fronts = nondominated_sort(pts);
            for (std::size_t r = 0; r < fronts.size(); ++r) {
                const auto d = crowding_distance(pts, fronts[r]);
                for (std::size_t k = 0; k < fronts[r].size(); ++k)
                    rank[parents[fronts[r][k]]] = {r, d[k]};
            }
        }
        Genome child;
        if (uniform01(rng) < config_.crossover_prob) {
            const std::int64_t p0 = select(parents, rng, mode, rank);
            std::vector<std::int64_t> rest;
            for (auto n : parents)
                if (n != p0) rest.push_back(n);
            const std::int64_t p1 = select(rest, rng, mode, rank);
            const Genome& g0 = find(p0)->genome;
            const Genome& g1 = find(p1)->genome;
            for (const auto& p : space_.params()) {
                if (!intersection_.count(p.name)) continue;
                const Gene& a = g0.at(p.name);
                const Gene& b = g1.at(p.name);
                if (p.numeric() && config_.crossover == Crossover::kSbx)
                    child[p.name] = sbx_crossover(p, std::get<double>(a), std::get<double>(b),
                                                  config_.sbx_eta, rng);
                else
                    child[p.name] = uniform01(rng) >= config_.swapping_prob ? b : a;
            }
        } else {
            const Genome& g = find(parents[uniform_index(rng, parents.size())])->genome;
            for (const auto& name : intersection_) child[name] = g.at(name);
        }
        const double mp = config_.mutation_prob >= 0
                              ? config_.mutation_prob
                              : 1.0 / std::max<double>(1.0, static_cast<double>(child.size()));
        Genome kept;
        for (const auto& p : space_.params()) {
            auto it = child.find(p.name);
            if (it == child.end()) continue;
            if (uniform01(rng) >= mp) {
                kept.emplace(p.name, it->second);
            } else if (p.numeric() && config_.crossover == Crossover::kSbx) {
                kept.emplace(p.name, polynomial_mutation(p, std::get<double>(it->second),
                                                         config_.mutation_eta, rng));
            }
            // Otherwise dropped: Sampler::ask() repairs it with a uniform random value.
        }
        return kept;
    }

    struct Counts {
        std::size_t running = 0, complete = 0;
    };
    std::map<int, Counts> counts_;                      ///< per generation label
    /// Generational: parents of generation g. Final once computed: generation g - 1 had no
    /// RUNNING trial then, and no trial joins an older generation later.
    std::map<int, std::vector<std::int64_t>> parents_;
    std::vector<std::int64_t> archive_;                 ///< steady-state population
    std::set<std::string> intersection_;
    bool intersection_initialised_ = false;
};

}  // namespace

std::unique_ptr<Sampler> make_nsga2_sampler(const SearchSpace& space, const SearchConfig& o) {
    return std::make_unique<Nsga2Sampler>(space, o);
}

}  // namespace snac::search
