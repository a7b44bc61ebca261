// Non-dominated sorting and crowding distance: Deb, Pratap, Agarwal, Meyarivan, "A fast and elitist
// multiobjective genetic algorithm: NSGA-II", IEEE TEVC 6(2), 2002. Constrained domination follows
// the same paper (section VI); crowding-distance edge rules follow Optuna's NSGAIISampler.
#include "snac/search/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "snac/core/error.hpp"

namespace snac::search {

std::vector<double> to_minimization(std::span<const double> values,
                                    std::span<const Direction> directions) {
    std::vector<double> out(values.begin(), values.end());
    for (std::size_t i = 0; i < out.size() && i < directions.size(); ++i)
        if (directions[i] == Direction::kMaximize) out[i] = -out[i];
    return out;
}

double violation(std::span<const double> constraints) {
    double v = 0.0;
    for (double c : constraints) {
        if (std::isnan(c)) throw Error("a constraint value is NaN", "constraints must be numbers");
        if (c > 0) v += c;
    }
    return v;
}

bool dominates(std::span<const double> a, std::span<const double> b) {
    bool strictly = false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] > b[i]) return false;
        if (a[i] < b[i]) strictly = true;
    }
    return strictly;
}

bool constrained_dominates(const Point& a, const Point& b) {
    const double va = violation(a.constraints), vb = violation(b.constraints);
    if (va == 0.0 && vb > 0.0) return true;
    if (va > 0.0 && vb == 0.0) return false;
    if (va > 0.0 && vb > 0.0) return va < vb;
    return dominates(a.objectives, b.objectives);
}

std::vector<std::vector<std::size_t>> nondominated_sort(std::span<const Point> points) {
    const std::size_t n = points.size();
    std::vector<std::vector<std::size_t>> dominated(n);
    std::vector<std::size_t> count(n, 0);
    std::vector<std::vector<std::size_t>> fronts(1);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) {
            if (constrained_dominates(points[i], points[j])) {
                dominated[i].push_back(j);
                ++count[j];
            } else if (constrained_dominates(points[j], points[i])) {
                dominated[j].push_back(i);
                ++count[i];
            }
        }
    }
    for (std::size_t i = 0; i < n; ++i)
        if (count[i] == 0) fronts[0].push_back(i);
    while (!fronts.back().empty()) {
        std::vector<std::size_t> next;
        for (std::size_t i : fronts.back())
            for (std::size_t j : dominated[i])
                if (--count[j] == 0) next.push_back(j);
        std::sort(next.begin(), next.end());
        fronts.push_back(std::move(next));
    }
    fronts.pop_back();
    return fronts;
}

std::vector<double> crowding_distance(std::span<const Point> points,
                                      std::span<const std::size_t> front) {
    const std::size_t n = front.size();
    std::vector<double> dist(n, 0.0);
    if (n == 0) return dist;
    const double inf = std::numeric_limits<double>::infinity();
    const std::size_t m = points[front[0]].objectives.size();
    std::vector<std::size_t> order(n);
    for (std::size_t k = 0; k < m; ++k) {
        std::iota(order.begin(), order.end(), std::size_t{0});
        auto value = [&](std::size_t i) { return points[front[i]].objectives[k]; };
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return value(a) < value(b); });
        double lo = inf, hi = -inf;
        for (std::size_t i = 0; i < n; ++i)
            if (std::isfinite(value(i))) {
                lo = std::min(lo, value(i));
                hi = std::max(hi, value(i));
            }
        if (value(order.front()) == value(order.back())) continue;  // constant objective
        double width = hi - lo;
        if (!(width > 0) || !std::isfinite(width)) width = 1.0;
        for (std::size_t r = 0; r < n; ++r) {
            const double prev = r == 0 ? -inf : value(order[r - 1]);
            const double next = r + 1 == n ? inf : value(order[r + 1]);
            double gap = next - prev;
            if (std::isnan(gap)) gap = 0.0;  // inf - inf
            dist[order[r]] += gap / width;
        }
    }
    return dist;
}

std::vector<std::size_t> pareto_front(std::span<const Point> points) {
    // The first front of nondominated_sort without the other fronts: a filter that compares each
    // point with the current front only, O(n·front) instead of O(n²) comparisons and lists (the
    // study status asks for the front of every finished trial; at 6,000 trials the full sort
    // cost seconds). Constrained domination is a strict partial order, so the survivors are
    // exactly the points nothing dominates; appends keep them in index order.
    std::vector<std::size_t> front;
    for (std::size_t i = 0; i < points.size(); ++i) {
        bool dominated = false;
        for (std::size_t j : front)
            if (constrained_dominates(points[j], points[i])) {
                dominated = true;
                break;
            }
        if (dominated) continue;
        std::erase_if(front,
                      [&](std::size_t j) { return constrained_dominates(points[i], points[j]); });
        front.push_back(i);
    }
    return front;
}

}  // namespace snac::search
