#pragma once
/// Hypervolume dominated by a set of points up to a reference point (all objectives minimised).
/// Exact: a sweep for 2 objectives, slice-and-sweep for 3, recursive slicing (HSO, While et al.,
/// IEEE TEVC 10(1), 2006) beyond.
#include <span>
#include <vector>

namespace snac::search {

/// Points that do not strictly dominate `reference` contribute nothing. Units: product of the
/// objectives' units.
double hypervolume(std::span<const std::vector<double>> points, std::span<const double> reference);

/// A reference point derived from points: per objective max + 10 % of the range (+1 when the
/// range is 0), so that boundary points contribute.
std::vector<double> derive_reference_point(std::span<const std::vector<double>> points);

}  // namespace snac::search
