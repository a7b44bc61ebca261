#include "config/sections.hpp"
#include "snac/core/error.hpp"

namespace snac::config {
namespace {

constexpr EnumNames<Normalization, 4> kNormalizations{{{"none", Normalization::kNone},
                                                       {"standardize", Normalization::kStandardize},
                                                       {"minmax", Normalization::kMinMax},
                                                       {"robust", Normalization::kRobust}}};
constexpr EnumNames<DataFormat, 7> kFormats{{{"idx", DataFormat::kIdx},
                                             {"csv", DataFormat::kCsv},
                                             {"npy", DataFormat::kNpy},
                                             {"jets_hlf", DataFormat::kJetsHlf},
                                             {"jets_constituents", DataFormat::kJetsConstituents},
                                             {"hdf5", DataFormat::kHdf5},
                                             {"synth_bragg", DataFormat::kSynthBragg}}};

// The keys each source format cannot do without; reported as missing required keys.
void require_source_keys(MapReader& src, const DataSourceConfig& s) {
    auto need = [&](const char* key, const std::string& value, const char* what) {
        if (!value.empty()) return;
        src.error_at(key,
                     "missing required key 'data.source." + std::string(key) + "' for format '" +
                         std::string(to_string(s.format)) + "'",
                     std::string("add '") + key + ": " + what + "'");
    };
    if (s.format == DataFormat::kIdx) {
        need("images", s.images, "<images .idx or .idx.gz file>");
        need("labels", s.labels, "<labels .idx or .idx.gz file>");
    } else if (s.format == DataFormat::kCsv) {
        need("file", s.file, "<.csv or .csv.gz file>");
        need("label_column", s.label_column, "<name of the label column>");
    } else if (s.format == DataFormat::kNpy) {
        need("x", s.x, "<samples .npy file>");
        need("y", s.y, "<labels or targets .npy file>");
    } else if (s.format == DataFormat::kHdf5) {
        need("file", s.file, "<.h5 file>");
        need("x", s.x, "<name of the samples dataset in the file>");
        need("y", s.y, "<name of the labels dataset in the file>");
    } else if (s.format != DataFormat::kSynthBragg) {  // generates its samples: no file
        need("file", s.file,
             s.format == DataFormat::kJetsHlf ? "<.csv or .csv.gz file>" : "<.h5 file>");
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
        std::string format;
        if (src.present()) src.require("format", format);
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
        if (!format.empty()) {
            std::vector<std::string> names;
            std::string list;
            for (const auto& [name, f] : kFormats) {
                if (name == format) s.format = f;
                names.emplace_back(name);
                list += (list.empty() ? "" : ", ") + std::string(name);
            }
            if (s.format == DataFormat::kNone) {
                auto close = did_you_mean(format, names);
                src.error_at("format", "unknown data format '" + format + "'",
                             (close.empty() ? std::string() : "did you mean '" + close + "'? ") +
                                 "one of: " + list);
            } else {
                require_source_keys(src, s);
            }
        }
    }
    in.get_enum("normalize", out.normalize, kNormalizations);
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
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << c.name;
    out << YAML::Key << "path" << YAML::Value << c.path;
    out << YAML::Key << "source" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "format" << YAML::Value << std::string(to_string(c.source.format));
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
    if (c.source.format == DataFormat::kJetsConstituents) {
        out << YAML::Key << "particles" << YAML::Value
            << (c.source.particles.empty() ? std::string("jetConstituentList")
                                           : c.source.particles);
        out << YAML::Key << "n_particles" << YAML::Value << c.source.n_particles;
        out << YAML::Key << "layout" << YAML::Value
            << (c.source.layout == ParticleLayout::kSet ? "set" : "flat");
    }
    if (c.source.format == DataFormat::kSynthBragg) {
        out << YAML::Key << "samples" << YAML::Value << c.source.samples;
        out << YAML::Key << "seed" << YAML::Value << c.source.seed;
    }
    out << YAML::EndMap;
    out << YAML::Key << "normalize" << YAML::Value << enum_name(kNormalizations, c.normalize);
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

namespace snac {

std::string_view to_string(Normalization n) noexcept {
    for (const auto& [name, v] : config::kNormalizations)
        if (v == n) return name;
    return "?";
}

Normalization parse_normalization(std::string_view name, const std::string& where) {
    std::string list;
    for (const auto& [n, v] : config::kNormalizations) {
        if (n == name) return v;
        list += (list.empty() ? "" : ", ") + std::string(n);
    }
    throw UsageError(where + ": unknown normalisation method '" + std::string(name) + "'",
                     "one of: " + list);
}

std::string_view to_string(DataFormat f) noexcept {
    for (const auto& [name, v] : config::kFormats)
        if (v == f) return name;
    return "";
}

}  // namespace snac
