// The analytical coefficients as a small versioned JSON file (share/surrogate/analytical_v1.json).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "snac/core/atomic_file.hpp"
#include "snac/core/error.hpp"
#include "snac/surrogate/analytical_model.hpp"

#ifndef SNAC_SURROGATE_DATA_DIR
#define SNAC_SURROGATE_DATA_DIR ""
#endif

namespace snac::surrogate {
namespace {

using nlohmann::json;
constexpr int kFormatVersion = 1;
constexpr const char* kTermNames[kTermCount] = {"constant",    "lut_mult_bits", "adder_bits",
                                                "weight_bits", "io_bits",       "dsp_reg_bits",
                                                "mux_bits",    "steer_bits"};
// Terms added after format_version 1 files were written: absent means 0 (the model without them).
constexpr int kFirstOptionalTerm = static_cast<int>(Term::kSteerBits);

json terms_json(const std::array<TermVector, kRegimeCount>& t) {
    json out = json::object();
    for (int r = 0; r < kRegimeCount; ++r) {
        json row = json::object();
        for (int i = 0; i < kTermCount; ++i) row[kTermNames[i]] = t[r][i];
        out[std::string(to_string(static_cast<Regime>(r)))] = row;
    }
    return out;
}

template <class T>
T need(const json& j, const char* key, const std::string& source) {
    if (!j.contains(key))
        throw UsageError(source + ": coefficients file lacks key '" + key + "'",
                         "regenerate it with 'snac surrogate fit --model analytical'");
    try {
        return j.at(key).get<T>();
    } catch (const json::exception&) {
        throw UsageError(source + ": key '" + std::string(key) + "' has the wrong type");
    }
}

std::array<TermVector, kRegimeCount> terms_from(const json& j, const char* key,
                                                const std::string& source) {
    const json block = need<json>(j, key, source);
    std::array<TermVector, kRegimeCount> t{};
    for (int r = 0; r < kRegimeCount; ++r) {
        const std::string rn(to_string(static_cast<Regime>(r)));
        const json row = need<json>(block, rn.c_str(), source + " " + key);
        for (int i = 0; i < kTermCount; ++i)
            t[r][i] = i >= kFirstOptionalTerm && !row.contains(kTermNames[i])
                          ? 0.0
                          : need<double>(row, kTermNames[i], source + " " + key + "." + rn);
    }
    return t;
}

}  // namespace

std::string coefficients_to_json(const AnalyticalCoefficients& c) {
    json j;
    j["format"] = "snac-surrogate-analytical";
    j["format_version"] = kFormatVersion;
    j["version"] = c.version;
    j["provenance"] = c.provenance;
    j["dsp_min_bits_shared"] = c.dsp_min_bits_shared;
    j["dsp_min_bits_const"] = c.dsp_min_bits_const;
    j["dsp_const_mid"] = c.dsp_const_mid;
    j["dsp_const_scale"] = c.dsp_const_scale;
    j["lut"] = terms_json(c.lut);
    j["ff"] = terms_json(c.ff);
    j["latency_unrolled"] = c.latency_unrolled;
    j["latency_shared_per_op"] = c.latency_shared_per_op;
    j["latency_shared_offset"] = c.latency_shared_offset;
    j["latency_shared_no_dsp"] = c.latency_shared_no_dsp;
    j["ii_latency_shared_offset"] = c.ii_latency_shared_offset;
    j["ii_resource_unrolled"] = c.ii_resource_unrolled;
    j["latency_resource_min_offset"] = c.latency_resource_min_offset;
    j["latency_resource_max_offset"] = c.latency_resource_max_offset;
    j["bram_rom_extra"] = c.bram_rom_extra;
    return j.dump(2) + "\n";
}

AnalyticalCoefficients coefficients_from_json(const std::string& text, const std::string& source) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw UsageError(source + ": not valid JSON (" + e.what() + ")",
                         "regenerate it with 'snac surrogate fit --model analytical'");
    }
    if (!j.is_object() || j.value("format", "") != "snac-surrogate-analytical")
        throw UsageError(source + ": not a snac analytical-surrogate coefficients file");
    if (need<int>(j, "format_version", source) != kFormatVersion)
        throw UsageError(source + ": unsupported coefficients format_version",
                         "this snac reads format_version " + std::to_string(kFormatVersion));
    AnalyticalCoefficients c;
    c.version = need<int>(j, "version", source);
    c.provenance = need<std::string>(j, "provenance", source);
    c.dsp_min_bits_shared = need<int>(j, "dsp_min_bits_shared", source);
    c.dsp_min_bits_const = need<int>(j, "dsp_min_bits_const", source);
    c.dsp_const_mid = need<double>(j, "dsp_const_mid", source);
    c.dsp_const_scale = need<double>(j, "dsp_const_scale", source);
    c.lut = terms_from(j, "lut", source);
    c.ff = terms_from(j, "ff", source);
    c.latency_unrolled = need<double>(j, "latency_unrolled", source);
    c.latency_shared_per_op = need<double>(j, "latency_shared_per_op", source);
    c.latency_shared_offset = need<double>(j, "latency_shared_offset", source);
    c.latency_shared_no_dsp = need<double>(j, "latency_shared_no_dsp", source);
    c.ii_latency_shared_offset = need<double>(j, "ii_latency_shared_offset", source);
    c.ii_resource_unrolled = need<double>(j, "ii_resource_unrolled", source);
    c.latency_resource_min_offset = need<double>(j, "latency_resource_min_offset", source);
    c.latency_resource_max_offset = need<double>(j, "latency_resource_max_offset", source);
    c.bram_rom_extra = need<double>(j, "bram_rom_extra", source);
    return c;
}

AnalyticalCoefficients load_coefficients(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw UsageError("cannot read surrogate coefficients file '" + path + "'",
                         "check the path, or fit one with 'snac surrogate fit --model analytical "
                         "--records RESULTS.csv --out FILE.json'");
    std::stringstream ss;
    ss << in.rdbuf();
    return coefficients_from_json(ss.str(), path);
}

void save_coefficients(const std::string& path, const AnalyticalCoefficients& c) {
    write_file_atomic(path, coefficients_to_json(c));
}

std::string default_coefficients_path() {
    if (const char* env = std::getenv("SNAC_SURROGATE_COEFFICIENTS"); env && *env) return env;
    return std::string(SNAC_SURROGATE_DATA_DIR) + "/analytical_v1.json";
}

std::string default_learned_model_path() {
    if (const char* env = std::getenv("SNAC_SURROGATE_LEARNED"); env && *env) return env;
    return std::string(SNAC_SURROGATE_DATA_DIR) + "/learned_v1.h5";
}

}  // namespace snac::surrogate
