// CSV / CSV.gz importer: a header row naming the columns, one sample per line, a named label
// column. Fields may be quoted; spaces around fields and CRLF line ends are accepted (HTRU2).
#include <charconv>
#include <cmath>
#include <string_view>

#include "import_formats.hpp"
#include "import_source.hpp"
#include "snac/core/error.hpp"

namespace snac::io::detail {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// Splits one line into fields; a quoted field may hold commas and "" for a quote.
void split_fields(std::string_view line, std::vector<std::string>& out) {
    out.clear();
    std::size_t i = 0;
    for (;;) {
        std::string field;
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        if (i < line.size() && line[i] == '"') {
            ++i;
            while (i < line.size()) {
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += line[i++];
            }
            while (i < line.size() && line[i] != ',') ++i;
        } else {
            const std::size_t start = i;
            while (i < line.size() && line[i] != ',') ++i;
            field = std::string(trim(line.substr(start, i - start)));
        }
        out.push_back(std::move(field));
        if (i >= line.size()) break;
        ++i;  // the comma
    }
}

// Next line starting at `pos` (without its line end); advances pos. False at end of text.
bool next_line(const std::string& text, std::size_t& pos, std::string_view& line) {
    if (pos >= text.size()) return false;
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    line = std::string_view(text).substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    return true;
}

bool blank(std::string_view line) {
    return trim(line).empty();
}

std::string list_columns(const std::vector<std::string>& header) {
    std::string out;
    for (const auto& h : header) out += (out.empty() ? "" : ", ") + ("'" + h + "'");
    return out;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

CsvTable::CsvTable(std::string path) : file_(std::move(path)), text_(read_bytes(file_)) {
    std::size_t pos = 0;
    std::string_view line;
    bool found = false;
    while (next_line(text_, pos, line)) {
        if (!blank(line)) {
            found = true;
            break;
        }
    }
    if (!found)
        throw UsageError("'" + file_ + "' is empty",
                         "a CSV file needs a header row naming the columns, then one row per "
                         "sample");
    split_fields(line, header_);
    body_ = pos;
    for (std::size_t i = 0; i < header_.size(); ++i) {
        if (header_[i].empty())
            throw UsageError("'" + file_ + "' line 1: column " + std::to_string(i + 1) +
                                 " of the header has no name",
                             "the first row must name every column");
        for (std::size_t j = 0; j < i; ++j)
            if (header_[j] == header_[i])
                throw UsageError(
                    "'" + file_ + "' line 1: column name '" + header_[i] + "' appears twice",
                    "give every column a distinct name");
    }
}

std::int64_t CsvTable::find_column(const std::string& name) const {
    const std::string want = lower(std::string(trim(name)));
    for (std::size_t i = 0; i < header_.size(); ++i)
        if (lower(header_[i]) == want) return static_cast<std::int64_t>(i);
    return -1;
}

std::size_t CsvTable::column(const std::string& name, const std::string& role) const {
    const std::int64_t i = find_column(name);
    if (i >= 0) return static_cast<std::size_t>(i);
    const std::string close = closest_name(name, header_);
    throw UsageError("'" + file_ + "' has no " + role + " column '" + name + "'",
                     (close.empty() ? std::string() : "did you mean '" + close + "'? ") +
                         "columns are: " + list_columns(header_));
}

std::int64_t CsvTable::read_rows(const std::vector<std::size_t>& numeric, std::int64_t text,
                                 std::vector<float>& values, std::vector<std::string>& texts,
                                 std::vector<std::int64_t>& lines) const {
    values.clear();
    texts.clear();
    lines.clear();
    std::size_t pos = body_;
    std::int64_t line_no = 1;
    for (std::size_t p = 0; p < body_ && p < text_.size(); ++p) line_no += text_[p] == '\n';
    std::string_view line;
    std::vector<std::string> fields;
    std::int64_t rows = 0;
    for (; next_line(text_, pos, line); ++line_no) {
        if (blank(line)) continue;
        split_fields(line, fields);
        if (fields.size() != header_.size())
            throw UsageError("'" + file_ + "' line " + std::to_string(line_no) +
                                 ": ragged row with " + std::to_string(fields.size()) +
                                 " fields, the header has " + std::to_string(header_.size()),
                             "every row needs one value per header column (check for a missing "
                             "or extra comma)");
        for (std::size_t c : numeric) {
            const std::string& cell = fields[c];
            double v = 0;
            auto [p, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
            if (cell.empty() || ec != std::errc() || p != cell.data() + cell.size())
                throw UsageError("'" + file_ + "' line " + std::to_string(line_no) + ", column '" +
                                     header_[c] + "': '" + cell + "' is not a number",
                                 cell.empty() ? "fill in the missing value or drop the row"
                                              : "feature columns must hold numbers; exclude the "
                                                "column with 'features:' or fix the value");
            if (!std::isfinite(v))
                throw UsageError("'" + file_ + "' line " + std::to_string(line_no) + ", column '" +
                                     header_[c] + "': value '" + cell + "' is not finite",
                                 "replace NaN/infinite values or drop the row");
            values.push_back(static_cast<float>(v));
        }
        if (text >= 0) {
            const std::string& cell = fields[static_cast<std::size_t>(text)];
            if (cell.empty())
                throw UsageError("'" + file_ + "' line " + std::to_string(line_no) + ", column '" +
                                     header_[static_cast<std::size_t>(text)] + "' is empty",
                                 "every row needs a label");
            texts.push_back(cell);
        }
        lines.push_back(line_no);
        ++rows;
    }
    if (rows == 0)
        throw UsageError("'" + file_ + "' has a header but no data rows",
                         "add one row per sample below the header");
    return rows;
}

Dataset read_csv_source(const DataSourceConfig& source, const std::vector<std::string>& dirs) {
    CsvTable table(locate_source(source.file, dirs));
    const std::size_t label = table.column(source.label_column, "label");
    std::vector<std::size_t> features;
    if (source.features.empty()) {
        for (std::size_t i = 0; i < table.header().size(); ++i)
            if (i != label) features.push_back(i);
    } else {
        for (const auto& f : source.features) {
            const std::size_t c = table.column(f, "feature");
            if (c == label)
                throw UsageError("column '" + f + "' is both the label and a feature",
                                 "remove it from 'features:'");
            features.push_back(c);
        }
    }
    if (features.empty())
        throw UsageError("'" + table.file() + "' has no feature columns besides the label '" +
                             source.label_column + "'",
                         "a CSV dataset needs at least one feature column");
    Dataset data;
    std::vector<std::string> label_text;
    std::vector<std::int64_t> lines;
    data.n_samples =
        table.read_rows(features, static_cast<std::int64_t>(label), data.x, label_text, lines);
    data.sample_shape = {static_cast<std::int64_t>(features.size())};
    for (std::size_t c : features) data.feature_names.push_back(table.header()[c]);

    // Integers or words make classes; any other number makes a regression target.
    bool all_numeric = true, all_integer = true;
    std::vector<double> numbers(label_text.size());
    for (std::size_t i = 0; i < label_text.size(); ++i) {
        const std::string& t = label_text[i];
        auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), numbers[i]);
        if (ec != std::errc() || p != t.data() + t.size() || !std::isfinite(numbers[i])) {
            all_numeric = false;
            if (source.task == TaskChoice::kRegression)
                throw UsageError("'" + table.file() + "' line " + std::to_string(lines[i]) +
                                     ", label column '" + source.label_column + "': '" + t +
                                     "' is not a number",
                                 "regression targets must be numbers");
        } else if (numbers[i] != std::floor(numbers[i])) {
            all_integer = false;
        }
    }
    const bool regression = source.task == TaskChoice::kRegression ||
                            (source.task == TaskChoice::kAuto && all_numeric && !all_integer);
    if (regression) {
        data.task = TaskType::kRegression;
        data.target_dim = 1;
        data.targets.assign(numbers.begin(), numbers.end());
        data.class_names.clear();
    } else {
        if (all_numeric)  // "1" and "1.0" are the same class
            for (std::size_t i = 0; i < label_text.size(); ++i)
                if (all_integer) label_text[i] = std::to_string(static_cast<long long>(numbers[i]));
        assign_classes(data, label_text);
    }
    return data;
}

}  // namespace snac::io::detail
