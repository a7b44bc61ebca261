#include "config/sections.hpp"

namespace snac::config {

void parse_data(MapReader& in, DataConfig& out) {
    in.get("name", out.name);
    in.get("path", out.path);
    if (in.present() && out.name.empty() && out.path.empty())
        in.error_at("name", "the data section needs 'name' (or 'path')",
                    "e.g. 'name: mnist8x8' with a 'source:' to import it from");
    {
        auto src = in.map("source");
        auto& s = out.source;
        if (src.present())
            src.require("format", s.format);
        src.get("file", s.file);
        src.get("images", s.images);
        src.get("labels", s.labels);
        src.get("x", s.x);
        src.get("y", s.y);
        src.get("label_column", s.label_column);
        src.get("resize", s.resize);
        src.get("subset", s.subset, std::int64_t{0}, std::int64_t{1} << 40);
        static const char* kFormats[] = {"idx", "csv", "npy", "jets_hlf", "jets_constituents",
                                         "hdf5"};
        if (!s.format.empty()) {
            bool ok = false;
            std::vector<std::string> names;
            for (const char* f : kFormats) ok |= s.format == f, names.emplace_back(f);
            if (!ok) {
                auto close = did_you_mean(s.format, names);
                src.error_at("format", "unknown data format '" + s.format + "'",
                             (close.empty() ? std::string() : "did you mean '" + close + "'? ") +
                                 "one of: idx, csv, npy, jets_hlf, jets_constituents, hdf5");
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
