#pragma once
/// CSV writing shared by every export (Pareto fronts, study exports, summaries): RFC 4180 quoting.
#include <string>
#include <string_view>

namespace snac {

/// `field` as one CSV field: quoted (with "" for a quote) when it holds a comma, quote or newline.
std::string csv_field(std::string_view field);

}  // namespace snac
