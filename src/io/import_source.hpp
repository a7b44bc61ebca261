#pragma once
// Private to io: locating and reading raw source files for the importers.
#include <string>
#include <vector>

#include "snac/core/dataset.hpp"

namespace snac::io::detail {

/// `path` if absolute, else the first <dir>/<path> that exists; throws UsageError listing the
/// places looked at.
std::string locate_source(const std::string& path, const std::vector<std::string>& dirs);

/// Whole file contents, transparently gunzipped (zlib). Throws UsageError for a missing file or
/// a truncated/corrupt gzip stream, naming the file.
std::string read_bytes(const std::string& path);

/// Class index per sample from raw label values; classes are the sorted distinct values; names
/// are their text. `values_text` gives each sample's label as written.
void assign_classes(Dataset& data, const std::vector<std::string>& values_text);

/// Closest candidate for a "did you mean" hint ("" when none is close).
std::string closest_name(const std::string& word, const std::vector<std::string>& names);

}  // namespace snac::io::detail
