#include "hdf5_util.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <numeric>

namespace snac::io::h5 {
namespace {

// Arrays above this many bytes are chunked and deflated: datasets are written once, read often,
// and the constituent arrays compress well.
constexpr std::size_t kCompressAbove = 1 << 20;

Handle open_dataset(hid_t loc, const std::string& name, const std::string& file) {
    if (!exists(loc, name))
        throw UsageError("'" + file + "' has no dataset '" + name + "'",
                         "check the dataset name (h5ls -r '" + file + "' lists them)");
    return checked(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), Kind::kDataset,
                   "opening dataset '" + name + "' in " + file);
}

Handle scalar_space() {
    return checked(H5Screate(H5S_SCALAR), Kind::kDataspace, "H5Screate");
}

Handle vlen_string_type() {
    Handle t = checked(H5Tcopy(H5T_C_S1), Kind::kDatatype, "H5Tcopy");
    check(H5Tset_size(t, H5T_VARIABLE), "H5Tset_size");
    check(H5Tset_cset(t, H5T_CSET_UTF8), "H5Tset_cset");
    return t;
}

Handle replace_attr(hid_t obj, const std::string& name, hid_t type, hid_t space) {
    if (H5Aexists(obj, name.c_str()) > 0) check(H5Adelete(obj, name.c_str()), "deleting " + name);
    return checked(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                   Kind::kAttribute, "creating attribute '" + name + "'");
}

// Reads `n` strings stored with string type `ftype` from a dataset or attribute via `read`.
std::vector<std::string> read_string_values(hid_t ftype, std::size_t n,
                                            const std::function<herr_t(hid_t, void*)>& read) {
    std::vector<std::string> out;
    if (H5Tis_variable_str(ftype) > 0) {
        Handle mtype = vlen_string_type();
        std::vector<char*> ptrs(n, nullptr);
        check(read(mtype, ptrs.data()), "reading strings");
        for (char* p : ptrs) {
            out.emplace_back(p ? p : "");
            std::free(p);  // HDF5 allocates variable-length strings with malloc
        }
        return out;
    }
    const std::size_t len = H5Tget_size(ftype);
    Handle mtype = checked(H5Tcopy(H5T_C_S1), Kind::kDatatype, "H5Tcopy");
    check(H5Tset_size(mtype, len), "H5Tset_size");
    std::vector<char> buf(n * len);
    check(read(mtype, buf.data()), "reading strings");
    for (std::size_t i = 0; i < n; ++i) {
        const char* s = buf.data() + i * len;
        out.emplace_back(s, strnlen(s, len));
    }
    return out;
}

}  // namespace

Handle create_file(const std::string& path) {
    silence_errors();
    hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (id < 0)
        throw UsageError("cannot create '" + path + "'",
                         "check that the directory exists and is writable");
    return Handle(id, Kind::kFile);
}

namespace {

/// Writes an AtomicFile temporary; the full-disk case gets the hint that matters to a run.
void write_bytes(const std::string& path, const std::string& bytes) {
    auto fail = [&](const std::string& what, int err) {
        const bool full = err == ENOSPC || err == EDQUOT || err == EFBIG;
        throw Error("cannot " + what + " '" + path + "': " + std::strerror(err),
                    full ? "free space on that file system (or use another --out), then "
                           "continue with --resume"
                         : "check that the directory exists and is writable");
    };
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("create", errno);
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            fail("write", err);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) fail("write", errno);  // AtomicFile::commit fsyncs and renames
}

}  // namespace

Handle create_memory_file(const std::string& name) {
    silence_errors();
    // Two trainer threads may build checkpoints at once: the core driver needs distinct names.
    static std::atomic<unsigned long> serial{0};
    const std::string unique = name + ".mem." + std::to_string(serial++);
    Handle fapl = checked(H5Pcreate(H5P_FILE_ACCESS), Kind::kPropList, "H5Pcreate");
    check(H5Pset_fapl_core(fapl, 1 << 20, 0), "H5Pset_fapl_core");
    return checked(H5Fcreate(unique.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), Kind::kFile,
                   "creating '" + name + "' in memory");
}

void save_memory_file(Handle& file, const std::string& path) {
    check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flushing '" + path + "'");
    const ssize_t size = H5Fget_file_image(file, nullptr, 0);
    if (size < 0) throw Error("HDF5: sizing the image of '" + path + "' failed");
    std::string image(static_cast<std::size_t>(size), '\0');
    if (H5Fget_file_image(file, image.data(), image.size()) != size)
        throw Error("HDF5: copying the image of '" + path + "' failed");
    check(file.close(), "closing '" + path + "' in memory");
    write_bytes(path, image);
}


bool is_hdf5(const std::string& path) {
    silence_errors();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return false;
    return H5Fis_hdf5(path.c_str()) > 0;
}

Handle open_file(const std::string& path) {
    silence_errors();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw UsageError("'" + path + "' does not exist", "check the path");
    if (!is_hdf5(path))
        throw UsageError("'" + path + "' is not an HDF5 file",
                         "give a file written by 'snac data import' (or another HDF5 file)");
    hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id < 0)
        throw UsageError("cannot open HDF5 file '" + path + "'",
                         "check its permissions; the file may be damaged");
    return Handle(id, Kind::kFile);
}

Handle create_group(hid_t loc, const std::string& name) {
    return checked(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   Kind::kGroup, "creating group '" + name + "'");
}

Handle open_group(hid_t loc, const std::string& name, const std::string& file) {
    if (!exists(loc, name))
        throw UsageError("'" + file + "' has no group '" + name + "'",
                         "check the file layout (h5ls -r '" + file + "')");
    return checked(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), Kind::kGroup,
                   "opening group '" + name + "' in " + file);
}

bool exists(hid_t loc, const std::string& name) {
    // H5Lexists fails on a missing intermediate group, so walk the path one component at a time.
    std::string prefix;
    std::size_t pos = 0;
    while (pos <= name.size()) {
        const std::size_t next = name.find('/', pos);
        const std::string part =
            name.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
        if (!part.empty()) {
            prefix += (prefix.empty() ? "" : "/") + part;
            if (H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
        }
        if (next == std::string::npos) break;
        pos = next + 1;
    }
    return !prefix.empty();
}

std::vector<hsize_t> dataset_dims(hid_t loc, const std::string& name, const std::string& file) {
    Handle ds = open_dataset(loc, name, file);
    Handle space = checked(H5Dget_space(ds), Kind::kDataspace, "H5Dget_space " + name);
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0) throw Error("HDF5: reading the rank of '" + name + "' in " + file + " failed");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    check(H5Sget_simple_extent_dims(space, dims.data(), nullptr), "H5Sget_simple_extent_dims");
    return dims;
}

bool is_integer_dataset(hid_t loc, const std::string& name, const std::string& file) {
    Handle ds = open_dataset(loc, name, file);
    Handle type = checked(H5Dget_type(ds), Kind::kDatatype, "H5Dget_type " + name);
    const H5T_class_t cls = H5Tget_class(type);
    return cls == H5T_INTEGER || cls == H5T_ENUM;
}

template <>
hid_t native_type<float>() {
    return H5T_NATIVE_FLOAT;
}
template <>
hid_t native_type<double>() {
    return H5T_NATIVE_DOUBLE;
}
template <>
hid_t native_type<std::int8_t>() {
    return H5T_NATIVE_INT8;
}
template <>
hid_t native_type<std::uint8_t>() {
    return H5T_NATIVE_UINT8;
}
template <>
hid_t native_type<std::int32_t>() {
    return H5T_NATIVE_INT32;
}
template <>
hid_t native_type<std::int64_t>() {
    return H5T_NATIVE_INT64;
}
template <>
hid_t native_type<std::uint64_t>() {
    return H5T_NATIVE_UINT64;
}

template <class T>
void write_array(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims,
                 const T* data) {
    Handle space = checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                           Kind::kDataspace, "H5Screate_simple " + name);
    Handle dcpl = checked(H5Pcreate(H5P_DATASET_CREATE), Kind::kPropList, "H5Pcreate");
    const hsize_t n = std::accumulate(dims.begin(), dims.end(), hsize_t{1}, std::multiplies<>());
    if (!dims.empty() && dims[0] > 0 && n * sizeof(T) > kCompressAbove) {
        // Chunks of whole rows, about 256 KiB each, so reading a few rows stays cheap.
        std::vector<hsize_t> chunk = dims;
        const hsize_t row = n / dims[0];
        chunk[0] =
            std::clamp<hsize_t>((256u << 10) / std::max<hsize_t>(1, row * sizeof(T)), 1, dims[0]);
        check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk");
        check(H5Pset_shuffle(dcpl), "H5Pset_shuffle");
        check(H5Pset_deflate(dcpl, 4), "H5Pset_deflate");
    }
    Handle ds = checked(
        H5Dcreate2(loc, name.c_str(), native_type<T>(), space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
        Kind::kDataset, "creating dataset '" + name + "'");
    if (n > 0)
        check(H5Dwrite(ds, native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
              "writing dataset '" + name + "'");
}

template <class T>
std::vector<T> read_array(hid_t loc, const std::string& name, const std::string& file,
                          std::vector<hsize_t>* dims) {
    std::vector<hsize_t> d = dataset_dims(loc, name, file);
    Handle ds = open_dataset(loc, name, file);
    const hsize_t n = std::accumulate(d.begin(), d.end(), hsize_t{1}, std::multiplies<>());
    std::vector<T> out(static_cast<std::size_t>(n));
    if (n > 0 && H5Dread(ds, native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
        throw UsageError("cannot read dataset '" + name + "' of '" + file + "' as numbers",
                         "the dataset must hold integers or floating-point values");
    if (dims) *dims = std::move(d);
    return out;
}

template <class T>
std::vector<T> read_slab(hid_t loc, const std::string& name, const std::vector<hsize_t>& start,
                         const std::vector<hsize_t>& count, const std::string& file) {
    Handle ds = open_dataset(loc, name, file);
    Handle fspace = checked(H5Dget_space(ds), Kind::kDataspace, "H5Dget_space " + name);
    check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
          "selecting a hyperslab of '" + name + "' in " + file);
    Handle mspace = checked(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                            Kind::kDataspace, "H5Screate_simple");
    const hsize_t n = std::accumulate(count.begin(), count.end(), hsize_t{1}, std::multiplies<>());
    std::vector<T> out(static_cast<std::size_t>(n));
    if (n > 0 && H5Dread(ds, native_type<T>(), mspace, fspace, H5P_DEFAULT, out.data()) < 0)
        throw UsageError("cannot read dataset '" + name + "' of '" + file + "' as numbers",
                         "the dataset must hold integers or floating-point values");
    return out;
}

#define SNAC_H5_INSTANTIATE(T)                                                                   \
    template void write_array<T>(hid_t, const std::string&, const std::vector<hsize_t>&,         \
                                 const T*);                                                      \
    template std::vector<T> read_array<T>(hid_t, const std::string&, const std::string&,         \
                                          std::vector<hsize_t>*);                                \
    template std::vector<T> read_slab<T>(hid_t, const std::string&, const std::vector<hsize_t>&, \
                                         const std::vector<hsize_t>&, const std::string&);
SNAC_H5_INSTANTIATE(float)
SNAC_H5_INSTANTIATE(double)
SNAC_H5_INSTANTIATE(std::int8_t)
SNAC_H5_INSTANTIATE(std::uint8_t)
SNAC_H5_INSTANTIATE(std::int32_t)
SNAC_H5_INSTANTIATE(std::int64_t)
SNAC_H5_INSTANTIATE(std::uint64_t)
#undef SNAC_H5_INSTANTIATE

void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& values) {
    const hsize_t n = values.size();
    Handle space = checked(H5Screate_simple(1, &n, nullptr), Kind::kDataspace, "H5Screate_simple");
    Handle type = vlen_string_type();
    Handle ds =
        checked(H5Dcreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                Kind::kDataset, "creating dataset '" + name + "'");
    std::vector<const char*> ptrs;
    ptrs.reserve(values.size());
    for (const auto& v : values) ptrs.push_back(v.c_str());
    // A conversion buffer the size of the list: HDF5's default (1 MB, zeroed for variable-length
    // types) made every list of names cost a fresh 1 MB allocation and its page faults.
    Handle xfer = checked(H5Pcreate(H5P_DATASET_XFER), Kind::kPropList, "H5Pcreate");
    check(H5Pset_buffer(xfer, std::max<std::size_t>(4096, 2 * sizeof(hvl_t) * n), nullptr, nullptr),
          "H5Pset_buffer");
    if (n > 0)
        check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, xfer, ptrs.data()),
              "writing dataset '" + name + "'");
}

std::vector<std::string> read_strings(hid_t loc, const std::string& name, const std::string& file) {
    const std::vector<hsize_t> dims = dataset_dims(loc, name, file);
    Handle ds = open_dataset(loc, name, file);
    Handle ftype = checked(H5Dget_type(ds), Kind::kDatatype, "H5Dget_type " + name);
    if (H5Tget_class(ftype) != H5T_STRING)
        throw UsageError("dataset '" + name + "' of '" + file + "' does not hold strings",
                         "it must be a list of names");
    std::size_t n = 1;
    for (hsize_t d : dims) n *= static_cast<std::size_t>(d);
    return read_string_values(ftype, n, [&](hid_t mtype, void* buf) {
        return H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    });
}

bool has_attr(hid_t obj, const std::string& name) {
    return H5Aexists(obj, name.c_str()) > 0;
}

void set_attr(hid_t obj, const std::string& name, const std::string& value) {
    Handle space = scalar_space();
    Handle type = vlen_string_type();
    Handle attr = replace_attr(obj, name, type, space);
    const char* p = value.c_str();
    check(H5Awrite(attr, type, &p), "writing attribute '" + name + "'");
}

void set_attr(hid_t obj, const std::string& name, std::int64_t value) {
    Handle space = scalar_space();
    Handle attr = replace_attr(obj, name, H5T_NATIVE_INT64, space);
    check(H5Awrite(attr, H5T_NATIVE_INT64, &value), "writing attribute '" + name + "'");
}

void set_attr(hid_t obj, const std::string& name, double value) {
    Handle space = scalar_space();
    Handle attr = replace_attr(obj, name, H5T_NATIVE_DOUBLE, space);
    check(H5Awrite(attr, H5T_NATIVE_DOUBLE, &value), "writing attribute '" + name + "'");
}

std::optional<std::string> get_string_attr(hid_t obj, const std::string& name) {
    if (!has_attr(obj, name)) return std::nullopt;
    Handle attr = checked(H5Aopen(obj, name.c_str(), H5P_DEFAULT), Kind::kAttribute,
                          "opening attribute '" + name + "'");
    Handle ftype = checked(H5Aget_type(attr), Kind::kDatatype, "H5Aget_type " + name);
    if (H5Tget_class(ftype) != H5T_STRING) return std::nullopt;
    auto values = read_string_values(
        ftype, 1, [&](hid_t mtype, void* buf) { return H5Aread(attr, mtype, buf); });
    return values.empty() ? std::nullopt : std::optional<std::string>(values[0]);
}

namespace {
template <class T>
std::optional<T> get_numeric_attr(hid_t obj, const std::string& name) {
    if (!has_attr(obj, name)) return std::nullopt;
    Handle attr = checked(H5Aopen(obj, name.c_str(), H5P_DEFAULT), Kind::kAttribute,
                          "opening attribute '" + name + "'");
    Handle ftype = checked(H5Aget_type(attr), Kind::kDatatype, "H5Aget_type " + name);
    const H5T_class_t cls = H5Tget_class(ftype);
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) return std::nullopt;
    T value{};
    if (H5Aread(attr, native_type<T>(), &value) < 0) return std::nullopt;
    return value;
}
}  // namespace

std::optional<std::int64_t> get_int_attr(hid_t obj, const std::string& name) {
    return get_numeric_attr<std::int64_t>(obj, name);
}

std::optional<double> get_double_attr(hid_t obj, const std::string& name) {
    return get_numeric_attr<double>(obj, name);
}

}  // namespace snac::io::h5
