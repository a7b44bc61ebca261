#pragma once
/// Genomes in Optuna's parameter representation (what `trial_params` holds): floats and ints as
/// numbers, categoricals as the index into `choices`, and the distribution as Optuna's JSON.
/// Pure text conversions; the study store writes them.
#include <string>
#include <vector>

#include "snac/search/space.hpp"

namespace snac::search {

struct EncodedParam {
    std::string name;
    double internal_value = 0.0;    ///< Optuna's internal representation
    std::string distribution_json;  ///< {"name": "...Distribution", "attributes": {...}}
};

/// Optuna's distribution JSON of one parameter (FloatDistribution / IntDistribution /
/// CategoricalDistribution; categorical choices as JSON numbers, booleans, null or strings).
std::string distribution_json(const Param& p);
/// Every gene of `genome`, in space order.
std::vector<EncodedParam> encode_genome(const SearchSpace& space, const Genome& genome);
/// The genome back from stored parameters. Throws UsageError when a name is not in the space or a
/// distribution differs (the study was made with another space).
Genome decode_genome(const SearchSpace& space, const std::vector<EncodedParam>& params);
/// The JSON literal of a categorical choice's YAML text: 64 -> 64, true -> true, relu -> "relu".
std::string choice_json(const std::string& text);

}  // namespace snac::search
