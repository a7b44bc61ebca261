// hls4ml LHC jet data set (Duarte et al., JINST 13 (2018) P07027; Zenodo 10.5281/zenodo.3602260)
// in its two published layouts:
//  - high-level features (OpenML 42468 "hls4ml_lhc_jets_hlf"): 16 named features, and the class
//    either as one-hot columns j_g, j_q, j_w, j_z, j_t or as a text column with g/q/t/w/z;
//  - constituents (HDF5): jetConstituentList [N, P, F] with particleFeatureNames, and the jets
//    array [N, J] whose jetFeatureNames include the one-hot columns j_g ... j_t.
// snac fixes one label order for both: 0 g, 1 q, 2 W, 3 Z, 4 t (the Hugging Face mirror's order).
#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>

#include "hdf5_util.hpp"
#include "import_formats.hpp"
#include "import_source.hpp"
#include "snac/core/error.hpp"

namespace snac::io::detail {
namespace {

const std::array<const char*, 5> kClassKeys = {"g", "q", "w", "z", "t"};
const std::vector<std::string> kClassNames = {"g", "q", "W", "Z", "t"};
const std::array<const char*, 16> kHlfFeatures = {
    "zlogz",      "c1_b0_mmdt", "c1_b1_mmdt",    "c1_b2_mmdt",    "c2_b1_mmdt", "c2_b2_mmdt",
    "d2_b1_mmdt", "d2_b2_mmdt", "d2_a1_b1_mmdt", "d2_a1_b2_mmdt", "m2_b1_mmdt", "m2_b2_mmdt",
    "n2_b1_mmdt", "n2_b2_mmdt", "mass_mmdt",     "multiplicity"};

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Index of the class spelled `word` (g, q, w, z, t in any case, or j_g ...), -1 if none.
int class_of(const std::string& word) {
    std::string w = lower(word);
    if (w.rfind("j_", 0) == 0) w = w.substr(2);
    for (std::size_t c = 0; c < kClassKeys.size(); ++c)
        if (w == kClassKeys[c]) return static_cast<int>(c);
    return -1;
}

// Labels from one-hot rows in class order g, q, W, Z, t; `where(r)` names record r in errors.
template <class Where>
void labels_from_one_hot(Dataset& data, const std::vector<float>& onehot, std::int64_t n,
                         Where where) {
    data.task = TaskType::kClassification;
    data.n_classes = 5;
    data.class_names = kClassNames;
    data.labels.resize(static_cast<std::size_t>(n));
    for (std::int64_t r = 0; r < n; ++r) {
        int hot = -1, ones = 0;
        bool clean = true;
        for (int c = 0; c < 5; ++c) {
            const float v = onehot[static_cast<std::size_t>(r * 5 + c)];
            if (v == 1.0f)
                hot = c, ++ones;
            else if (v != 0.0f)
                clean = false;
        }
        if (!clean || ones != 1)
            throw UsageError(
                where(r) + ": the class columns j_g, j_q, j_w, j_z, j_t are not one-hot",
                "exactly one class column must be 1 and the others 0");
        data.labels[static_cast<std::size_t>(r)] = hot;
    }
}

}  // namespace

Dataset read_jets_hlf_source(const DataSourceConfig& source, const std::vector<std::string>& dirs) {
    CsvTable table(locate_source(source.file, dirs));
    auto find = [&](const std::string& name) {
        std::int64_t i = table.find_column(name);
        if (i < 0) i = table.find_column("j_" + name);
        return i;
    };
    std::vector<std::size_t> columns;
    std::vector<std::string> wanted;
    if (source.features.empty())
        wanted.assign(kHlfFeatures.begin(), kHlfFeatures.end());
    else
        wanted = source.features;
    Dataset data;
    for (const auto& f : wanted) {
        const std::int64_t i = find(f);
        if (i < 0) table.column(f, "jet feature");  // throws with the column list
        columns.push_back(static_cast<std::size_t>(i));
        data.feature_names.push_back(table.header()[static_cast<std::size_t>(i)]);
    }
    const std::size_t n_features = columns.size();
    std::vector<std::int64_t> onehot_cols;
    for (const char* key : kClassKeys)
        if (const std::int64_t i = find(key); i >= 0) onehot_cols.push_back(i);
    std::vector<float> values;
    std::vector<std::string> texts;
    std::vector<std::int64_t> lines;
    if (onehot_cols.size() == kClassKeys.size()) {
        for (auto i : onehot_cols) columns.push_back(static_cast<std::size_t>(i));
        data.n_samples = table.read_rows(columns, -1, values, texts, lines);
    } else {
        const std::string label = source.label_column.empty() ? "class" : source.label_column;
        const std::size_t lc = table.column(label, "class");
        data.n_samples =
            table.read_rows(columns, static_cast<std::int64_t>(lc), values, texts, lines);
    }
    if (source.subset > 0) data.n_samples = std::min(data.n_samples, source.subset);
    const std::int64_t n = data.n_samples;
    const std::size_t width = columns.size();
    data.sample_shape = {static_cast<std::int64_t>(n_features)};
    data.x.resize(static_cast<std::size_t>(n) * n_features);
    for (std::int64_t r = 0; r < n; ++r)
        std::copy_n(
            values.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(r) * width),
            n_features,
            data.x.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(r) * n_features));
    if (!texts.empty()) {
        data.task = TaskType::kClassification;
        data.n_classes = 5;
        data.class_names = kClassNames;
        data.labels.resize(static_cast<std::size_t>(n));
        for (std::int64_t r = 0; r < n; ++r) {
            const int c = class_of(texts[static_cast<std::size_t>(r)]);
            if (c < 0)
                throw UsageError("'" + table.file() + "' line " +
                                     std::to_string(lines[static_cast<std::size_t>(r)]) +
                                     ": unknown jet class '" + texts[static_cast<std::size_t>(r)] +
                                     "'",
                                 "jet classes are g, q, w, z, t");
            data.labels[static_cast<std::size_t>(r)] = c;
        }
    } else {
        std::vector<float> onehot(static_cast<std::size_t>(n) * 5);
        for (std::int64_t r = 0; r < n; ++r)
            for (std::size_t c = 0; c < 5; ++c)
                onehot[static_cast<std::size_t>(r) * 5 + c] =
                    values[static_cast<std::size_t>(r) * width + n_features + c];
        labels_from_one_hot(data, onehot, n, [&](std::int64_t r) {
            return "'" + table.file() + "' line " +
                   std::to_string(lines[static_cast<std::size_t>(r)]);
        });
    }
    return data;
}

namespace {

// One constituent file; `source.subset` (if > 0) caps the jets read from it.
Dataset read_constituents_file(const std::string& file, const DataSourceConfig& source) {
    h5::Handle f = h5::open_file(file);
    const std::string particles =
        source.particles.empty() ? "jetConstituentList" : source.particles;
    const std::vector<hsize_t> dims = h5::dataset_dims(f, particles, file);
    if (dims.size() != 3)
        throw UsageError("'" + file + "' dataset '" + particles + "' has rank " +
                             std::to_string(dims.size()) + ", expected [jets, particles, features]",
                         "name the constituent array with 'particles:'");
    const auto n_all = static_cast<std::int64_t>(dims[0]);
    const auto p_all = static_cast<std::int64_t>(dims[1]);
    const auto f_all = static_cast<std::int64_t>(dims[2]);

    std::vector<std::string> names;
    if (h5::exists(f, "particleFeatureNames"))
        names = h5::read_strings(f, "particleFeatureNames", file);
    if (static_cast<std::int64_t>(names.size()) != f_all) {
        names.clear();
        for (std::int64_t i = 0; i < f_all; ++i) names.push_back("f" + std::to_string(i));
    }
    std::vector<std::int64_t> feats;
    if (source.features.empty()) {
        for (std::int64_t i = 0; i < f_all; ++i) feats.push_back(i);
    } else {
        for (const auto& want : source.features) {
            std::int64_t hit = -1;
            for (std::size_t i = 0; i < names.size(); ++i)
                if (lower(names[i]) == lower(want) || lower(names[i]) == "j1_" + lower(want))
                    hit = static_cast<std::int64_t>(i);
            if (hit < 0) {
                std::string list;
                for (const auto& nm : names) list += (list.empty() ? "" : ", ") + nm;
                // Suggest against the names without the j1_ prefix users usually leave out.
                std::vector<std::string> bare;
                for (const auto& nm : names)
                    bare.push_back(lower(nm).rfind("j1_", 0) == 0 ? nm.substr(3) : nm);
                const std::string close_bare = closest_name(want, bare);
                std::string close;
                for (std::size_t i = 0; i < bare.size(); ++i)
                    if (!close_bare.empty() && bare[i] == close_bare) close = names[i];
                throw UsageError(
                    "'" + file + "' has no particle feature '" + want + "'",
                    (close.empty() ? std::string() : "did you mean '" + close + "'? ") +
                        "features are: " + list);
            }
            feats.push_back(hit);
        }
    }
    const std::int64_t k = source.n_particles > 0 ? source.n_particles : p_all;
    if (k > p_all)
        throw UsageError("'data.source.n_particles' is " + std::to_string(k) + " but '" + file +
                             "' stores only " + std::to_string(p_all) + " particles per jet",
                         "use n_particles <= " + std::to_string(p_all));
    std::int64_t n = n_all;
    if (source.subset > 0) n = std::min(n, source.subset);

    // Labels: an explicit dataset, the one-hot columns of the `jets` array, or `labels`.
    Dataset data;
    auto record = [&](std::int64_t r) { return "'" + file + "' jet " + std::to_string(r); };
    if (!source.labels.empty() || !h5::exists(f, "jets")) {
        const std::string ln = source.labels.empty() ? "labels" : source.labels;
        if (!h5::exists(f, ln))
            throw UsageError("'" + file +
                                 "' has no labels: neither a 'jets' array with "
                                 "jetFeatureNames nor a '" +
                                 ln + "' dataset",
                             "name the one-hot label dataset with 'labels:'");
        std::vector<hsize_t> ld;
        std::vector<float> lab = h5::read_array<float>(f, ln, file, &ld);
        if (ld.size() != 2 || ld[1] != 5 || static_cast<std::int64_t>(ld[0]) != n_all)
            throw UsageError("'" + file + "' dataset '" + ln + "' must be one-hot [" +
                                 std::to_string(n_all) + ", 5] in class order g, q, W, Z, t",
                             "store the labels one-hot, one row per jet");
        lab.resize(static_cast<std::size_t>(n) * 5);
        labels_from_one_hot(data, lab, n, record);
    } else {
        std::vector<hsize_t> jd;
        const std::vector<float> jets = h5::read_array<float>(f, "jets", file, &jd);
        const std::vector<std::string> jet_names = h5::read_strings(f, "jetFeatureNames", file);
        if (jd.size() != 2 || jd[1] != jet_names.size() ||
            static_cast<std::int64_t>(jd[0]) != n_all)
            throw UsageError("'" + file + "': 'jets' must be [" + std::to_string(n_all) +
                                 ", len(jetFeatureNames)]",
                             "the file does not follow the hls4ml jet layout");
        std::array<std::size_t, 5> col{};
        for (std::size_t c = 0; c < 5; ++c) {
            auto it = std::find_if(jet_names.begin(), jet_names.end(), [&](const std::string& s) {
                return lower(s) == std::string("j_") + kClassKeys[c];
            });
            if (it == jet_names.end())
                throw UsageError(
                    "'" + file + "': jetFeatureNames lacks the class column j_" +
                        std::string(kClassKeys[c]),
                    "the jets array must carry one-hot columns j_g, j_q, j_w, j_z, j_t");
            col[c] = static_cast<std::size_t>(it - jet_names.begin());
        }
        std::vector<float> onehot(static_cast<std::size_t>(n) * 5);
        for (std::int64_t r = 0; r < n; ++r)
            for (std::size_t c = 0; c < 5; ++c)
                onehot[static_cast<std::size_t>(r) * 5 + c] =
                    jets[static_cast<std::size_t>(r) * jd[1] + col[c]];
        labels_from_one_hot(data, onehot, n, record);
    }

    // Read the K leading particles in blocks of jets so memory stays near the output size.
    const auto nf = static_cast<std::int64_t>(feats.size());
    data.n_samples = n;
    data.x.resize(static_cast<std::size_t>(n * k * nf));
    const std::int64_t block = 16384;
    for (std::int64_t s = 0; s < n; s += block) {
        const std::int64_t b = std::min(block, n - s);
        const std::vector<float> slab = h5::read_slab<float>(
            f, particles, {static_cast<hsize_t>(s), 0, 0},
            {static_cast<hsize_t>(b), static_cast<hsize_t>(k), static_cast<hsize_t>(f_all)}, file);
        for (std::int64_t j = 0; j < b; ++j)
            for (std::int64_t p = 0; p < k; ++p)
                for (std::int64_t q = 0; q < nf; ++q)
                    data.x[static_cast<std::size_t>(((s + j) * k + p) * nf + q)] =
                        slab[static_cast<std::size_t>((j * k + p) * f_all +
                                                      feats[static_cast<std::size_t>(q)])];
    }
    if (source.layout == ParticleLayout::kSet) {
        data.sample_shape = {k, nf};
        for (auto q : feats) data.feature_names.push_back(names[static_cast<std::size_t>(q)]);
    } else {
        data.sample_shape = {k * nf};
        for (std::int64_t p = 0; p < k; ++p)
            for (auto q : feats)
                data.feature_names.push_back("p" + std::to_string(p) + "_" +
                                             names[static_cast<std::size_t>(q)]);
    }
    return data;
}

}  // namespace

Dataset read_jets_constituents_source(const DataSourceConfig& source,
                                      const std::vector<std::string>& dirs) {
    const std::string where = locate_source(source.file, dirs);
    if (!std::filesystem::is_directory(where)) return read_constituents_file(where, source);
    // A directory (an unpacked Zenodo tarball): every *.h5 in name order, concatenated.
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(where))
        if (e.is_regular_file() && e.path().extension() == ".h5")
            files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    if (files.empty())
        throw UsageError("directory '" + where + "' holds no .h5 files",
                         "point 'file' at a constituent .h5 file or a directory of them");
    Dataset all;
    for (const auto& file : files) {
        DataSourceConfig part = source;
        if (source.subset > 0) {
            if (all.n_samples >= source.subset) break;
            part.subset = source.subset - all.n_samples;
        }
        Dataset d = read_constituents_file(file, part);
        if (all.n_samples == 0) {
            all = std::move(d);
            continue;
        }
        if (d.sample_shape != all.sample_shape || d.feature_names != all.feature_names)
            throw UsageError(
                "'" + file + "' has other particle features or counts than '" + files.front() + "'",
                "import files of one kind (same N-particle version) together");
        all.x.insert(all.x.end(), d.x.begin(), d.x.end());
        all.labels.insert(all.labels.end(), d.labels.begin(), d.labels.end());
        all.n_samples += d.n_samples;
    }
    return all;
}

}  // namespace snac::io::detail
