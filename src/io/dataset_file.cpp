// The snac dataset layout in HDF5 (docs/data-format.md): writing (atomically) and reading.
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "hdf5_util.hpp"
#include "snac/core/atomic_file.hpp"
#include "snac/core/error.hpp"
#include "snac/io/dataset_store.hpp"

namespace snac::io {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMarker = "snac-dataset";
constexpr std::int64_t kFormatVersion = 1;

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void write_contents(const std::string& tmp, const Dataset& d,
                    const std::map<std::string, std::string>& provenance) {
    // In memory, then written in one piece: a full disk is a clean write error, not an HDF5
    // file it failed to flush (Debian's HDF5 1.10 then crashes at exit).
    h5::Handle f = h5::create_memory_file(tmp);
    h5::set_attr(f, "snac_format", std::string(kMarker));
    h5::set_attr(f, "format_version", kFormatVersion);
    h5::set_attr(f, "name", d.name);
    h5::set_attr(
        f, "task",
        std::string(d.task == TaskType::kClassification ? "classification" : "regression"));
    h5::set_attr(f, "created_utc", utc_now());
    for (const auto& [key, value] : provenance) h5::set_attr(f, key, value);

    std::vector<hsize_t> xdims{static_cast<hsize_t>(d.n_samples)};
    for (auto s : d.sample_shape) xdims.push_back(static_cast<hsize_t>(s));
    h5::write_array<float>(f, "x", xdims, d.x.data());
    if (d.task == TaskType::kClassification) {
        h5::write_array<std::int32_t>(f, "y", {static_cast<hsize_t>(d.n_samples)}, d.labels.data());
        h5::write_strings(f, "class_names", d.class_names);
    } else {
        h5::write_array<float>(
            f, "y", {static_cast<hsize_t>(d.n_samples), static_cast<hsize_t>(d.target_dim)},
            d.targets.data());
    }
    h5::write_strings(f, "feature_names", d.feature_names);
    {
        h5::Handle g = h5::create_group(f, "split");
        h5::write_array<std::int64_t>(g, "train", {d.train_idx.size()}, d.train_idx.data());
        h5::write_array<std::int64_t>(g, "val", {d.val_idx.size()}, d.val_idx.data());
        h5::write_array<std::int64_t>(g, "test", {d.test_idx.size()}, d.test_idx.data());
    }
    {
        h5::Handle g = h5::create_group(f, "normalization");
        h5::set_attr(g, "method", std::string(to_string(d.scaling.method)));
        h5::write_array<float>(g, "shift", {d.scaling.shift.size()}, d.scaling.shift.data());
        h5::write_array<float>(g, "scale", {d.scaling.scale.size()}, d.scaling.scale.data());
    }
    h5::save_memory_file(f, tmp);
}

[[noreturn]] void not_a_dataset(const std::string& path, const std::string& why) {
    throw UsageError("'" + path + "' is not a snac dataset (" + why + ")",
                     "import the raw data with 'snac data import' (docs/data-format.md)");
}

}  // namespace

void write_dataset(const std::string& path, const Dataset& data,
                   const std::map<std::string, std::string>& provenance) {
    const fs::path target = fs::absolute(path);
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (!fs::is_directory(target.parent_path()) || access(target.parent_path().c_str(), W_OK) != 0)
        throw UsageError("cannot write '" + path + "': directory '" +
                             target.parent_path().string() + "' is not writable",
                         "choose an output path in a writable directory (--out)");
    AtomicFile file(target.string());
    write_contents(file.temp_path(), data, provenance);
    try {
        file.commit();
    } catch (const Error& e) {
        throw UsageError("cannot move the new dataset into place at '" + path + "': " + e.what(),
                         "check that the output path is writable and not a directory");
    }
}

bool is_dataset(const std::string& path) {
    if (!h5::is_hdf5(path)) return false;
    try {
        h5::Handle f = h5::open_file(path);
        return h5::get_string_attr(f, "snac_format") == std::string(kMarker);
    } catch (const Error&) {
        return false;
    }
}

std::map<std::string, std::string> read_provenance(const std::string& path) {
    h5::Handle f = h5::open_file(path);
    if (h5::get_string_attr(f, "snac_format") != std::string(kMarker))
        not_a_dataset(path, "no snac_format attribute");
    std::map<std::string, std::string> out;
    for (const char* key : {"name", "task", "created_utc", "source_format", "source_files",
                            "import_signature", "snac_version"})
        if (auto v = h5::get_string_attr(f, key)) out[key] = *v;
    return out;
}

Dataset load_dataset(const std::string& path) {
    h5::Handle f = h5::open_file(path);
    if (h5::get_string_attr(f, "snac_format") != std::string(kMarker))
        not_a_dataset(path, "it lacks the 'snac_format' attribute");
    const auto version = h5::get_int_attr(f, "format_version");
    if (!version || *version > kFormatVersion)
        throw UsageError("'" + path + "' has dataset format version " +
                             (version ? std::to_string(*version) : std::string("?")) +
                             ", this snac reads up to " + std::to_string(kFormatVersion),
                         "re-import it with this snac version");
    for (const char* need : {"x", "y", "feature_names", "split/train", "split/val", "split/test"})
        if (!h5::exists(f, need)) not_a_dataset(path, std::string("missing '") + need + "'");

    Dataset d;
    d.name = h5::get_string_attr(f, "name").value_or("");
    const std::string task = h5::get_string_attr(f, "task").value_or("");
    if (task != "classification" && task != "regression")
        not_a_dataset(path, "task attribute is '" + task + "'");
    d.task = task == "classification" ? TaskType::kClassification : TaskType::kRegression;
    std::vector<hsize_t> xd, yd;
    d.x = h5::read_array<float>(f, "x", path, &xd);
    if (xd.empty()) not_a_dataset(path, "'x' is a scalar");
    d.n_samples = static_cast<std::int64_t>(xd[0]);
    for (std::size_t i = 1; i < xd.size(); ++i)
        d.sample_shape.push_back(static_cast<std::int64_t>(xd[i]));
    if (d.task == TaskType::kClassification) {
        d.labels = h5::read_array<std::int32_t>(f, "y", path, &yd);
        d.class_names = h5::read_strings(f, "class_names", path);
        d.n_classes = static_cast<std::int64_t>(d.class_names.size());
        for (auto l : d.labels)
            if (l < 0 || l >= d.n_classes) not_a_dataset(path, "a label is outside [0, classes)");
    } else {
        d.targets = h5::read_array<float>(f, "y", path, &yd);
        d.target_dim = yd.size() > 1 ? static_cast<std::int64_t>(yd[1]) : 1;
    }
    if (yd.empty() || static_cast<std::int64_t>(yd[0]) != d.n_samples)
        not_a_dataset(path, "'x' and 'y' disagree on the number of samples");
    // One label per sample, or target_dim (>= 1) targets per sample: a 'y' of shape [n, 0] has
    // n rows and no values.
    const bool cls = d.task == TaskType::kClassification;
    if (cls ? yd.size() != 1 : (yd.size() > 2 || d.target_dim < 1))
        not_a_dataset(path, "'y' has the wrong shape for a " + task + " dataset");
    d.feature_names = h5::read_strings(f, "feature_names", path);
    d.train_idx = h5::read_array<std::int64_t>(f, "split/train", path);
    d.val_idx = h5::read_array<std::int64_t>(f, "split/val", path);
    d.test_idx = h5::read_array<std::int64_t>(f, "split/test", path);
    for (const auto* idx : {&d.train_idx, &d.val_idx, &d.test_idx})
        for (auto i : *idx)
            if (i < 0 || i >= d.n_samples) not_a_dataset(path, "a split index is out of range");
    if (h5::exists(f, "normalization")) {
        h5::Handle g = h5::open_group(f, "normalization", path);
        d.scaling.method =
            parse_normalization(h5::get_string_attr(g, "method").value_or("none"), path);
        d.scaling.shift = h5::read_array<float>(g, "shift", path);
        d.scaling.scale = h5::read_array<float>(g, "scale", path);
    }
    return d;
}

}  // namespace snac::io
