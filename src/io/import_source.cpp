#include "import_source.hpp"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <map>

#include "snac/core/error.hpp"
#include "snac/core/suggest.hpp"

namespace snac::io::detail {

namespace fs = std::filesystem;

std::string locate_source(const std::string& path, const std::vector<std::string>& dirs) {
    if (path.empty())
        throw UsageError("a source file name is empty", "name the file in the config");
    std::error_code ec;
    if (fs::path(path).is_absolute()) {
        if (fs::exists(path, ec)) return path;
        throw UsageError("source file '" + path + "' does not exist", "check the path");
    }
    std::string tried;
    for (const auto& dir : dirs) {
        const fs::path candidate = fs::path(dir) / path;
        if (fs::exists(candidate, ec)) return candidate.string();
        tried += (tried.empty() ? "" : ", ") + candidate.string();
    }
    if (fs::exists(path, ec)) return path;
    throw UsageError("source file '" + path + "' not found (looked in: " + tried + ")",
                     "set SNAC_DATA_DIR to the directory holding it, give an absolute path, or "
                     "download it with scripts/fetch_data.sh");
}

std::string read_bytes(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw UsageError("'" + path + "' does not exist or is not a file", "check the path");
    gzFile gz = gzopen(path.c_str(), "rb");
    if (gz == nullptr)
        throw UsageError("cannot open '" + path + "'", "check that the file is readable");
    std::string out;
    std::vector<char> buf(1 << 20);
    for (;;) {
        const int n = gzread(gz, buf.data(), static_cast<unsigned>(buf.size()));
        if (n < 0) {
            int code = 0;
            const std::string msg = gzerror(gz, &code);
            gzclose(gz);
            throw UsageError("'" + path + "' is a truncated or corrupt gzip file (" + msg +
                                 ", after " + std::to_string(out.size()) + " bytes)",
                             "download or copy the file again");
        }
        if (n == 0) break;
        out.append(buf.data(), static_cast<std::size_t>(n));
    }
    // zlib reports a stream cut short only through gzerror after the last read.
    int code = Z_OK;
    const std::string msg = gzerror(gz, &code);
    const int close_status = gzclose(gz);
    if ((code != Z_OK && code != Z_STREAM_END) || close_status == Z_BUF_ERROR)
        throw UsageError("'" + path + "' is a truncated or corrupt gzip file (" +
                             (code != Z_OK ? msg : std::string("unexpected end of file")) +
                             ", after " + std::to_string(out.size()) + " bytes)",
                         "download or copy the file again");
    return out;
}

void assign_classes(Dataset& data, const std::vector<std::string>& values_text) {
    // Numeric labels sort numerically (so "10" follows "9"), text labels alphabetically.
    bool numeric = true;
    std::map<std::string, double> value_of;
    for (const auto& v : values_text) {
        if (value_of.count(v)) continue;
        double d = 0;
        auto [p, e] = std::from_chars(v.data(), v.data() + v.size(), d);
        if (e != std::errc() || p != v.data() + v.size()) numeric = false;
        value_of[v] = d;
    }
    std::vector<std::string> names;
    for (const auto& [k, v] : value_of) names.push_back(k);
    if (numeric)
        std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
            return value_of[a] < value_of[b];
        });
    std::map<std::string, std::int32_t> index;
    for (std::size_t i = 0; i < names.size(); ++i) index[names[i]] = static_cast<std::int32_t>(i);
    data.task = TaskType::kClassification;
    data.class_names = names;
    data.n_classes = static_cast<std::int64_t>(names.size());
    data.labels.resize(values_text.size());
    for (std::size_t i = 0; i < values_text.size(); ++i) data.labels[i] = index[values_text[i]];
}

std::string closest_name(const std::string& word, const std::vector<std::string>& names) {
    std::string best = did_you_mean(word, names, LetterCase::kInsensitive);
    // A word that is the start of a longer name ("target" for "target_class") is a good guess too.
    if (best.empty() && word.size() >= 3) {
        auto lower = [](std::string s) {
            for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return s;
        };
        const std::string w = lower(word);
        for (const auto& name : names)
            if (lower(name).rfind(w, 0) == 0) return name;
    }
    return best;
}

}  // namespace snac::io::detail
