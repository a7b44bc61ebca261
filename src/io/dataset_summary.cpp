// `snac data info`: a dataset summarised for people (shapes, splits, class balance, statistics).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "snac/io/dataset_store.hpp"

namespace snac::io {
namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

struct Stats {
    double mean = 0, std = 0, min = std::numeric_limits<double>::infinity(),
           max = -std::numeric_limits<double>::infinity();
};

// Mean/std/min/max of column `col` (of `width`) over the rows `rows` of a row-major array.
Stats column_stats(const std::vector<float>& a, std::int64_t width, std::int64_t col,
                   const std::vector<std::int64_t>& rows) {
    Stats s;
    double sum = 0, sq = 0;
    for (auto r : rows) {
        const double v = a[static_cast<std::size_t>(r * width + col)];
        sum += v;
        sq += v * v;
        s.min = std::min(s.min, v);
        s.max = std::max(s.max, v);
    }
    const double n = static_cast<double>(std::max<std::size_t>(rows.size(), 1));
    s.mean = sum / n;
    s.std = std::sqrt(std::max(0.0, sq / n - s.mean * s.mean));
    return s;
}

}  // namespace

std::string describe_dataset(const Dataset& d, const std::map<std::string, std::string>& prov,
                             std::size_t max_features) {
    std::ostringstream out;
    const bool cls = d.task == TaskType::kClassification;
    out << "dataset:        " << d.name << "\n";
    out << "task:           "
        << (cls ? "classification, " + std::to_string(d.n_classes) + " classes"
                : "regression, " + std::to_string(d.target_dim) + " target(s)")
        << "\n";
    out << "samples:        " << d.n_samples << "\n";
    out << "sample shape:   " << shape_text(d.sample_shape) << " (" << d.sample_size()
        << " values, float32)\n";
    out << "split:          train " << d.train_idx.size() << ", val " << d.val_idx.size()
        << ", test " << d.test_idx.size();
    const auto unused =
        d.n_samples -
        static_cast<std::int64_t>(d.train_idx.size() + d.val_idx.size() + d.test_idx.size());
    if (unused > 0) out << ", unused " << unused;
    out << "\n";
    out << "normalization:  " << to_string(d.scaling.method);
    if (d.scaling.method != Normalization::kNone)
        out << " (fitted on the training split, " << d.scaling.shift.size() << " channel(s))";
    out << "\n";
    if (auto it = prov.find("source_format"); it != prov.end())
        out << "source:         " << it->second << ": " << prov.at("source_files") << "\n";
    if (auto it = prov.find("created_utc"); it != prov.end())
        out << "created:        " << it->second
            << (prov.count("snac_version") ? " by snac " + prov.at("snac_version") : "") << "\n";

    if (cls) {
        out << "\nclass balance:\n";
        char line[160];
        std::snprintf(line, sizeof line, "  %-5s %-14s %8s %8s %8s %8s %7s\n", "index", "name",
                      "train", "val", "test", "total", "share");
        out << line;
        std::vector<std::array<std::int64_t, 3>> counts(static_cast<std::size_t>(d.n_classes));
        int split_no = 0;
        for (const auto* idx : {&d.train_idx, &d.val_idx, &d.test_idx}) {
            for (auto i : *idx)
                ++counts[static_cast<std::size_t>(d.labels[static_cast<std::size_t>(i)])]
                        [static_cast<std::size_t>(split_no)];
            ++split_no;
        }
        std::vector<std::int64_t> total(static_cast<std::size_t>(d.n_classes), 0);
        for (auto l : d.labels) ++total[static_cast<std::size_t>(l)];
        for (std::int64_t c = 0; c < d.n_classes; ++c) {
            const auto& k = counts[static_cast<std::size_t>(c)];
            const auto t = total[static_cast<std::size_t>(c)];
            std::snprintf(line, sizeof line, "  %-5lld %-14s %8lld %8lld %8lld %8lld %6.2f%%\n",
                          static_cast<long long>(c),
                          c < static_cast<std::int64_t>(d.class_names.size())
                              ? d.class_names[static_cast<std::size_t>(c)].c_str()
                              : "",
                          static_cast<long long>(k[0]), static_cast<long long>(k[1]),
                          static_cast<long long>(k[2]), static_cast<long long>(t),
                          100.0 * static_cast<double>(t) /
                              static_cast<double>(std::max<std::int64_t>(d.n_samples, 1)));
            out << line;
        }
    } else {
        out << "\ntargets (all samples):\n";
        std::vector<std::int64_t> all(static_cast<std::size_t>(d.n_samples));
        for (std::int64_t i = 0; i < d.n_samples; ++i) all[static_cast<std::size_t>(i)] = i;
        for (std::int64_t t = 0; t < d.target_dim; ++t) {
            const Stats s = column_stats(d.targets, d.target_dim, t, all);
            out << "  target " << t << ": mean " << fmt("%.6g", s.mean) << ", std "
                << fmt("%.6g", s.std) << ", min " << fmt("%.6g", s.min) << ", max "
                << fmt("%.6g", s.max) << "\n";
        }
    }

    // Per-feature statistics of the stored (normalised) values on the training split, with the
    // channel's shift/scale so the raw scale can be read back: raw = value * scale + shift.
    const std::int64_t ss = d.sample_size();
    out << "\nfeatures (stored values on the training split; raw = value * scale + shift):\n";
    char line[256];
    int width = 12;
    for (const auto& n : d.feature_names) width = std::max(width, static_cast<int>(n.size()));
    width = std::min(width, 48);
    std::snprintf(line, sizeof line, "  %-*s %10s %10s %10s %10s %12s %12s\n", width, "feature",
                  "mean", "std", "min", "max", "shift", "scale");
    out << line;
    const auto limit = max_features == 0
                           ? static_cast<std::size_t>(ss)
                           : std::min<std::size_t>(max_features, static_cast<std::size_t>(ss));
    for (std::size_t e = 0; e < limit; ++e) {
        const Stats s = column_stats(d.x, ss, static_cast<std::int64_t>(e), d.train_idx);
        const auto c = static_cast<std::size_t>(
            scaling_channel_of(d.sample_shape, static_cast<std::int64_t>(e)));
        std::string name = "element " + std::to_string(e);
        if (d.feature_names.size() == static_cast<std::size_t>(ss)) {
            name = d.feature_names[e];
        } else if (d.sample_shape.size() == 2 &&
                   d.feature_names.size() == static_cast<std::size_t>(d.sample_shape[1])) {
            const auto f = static_cast<std::size_t>(d.sample_shape[1]);
            name = "p" + std::to_string(e / f) + "_" + d.feature_names[e % f];
        }
        const double shift = c < d.scaling.shift.size() ? d.scaling.shift[c] : 0.0;
        const double scale = c < d.scaling.scale.size() ? d.scaling.scale[c] : 1.0;
        std::snprintf(line, sizeof line, "  %-*.*s %10.4g %10.4g %10.4g %10.4g %12.6g %12.6g\n",
                      width, width, name.c_str(), s.mean, s.std, s.min, s.max, shift, scale);
        out << line;
    }
    if (limit < static_cast<std::size_t>(ss))
        out << "  ... " << (static_cast<std::size_t>(ss) - limit)
            << " more (use --all to list every feature)\n";
    return out.str();
}

}  // namespace snac::io
