// SBX: K. Deb and R. B. Agrawal, "Simulated binary crossover for continuous search space",
// Complex Systems 9, 1995 (bounded form). Polynomial mutation: K. Deb and M. Goyal, 1996.
#include "variation.hpp"

#include <algorithm>
#include <cmath>

#include "random.hpp"

namespace snac::search {
namespace {

double to_t(const Param& p, double x) { return p.log ? std::log(x) : x; }
double from_t(const Param& p, double t) { return p.log ? std::exp(t) : t; }

}  // namespace

double snap(const Param& p, double x) {
    x = std::clamp(x, p.low, p.high);
    if (p.step > 0 && !(p.kind == ParamKind::kFloat && p.log)) {
        x = p.low + std::round((x - p.low) / p.step) * p.step;
        if (x > p.high) x -= p.step;
    }
    if (p.kind == ParamKind::kInt) x = std::round(x);
    return std::clamp(x, p.low, p.high);
}

double sbx_crossover(const Param& p, double a, double b, double eta, Rng& rng) {
    const double lo = to_t(p, p.low), hi = to_t(p, p.high);
    double y1 = std::min(to_t(p, a), to_t(p, b)), y2 = std::max(to_t(p, a), to_t(p, b));
    if (hi - lo <= 0 || y2 - y1 < 1e-14) return snap(p, uniform01(rng) < 0.5 ? a : b);
    const double u = uniform01(rng);
    auto betaq = [&](double beta) {
        const double alpha = 2.0 - std::pow(beta, -(eta + 1.0));
        return u <= 1.0 / alpha ? std::pow(u * alpha, 1.0 / (eta + 1.0))
                                : std::pow(1.0 / (2.0 - u * alpha), 1.0 / (eta + 1.0));
    };
    const double c1 = 0.5 * ((y1 + y2) - betaq(1.0 + 2.0 * (y1 - lo) / (y2 - y1)) * (y2 - y1));
    const double c2 = 0.5 * ((y1 + y2) + betaq(1.0 + 2.0 * (hi - y2) / (y2 - y1)) * (y2 - y1));
    const double c = uniform01(rng) < 0.5 ? c1 : c2;
    return snap(p, from_t(p, std::clamp(c, lo, hi)));
}

double polynomial_mutation(const Param& p, double x, double eta, Rng& rng) {
    const double lo = to_t(p, p.low), hi = to_t(p, p.high);
    if (hi - lo <= 0) return snap(p, x);
    const double y = to_t(p, x);
    const double d1 = (y - lo) / (hi - lo), d2 = (hi - y) / (hi - lo);
    const double r = uniform01(rng), power = 1.0 / (eta + 1.0);
    double dq;
    if (r < 0.5) {
        const double v = 2.0 * r + (1.0 - 2.0 * r) * std::pow(1.0 - d1, eta + 1.0);
        dq = std::pow(v, power) - 1.0;
    } else {
        const double v = 2.0 * (1.0 - r) + 2.0 * (r - 0.5) * std::pow(1.0 - d2, eta + 1.0);
        dq = 1.0 - std::pow(v, power);
    }
    return snap(p, from_t(p, std::clamp(y + dq * (hi - lo), lo, hi)));
}

}  // namespace snac::search
