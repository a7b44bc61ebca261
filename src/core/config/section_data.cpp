#include "config/sections.hpp"

namespace snac::config {
namespace {

// The keys each source format cannot do without; reported as missing required keys.
void require_source_keys(MapReader& src, const DataSourceConfig& s) {
    auto need = [&](const char* key, const std::string& value, const char* what) {
        if (!value.empty()) return;
        src.error_at(key,
                     "missing required key 'data.source." + std::string(key) + "' for format '" +
                         s.format + "'",
                     std::string("add '") + key + ": " + what + "'");
    };
    if (s.format == "idx") {
        need("images", s.images, "<images .idx or .idx.gz file>");
        need("labels", s.labels, "<labels .idx or .idx.gz file>");
    } else if (s.format == "csv") {
        need("file", s.file, "<.csv or .csv.gz file>");
        need("label_column", s.label_column, "<name of the label column>");
    } else if (s.format == "npy") {
        need("x", s.x, "<samples .npy file>");
        need("y", s.y, "<labels or targets .npy file>");
    } else if (s.format == "hdf5") {
        need("file", s.file, "<.h5 file>");
        need("x", s.x, "<name of the samples dataset in the file>");
        need("y", s.y, "<name of the labels dataset in the file>");
    } else if (s.format != "synth_bragg") {  // synth_bragg generates its samples: no file
        need("file", s.file, s.format == "jets_hlf" ? "<.csv or .csv.gz file>" : "<.h5 file>");
    }
}

}  // namespace

void parse_data(MapReader& in, DataConfig& out) {
    in.get("name", out.name);
    in.get("path", out.path);
    if (in.present() && out.name.empty() && out.path.empty())
        in.error_at("name", "the data section needs 'name' (or 'path')",
                    "e.g. 'name: mnist8x8' with a 'source:' to import it from");
    {
        auto src = in.map("source");
        auto& s = out.source;
        if (src.present()) src.require("format", s.format);
        src.get("file", s.file);
        src.get("images", s.images);
        src.get("labels", s.labels);
        src.get("x", s.x);
        src.get("y", s.y);
        src.get("label_column", s.label_column);
        src.get("resize", s.resize);
        src.get("subset", s.subset, std::int64_t{0}, std::int64_t{1} << 40);
        src.get_enum("task", s.task,
                     {{"auto", TaskChoice::kAuto},
                      {"classification", TaskChoice::kClassification},
                      {"regression", TaskChoice::kRegression}});
        src.get("features", s.features);
        src.get("particles", s.particles);
        src.get("n_particles", s.n_particles, std::int64_t{0}, std::int64_t{1} << 20);
        src.get_enum("layout", s.layout,
                     {{"flat", ParticleLayout::kFlat}, {"set", ParticleLayout::kSet}});
        src.get("samples", s.samples, std::int64_t{1}, std::int64_t{1} << 32);
        src.get("seed", s.seed);
        if (!s.resize.empty() && (s.resize.size() != 2 || s.resize[0] < 1 || s.resize[1] < 1 ||
                                  s.resize[0] > 4096 || s.resize[1] > 4096))
            src.error_at("resize",
                         "'data.source.resize' must be two positive sizes [height, width]",
                         "e.g. resize: [8, 8]");
        static const char* kFormats[] = {
            "idx", "csv", "npy", "jets_hlf", "jets_constituents", "hdf5", "synth_bragg"};
        if (!s.format.empty()) {
            bool ok = false;
            std::vector<std::string> names;
            for (const char* f : kFormats) ok |= s.format == f, names.emplace_back(f);
            if (!ok) {
                auto close = did_you_mean(s.format, names);
                src.error_at("format", "unknown data format '" + s.format + "'",
                             (close.empty() ? std::string() : "did you mean '" + close + "'? ") +
                                 "one of: idx, csv, npy, jets_hlf, jets_constituents, hdf5, "
                                 "synth_bragg");
            } else {
                require_source_keys(src, s);
            }
        }
    }
    in.get_enum("normalize", out.normalize,
                {{"none", Normalization::kNone},
                 {"standardize", Normalization::kStandardize},
                 {"minmax", Normalization::kMinMax},
                 {"robust", Normalization::kRobust}});
    auto split = in.map("split");
    split.get("train", out.split.train, 0.0, 1.0);
    split.get("val", out.split.val, 0.0, 1.0);
    split.get("test", out.split.test, 0.0, 1.0);
    split.get("seed", out.split.seed);
    split.get("stratify", out.split.stratify);
    const double total = out.split.train + out.split.val + out.split.test;
    if (total > 1.0 + 1e-9 || out.split.train <= 0.0)
        split.error_at("train", "split fractions must be positive for train and sum to at most 1",
                       "e.g. train: 0.7, val: 0.1, test: 0.2");
}

void emit_data(YAML::Emitter& out, const DataConfig& c) {
    static const char* kNorm[] = {"none", "standardize", "minmax", "robust"};
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << c.name;
    out << YAML::Key << "path" << YAML::Value << c.path;
    out << YAML::Key << "source" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "format" << YAML::Value << c.source.format;
    if (!c.source.file.empty()) out << YAML::Key << "file" << YAML::Value << c.source.file;
    if (!c.source.images.empty()) out << YAML::Key << "images" << YAML::Value << c.source.images;
    if (!c.source.labels.empty()) out << YAML::Key << "labels" << YAML::Value << c.source.labels;
    if (!c.source.x.empty()) out << YAML::Key << "x" << YAML::Value << c.source.x;
    if (!c.source.y.empty()) out << YAML::Key << "y" << YAML::Value << c.source.y;
    if (!c.source.label_column.empty())
        out << YAML::Key << "label_column" << YAML::Value << c.source.label_column;
    if (!c.source.resize.empty())
        out << YAML::Key << "resize" << YAML::Value << YAML::Flow << c.source.resize;
    out << YAML::Key << "subset" << YAML::Value << c.source.subset;
    static const char* kTask[] = {"auto", "classification", "regression"};
    out << YAML::Key << "task" << YAML::Value << kTask[static_cast<int>(c.source.task)];
    if (!c.source.features.empty())
        out << YAML::Key << "features" << YAML::Value << YAML::Flow << c.source.features;
    if (c.source.format == "jets_constituents") {
        out << YAML::Key << "particles" << YAML::Value
            << (c.source.particles.empty() ? std::string("jetConstituentList")
                                           : c.source.particles);
        out << YAML::Key << "n_particles" << YAML::Value << c.source.n_particles;
        out << YAML::Key << "layout" << YAML::Value
            << (c.source.layout == ParticleLayout::kSet ? "set" : "flat");
    }
    if (c.source.format == "synth_bragg") {
        out << YAML::Key << "samples" << YAML::Value << c.source.samples;
        out << YAML::Key << "seed" << YAML::Value << c.source.seed;
    }
    out << YAML::EndMap;
    out << YAML::Key << "normalize" << YAML::Value << kNorm[static_cast<int>(c.normalize)];
    out << YAML::Key << "split" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "train" << YAML::Value << c.split.train;
    out << YAML::Key << "val" << YAML::Value << c.split.val;
    out << YAML::Key << "test" << YAML::Value << c.split.test;
    out << YAML::Key << "seed" << YAML::Value << c.split.seed;
    out << YAML::Key << "stratify" << YAML::Value << c.split.stratify;
    out << YAML::EndMap;
    out << YAML::EndMap;
}

}  // namespace snac::config
