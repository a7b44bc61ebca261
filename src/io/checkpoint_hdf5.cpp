// Checkpoints in HDF5 (docs/checkpoint-format.md). Layout:
//   /                 attrs snac_checkpoint (format version), architecture, training (YAML text)
//   /layers           attr count, dataset order (group names in network order); one group per
//                     layer "NNN_<name>" (slashes of nested Deep Sets names become dots) with
//                     attrs name, type, dataset arrays (names) and one float32 dataset per array
//   /history          one float64 dataset per per-epoch series, dataset "names" lists them
//   /metrics          datasets names (strings) and values (float64)
//   /provenance       datasets keys and values (strings)
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "hdf5_util.hpp"
#include "snac/core/atomic_file.hpp"
#include "snac/io/checkpoint_io.hpp"

namespace snac::io {
namespace {

constexpr std::int64_t kFormatVersion = 1;

std::string group_name(std::size_t index, const std::string& layer_name) {
    std::ostringstream s;
    s << std::setw(3) << std::setfill('0') << index << '_';
    for (char c : layer_name) s << (c == '/' ? '.' : c);
    return s.str();
}

std::vector<hsize_t> dims_of(const std::vector<std::int64_t>& shape) {
    return {shape.begin(), shape.end()};
}

void write_named_values(hid_t loc, const std::vector<std::string>& names,
                        const std::vector<std::string>& values, const char* key_ds,
                        const char* value_ds) {
    if (names.empty()) return;
    h5::write_strings(loc, key_ds, names);
    h5::write_strings(loc, value_ds, values);
}

void write_file(const std::string& path, const CheckpointData& data) {
    h5::Handle file = h5::create_memory_file(path);
    h5::set_attr(file, "snac_checkpoint", kFormatVersion);
    h5::set_attr(file, "architecture", data.architecture_yaml);
    h5::set_attr(file, "training", data.training_yaml);

    h5::Handle layers = h5::create_group(file, "layers");
    h5::set_attr(layers, "count", static_cast<std::int64_t>(data.layers.size()));
    std::vector<std::string> groups;
    for (std::size_t i = 0; i < data.layers.size(); ++i) {
        const LayerWeights& lw = data.layers[i];
        groups.push_back(group_name(i, lw.layer_name));
        h5::Handle g = h5::create_group(layers, groups.back());
        h5::set_attr(g, "name", lw.layer_name);
        h5::set_attr(g, "type", lw.layer_type);
        std::vector<std::string> order;
        for (const NamedTensor& t : lw.tensors) {
            h5::write_array<float>(g, t.name, dims_of(t.shape), t.values.data());
            order.push_back(t.name);
        }
        if (!order.empty()) h5::write_strings(g, "arrays", order);
    }
    if (!groups.empty()) h5::write_strings(layers, "order", groups);

    h5::Handle history = h5::create_group(file, "history");
    std::vector<std::string> series;
    for (const auto& [name, values] : data.history) {
        h5::write_array<double>(history, name, {values.size()}, values.data());
        series.push_back(name);
    }
    if (!series.empty()) h5::write_strings(history, "names", series);

    h5::Handle metrics = h5::create_group(file, "metrics");
    std::vector<std::string> names;
    std::vector<double> values;
    for (const auto& [k, v] : data.final_metrics) {
        names.push_back(k);
        values.push_back(v);
        h5::set_attr(metrics, k, v);  // readable with h5dump -A
    }
    if (!names.empty()) {
        h5::write_strings(metrics, "names", names);
        h5::write_array<double>(metrics, "values", {values.size()}, values.data());
    }

    h5::Handle prov = h5::create_group(file, "provenance");
    std::vector<std::string> keys, vals;
    for (const auto& [k, v] : data.attributes) {
        keys.push_back(k);
        vals.push_back(v);
    }
    write_named_values(prov, keys, vals, "keys", "values");
    for (h5::Handle* h : {&prov, &metrics, &history, &layers})
        h5::check(h->close(), "closing a group of " + path);
    h5::save_memory_file(file, path);
}

}  // namespace

void write_checkpoint(const std::string& path, const CheckpointData& data) {
    AtomicFile file(path, ParentDirs::kMustExist);  // the caller owns the directory layout
    write_file(file.temp_path(), data);
    file.commit();
}

bool is_checkpoint(const std::string& path) {
    if (!h5::is_hdf5(path)) return false;
    try {
        h5::Handle file = h5::open_file(path);
        return h5::has_attr(file, "snac_checkpoint");
    } catch (const Error&) {
        return false;
    }
}

CheckpointData read_checkpoint(const std::string& path) {
    h5::Handle file = h5::open_file(path);
    const auto version = h5::get_int_attr(file, "snac_checkpoint");
    if (!version)
        throw UsageError("'" + path + "' is not a snac checkpoint",
                         "give a .h5 file written by 'snac train' or a search");
    if (*version > kFormatVersion)
        throw UsageError("'" + path + "' has checkpoint format " + std::to_string(*version) +
                             ", newer than this snac understands (" +
                             std::to_string(kFormatVersion) + ")",
                         "use a newer snac");
    CheckpointData data;
    auto text = [&](hid_t obj, const char* name) {
        auto v = h5::get_string_attr(obj, name);
        if (!v) throw UsageError("'" + path + "' lacks attribute '" + name + "'",
                                 "the checkpoint is damaged; retrain it");
        return *v;
    };
    data.architecture_yaml = text(file, "architecture");
    data.training_yaml = text(file, "training");

    h5::Handle layers = h5::open_group(file, "layers", path);
    const auto count = h5::get_int_attr(layers, "count");
    if (!count) throw UsageError("'" + path + "' lacks the layer count", "retrain the checkpoint");
    const auto order = h5::exists(layers, "order") ? h5::read_strings(layers, "order", path)
                                                   : std::vector<std::string>{};
    if (static_cast<std::int64_t>(order.size()) != *count)
        throw UsageError("'" + path + "' lists " + std::to_string(order.size()) +
                             " layer groups but records " + std::to_string(*count),
                         "the checkpoint is damaged; retrain it");
    for (const std::string& gname : order) {
        LayerWeights lw;
        h5::Handle g = h5::open_group(layers, gname, path);
        lw.layer_name = text(g, "name");
        lw.layer_type = text(g, "type");
        if (h5::exists(g, "arrays")) {
            for (const std::string& tname : h5::read_strings(g, "arrays", path)) {
                NamedTensor t;
                t.name = tname;
                std::vector<hsize_t> dims;
                t.values = h5::read_array<float>(g, tname, path, &dims);
                t.shape.assign(dims.begin(), dims.end());
                lw.tensors.push_back(std::move(t));
            }
        }
        data.layers.push_back(std::move(lw));
    }

    if (h5::exists(file, "history")) {
        h5::Handle history = h5::open_group(file, "history", path);
        if (h5::exists(history, "names"))
            for (const std::string& name : h5::read_strings(history, "names", path))
                data.history[name] = h5::read_array<double>(history, name, path);
    }
    if (h5::exists(file, "metrics")) {
        h5::Handle metrics = h5::open_group(file, "metrics", path);
        if (h5::exists(metrics, "names")) {
            const auto names = h5::read_strings(metrics, "names", path);
            const auto values = h5::read_array<double>(metrics, "values", path);
            if (names.size() != values.size())
                throw UsageError("'" + path + "' has mismatched metric names and values",
                                 "the checkpoint is damaged; retrain it");
            for (std::size_t i = 0; i < names.size(); ++i) data.final_metrics[names[i]] = values[i];
        }
    }
    if (h5::exists(file, "provenance")) {
        h5::Handle prov = h5::open_group(file, "provenance", path);
        if (h5::exists(prov, "keys")) {
            const auto keys = h5::read_strings(prov, "keys", path);
            const auto values = h5::read_strings(prov, "values", path);
            for (std::size_t i = 0; i < keys.size() && i < values.size(); ++i)
                data.attributes[keys[i]] = values[i];
        }
    }
    return data;
}

}  // namespace snac::io
