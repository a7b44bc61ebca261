// From raw samples to a training-ready dataset: subset, seeded (stratified) split, and
// normalisation fitted on the training split only, so no statistic leaks from val/test.
#include <algorithm>
#include <cmath>
#include <random>
#include <regex>
#include <sstream>

#include "import_formats.hpp"
#include "snac/core/error.hpp"
#include "snac/core/seed.hpp"
#include "snac/io/import.hpp"
#include "snac/io/synth.hpp"

namespace snac::io {
namespace {

// Fisher-Yates with our own draws so the split is identical across standard libraries.
void shuffle(std::vector<std::int64_t>& v, std::mt19937_64& rng) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng() % i]);
}

// Splits `total` samples over groups in proportion to `quotas` (largest remainder, ties to the
// lower group), never giving a group more than its cap. Exact totals even with many classes.
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& quotas,
                                    const std::vector<std::int64_t>& caps) {
    const std::size_t k = quotas.size();
    std::vector<std::int64_t> out(k);
    std::int64_t given = 0;
    for (std::size_t c = 0; c < k; ++c) {
        out[c] = std::min(caps[c], static_cast<std::int64_t>(std::floor(quotas[c])));
        given += out[c];
    }
    std::vector<std::size_t> order(k);
    for (std::size_t c = 0; c < k; ++c) order[c] = c;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return quotas[a] - std::floor(quotas[a]) > quotas[b] - std::floor(quotas[b]);
    });
    for (bool progress = true; given < total && progress;) {
        progress = false;
        for (std::size_t c : order) {
            if (given >= total) break;
            if (out[c] < caps[c]) ++out[c], ++given, progress = true;
        }
    }
    return out;
}

// Deals shuffled groups (one per class, or one for all) into the three splits so that each split
// holds round(fraction x samples) overall and each group is split in proportion.
void deal(const std::vector<std::vector<std::int64_t>>& groups, const SplitConfig& split,
          Dataset& data) {
    const std::size_t k = groups.size();
    std::int64_t n = 0;
    std::vector<std::int64_t> left(k);
    for (std::size_t c = 0; c < k; ++c) n += left[c] = static_cast<std::int64_t>(groups[c].size());
    const auto nd = static_cast<double>(n);
    // Fractions summing to 1 leave no sample unused: the test split takes the remainder.
    const bool complete = split.train + split.val + split.test >= 1.0 - 1e-9;
    auto quotas = [&](double f) {
        std::vector<double> q(k);
        for (std::size_t c = 0; c < k; ++c) q[c] = f * static_cast<double>(groups[c].size());
        return q;
    };
    const auto train = apportion(std::llround(split.train * nd), quotas(split.train), left);
    for (std::size_t c = 0; c < k; ++c) left[c] -= train[c];
    const auto val = apportion(std::llround(split.val * nd), quotas(split.val), left);
    for (std::size_t c = 0; c < k; ++c) left[c] -= val[c];
    const auto test =
        complete ? left : apportion(std::llround(split.test * nd), quotas(split.test), left);
    for (std::size_t c = 0; c < k; ++c) {
        auto at = groups[c].begin();
        data.train_idx.insert(data.train_idx.end(), at, at + train[c]);
        at += train[c];
        data.val_idx.insert(data.val_idx.end(), at, at + val[c]);
        at += val[c];
        data.test_idx.insert(data.test_idx.end(), at, at + test[c]);
    }
}

double quantile(std::vector<float>& v, double q) {
    // Linear interpolation between order statistics (NumPy's default), as sklearn's RobustScaler.
    if (v.empty()) return 0.0;
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(lo + 1, v.size() - 1);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
    const double a = v[lo];
    const double b =
        hi == lo ? a : *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end());
    return a + (pos - static_cast<double>(lo)) * (b - a);
}

// The scripts/fetch_data.sh command that writes a missing jet source where snac looks first.
std::string fetch_command(const DataSourceConfig& source, const std::vector<std::string>& dirs) {
    const std::string dir = dirs.empty() ? std::string("./data") : dirs.front();
    if (source.format == DataFormat::kJetsHlf)
        return "scripts/fetch_data.sh --dir " + dir + " jets_hlf";
    std::string n = "150";
    static const std::regex kDir("jets_constituents_([0-9]+)p");
    std::smatch m;
    if (std::regex_search(source.file, m, kDir)) n = m[1].str();
    return "scripts/fetch_data.sh --dir " + dir + " jets_constituents " + n;
}

}  // namespace

Dataset read_source(const DataSourceConfig& source, const std::vector<std::string>& dirs) {
    switch (source.format) {
        case DataFormat::kCsv:
            return detail::read_csv_source(source, dirs);
        case DataFormat::kIdx:
            return detail::read_idx_source(source, dirs);
        case DataFormat::kNpy:
            return detail::read_npy_source(source, dirs);
        case DataFormat::kHdf5:
            return detail::read_hdf5_source(source, dirs);
        case DataFormat::kJetsHlf:
        case DataFormat::kJetsConstituents:
            try {
                return source.format == DataFormat::kJetsHlf
                           ? detail::read_jets_hlf_source(source, dirs)
                           : detail::read_jets_constituents_source(source, dirs);
            } catch (const UsageError& e) {
                if (std::string(e.what()).find("not found (looked in") == std::string::npos) throw;
                throw UsageError(e.what(),
                                 "fetch it with: " + fetch_command(source, dirs) +
                                     " (or set SNAC_DATA_DIR to the directory holding it)");
            }
        case DataFormat::kSynthBragg: {
            // Generated, not read: the patches follow the physical model of snac data synth bragg.
            BraggSynthOptions options;
            options.samples = source.samples;
            options.seed = source.seed;
            return synth_bragg(options);
        }
        case DataFormat::kNone:
            break;
    }
    throw UsageError("the data section has no 'source' to import the dataset from",
                     "add 'source: {format: ..., ...}' (docs/config.md) or point 'path' at an "
                     "existing dataset");
}

void split_dataset(Dataset& data, const SplitConfig& split) {
    data.train_idx.clear();
    data.val_idx.clear();
    data.test_idx.clear();
    std::mt19937_64 rng(derive_seed(split.seed, 0, "dataset-split"));
    std::vector<std::vector<std::int64_t>> groups;
    if (split.stratify && data.task == TaskType::kClassification) {
        groups.resize(static_cast<std::size_t>(std::max<std::int64_t>(data.n_classes, 1)));
        for (std::int64_t i = 0; i < data.n_samples; ++i)
            groups[static_cast<std::size_t>(data.labels[static_cast<std::size_t>(i)])].push_back(i);
    } else {
        groups.emplace_back(static_cast<std::size_t>(data.n_samples));
        for (std::int64_t i = 0; i < data.n_samples; ++i)
            groups[0][static_cast<std::size_t>(i)] = i;
    }
    for (auto& g : groups) shuffle(g, rng);
    deal(groups, split, data);
    std::sort(data.train_idx.begin(), data.train_idx.end());
    std::sort(data.val_idx.begin(), data.val_idx.end());
    std::sort(data.test_idx.begin(), data.test_idx.end());
    if (data.train_idx.empty())
        throw UsageError(
            "the training split is empty (" + std::to_string(data.n_samples) + " samples)",
            "use more samples (subset) or a larger 'split.train'");
}

void normalize_dataset(Dataset& data, Normalization method) {
    data.scaling = FeatureScaling{};
    data.scaling.method = method;
    if (method == Normalization::kNone) return;
    const std::int64_t channels = scaling_channels(data.sample_shape);
    const std::int64_t ss = data.sample_size();
    // Gather each channel's training values (robust needs quantiles, so keep them all).
    std::vector<std::vector<float>> values(static_cast<std::size_t>(channels));
    std::vector<std::int64_t> channel_of(static_cast<std::size_t>(ss));
    for (std::int64_t e = 0; e < ss; ++e)
        channel_of[static_cast<std::size_t>(e)] = scaling_channel_of(data.sample_shape, e);
    for (std::int64_t s : data.train_idx)
        for (std::int64_t e = 0; e < ss; ++e)
            values[static_cast<std::size_t>(channel_of[static_cast<std::size_t>(e)])].push_back(
                data.x[static_cast<std::size_t>(s * ss + e)]);
    auto& shift = data.scaling.shift;
    auto& scale = data.scaling.scale;
    shift.assign(static_cast<std::size_t>(channels), 0.0f);
    scale.assign(static_cast<std::size_t>(channels), 1.0f);
    for (std::size_t c = 0; c < values.size(); ++c) {
        auto& v = values[c];
        double sh = 0, sc = 1;
        if (method == Normalization::kStandardize) {
            double sum = 0, sq = 0;
            for (float x : v) sum += x;
            sh = sum / static_cast<double>(v.size());
            for (float x : v) sq += (x - sh) * (x - sh);
            sc = std::sqrt(sq / static_cast<double>(v.size()));  // population std, as sklearn
        } else if (method == Normalization::kMinMax) {
            const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
            sh = *lo;
            sc = static_cast<double>(*hi) - static_cast<double>(*lo);
        } else {
            const double q25 = quantile(v, 0.25), q75 = quantile(v, 0.75);
            sh = quantile(v, 0.5);
            sc = q75 - q25;
        }
        if (!(sc > 0) || !std::isfinite(sc)) sc = 1.0;  // constant channel: only shift it
        shift[c] = static_cast<float>(sh);
        scale[c] = static_cast<float>(sc);
    }
    for (std::int64_t s = 0; s < data.n_samples; ++s)
        for (std::int64_t e = 0; e < ss; ++e) {
            const auto c = static_cast<std::size_t>(channel_of[static_cast<std::size_t>(e)]);
            float& x = data.x[static_cast<std::size_t>(s * ss + e)];
            x = (x - shift[c]) / scale[c];
        }
}

Dataset import_dataset(const DataConfig& config, const std::vector<std::string>& dirs) {
    Dataset data = read_source(config.source, dirs);
    data.name = config.name;
    if (config.source.subset > 0 && data.n_samples > config.source.subset) {
        // Readers that cannot stop early return everything; keep the first `subset` samples.
        const std::int64_t n = config.source.subset;
        data.n_samples = n;
        data.x.resize(static_cast<std::size_t>(n * data.sample_size()));
        if (data.task == TaskType::kClassification)
            data.labels.resize(static_cast<std::size_t>(n));
        else
            data.targets.resize(static_cast<std::size_t>(n * data.target_dim));
    }
    if (data.n_samples == 0)
        throw UsageError("the source of dataset '" + config.name + "' holds no samples",
                         "check the source files");
    split_dataset(data, config.split);
    normalize_dataset(data, config.normalize);
    return data;
}

std::string import_signature(const DataConfig& config) {
    // Bump the leading version whenever an importer changes what it produces.
    static const char* kNorm[] = {"none", "standardize", "minmax", "robust"};
    static const char* kTask[] = {"auto", "classification", "regression"};
    const auto& s = config.source;
    std::ostringstream out;
    out.precision(17);
    out << "importer=1;format=" << to_string(s.format) << ";file=" << s.file
        << ";images=" << s.images << ";labels=" << s.labels << ";x=" << s.x << ";y=" << s.y
        << ";label_column=" << s.label_column << ";resize=";
    for (auto r : s.resize) out << r << ',';
    out << ";subset=" << s.subset << ";task=" << kTask[static_cast<int>(s.task)] << ";features=";
    for (const auto& f : s.features) out << f << ',';
    // The run directory's config.yaml spells out the default particle array: both spellings
    // must sign alike, or every later stage re-imports the dataset.
    const std::string particles =
        s.particles.empty() && s.format == DataFormat::kJetsConstituents ? "jetConstituentList" : s.particles;
    out << ";particles=" << particles << ";n_particles=" << s.n_particles
        << ";layout=" << (s.layout == ParticleLayout::kSet ? "set" : "flat")
        << ";samples=" << (s.format == DataFormat::kSynthBragg ? s.samples : 0)
        << ";synth_seed=" << (s.format == DataFormat::kSynthBragg ? s.seed : 0)
        << ";normalize=" << kNorm[static_cast<int>(config.normalize)]
        << ";split=" << config.split.train << ',' << config.split.val << ',' << config.split.test
        << ";seed=" << config.split.seed << ";stratify=" << (config.split.stratify ? 1 : 0);
    return out.str();
}

std::map<std::string, std::string> import_provenance(const DataConfig& config, const Dataset&) {
    const auto& s = config.source;
    std::string files;
    for (const auto* f : {&s.file, &s.images, &s.labels, &s.x, &s.y})
        if (!f->empty() && !(s.format == DataFormat::kHdf5 && (f == &s.x || f == &s.y)))
            files += (files.empty() ? "" : ";") + *f;
    return {{"source_format", std::string(to_string(s.format))},
            {"source_files", files},
            {"import_signature", import_signature(config)},
            {"snac_version", SNAC_VERSION}};
}

}  // namespace snac::io
