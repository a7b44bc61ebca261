// Lawson–Hanson active-set NNLS (Lawson & Hanson 1974, algorithm NNLS, ch. 23).
#include "nnls.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace snac::surrogate::detail {
namespace {

// Solves the unconstrained least-squares problem restricted to the columns in `set` via normal
// equations (Gaussian elimination with partial pivoting; the systems are tiny).
std::vector<double> solve_subset(const std::vector<double>& a, const std::vector<double>& b,
                                 int rows, int cols, const std::vector<int>& set) {
    const int k = static_cast<int>(set.size());
    std::vector<double> m(static_cast<std::size_t>(k * (k + 1)), 0.0);
    for (int i = 0; i < k; ++i) {
        for (int j = 0; j < k; ++j) {
            double s = 0;
            for (int r = 0; r < rows; ++r) s += a[r * cols + set[i]] * a[r * cols + set[j]];
            m[i * (k + 1) + j] = s;
        }
        double s = 0;
        for (int r = 0; r < rows; ++r) s += a[r * cols + set[i]] * b[r];
        m[i * (k + 1) + k] = s;
        m[i * (k + 1) + i] += 1e-12;  // ridge against exactly collinear terms
    }
    for (int c = 0; c < k; ++c) {
        int piv = c;
        for (int r = c + 1; r < k; ++r)
            if (std::abs(m[r * (k + 1) + c]) > std::abs(m[piv * (k + 1) + c])) piv = r;
        for (int j = 0; j <= k; ++j) std::swap(m[c * (k + 1) + j], m[piv * (k + 1) + j]);
        const double d = m[c * (k + 1) + c];
        if (std::abs(d) < 1e-300) continue;
        for (int r = 0; r < k; ++r) {
            if (r == c) continue;
            const double f = m[r * (k + 1) + c] / d;
            for (int j = c; j <= k; ++j) m[r * (k + 1) + j] -= f * m[c * (k + 1) + j];
        }
    }
    std::vector<double> z(static_cast<std::size_t>(k), 0.0);
    for (int i = 0; i < k; ++i) {
        const double d = m[i * (k + 1) + i];
        z[i] = std::abs(d) < 1e-300 ? 0.0 : m[i * (k + 1) + k] / d;
    }
    return z;
}

}  // namespace

std::vector<double> nnls(const std::vector<double>& a_in, const std::vector<double>& b, int rows,
                         int cols) {
    std::vector<double> a = a_in;
    std::vector<double> scale(static_cast<std::size_t>(cols), 0.0);
    for (int c = 0; c < cols; ++c) {
        double s = 0;
        for (int r = 0; r < rows; ++r) s += a[r * cols + c] * a[r * cols + c];
        scale[c] = std::sqrt(s);
        for (int r = 0; r < rows; ++r)
            a[r * cols + c] = scale[c] > 0 ? a[r * cols + c] / scale[c] : 0.0;
    }
    std::vector<double> x(static_cast<std::size_t>(cols), 0.0);
    std::vector<bool> passive(static_cast<std::size_t>(cols), false);
    auto gradient = [&](std::vector<double>& w) {
        std::vector<double> res(b);
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) res[r] -= a[r * cols + c] * x[c];
        for (int c = 0; c < cols; ++c) {
            double s = 0;
            for (int r = 0; r < rows; ++r) s += a[r * cols + c] * res[r];
            w[c] = s;
        }
    };
    std::vector<double> w(static_cast<std::size_t>(cols));
    for (int iter = 0; iter < 3 * cols + 10; ++iter) {
        gradient(w);
        int best = -1;
        double best_w = 1e-12;
        for (int c = 0; c < cols; ++c)
            if (!passive[c] && scale[c] > 0 && w[c] > best_w) {
                best_w = w[c];
                best = c;
            }
        if (best < 0) break;
        passive[best] = true;
        for (int inner = 0; inner < 3 * cols + 10; ++inner) {
            std::vector<int> set;
            for (int c = 0; c < cols; ++c)
                if (passive[c]) set.push_back(c);
            const std::vector<double> z = solve_subset(a, b, rows, cols, set);
            bool feasible = true;
            for (double v : z) feasible = feasible && v > 0;
            if (feasible) {
                std::fill(x.begin(), x.end(), 0.0);
                for (std::size_t i = 0; i < set.size(); ++i) x[set[i]] = z[i];
                break;
            }
            // Step toward z until the first passive coefficient hits zero; drop it.
            double alpha = std::numeric_limits<double>::infinity();
            for (std::size_t i = 0; i < set.size(); ++i)
                if (z[i] <= 0) alpha = std::min(alpha, x[set[i]] / (x[set[i]] - z[i] + 1e-300));
            for (std::size_t i = 0; i < set.size(); ++i) {
                x[set[i]] += alpha * (z[i] - x[set[i]]);
                if (x[set[i]] <= 1e-15) {
                    x[set[i]] = 0;
                    passive[set[i]] = false;
                }
            }
        }
    }
    for (int c = 0; c < cols; ++c) x[c] = scale[c] > 0 ? x[c] / scale[c] : 0.0;
    return x;
}

}  // namespace snac::surrogate::detail
