#pragma once
/// Datasets on disk (HDF5 layout of docs/data-format.md): finding, importing and loading them.
#include <string>

#include "snac/core/config/data_config.hpp"
#include "snac/core/dataset.hpp"

namespace snac::io {

/// Directories searched for raw data and datasets, in order: $SNAC_DATA_DIR (default
/// ../shared/data relative to the working directory), then ./data.
std::vector<std::string> data_search_dirs();

/// Returns the HDF5 dataset the config names: `path` if given; else <dir>/<name>.h5 in the search
/// dirs; else imports it from `source` into ./data/<name>.h5 (atomically) and returns that path.
/// `base_dir` resolves relative paths of the config. Throws UsageError naming what is missing.
std::string resolve_dataset(const DataConfig& config, const std::string& base_dir);

/// Loads a snac HDF5 dataset into memory (float32). Throws UsageError if it is not one.
Dataset load_dataset(const std::string& h5_path);

}  // namespace snac::io
