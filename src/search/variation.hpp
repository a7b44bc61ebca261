#pragma once
// Private to search: variation operators on numeric genes, in the transformed (log-scaled when
// log) coordinate, for NSGA-II's SBX mode.
#include "snac/search/space.hpp"

namespace snac::search {

/// Bounded simulated binary crossover (Deb & Agrawal, Complex Systems 9, 1995): one child value
/// from two parent values of `p`, snapped back onto p's domain.
double sbx_crossover(const Param& p, double a, double b, double eta, Rng& rng);
/// Polynomial mutation (Deb & Goyal, Computer Science and Informatics 26(4), 1996), snapped onto
/// p's domain.
double polynomial_mutation(const Param& p, double x, double eta, Rng& rng);
/// Snaps a value onto p's domain: clamps, rounds integers and step grids.
double snap(const Param& p, double x);

}  // namespace snac::search
