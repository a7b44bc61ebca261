// Sample arrays in and predictions out (snac predict). Reading reuses the importers' NPY and
// CSV readers; writing is NPY 1.0 (magic, version, header length, Python-dict header padded to
// a multiple of 64 bytes, raw C-order data).
#include "snac/io/sample_arrays.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "import_formats.hpp"
#include "snac/core/error.hpp"

namespace snac::io {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

template <class T>
void write_npy_impl(const std::string& path, const std::vector<std::int64_t>& shape,
                    const std::vector<T>& values, const char* descr) {
    std::string dims;
    for (auto d : shape) dims += std::to_string(d) + ", ";
    if (shape.size() > 1) dims.resize(dims.size() - 2);  // (N,) keeps its comma
    std::string header = std::string("{'descr': '") + descr +
                         "', 'fortran_order': False, 'shape': (" + dims + "), }";
    const std::size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header += '\n';
    std::string out = "\x93NUMPY";
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>((header.size() >> 8) & 0xff);
    out += header;
    out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f.write(out.data(), static_cast<std::streamsize>(out.size()));
        if (!f.flush()) {
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            throw Error("cannot write '" + tmp + "'", "check the directory and disk space");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw Error("cannot move '" + tmp + "' into place as '" + path + "'");
    }
}

}  // namespace

SampleArray read_samples(const std::string& path) {
    SampleArray a;
    if (ends_with(path, ".npy")) {
        detail::NpyArray n = detail::read_npy(path);
        if (n.shape.empty())
            throw UsageError("'" + path + "' holds a scalar", "save samples as [N, features...]");
        a.shape = n.shape;
        a.values.assign(n.values.begin(), n.values.end());
    } else if (ends_with(path, ".csv") || ends_with(path, ".csv.gz")) {
        detail::CsvTable table(path);
        std::vector<std::size_t> cols(table.header().size());
        std::iota(cols.begin(), cols.end(), std::size_t{0});
        std::vector<std::string> texts;
        std::vector<std::int64_t> lines;
        const std::int64_t rows = table.read_rows(cols, -1, a.values, texts, lines);
        a.shape = {rows, static_cast<std::int64_t>(cols.size())};
    } else {
        throw UsageError("'" + path + "' is not a .npy or .csv file",
                         "pass samples as NPY ([N, ...]), CSV (a header, then one sample a row) "
                         "or a snac dataset (.h5)");
    }
    for (float v : a.values)
        if (!std::isfinite(v))
            throw UsageError("'" + path + "' holds a NaN or infinite value",
                             "clean the samples before predicting");
    return a;
}

void write_npy(const std::string& path, const std::vector<std::int64_t>& shape,
               const std::vector<float>& values) {
    write_npy_impl(path, shape, values, "<f4");
}

void write_npy(const std::string& path, const std::vector<std::int64_t>& shape,
               const std::vector<double>& values) {
    write_npy_impl(path, shape, values, "<f8");
}

}  // namespace snac::io
