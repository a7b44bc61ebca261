#pragma once
/// Importers: raw files (CSV/CSV.gz, IDX(.gz), NPY, hls4ml jet formats, plain HDF5 arrays) to an
/// in-memory Dataset, then subset, split (stratified for classification) and normalisation fitted
/// on the training split only.
#include <map>
#include <string>
#include <vector>

#include "snac/core/config/data_config.hpp"
#include "snac/core/dataset.hpp"

namespace snac::io {

/// Reads the raw samples and labels of `source` (no split, no normalisation). Relative source
/// paths are looked up in `dirs` in order (absolute paths are used as they are). Throws
/// UsageError naming the file, the line or record, and the fix.
Dataset read_source(const DataSourceConfig& source, const std::vector<std::string>& dirs);

/// Assigns train/val/test indices: a seeded permutation, per class when `split.stratify` and the
/// task is classification. Fractions are of each class (or of all samples); indices ascending.
void split_dataset(Dataset& data, const SplitConfig& split);

/// Fits `method` on the training split, applies it to every sample and records it in
/// data.scaling. Channels with zero spread get scale 1.
void normalize_dataset(Dataset& data, Normalization method);

/// read_source, subset, split_dataset and normalize_dataset for a whole `data:` section.
Dataset import_dataset(const DataConfig& config, const std::vector<std::string>& dirs);

/// Canonical text of every option that determines an imported dataset (stored as provenance and
/// compared by resolve_dataset to decide whether a dataset is stale).
std::string import_signature(const DataConfig& config);

/// Provenance attributes for a dataset imported from `config` (signature, source files, version).
std::map<std::string, std::string> import_provenance(const DataConfig& config, const Dataset& data);

}  // namespace snac::io
