// Input normalisation as text (stored with models) and applied to raw samples.
#include "snac/core/feature_scaling.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdio>

#include "snac/core/error.hpp"

namespace snac {
namespace {

std::string float_list(const std::vector<float>& v) {
    std::string s = "[";
    char buf[32];
    for (std::size_t i = 0; i < v.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v[i]));
        s += (i ? ", " : "") + std::string(buf);
    }
    return s + "]";
}

}  // namespace

std::string scaling_to_yaml(const FeatureScaling& scaling,
                            const std::vector<std::int64_t>& sample_shape) {
    std::string shape = "[";
    for (std::size_t i = 0; i < sample_shape.size(); ++i)
        shape += (i ? ", " : "") + std::to_string(sample_shape[i]);
    shape += "]";
    return "method: " + std::string(to_string(scaling.method)) + "\nsample_shape: " + shape +
           "\nshift: " + float_list(scaling.shift) + "\nscale: " + float_list(scaling.scale) + "\n";
}

StoredScaling scaling_from_yaml(const std::string& text, const std::string& source) {
    StoredScaling s;
    try {
        const YAML::Node root = YAML::Load(text);
        s.scaling.method = parse_normalization(root["method"].as<std::string>("none"), source);
        if (root["sample_shape"])
            s.sample_shape = root["sample_shape"].as<std::vector<std::int64_t>>();
        if (root["shift"]) s.scaling.shift = root["shift"].as<std::vector<float>>();
        if (root["scale"]) s.scaling.scale = root["scale"].as<std::vector<float>>();
    } catch (const YAML::Exception& e) {
        throw UsageError(source + ": the stored input normalisation is not valid: " + e.msg,
                         "re-create the model, or pass --raw to use the inputs as they are");
    }
    if (s.scaling.method != Normalization::kNone) {
        const auto channels = static_cast<std::size_t>(scaling_channels(s.sample_shape));
        if (s.sample_shape.empty() || s.scaling.shift.size() != channels ||
            s.scaling.scale.size() != channels)
            throw UsageError(source + ": the stored input normalisation has " +
                                 std::to_string(s.scaling.shift.size()) + " shifts for " +
                                 std::to_string(channels) + " channels",
                             "re-create the model, or pass --raw to use the inputs as they are");
    }
    return s;
}

void apply_scaling(const StoredScaling& s, float* x, std::int64_t n) {
    if (s.scaling.method == Normalization::kNone || s.scaling.shift.empty()) return;
    std::int64_t size = 1;
    for (auto d : s.sample_shape) size *= d;
    std::vector<std::size_t> channel(static_cast<std::size_t>(size));
    for (std::int64_t e = 0; e < size; ++e)
        channel[static_cast<std::size_t>(e)] =
            static_cast<std::size_t>(scaling_channel_of(s.sample_shape, e));
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t e = 0; e < size; ++e) {
            const std::size_t c = channel[static_cast<std::size_t>(e)];
            float& v = x[i * size + e];
            v = (v - s.scaling.shift[c]) / s.scaling.scale[c];
        }
}

}  // namespace snac
