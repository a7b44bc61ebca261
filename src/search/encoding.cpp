// Optuna's parameter encoding (optuna/distributions.py, v3.1): internal representation and the
// distribution JSON stored in trial_params.distribution_json.
#include "snac/search/encoding.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cmath>

#include "snac/core/error.hpp"

namespace snac::search {
namespace {

std::string number_json(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) {
        char buf[32];
        auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
        return std::string(buf, ptr);
    }
    return gene_text(v);
}

/// Python's repr of a float (what Optuna's json.dumps writes): shortest round-trip digits, fixed
/// notation for exponents in [-4, 16), scientific otherwise.
std::string float_json(double v) {
    if (!std::isfinite(v)) return v > 0 ? "Infinity" : v < 0 ? "-Infinity" : "NaN";
    char buf[64];
    auto sci = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    const std::string s(buf, sci.ptr);
    const int exponent = std::stoi(s.substr(s.find('e') + 1));
    if (exponent < -4 || exponent >= 16) return s;
    auto fix = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    std::string f(buf, fix.ptr);
    if (f.find('.') == std::string::npos) f += ".0";
    return f;
}

std::string escape(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
            continue;
        }
        out += c;
    }
    return out + "\"";
}

}  // namespace

std::string choice_json(const std::string& text) {
    if (text == "true" || text == "True") return "true";
    if (text == "false" || text == "False") return "false";
    if (text == "null" || text == "~" || text.empty()) return "null";
    double v = 0.0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(v)) {
        const bool integral = text.find_first_of(".eE") == std::string::npos;
        return integral ? number_json(v) : float_json(v);
    }
    return escape(text);
}

std::string distribution_json(const Param& p) {
    switch (p.kind) {
        case ParamKind::kCategorical: {
            std::string s = R"({"name": "CategoricalDistribution", "attributes": {"choices": [)";
            for (std::size_t i = 0; i < p.choices.size(); ++i)
                s += (i ? ", " : "") + choice_json(p.choices[i]);
            return s + "]}}";
        }
        case ParamKind::kInt:
            return R"({"name": "IntDistribution", "attributes": {"log": )" +
                   std::string(p.log ? "true" : "false") + R"(, "step": )" +
                   number_json(p.log ? 1.0 : p.step) + R"(, "low": )" + number_json(p.low) +
                   R"(, "high": )" + number_json(p.high) + "}}";
        case ParamKind::kFloat: {
            // Optuna requires high to lie on the step grid.
            double high = p.high;
            if (p.step > 0 && !p.log)
                high = p.low + std::floor((p.high - p.low) / p.step + 1e-9) * p.step;
            return R"({"name": "FloatDistribution", "attributes": {"step": )" +
                   (p.step > 0 && !p.log ? float_json(p.step) : std::string("null")) +
                   R"(, "low": )" + float_json(p.low) + R"(, "high": )" + float_json(high) +
                   R"(, "log": )" + (p.log ? "true" : "false") + "}}";
        }
    }
    return "{}";
}

std::vector<EncodedParam> encode_genome(const SearchSpace& space, const Genome& genome) {
    std::vector<EncodedParam> out;
    for (const auto& p : space.params()) {
        auto it = genome.find(p.name);
        if (it == genome.end()) continue;
        EncodedParam e;
        e.name = p.name;
        e.distribution_json = distribution_json(p);
        if (p.numeric()) {
            e.internal_value = gene_number(it->second);
        } else {
            const auto& text = std::get<std::string>(it->second);
            auto c = std::find(p.choices.begin(), p.choices.end(), text);
            if (c == p.choices.end())
                throw UsageError("value '" + text + "' is not a choice of '" + p.name + "'");
            e.internal_value = static_cast<double>(c - p.choices.begin());
        }
        out.push_back(std::move(e));
    }
    return out;
}

Genome decode_genome(const SearchSpace& space, const std::vector<EncodedParam>& params) {
    Genome g;
    for (const auto& e : params) {
        const Param* p = space.find(e.name);
        if (!p)
            throw UsageError("the study holds parameter '" + e.name + "', which the search space lacks",
                             "resume with the configuration the study was made with, or start a new study");
        if (distribution_json(*p) != e.distribution_json)
            throw UsageError("parameter '" + e.name + "' has another distribution in the study (" +
                                 e.distribution_json + ") than in the configuration (" +
                                 distribution_json(*p) + ")",
                             "resume with the configuration the study was made with, or start a new study");
        if (p->numeric()) {
            g.emplace(e.name, e.internal_value);
        } else {
            const auto idx = static_cast<std::size_t>(e.internal_value);
            if (e.internal_value < 0 || idx >= p->choices.size() || static_cast<double>(idx) != e.internal_value)
                throw UsageError("stored value of '" + e.name + "' is not a valid choice index");
            g.emplace(e.name, p->choices[idx]);
        }
    }
    return g;
}

}  // namespace snac::search
