// Tree-structured Parzen Estimator: Bergstra, Bardenet, Bengio, Kegl, "Algorithms for
// hyper-parameter optimization", NeurIPS 2011; multivariate form after Falkner et al., BOHB, ICML
// 2018. Defaults follow Optuna's TPESampler: 10 random start-up trials, 24 candidates, gamma(n) =
// min(ceil(0.1 n), 25), a prior component, bandwidths from neighbour distances clipped to
// [range / min(100, 1 + n), range]. Multi-objective: the good set is taken front by front, the
// last front cut by crowding distance (Optuna uses hypervolume contributions there).
#include <algorithm>
#include <cmath>
#include <limits>

#include "random.hpp"
#include "samplers.hpp"
#include "variation.hpp"

namespace snac::search {
namespace {

constexpr double kLogSqrt2Pi = 0.91893853320467274178;

double log_add(double a, double b) {
    if (a == -INFINITY) return b;
    if (b == -INFINITY) return a;
    const double m = std::max(a, b);
    return m + std::log(std::exp(a - m) + std::exp(b - m));
}

double phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

/// Kernels of one parameter: one per observation plus the prior.
class Kernels {
public:
    Kernels(const Param& p, const std::vector<Gene>& obs) : p_(p) {
        if (!p.numeric()) {
            k_ = p.choices.size();
            for (const auto& g : obs)
                cat_.push_back(static_cast<std::size_t>(
                    std::find(p.choices.begin(), p.choices.end(), std::get<std::string>(g)) -
                    p.choices.begin()));
            eps_ = 1.0 / (static_cast<double>(obs.size()) + 1.0);
            return;
        }
        const double half = p.kind == ParamKind::kInt || p.step > 0 ? 0.5 * std::max(p.step, 1.0) : 0.0;
        lo_ = p.log ? std::log(std::max(p.low - (p.kind == ParamKind::kInt ? 0.5 : 0.0), 1e-300)) : p.low - half;
        hi_ = p.log ? std::log(p.high + (p.kind == ParamKind::kInt ? 0.5 : 0.0)) : p.high + half;
        if (!(hi_ > lo_)) hi_ = lo_ + 1.0;
        for (const auto& g : obs) mu_.push_back(to_t(std::get<double>(g)));
        // Bandwidth: the larger gap to the sorted neighbours (bounds at the ends), clipped.
        std::vector<double> sorted = mu_;
        sorted.push_back(0.5 * (lo_ + hi_));
        std::sort(sorted.begin(), sorted.end());
        const double range = hi_ - lo_;
        const double min_sigma = range / std::min(100.0, 1.0 + static_cast<double>(obs.size()));
        for (double m : mu_) {
            auto it = std::lower_bound(sorted.begin(), sorted.end(), m);
            const double left = it == sorted.begin() ? m - lo_ : m - *std::prev(it);
            auto nx = std::upper_bound(sorted.begin(), sorted.end(), m);
            const double right = nx == sorted.end() ? hi_ - m : *nx - m;
            sigma_.push_back(std::clamp(std::max(left, right), min_sigma, range));
        }
    }

    std::size_t size() const { return p_.numeric() ? mu_.size() : cat_.size(); }

    double log_kernel(std::size_t i, const Gene& x) const {
        if (!p_.numeric()) {
            const std::size_t k = index_of(x);
            return std::log(((k == cat_[i]) ? 1.0 : 0.0) + eps_) - std::log(1.0 + eps_ * static_cast<double>(k_));
        }
        return log_normal(to_t(std::get<double>(x)), mu_[i], sigma_[i]);
    }
    double log_prior(const Gene& x) const {
        if (!p_.numeric()) return -std::log(static_cast<double>(k_));
        return log_normal(to_t(std::get<double>(x)), 0.5 * (lo_ + hi_), hi_ - lo_);
    }
    Gene sample_kernel(std::size_t i, Rng& rng) const {
        if (!p_.numeric()) {
            // Own value with its kernel mass, otherwise uniform.
            if (uniform01(rng) < 1.0 / (1.0 + eps_ * static_cast<double>(k_))) return p_.choices[cat_[i]];
            return p_.choices[uniform_index(rng, k_)];
        }
        return sample_normal(mu_[i], sigma_[i], rng);
    }
    Gene sample_prior(Rng& rng) const {
        if (!p_.numeric()) return p_.choices[uniform_index(rng, k_)];
        return sample_normal(0.5 * (lo_ + hi_), hi_ - lo_, rng);
    }

private:
    double to_t(double x) const { return p_.log ? std::log(x) : x; }
    std::size_t index_of(const Gene& x) const {
        return static_cast<std::size_t>(
            std::find(p_.choices.begin(), p_.choices.end(), std::get<std::string>(x)) - p_.choices.begin());
    }
    double log_normal(double t, double mu, double s) const {
        const double z = (t - mu) / s;
        const double mass = std::max(phi((hi_ - mu) / s) - phi((lo_ - mu) / s), 1e-300);
        return -0.5 * z * z - kLogSqrt2Pi - std::log(s) - std::log(mass);
    }
    Gene sample_normal(double mu, double s, Rng& rng) const {
        double t = mu;
        for (int k = 0; k < 32; ++k) {
            t = mu + s * normal01(rng);
            if (t >= lo_ && t <= hi_) break;
        }
        t = std::clamp(t, lo_, hi_);
        return snap(p_, p_.log ? std::exp(t) : t);
    }

    const Param& p_;
    std::vector<double> mu_, sigma_;
    std::vector<std::size_t> cat_;
    std::size_t k_ = 0;
    double eps_ = 0.0, lo_ = 0.0, hi_ = 1.0;
};

class TpeSampler final : public Sampler {
public:
    using Sampler::Sampler;

protected:
    std::optional<Genome> propose(std::int64_t, int&, Rng& rng) override {
        std::vector<const TrialRecord*> done;
        for (const auto& t : trials_)
            if (t.state == TrialState::kComplete) done.push_back(&t);
        if (done.size() < static_cast<std::size_t>(std::max(config_.tpe_startup_trials, 1)))
            return space_.sample(rng);
        std::vector<const TrialRecord*> good, bad;
        split(done, good, bad);
        // Constant liar: a trial asked but not yet told counts as a bad result, so the next ask
        // of the same batch avoids its neighbourhood instead of proposing near it again.
        if (config_.tpe_constant_liar)
            for (const auto& t : trials_)
                if (t.state == TrialState::kRunning && !t.genome.empty()) bad.push_back(&t);
        return config_.tpe_multivariate ? multivariate(good, bad, rng) : univariate(good, bad, rng);
    }

private:
    void split(const std::vector<const TrialRecord*>& done, std::vector<const TrialRecord*>& good,
               std::vector<const TrialRecord*>& bad) const {
        const auto n_good = static_cast<std::size_t>(
            std::min(std::ceil(0.1 * static_cast<double>(done.size())), 25.0));
        std::vector<Point> pts;
        for (const auto* t : done) pts.push_back(make_point(*this, *t));
        std::vector<bool> is_good(done.size(), false);
        std::size_t taken = 0;
        for (const auto& front : nondominated_sort(pts)) {
            if (taken >= std::max<std::size_t>(n_good, 1)) break;
            std::vector<std::size_t> order(front.size());
            for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
            if (taken + front.size() > n_good) {
                const auto d = crowding_distance(pts, front);
                std::stable_sort(order.begin(), order.end(),
                                 [&](std::size_t a, std::size_t b) { return d[a] > d[b]; });
            }
            for (std::size_t k = 0; k < order.size() && taken < std::max<std::size_t>(n_good, 1); ++k, ++taken)
                is_good[front[order[k]]] = true;
        }
        for (std::size_t i = 0; i < done.size(); ++i) (is_good[i] ? good : bad).push_back(done[i]);
    }

    static std::vector<Gene> values_of(const Param& p, const std::vector<const TrialRecord*>& ts) {
        std::vector<Gene> out;
        for (const auto* t : ts)
            if (auto it = t->genome.find(p.name); it != t->genome.end() && p.contains(it->second))
                out.push_back(it->second);
        return out;
    }

    static double log_mixture(const Kernels& k, const Gene& x) {
        double acc = k.log_prior(x);
        for (std::size_t i = 0; i < k.size(); ++i) acc = log_add(acc, k.log_kernel(i, x));
        return acc - std::log(static_cast<double>(k.size() + 1));
    }

    Genome univariate(const std::vector<const TrialRecord*>& good,
                      const std::vector<const TrialRecord*>& bad, Rng& rng) const {
        Genome out;
        for (const auto& p : space_.params()) {
            if (!space_.active(p, out)) continue;
            const Kernels l(p, values_of(p, good)), g(p, values_of(p, bad));
            Gene best;
            double best_score = -INFINITY;
            for (int c = 0; c < config_.tpe_candidates; ++c) {
                const std::size_t comp = uniform_index(rng, l.size() + 1);
                Gene x = comp == l.size() ? l.sample_prior(rng) : l.sample_kernel(comp, rng);
                const double score = log_mixture(l, x) - log_mixture(g, x);
                if (c == 0 || score > best_score) {
                    best_score = score;
                    best = std::move(x);
                }
            }
            out.emplace(p.name, std::move(best));
        }
        return out;
    }

    /// Joint estimator: each trial is one component over all of its genes.
    double log_joint(const std::vector<Kernels>& ks, const std::vector<std::vector<long>>& slot,
                     std::size_t components, const Genome& x) const {
        double acc = 0.0;
        for (std::size_t p = 0; p < ks.size(); ++p) {
            auto it = x.find(space_.params()[p].name);
            if (it != x.end()) acc += ks[p].log_prior(it->second);
        }
        for (std::size_t c = 0; c < components; ++c) {
            double lc = 0.0;
            for (std::size_t p = 0; p < ks.size(); ++p) {
                auto it = x.find(space_.params()[p].name);
                if (it == x.end()) continue;
                const long s = slot[c][p];
                lc += s < 0 ? ks[p].log_prior(it->second)
                            : ks[p].log_kernel(static_cast<std::size_t>(s), it->second);
            }
            acc = log_add(acc, lc);
        }
        return acc - std::log(static_cast<double>(components + 1));
    }

    struct Joint {
        std::vector<Kernels> ks;
        std::vector<std::vector<long>> slot;  ///< [component][param] -> kernel index or -1
    };

    Joint build_joint(const std::vector<const TrialRecord*>& ts) const {
        Joint j;
        j.slot.assign(ts.size(), std::vector<long>(space_.params().size(), -1));
        for (std::size_t p = 0; p < space_.params().size(); ++p) {
            const Param& par = space_.params()[p];
            std::vector<Gene> obs;
            for (std::size_t c = 0; c < ts.size(); ++c)
                if (auto it = ts[c]->genome.find(par.name); it != ts[c]->genome.end() && par.contains(it->second)) {
                    j.slot[c][p] = static_cast<long>(obs.size());
                    obs.push_back(it->second);
                }
            j.ks.emplace_back(par, obs);
        }
        return j;
    }

    Genome multivariate(const std::vector<const TrialRecord*>& good,
                        const std::vector<const TrialRecord*>& bad, Rng& rng) const {
        const Joint l = build_joint(good), g = build_joint(bad);
        Genome best;
        double best_score = -INFINITY;
        for (int c = 0; c < config_.tpe_candidates; ++c) {
            const std::size_t comp = uniform_index(rng, good.size() + 1);
            Genome x;
            for (std::size_t p = 0; p < space_.params().size(); ++p) {
                const Param& par = space_.params()[p];
                if (!space_.active(par, x)) continue;
                const long s = comp == good.size() ? -1 : l.slot[comp][p];
                x.emplace(par.name, s < 0 ? l.ks[p].sample_prior(rng)
                                          : l.ks[p].sample_kernel(static_cast<std::size_t>(s), rng));
            }
            const double score = log_joint(l.ks, l.slot, good.size(), x) -
                                 log_joint(g.ks, g.slot, bad.size(), x);
            if (c == 0 || score > best_score) {
                best_score = score;
                best = std::move(x);
            }
        }
        return best;
    }
};

}  // namespace

std::unique_ptr<Sampler> make_tpe_sampler(const SearchSpace& space, const SearchConfig& o) {
    return std::make_unique<TpeSampler>(space, o);
}

}  // namespace snac::search
