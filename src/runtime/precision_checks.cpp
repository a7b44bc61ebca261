// Precision sanity warnings (include/snac/runtime/precision_checks.hpp).
#include "snac/runtime/precision_checks.hpp"

#include <cmath>
#include <cstdio>
#include <set>

namespace snac::runtime {

std::vector<std::string> precision_warnings(const HlsSettings& settings) {
    std::set<std::string> seen;
    std::vector<std::string> out;
    auto check = [&](const FixedType& t, const std::string& role) {
        if (t.integer <= t.width) return;
        const std::string spelled = t.str();
        if (!seen.insert(spelled).second) return;
        out.push_back(role + " type " + spelled + " has more integer bits (" +
                      std::to_string(t.integer) + ") than total bits (" +
                      std::to_string(t.width) + "): its step is 2^" +
                      std::to_string(t.integer - t.width) +
                      ", so most values round to 0; did you mean ap_fixed<" +
                      std::to_string(t.integer) + "," + std::to_string(t.width) + ">?");
    };
    auto layer = [&](const LayerPrecision& p, const std::string& where) {
        check(p.weight, where + "weight");
        check(p.bias, where + "bias");
        check(p.result, where + "result");
        check(p.accum, where + "accumulator");
    };
    layer(settings.default_precision, "");
    check(settings.input, "input");
    check(settings.table, "table");
    for (const auto& [name, l] : settings.layers) layer(l.precision, "layer " + name + ": ");
    return out;
}

std::optional<std::string> accuracy_collapse_warning(double accuracy_float, double accuracy_fixed) {
    if (!(accuracy_fixed < accuracy_float - 0.05)) return std::nullopt;
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "fixed-point accuracy %.3f collapses against float accuracy %.3f on the same "
                  "samples: widen the types (more fractional bits for weights, more integer bits "
                  "for results and accumulators) or train with QAT (the local stage)",
                  accuracy_fixed, accuracy_float);
    return std::string(buf);
}

}  // namespace snac::runtime
