#pragma once
/// Datasets on disk (HDF5 layout of docs/data-format.md): finding, importing and loading them.
#include <map>
#include <string>
#include <vector>

#include "snac/core/config/data_config.hpp"
#include "snac/core/dataset.hpp"

namespace snac::io {

/// Directories searched for raw data and datasets, in order: $SNAC_DATA_DIR (default: the shared
/// data directory beside the installation, CMake's SNAC_SHARED_DATA_DIR), then ./data.
std::vector<std::string> data_search_dirs();

/// Whether resolve_dataset may reuse a dataset whose provenance matches the config.
enum class Reimport { kIfChanged, kAlways };

/// Returns the HDF5 dataset the config names: `path` if given; else <dir>/<name>.h5 in the search
/// dirs whose provenance matches the config's source, normalisation and split; else imports it
/// from `source` into ./data/<name>.h5 (unique temporary file, then rename, so concurrent ranks
/// never see a partial file) and returns that path. `base_dir` resolves relative paths of the
/// config. Throws UsageError naming what is missing.
std::string resolve_dataset(const DataConfig& config, const std::string& base_dir,
                            Reimport reimport = Reimport::kIfChanged);

/// Loads a snac HDF5 dataset into memory (float32). Throws UsageError if it is not one.
Dataset load_dataset(const std::string& h5_path);

/// Writes `data` in the snac layout to `path` atomically (temporary file in the same directory,
/// then rename); `provenance` becomes string attributes of the root group. Throws UsageError when
/// the directory is not writable.
void write_dataset(const std::string& path, const Dataset& data,
                   const std::map<std::string, std::string>& provenance);

/// The provenance attributes of a snac dataset (source, options, version, creation time).
std::map<std::string, std::string> read_provenance(const std::string& h5_path);

/// True when `path` is an HDF5 file carrying the snac dataset marker.
bool is_dataset(const std::string& path);

/// Human-readable summary: shapes, split sizes, class balance, per-feature statistics (at most
/// `max_features` rows of the feature table; 0 = all).
std::string describe_dataset(const Dataset& data,
                             const std::map<std::string, std::string>& provenance,
                             std::size_t max_features = 32);

}  // namespace snac::io
