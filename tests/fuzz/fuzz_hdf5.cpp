// libFuzzer harnesses: snac's HDF5 readers (dataset: load_dataset/read_provenance; checkpoint:
// read_checkpoint, then float inference and fixed-point lowering as `snac predict`/`snac hls`
// do). One source, compiled per reader (SNAC_FUZZ_HDF5_DATASET or SNAC_FUZZ_HDF5_CHECKPOINT).
//
// Structure-aware: the input is a list of edits applied to a valid file's object tree
// (delete an object or attribute, change its type, shape, a number or a string), written with
// the HDF5 library. The empty input is the valid file. This fuzzes what snac checks about a
// file's contents; libhdf5's own parser of the on-disk format is not ours and is not fuzzed
// here (Debian's 1.10 is known to crash on damaged superblocks; see docs/reliability.md).
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "hdf5_util.hpp"
#include "snac/core/hls_settings.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/nn/fixed_model.hpp"
#include "snac/nn/network_spec.hpp"
#include "snac/nn/trainer.hpp"

namespace {

namespace h5 = snac::io::h5;

enum class Kind { kGroup, kDataset, kAttr };
enum class Type { kF32, kF64, kI32, kI64, kStr };

struct Node {
    std::string path;  ///< group or dataset path; for attributes the owner ("" = root)
    std::string attr;  ///< attribute name (kAttr only)
    Kind kind = Kind::kGroup;
    Type type = Type::kF32;
    std::vector<hsize_t> dims;
    std::vector<double> nums;
    std::vector<std::string> strs;
    bool present = true;
};

Node make(std::string path, Kind kind, Type type) {
    Node n;
    n.path = std::move(path);
    n.kind = kind;
    n.type = type;
    return n;
}
Node group(std::string p) { return make(std::move(p), Kind::kGroup, Type::kF32); }
Node attr(std::string owner, std::string name, std::string value) {
    Node n = make(std::move(owner), Kind::kAttr, Type::kStr);
    n.attr = std::move(name);
    n.strs = {std::move(value)};
    return n;
}
Node attr(std::string owner, std::string name, double value, Type t = Type::kI64) {
    Node n = make(std::move(owner), Kind::kAttr, t);
    n.attr = std::move(name);
    n.nums = {value};
    return n;
}
Node numbers(std::string p, Type t, std::vector<hsize_t> dims, std::vector<double> v) {
    Node n = make(std::move(p), Kind::kDataset, t);
    n.dims = std::move(dims);
    n.nums = std::move(v);
    return n;
}
Node strings(std::string p, std::vector<std::string> v) {
    Node n = make(std::move(p), Kind::kDataset, Type::kStr);
    n.dims = {v.size()};
    n.strs = std::move(v);
    return n;
}

#ifdef SNAC_FUZZ_HDF5_DATASET
std::vector<Node> valid_tree() {
    return {
        attr("", "snac_format", "snac-dataset"), attr("", "format_version", 1),
        attr("", "name", "fuzz"), attr("", "task", "classification"),
        attr("", "created_utc", "2026-01-01T00:00:00Z"), attr("", "source_format", "csv"),
        numbers("x", Type::kF32, {6, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}),
        numbers("y", Type::kI32, {6}, {0, 1, 0, 1, 0, 1}), strings("class_names", {"a", "b"}),
        strings("feature_names", {"f0", "f1", "f2"}), group("split"),
        numbers("split/train", Type::kI64, {4}, {0, 1, 2, 3}),
        numbers("split/val", Type::kI64, {1}, {4}), numbers("split/test", Type::kI64, {1}, {5}),
        group("normalization"), attr("normalization", "method", "standardize"),
        numbers("normalization/shift", Type::kF32, {3}, {0, 0, 0}),
        numbers("normalization/scale", Type::kF32, {3}, {1, 1, 1}),
    };
}
#else
std::vector<Node> valid_tree() {
    return {
        attr("", "snac_checkpoint", 1),
        attr("", "architecture", "input_shape: [3]\nlayers:\n  - {type: dense, units: 2}\n"),
        attr("", "training", "epochs: 1\n"), group("layers"), attr("layers", "count", 1),
        strings("layers/order", {"l0"}), group("layers/l0"), attr("layers/l0", "name", "dense_0"),
        attr("layers/l0", "type", "dense"), strings("layers/l0/arrays", {"kernel", "bias"}),
        numbers("layers/l0/kernel", Type::kF32, {3, 2}, {0.5, -0.25, 1, 2, -1, 0.125}),
        numbers("layers/l0/bias", Type::kF32, {2}, {0.1, -0.1}), group("history"),
        strings("history/names", {"loss"}), numbers("history/loss", Type::kF64, {2}, {1.0, 0.5}),
        group("metrics"), strings("metrics/names", {"accuracy"}),
        numbers("metrics/values", Type::kF64, {1}, {0.9}), group("provenance"),
        strings("provenance/keys", {"seed"}), strings("provenance/values", {"1"}),
    };
}
#endif

double interesting(FuzzedDataProvider& in) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    const double picks[] = {0.0, -1.0, 1.0, 2.0, 7.0, 1e30, -1e30, 2147483648.0,
                            9.3e18, -9.3e18, std::nan(""), kInf, -kInf, 0.5};
    return in.ConsumeBool() ? in.PickValueInArray(picks) : in.ConsumeFloatingPoint<double>();
}

void apply_edits(std::vector<Node>& tree, FuzzedDataProvider& in) {
    while (in.remaining_bytes() > 0) {
        Node& n = tree[in.ConsumeIntegralInRange<std::size_t>(0, tree.size() - 1)];
        switch (in.ConsumeIntegralInRange(0, 5)) {
            case 0: n.present = false; break;
            case 1: if (n.kind != Kind::kGroup) n.type = static_cast<Type>(in.ConsumeIntegralInRange(0, 4)); break;
            case 2: {
                n.dims.assign(in.ConsumeIntegralInRange(0, 3), 0);
                std::size_t total = 1;
                for (auto& d : n.dims) total *= (d = in.ConsumeIntegralInRange(0, 7));
                n.nums.resize(total, 1.0);
                n.strs.resize(n.dims.empty() ? 1 : n.dims[0]);
                break;
            }
            case 3:
                if (!n.nums.empty())
                    n.nums[in.ConsumeIntegralInRange<std::size_t>(0, n.nums.size() - 1)] = interesting(in);
                break;
            case 4:
                if (!n.strs.empty())
                    n.strs[in.ConsumeIntegralInRange<std::size_t>(0, n.strs.size() - 1)] =
                        in.ConsumeRandomLengthString(64);
                break;
            case 5: n.strs.push_back(in.ConsumeRandomLengthString(64)); break;
        }
    }
}

/// A defined conversion for any double (the harness itself must not be the UB).
template <class T>
T to_int(double v) {
    if (std::isnan(v)) return 0;
    constexpr double lo = static_cast<double>(std::numeric_limits<T>::min());
    constexpr double hi = static_cast<double>(std::numeric_limits<T>::max());
    if (v <= lo) return std::numeric_limits<T>::min();
    if (v >= hi) return std::numeric_limits<T>::max();
    return static_cast<T>(v);
}

template <class T>
void write_numbers(hid_t loc, const Node& n) {
    std::vector<T> v(n.nums.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        if constexpr (std::is_integral_v<T>) v[i] = to_int<T>(n.nums[i]);
        else v[i] = static_cast<T>(n.nums[i]);
    }
    h5::write_array<T>(loc, n.path, n.dims, v.data());
}

/// Writes the tree; false when the edits make it unwritable (a child of a deleted group).
bool write_tree(const std::string& path, const std::vector<Node>& tree) {
    try {
        h5::Handle f = h5::create_file(path);
        for (Kind pass : {Kind::kGroup, Kind::kDataset, Kind::kAttr}) {
            for (const Node& n : tree) {
                if (!n.present || n.kind != pass) continue;
                if (n.kind == Kind::kGroup) {
                    (void)h5::create_group(f, n.path);
                } else if (n.kind == Kind::kDataset) {
                    switch (n.type) {
                        case Type::kF32: write_numbers<float>(f, n); break;
                        case Type::kF64: write_numbers<double>(f, n); break;
                        case Type::kI32: write_numbers<std::int32_t>(f, n); break;
                        case Type::kI64: write_numbers<std::int64_t>(f, n); break;
                        case Type::kStr: h5::write_strings(f, n.path, n.strs); break;
                    }
                } else {
                    h5::Handle owner = n.path.empty() ? h5::Handle{}
                                                      : h5::open_group(f, n.path, path);
                    const hid_t obj = n.path.empty() ? f.get() : owner.get();
                    const double v = n.nums.empty() ? 0.0 : n.nums[0];
                    if (n.type == Type::kStr) h5::set_attr(obj, n.attr, n.strs.empty() ? std::string() : n.strs[0]);
                    else if (n.type == Type::kI32 || n.type == Type::kI64) h5::set_attr(obj, n.attr, to_int<std::int64_t>(v));
                    else h5::set_attr(obj, n.attr, v);
                }
            }
        }
    } catch (const snac::Error&) {
        return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    std::vector<Node> tree = valid_tree();
    apply_edits(tree, in);
    const std::string path = snac::fuzz::scratch_dir() + "/fuzz.h5";
    if (!write_tree(path, tree)) return 0;
#ifdef SNAC_FUZZ_HDF5_DATASET
    snac::fuzz::expect_clean([&] {
        (void)snac::io::is_dataset(path);
        (void)snac::io::read_provenance(path);
        const snac::Dataset d = snac::io::load_dataset(path);
        (void)snac::io::describe_dataset(d, {}, 8);
    });
#else
    snac::fuzz::expect_clean([&] {
        (void)snac::io::is_checkpoint(path);
        const snac::CheckpointData cp = snac::io::read_checkpoint(path);
        const auto net = snac::nn::NetworkSpec::from_yaml(cp.architecture_yaml, path);
        std::int64_t n_in = 1;
        for (auto d : net.input_shape) n_in *= d;
        if (n_in > (1 << 16)) return;  // a huge but valid input shape: nothing to learn here
        const std::vector<float> x(static_cast<std::size_t>(n_in), 0.5f);
        (void)snac::nn::predict(cp, x.data(), 1);
        const auto fixed = snac::nn::lower_network(net, cp, snac::HlsSettings{});
        (void)fixed.run(x.data());
    });
#endif
    return 0;
}
