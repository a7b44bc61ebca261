#pragma once
// Private to search: factories of the concrete samplers and helpers they share.
#include <memory>

#include "snac/search/pareto.hpp"
#include "snac/search/sampler.hpp"

namespace snac::search {

std::unique_ptr<Sampler> make_nsga2_sampler(const SearchSpace& space, const SearchConfig& o);
std::unique_ptr<Sampler> make_tpe_sampler(const SearchSpace& space, const SearchConfig& o);
std::unique_ptr<Sampler> make_random_sampler(const SearchSpace& space, const SearchConfig& o);

/// A COMPLETE trial as a minimisation point with its constraints.
Point make_point(const Sampler& s, const TrialRecord& t);

}  // namespace snac::search
