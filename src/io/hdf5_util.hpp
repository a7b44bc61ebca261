#pragma once
// Private to io: small typed helpers over the HDF5 C API (arrays, string lists, attributes).
// Every call checks its return code and throws with the object's name; ids are owned by Handle.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hdf5_handle.hpp"

namespace snac::io::h5 {

/// Creates (truncates) a file for writing.
Handle create_file(const std::string& path);
/// Creates a file in memory (HDF5's core driver, no backing store): nothing touches the disk
/// until save_memory_file, so a full disk cannot leave HDF5 with a file it failed to flush.
Handle create_memory_file(const std::string& name);
/// Flushes a file made by create_memory_file, closes it and writes its image to `path` (an
/// AtomicFile's temporary: the caller commits). On a write error (a full disk, a read-only
/// place) snac::Error names the file, the system's reason and the fix.
void save_memory_file(Handle& file, const std::string& path);
/// Opens an existing file read-only; throws UsageError when missing or not HDF5.
Handle open_file(const std::string& path);
/// True when `path` exists and has an HDF5 signature.
bool is_hdf5(const std::string& path);

Handle create_group(hid_t loc, const std::string& name);
/// Throws UsageError naming `file` when the group is absent.
Handle open_group(hid_t loc, const std::string& name, const std::string& file);
/// True when `name` (one path component or a/b path whose parents exist) is a link under `loc`.
bool exists(hid_t loc, const std::string& name);

/// Dimensions of dataset `name` under `loc`; throws UsageError naming `file` when absent.
std::vector<hsize_t> dataset_dims(hid_t loc, const std::string& name, const std::string& file);

/// True when dataset `name` stores integers (or bools/enums); false for floating point.
bool is_integer_dataset(hid_t loc, const std::string& name, const std::string& file);

/// Element types the helpers read and write.
template <class T>
hid_t native_type();

/// Writes a contiguous row-major array of shape `dims` (chunked + deflate when large).
template <class T>
void write_array(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims,
                 const T* data);
/// Reads a whole dataset converted to T; `dims` receives its shape. Throws UsageError naming
/// `file` when absent.
template <class T>
std::vector<T> read_array(hid_t loc, const std::string& name, const std::string& file,
                          std::vector<hsize_t>* dims = nullptr);
/// Reads the hyperslab [start, start+count) of a dataset, converted to T.
template <class T>
std::vector<T> read_slab(hid_t loc, const std::string& name, const std::vector<hsize_t>& start,
                         const std::vector<hsize_t>& count, const std::string& file);

/// A 1-D dataset of variable-length UTF-8 strings.
void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& values);
/// Reads fixed- or variable-length string datasets (as h5py writes them).
std::vector<std::string> read_strings(hid_t loc, const std::string& name, const std::string& file);

bool has_attr(hid_t obj, const std::string& name);
void set_attr(hid_t obj, const std::string& name, const std::string& value);
void set_attr(hid_t obj, const std::string& name, std::int64_t value);
void set_attr(hid_t obj, const std::string& name, double value);
/// Scalar string attribute (fixed or variable length); nullopt when absent or not a string.
std::optional<std::string> get_string_attr(hid_t obj, const std::string& name);
std::optional<std::int64_t> get_int_attr(hid_t obj, const std::string& name);
std::optional<double> get_double_attr(hid_t obj, const std::string& name);

}  // namespace snac::io::h5
