#pragma once
/// `select:` section — how the select stage picks models from the global search for the local
/// and HLS stages (docs/pipeline.md#select).
#include <cstdint>
#include <string>
#include <vector>

namespace snac {

enum class SelectRule {
    kKnee,      ///< largest distance to the line (hyperplane) between the front's extremes
    kBopsBins,  ///< best metric per BOPs bin (log-spaced), as NAC groups its models
    kTop,       ///< best by `metric` among trials that meet the search constraints
    kList,      ///< the user's trial numbers
};

struct SelectConfig {
    SelectRule rule = SelectRule::kKnee;
    int count = 3;                     ///< models to take (knee, bops_bins, top)
    int bins = 0;                      ///< bops_bins: number of BOPs bins; 0 = count
    std::string metric;                ///< bops_bins, top: ranking metric; "" = first objective
    std::vector<std::int64_t> trials;  ///< list: global trial numbers
};

std::string_view to_string(SelectRule rule) noexcept;  ///< "knee", "bops_bins", "top", "list"

}  // namespace snac
