// snac predict: load any model, read and normalise samples, run float (oneDNN) or fixed-point
// (FixedModel, the firmware's arithmetic) inference, write NPY.
#include "snac/runtime/predict.hpp"

#include <filesystem>
#include <optional>

#include "snac/core/error.hpp"
#include "snac/core/feature_scaling.hpp"
#include "snac/core/hls_settings.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/io/sample_arrays.hpp"
#include "snac/nn/fixed_model.hpp"
#include "snac/nn/trainer.hpp"
#include "snac/runtime/model_file.hpp"

namespace snac::runtime {
namespace {

struct Samples {
    std::vector<float> x;
    std::int64_t n = 0;
    bool normalised = false;  // a snac dataset stores normalised samples
};

Samples read_input(const PredictOptions& o) {
    Samples s;
    if (!std::filesystem::exists(o.input))
        throw UsageError("input '" + o.input + "' does not exist",
                         "pass samples as .npy, .csv or a snac dataset (.h5)");
    if (io::is_dataset(o.input)) {
        Dataset d = io::load_dataset(o.input);
        const std::int64_t size = d.sample_size();
        std::vector<std::int64_t> idx;
        if (o.split == "all") {
            for (std::int64_t i = 0; i < d.n_samples; ++i) idx.push_back(i);
        } else if (o.split == "train" || o.split == "val" || o.split == "test") {
            idx = d.indices(o.split == "train" ? Split::kTrain
                            : o.split == "val" ? Split::kVal
                                               : Split::kTest);
        } else {
            throw UsageError("--split '" + o.split + "' is not valid",
                             "use all, train, val or test");
        }
        s.n = static_cast<std::int64_t>(idx.size());
        s.x.reserve(static_cast<std::size_t>(s.n * size));
        for (auto i : idx)
            s.x.insert(s.x.end(), d.x.begin() + i * size, d.x.begin() + (i + 1) * size);
        s.normalised = true;
        return s;
    }
    io::SampleArray a = io::read_samples(o.input);
    s.n = a.shape[0];
    s.x = std::move(a.values);
    return s;
}

// The model's stored normalisation: the checkpoint attribute, else the training dataset's.
std::optional<StoredScaling> stored_scaling(const ModelFile& m) {
    const auto& attrs = m.checkpoint.attributes;
    if (auto it = attrs.find("input_scaling"); it != attrs.end())
        return scaling_from_yaml(it->second, m.path);
    if (auto it = attrs.find("dataset_file"); it != attrs.end() && io::is_dataset(it->second)) {
        const Dataset d = io::load_dataset(it->second);
        return StoredScaling{d.scaling, d.sample_shape};
    }
    return std::nullopt;
}

HlsSettings fixed_settings(const ModelFile& m, const PredictOptions& o, std::string& source) {
    HlsSettings s;
    source = "ap_fixed<16,6> defaults";
    if (auto it = m.checkpoint.attributes.find("hls_settings");
        it != m.checkpoint.attributes.end()) {
        s = hls_settings_from_yaml(it->second, m.path + " (hls_settings)");
        source = "the model's hls_settings";
    }
    if (!o.precision.empty()) {
        const FixedType t = FixedType::parse(o.precision);
        s.default_precision = {t, t, t, t};
        s.input = t;
        s.layers.clear();
        source = o.precision + " everywhere";
    }
    return s;
}

}  // namespace

PredictSummary run_predict(const PredictOptions& o) {
    const ModelFile m = load_model(o.model);
    if (!m.has_weights())
        throw UsageError("'" + o.model + "' is an architecture file without weights",
                         "predict with a trained checkpoint (.h5) or an ONNX model");
    if (o.arithmetic == PredictArithmetic::kFloat && !o.precision.empty())
        throw UsageError("--precision applies to fixed-point inference", "add --fixed");
    Samples in = read_input(o);
    std::int64_t size = 1;
    for (auto d : m.spec.input_shape) size *= d;
    if (in.n == 0 || static_cast<std::int64_t>(in.x.size()) != in.n * size)
        throw UsageError(
            "'" + o.input + "' holds " + std::to_string(in.n) + " samples of " +
                std::to_string(in.n ? static_cast<std::int64_t>(in.x.size()) / in.n : 0) +
                " values; the model takes " + std::to_string(size) + " (input " +
                nn::shape_str(m.spec.input_shape) + ")",
            "save the samples as [N, " + std::to_string(size) +
                "] or [N, ...] with the model's input shape");

    PredictSummary summary;
    summary.samples = in.n;
    if (in.normalised) {
        summary.normalisation = "none (the snac dataset stores normalised samples)";
    } else if (o.scaling == InputScaling::kRaw) {
        summary.normalisation = "none (--raw)";
    } else if (const auto s = stored_scaling(m)) {
        if (s->scaling.method != Normalization::kNone) {
            std::int64_t ss = 1;
            for (auto d : s->sample_shape) ss *= d;
            if (ss != size)
                throw UsageError("the stored normalisation is for samples of " +
                                     std::to_string(ss) + " values, the model takes " +
                                     std::to_string(size),
                                 "pass --raw and normalise the samples yourself");
            apply_scaling(*s, in.x.data(), in.n);
        }
        summary.normalisation =
            std::string(to_string(s->scaling.method)) + " (stored with the model)";
    } else {
        summary.normalisation = "none (the model stores no input normalisation)";
    }

    const nn::Shape out_shape = nn::output_shape(m.spec);
    summary.output_shape = {in.n};
    summary.output_shape.insert(summary.output_shape.end(), out_shape.begin(), out_shape.end());
    if (o.arithmetic == PredictArithmetic::kFloat) {
        const std::vector<float> y = nn::predict(m.checkpoint, in.x.data(), in.n);
        io::write_npy(o.output, summary.output_shape, y);
        summary.arithmetic = "float";
    } else {
        std::string source;
        const HlsSettings settings = fixed_settings(m, o, source);
        const nn::FixedModel fm = nn::lower_network(m.spec, m.checkpoint, settings);
        std::vector<double> y;
        y.reserve(static_cast<std::size_t>(in.n * fm.output_size()));
        for (std::int64_t i = 0; i < in.n; ++i) {
            const std::vector<double> r = fm.run(in.x.data() + i * size);
            y.insert(y.end(), r.begin(), r.end());
        }
        io::write_npy(o.output, summary.output_shape, y);
        summary.arithmetic = "fixed point (" + source + ")";
    }
    return summary;
}

std::string output_shape_text(const PredictSummary& summary) {
    return nn::shape_str(summary.output_shape);
}

}  // namespace snac::runtime
