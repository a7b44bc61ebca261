// The select stage's rules, pure functions of the COMPLETE trials (docs/pipeline.md#select).
// knee: the point farthest from the line between the extremes of a 2-objective front, in
// objectives normalised to [0, 1] over the front (Branke et al., "Finding knees in
// multi-objective optimization", PPSN 2004, and Das's "normal boundary" distance); bops_bins:
// NAC's grouping of models by BOPs (best metric per bin).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "snac/core/error.hpp"
#include "snac/core/metrics.hpp"
#include "snac/runtime/select.hpp"
#include "snac/search/pareto.hpp"
#include "work.hpp"

namespace snac::runtime {
namespace {

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

bool feasible(const SelectTrial& t) {
    return search::violation(t.constraints) <= 0.0;
}

/// The ranking metric of bops_bins and top: select.metric, else the first objective (for
/// bops_bins the first that is not bops, since ranking by the binning metric says nothing).
std::string ranking_metric(const SelectConfig& select, const SearchConfig& search) {
    if (!select.metric.empty()) return select.metric;
    for (const auto& o : search.objectives)
        if (select.rule != SelectRule::kBopsBins || o.metric != metric::kBops) return o.metric;
    return search.objectives.empty() ? "accuracy" : search.objectives.front().metric;
}

std::optional<double> value_of(const SelectTrial& t, const std::string& metric) {
    return find_metric_value(t.metrics, metric);
}

/// True when a is better than b by `metric` (ties: lower trial number first, for determinism).
bool better(const SelectTrial& a, const SelectTrial& b, const std::string& metric, Direction d) {
    const double va = *value_of(a, metric), vb = *value_of(b, metric);
    if (va != vb) return d == Direction::kMaximize ? va > vb : va < vb;
    return a.number < b.number;
}

SelectedModel model_of(const SelectTrial& t, const SearchConfig& search,
                       const std::string& extra_metric, std::string why) {
    SelectedModel m;
    m.name = "t" + std::to_string(t.number);
    m.trial = t.number;
    m.architecture = t.architecture;
    m.checkpoint = t.checkpoint;
    std::vector<std::string> names;
    for (const auto& o : search.objectives) names.push_back(o.metric);
    for (const auto n : {metric::kParams, metric::kBops, metric::kEstAvgResourcePct})
        names.emplace_back(n);
    if (!extra_metric.empty()) names.push_back(extra_metric);
    for (const auto& n : names)
        if (auto v = value_of(t, n)) m.metrics[n] = *v;
    m.why = std::move(why);
    return m;
}

void need_metric(std::span<const SelectTrial> pool, const std::string& metric) {
    for (const auto& t : pool)
        if (value_of(t, metric)) return;
    throw UsageError("no trial has a value for the select metric '" + metric + "'",
                     "use a metric the global search records: an objective, params, bops, "
                     "est_*, val_*/test_* (snac study show RUN_DIR --all lists them)");
}

constexpr const char* kNoFeasible =
    "no COMPLETE trial meets the search constraints; nothing selected";

std::vector<const SelectTrial*> feasible_pool(std::span<const SelectTrial> trials,
                                              const std::string& metric,
                                              std::vector<std::string>& warnings) {
    std::vector<const SelectTrial*> pool;
    for (const auto& t : trials)
        if (feasible(t) && (metric.empty() || value_of(t, metric))) pool.push_back(&t);
    if (pool.empty() && !trials.empty()) warnings.push_back(kNoFeasible);
    return pool;
}

/// What bops_bins and top rank by: the metric, its direction, and the feasible trials with it.
struct Ranking {
    std::string metric;
    Direction dir;
    std::vector<const SelectTrial*> pool;
};

Ranking ranking(std::span<const SelectTrial> trials, const SelectConfig& select,
                const SearchConfig& search, std::vector<std::string>& warnings) {
    Ranking r;
    r.metric = ranking_metric(select, search);
    need_metric(trials, r.metric);
    r.dir = metric_direction(r.metric, search);
    r.pool = feasible_pool(trials, r.metric, warnings);
    return r;
}

Selection knee(std::span<const SelectTrial> trials, const SelectConfig& select,
               const SearchConfig& search) {
    Selection s;
    std::vector<search::Point> points;
    std::vector<Direction> dirs;
    for (const auto& o : search.objectives) dirs.push_back(o.direction);
    for (const auto& t : trials)
        points.push_back({search::to_minimization(t.values, dirs), t.constraints});
    std::vector<std::size_t> front = search::pareto_front(points);
    std::erase_if(front, [&](std::size_t i) { return !feasible(trials[i]); });
    if (front.empty()) {
        if (!trials.empty()) s.warnings.push_back(kNoFeasible);
        return s;
    }
    // Normalised to [0, 1] over the front, a 2-objective front runs from (0, 1) to (1, 0), so the
    // line between its extremes is n0 + n1 = 1; with 3+ objectives the same hyperplane through
    // the unit points stands in for it. Positive distance = towards the ideal point.
    const std::size_t m = dirs.size();
    std::vector<double> lo(m, INFINITY), hi(m, -INFINITY);
    for (std::size_t i : front)
        for (std::size_t j = 0; j < m; ++j) {
            lo[j] = std::min(lo[j], points[i].objectives[j]);
            hi[j] = std::max(hi[j], points[i].objectives[j]);
        }
    std::vector<std::pair<double, std::size_t>> ranked;
    for (std::size_t i : front) {
        double sum = 0.0;
        for (std::size_t j = 0; j < m; ++j)
            sum += hi[j] > lo[j] ? (points[i].objectives[j] - lo[j]) / (hi[j] - lo[j]) : 0.0;
        ranked.push_back({(1.0 - sum) / std::sqrt(static_cast<double>(m)), i});
    }
    std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first > b.first;
        return trials[a.second].number < trials[b.second].number;
    });
    const std::size_t k =
        std::min<std::size_t>(static_cast<std::size_t>(select.count), ranked.size());
    if (k < static_cast<std::size_t>(select.count))
        s.warnings.push_back("the front has " + std::to_string(ranked.size()) + " member(s); " +
                             std::to_string(select.count) + " asked for (select.count)");
    for (std::size_t r = 0; r < k; ++r)
        s.models.push_back(model_of(
            trials[ranked[r].second], search, "",
            "knee: distance " + num(ranked[r].first) +
                " to the line between the extremes (normalised objectives), rank " +
                std::to_string(r + 1) + " of " + std::to_string(ranked.size()) + " front members"));
    return s;
}

Selection bops_bins(std::span<const SelectTrial> trials, const SelectConfig& select,
                    const SearchConfig& search) {
    Selection s;
    const std::string bops(metric::kBops);
    Ranking rk = ranking(trials, select, search, s.warnings);
    need_metric(trials, bops);
    const std::string& metric = rk.metric;
    const Direction dir = rk.dir;
    auto& pool = rk.pool;
    std::erase_if(pool, [&](const SelectTrial* t) { return !t->metrics.count(bops); });
    if (pool.empty()) return s;
    double lo = INFINITY, hi = -INFINITY;
    for (const auto* t : pool) {
        lo = std::min(lo, t->metrics.at(bops));
        hi = std::max(hi, t->metrics.at(bops));
    }
    // Log-spaced bins (BOPs span orders of magnitude); linear when a count is 0.
    const int bins = select.bins > 0 ? select.bins : select.count;
    const bool logs = lo > 0.0;
    const double a = logs ? std::log(lo) : lo, b = logs ? std::log(hi) : hi;
    auto edge = [&](int i) {
        const double e = a + (b - a) * i / bins;
        return logs ? std::exp(e) : e;
    };
    std::map<int, const SelectTrial*> best;
    for (const auto* t : pool) {
        const double x = logs ? std::log(t->metrics.at(bops)) : t->metrics.at(bops);
        const int bin =
            b > a ? std::clamp(static_cast<int>((x - a) / (b - a) * bins), 0, bins - 1) : 0;
        auto [it, fresh] = best.emplace(bin, t);
        if (!fresh && better(*t, *it->second, metric, dir)) it->second = t;
    }
    std::vector<std::pair<int, const SelectTrial*>> chosen(best.begin(), best.end());
    if (chosen.size() > static_cast<std::size_t>(select.count)) {
        std::sort(chosen.begin(), chosen.end(), [&](const auto& x, const auto& y) {
            return better(*x.second, *y.second, metric, dir);
        });
        chosen.resize(static_cast<std::size_t>(select.count));
        std::sort(chosen.begin(), chosen.end());
    } else if (chosen.size() < static_cast<std::size_t>(select.count)) {
        s.warnings.push_back(std::to_string(chosen.size()) + " of " + std::to_string(bins) +
                             " BOPs bins hold a trial; " + std::to_string(select.count) +
                             " models asked for (select.count)");
    }
    for (const auto& [bin, t] : chosen)
        s.models.push_back(model_of(*t, search, metric,
                                    "bops_bins: best " + metric + " (" +
                                        num(*value_of(*t, metric)) + ") in BOPs bin " +
                                        std::to_string(bin + 1) + " of " + std::to_string(bins) +
                                        " [" + num(edge(bin)) + ", " + num(edge(bin + 1)) + "]"));
    return s;
}

Selection top(std::span<const SelectTrial> trials, const SelectConfig& select,
              const SearchConfig& search) {
    Selection s;
    Ranking rk = ranking(trials, select, search, s.warnings);
    const std::string& metric = rk.metric;
    const Direction dir = rk.dir;
    auto& pool = rk.pool;
    std::sort(pool.begin(), pool.end(), [&](const SelectTrial* x, const SelectTrial* y) {
        return better(*x, *y, metric, dir);
    });
    const std::size_t k =
        std::min<std::size_t>(static_cast<std::size_t>(select.count), pool.size());
    if (k < static_cast<std::size_t>(select.count) && !pool.empty())
        s.warnings.push_back(std::to_string(pool.size()) + " trial(s) qualify; " +
                             std::to_string(select.count) + " asked for (select.count)");
    const std::string constrained =
        search.constraints.empty() ? "trials" : "trials meeting the constraints";
    for (std::size_t r = 0; r < k; ++r)
        s.models.push_back(model_of(*pool[r], search, metric,
                                    "top: " + metric + " " + num(*value_of(*pool[r], metric)) +
                                        ", rank " + std::to_string(r + 1) + " of " +
                                        std::to_string(pool.size()) + " " + constrained));
    return s;
}

Selection listed(std::span<const SelectTrial> trials, const SelectConfig& select,
                 const SearchConfig& search) {
    Selection s;
    std::set<std::int64_t> seen;
    std::string missing;
    for (std::int64_t n : select.trials) {
        if (!seen.insert(n).second) continue;
        auto it = std::find_if(trials.begin(), trials.end(),
                               [n](const SelectTrial& t) { return t.number == n; });
        if (it == trials.end()) {
            missing += (missing.empty() ? "" : ", ") + std::to_string(n);
            continue;
        }
        std::string why = "list: trial " + std::to_string(n) + " named in select.trials";
        if (!feasible(*it)) why += " (violates the search constraints)";
        s.models.push_back(model_of(*it, search, "", why));
    }
    if (!missing.empty())
        throw UsageError("select.trials names trial(s) " + missing +
                             ", which are not COMPLETE trials of the global search",
                         "pick COMPLETE trials (snac study show RUN_DIR --all lists them)");
    return s;
}

}  // namespace

Direction metric_direction(const std::string& metric, const SearchConfig& search) {
    for (const auto& o : search.objectives)
        if (o.metric == metric) return o.direction;
    if (const MetricInfo* m = find_metric(metric)) return m->direction;  // the registry's usual one
    return Direction::kMinimize;
}

Selection select_models(std::span<const SelectTrial> trials, const SelectConfig& select,
                        const SearchConfig& search) {
    Selection s;
    switch (select.rule) {
        case SelectRule::kKnee:
            s = knee(trials, select, search);
            break;
        case SelectRule::kBopsBins:
            s = bops_bins(trials, select, search);
            break;
        case SelectRule::kTop:
            s = top(trials, select, search);
            break;
        case SelectRule::kList:
            s = listed(trials, select, search);
            break;
    }
    s.rule = select.rule;
    return s;
}

}  // namespace snac::runtime
