// Exact hypervolume by slicing objectives (HSO): While, Hingston, Barone, Huband, "A faster
// algorithm for calculating hypervolume", IEEE TEVC 10(1), 2006. Two objectives use the direct
// sweep; every further objective slices along its axis and recurses.
#include "snac/search/hypervolume.hpp"

#include <algorithm>
#include <cmath>

#include "snac/core/error.hpp"

namespace snac::search {
namespace {

using Pts = std::vector<std::vector<double>>;

/// Area dominated by 2-D points (all strictly better than ref).
double sweep2d(Pts pts, const double* ref) {
    std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) {
        return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]);
    });
    double area = 0.0, best_y = ref[1];
    for (const auto& p : pts) {
        if (p[1] < best_y) {
            area += (ref[0] - p[0]) * (best_y - p[1]);
            best_y = p[1];
        }
    }
    return area;
}

/// Volume of `pts` in the first `d` objectives.
double hso(Pts pts, const double* ref, std::size_t d) {
    if (pts.empty()) return 0.0;
    if (d == 1) {
        double best = ref[0];
        for (const auto& p : pts) best = std::min(best, p[0]);
        return ref[0] - best;
    }
    if (d == 2) return sweep2d(std::move(pts), ref);
    const std::size_t last = d - 1;
    std::sort(pts.begin(), pts.end(), [&](const auto& a, const auto& b) { return a[last] < b[last]; });
    double volume = 0.0;
    Pts slice;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        slice.push_back(pts[i]);
        const double upper = i + 1 < pts.size() ? pts[i + 1][last] : ref[last];
        const double depth = upper - pts[i][last];
        if (depth > 0) volume += hso(slice, ref, d - 1) * depth;
    }
    return volume;
}

}  // namespace

double hypervolume(std::span<const std::vector<double>> points, std::span<const double> reference) {
    const std::size_t d = reference.size();
    if (d == 0) throw Error("hypervolume needs a reference point with at least one objective");
    Pts inside;
    for (const auto& p : points) {
        if (p.size() != d)
            throw Error("hypervolume: a point has " + std::to_string(p.size()) +
                        " objectives, the reference point " + std::to_string(d));
        bool ok = true;
        for (std::size_t k = 0; k < d; ++k) ok = ok && std::isfinite(p[k]) && p[k] < reference[k];
        if (ok) inside.push_back(p);
    }
    // Drop dominated points first: they add nothing and slow the recursion. Each point is
    // compared with the front kept so far (O(n·front)); an equal point keeps the first.
    auto weakly_better = [d](const std::vector<double>& a, const std::vector<double>& b) {
        for (std::size_t k = 0; k < d; ++k)
            if (a[k] > b[k]) return false;
        return true;  // a <= b everywhere: b adds nothing (equal, or dominated)
    };
    Pts front;
    for (auto& p : inside) {
        bool dominated = false;
        for (const auto& f : front)
            if (weakly_better(f, p)) {
                dominated = true;
                break;
            }
        if (dominated) continue;
        std::erase_if(front, [&](const std::vector<double>& f) { return weakly_better(p, f); });
        front.push_back(std::move(p));
    }
    return hso(std::move(front), reference.data(), d);
}

std::vector<double> derive_reference_point(std::span<const std::vector<double>> points) {
    if (points.empty()) return {};
    const std::size_t d = points.front().size();
    std::vector<double> ref(d);
    for (std::size_t k = 0; k < d; ++k) {
        double lo = INFINITY, hi = -INFINITY;
        for (const auto& p : points)
            if (std::isfinite(p[k])) {
                lo = std::min(lo, p[k]);
                hi = std::max(hi, p[k]);
            }
        if (!std::isfinite(lo)) lo = hi = 0.0;
        const double range = hi - lo;
        ref[k] = hi + (range > 0 ? 0.1 * range : 1.0);
    }
    return ref;
}

}  // namespace snac::search
