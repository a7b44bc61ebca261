#pragma once
// Private to io: one reader per raw source format (import_<format>.cpp), plus the CSV table they
// share. Each returns a Dataset with samples and labels only (no split, no normalisation).
#include <cstdint>
#include <string>
#include <vector>

#include "snac/core/config/data_config.hpp"
#include "snac/core/dataset.hpp"

namespace snac::io::detail {

Dataset read_csv_source(const DataSourceConfig& source, const std::vector<std::string>& dirs);
Dataset read_idx_source(const DataSourceConfig& source, const std::vector<std::string>& dirs);
Dataset read_npy_source(const DataSourceConfig& source, const std::vector<std::string>& dirs);
Dataset read_hdf5_source(const DataSourceConfig& source, const std::vector<std::string>& dirs);
Dataset read_jets_hlf_source(const DataSourceConfig& source, const std::vector<std::string>& dirs);
Dataset read_jets_constituents_source(const DataSourceConfig& source,
                                      const std::vector<std::string>& dirs);

/// A whole .npy array (NumPy format versions 1-3), values widened to double.
struct NpyArray {
    std::vector<std::int64_t> shape;
    std::vector<double> values;
    bool integer = false;  ///< integer or bool dtype
};
/// Throws UsageError for a file that is not NPY or has an unsupported dtype.
NpyArray read_npy(const std::string& file);

/// A parsed CSV file: header names (trimmed) and the raw text, rows parsed on demand.
class CsvTable {
public:
    /// Reads (and gunzips) `path`; throws UsageError for an empty file or a missing header.
    explicit CsvTable(std::string path);
    const std::vector<std::string>& header() const { return header_; }
    const std::string& file() const { return file_; }
    /// Index of column `name`; throws UsageError listing the columns with a suggestion.
    std::size_t column(const std::string& name, const std::string& role) const;
    /// -1 when absent (exact match after trimming, case-insensitive).
    std::int64_t find_column(const std::string& name) const;

    /// Parses every data row: the `numeric` columns into `values` (rows x numeric.size(),
    /// row-major) and the `text` column (if >= 0) into `texts`; `lines` gets each row's 1-based
    /// line number. Ragged rows and non-numeric or non-finite cells throw UsageError naming the
    /// line and column. Returns the number of rows.
    std::int64_t read_rows(const std::vector<std::size_t>& numeric, std::int64_t text,
                           std::vector<float>& values, std::vector<std::string>& texts,
                           std::vector<std::int64_t>& lines) const;

private:
    std::string file_;
    std::string text_;
    std::size_t body_ = 0;  ///< offset of the first data line
    std::vector<std::string> header_;
};

/// Labels from an array y with `rows` samples of `width` values each: width 1 integer-valued
/// -> classes; width > 1 one-hot rows -> classes (argmax); otherwise regression targets.
/// `task` forces the interpretation; `what` names the source in errors.
void labels_from_array(Dataset& data, const std::vector<double>& y, std::int64_t rows,
                       std::int64_t width, bool integer_type, TaskChoice task,
                       const std::string& what);

}  // namespace snac::io::detail
