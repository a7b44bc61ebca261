#pragma once
/// Pareto machinery of NSGA-II (Deb et al., IEEE TEVC 6(2), 2002): domination, constrained
/// domination, fast non-dominated sorting and crowding distance. All objectives are MINIMISED
/// here: callers negate maximised ones (see to_minimization).
#include <cstddef>
#include <span>
#include <vector>

#include "snac/core/config/search_config.hpp"

namespace snac::search {

/// Objectives of one point as minimisation values; constraints as "violated when > 0".
struct Point {
    std::vector<double> objectives;
    std::vector<double> constraints;  ///< empty = no constraints
};

/// Sign-flips maximised objectives so that every objective is minimised.
std::vector<double> to_minimization(std::span<const double> values,
                                    std::span<const Direction> directions);
/// Total violation: the sum of the positive constraint values.
double violation(std::span<const double> constraints);
/// Pareto domination (all <=, one <) on minimised objectives.
bool dominates(std::span<const double> a, std::span<const double> b);
/// Deb's constrained domination: feasible beats infeasible, less violation beats more among
/// infeasible, Pareto domination among feasible.
bool constrained_dominates(const Point& a, const Point& b);
/// Fronts of indices into `points`, best first (constrained domination).
std::vector<std::vector<std::size_t>> nondominated_sort(std::span<const Point> points);
/// Crowding distance of each member of `front` (indices into `points`), in front order; Optuna's
/// rules: boundary points infinity, constant objectives skipped.
std::vector<double> crowding_distance(std::span<const Point> points,
                                      std::span<const std::size_t> front);
/// Indices of the first front (non-dominated feasible points, or least-violating ones).
std::vector<std::size_t> pareto_front(std::span<const Point> points);

}  // namespace snac::search
