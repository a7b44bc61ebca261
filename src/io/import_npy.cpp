// NPY importer (NumPy's .npy format, versions 1-3: magic "\x93NUMPY", a little-endian header
// length, a Python-dict header with descr / fortran_order / shape, then the raw C-order data).
// X: [N, ...] -> samples of shape [...]; y: class indices [N], one-hot [N, C] or targets [N, T].
#include <algorithm>
#include <bit>
#include <cstring>
#include <regex>

#include "import_formats.hpp"
#include "import_source.hpp"
#include "snac/core/error.hpp"

namespace snac::io::detail {
namespace {

const char* kDtypeHint =
    "save it with a supported dtype: float32/float64, int8..int64, uint8..uint64 or bool, e.g. "
    "np.save(path, a.astype(np.float32))";

template <class T>
void convert(const char* p, std::size_t n, bool swap, std::vector<double>& out) {
    out.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        unsigned char raw[sizeof(T)];
        std::memcpy(raw, p + i * sizeof(T), sizeof(T));
        if (swap) std::reverse(raw, raw + sizeof(T));
        T v;
        std::memcpy(&v, raw, sizeof(T));
        out[i] = static_cast<double>(v);
    }
}

}  // namespace

NpyArray read_npy(const std::string& file) {
    const std::string b = read_bytes(file);
    if (b.size() < 10 || b.compare(0, 6, "\x93NUMPY") != 0)
        throw UsageError("'" + file + "' is not an NPY file (missing the \\x93NUMPY magic)",
                         "save the array with numpy.save()");
    const int major = static_cast<unsigned char>(b[6]);
    std::size_t header_len = 0, start = 0;
    if (major == 1) {
        header_len = static_cast<unsigned char>(b[8]) | (static_cast<unsigned char>(b[9]) << 8);
        start = 10;
    } else if (major == 2 || major == 3) {
        if (b.size() < 12)
            throw UsageError("'" + file + "' NPY header is truncated", "save it again");
        for (int i = 3; i >= 0; --i)
            header_len =
                (header_len << 8) | static_cast<unsigned char>(b[8 + static_cast<std::size_t>(i)]);
        start = 12;
    } else {
        throw UsageError("'" + file + "' has NPY format version " + std::to_string(major) +
                             ", which snac does not read",
                         "save it with numpy.save() (versions 1-3)");
    }
    if (b.size() < start + header_len)
        throw UsageError("'" + file + "' NPY header is truncated", "save the array again");
    const std::string header = b.substr(start, header_len);
    std::smatch m;
    if (!std::regex_search(header, m, std::regex(R"('descr'\s*:\s*'([^']*)')")))
        throw UsageError("'" + file + "' NPY header has no 'descr'", "save it with numpy.save()");
    const std::string descr = m[1];
    if (std::regex_search(header, m, std::regex(R"('fortran_order'\s*:\s*True)")))
        throw UsageError("'" + file + "' is stored in Fortran (column-major) order",
                         "save np.ascontiguousarray(a) instead");
    if (!std::regex_search(header, m, std::regex(R"('shape'\s*:\s*\(([^)]*)\))")))
        throw UsageError("'" + file + "' NPY header has no 'shape'", "save it with numpy.save()");
    NpyArray a;
    const std::string dims = m[1];
    const std::regex number(R"(\d+)");
    for (std::sregex_iterator it(dims.begin(), dims.end(), number), end; it != end; ++it)
        a.shape.push_back(std::stoll(it->str()));

    const char order = descr.empty() ? '?' : descr[0];
    const std::string kind = descr.size() > 1 ? descr.substr(1) : "";
    const bool little = std::endian::native == std::endian::little;
    const bool swap = (order == '>' && little) || (order == '<' && !little);
    std::size_t n = 1;
    for (auto d : a.shape) n *= static_cast<std::size_t>(d);
    const char* p = b.data() + start + header_len;
    const std::size_t have = b.size() - start - header_len;
    auto need = [&](std::size_t size) {
        if (have != n * size)
            throw UsageError("'" + file + "' size mismatch: shape promises " +
                                 std::to_string(n * size) + " data bytes, the file holds " +
                                 std::to_string(have),
                             "the file is truncated; save it again");
    };
    if (kind == "f4") {
        need(4);
        convert<float>(p, n, swap, a.values);
    } else if (kind == "f8") {
        need(8);
        convert<double>(p, n, swap, a.values);
    } else if (kind == "i1") {
        need(1);
        convert<std::int8_t>(p, n, false, a.values);
        a.integer = true;
    } else if (kind == "u1") {
        need(1);
        convert<std::uint8_t>(p, n, false, a.values);
        a.integer = true;
    } else if (kind == "b1") {
        need(1);
        convert<std::uint8_t>(p, n, false, a.values);
        a.integer = true;
    } else if (kind == "i2") {
        need(2);
        convert<std::int16_t>(p, n, swap, a.values);
        a.integer = true;
    } else if (kind == "u2") {
        need(2);
        convert<std::uint16_t>(p, n, swap, a.values);
        a.integer = true;
    } else if (kind == "i4") {
        need(4);
        convert<std::int32_t>(p, n, swap, a.values);
        a.integer = true;
    } else if (kind == "u4") {
        need(4);
        convert<std::uint32_t>(p, n, swap, a.values);
        a.integer = true;
    } else if (kind == "i8") {
        need(8);
        convert<std::int64_t>(p, n, swap, a.values);
        a.integer = true;
    } else if (kind == "u8") {
        need(8);
        convert<std::uint64_t>(p, n, swap, a.values);
        a.integer = true;
    } else
        throw UsageError("'" + file + "' has NPY dtype '" + descr + "', which snac does not import",
                         kDtypeHint);
    return a;
}

Dataset read_npy_source(const DataSourceConfig& source, const std::vector<std::string>& dirs) {
    const std::string x_file = locate_source(source.x, dirs);
    const std::string y_file = locate_source(source.y, dirs);
    NpyArray x = read_npy(x_file);
    NpyArray y = read_npy(y_file);
    if (x.shape.empty() || y.shape.empty())
        throw UsageError("NPY arrays must have a sample axis first ('" + x_file + "' / '" + y_file +
                             "' is a scalar)",
                         "save X as [N, features...] and y as [N] or [N, outputs]");
    if (x.shape[0] != y.shape[0])
        throw UsageError("'" + x_file + "' holds " + std::to_string(x.shape[0]) + " samples but '" +
                             y_file + "' holds " + std::to_string(y.shape[0]),
                         "X and y must have the same first dimension");
    std::int64_t n = x.shape[0];
    const std::int64_t width =
        y.shape.size() > 1
            ? y.values.size() / static_cast<std::size_t>(std::max<std::int64_t>(n, 1))
            : 1;
    if (source.subset > 0) n = std::min<std::int64_t>(n, source.subset);
    Dataset data;
    data.n_samples = n;
    data.sample_shape.assign(x.shape.begin() + 1, x.shape.end());
    if (data.sample_shape.empty()) data.sample_shape = {1};
    const auto ss = static_cast<std::size_t>(data.sample_size());
    data.x.assign(x.values.begin(),
                  x.values.begin() + static_cast<std::ptrdiff_t>(ss * static_cast<std::size_t>(n)));
    y.values.resize(static_cast<std::size_t>(n * width));
    labels_from_array(data, y.values, n, width, y.integer, source.task, "'" + y_file + "'");
    if (data.sample_shape.size() == 1)
        for (std::int64_t f = 0; f < data.sample_shape[0]; ++f)
            data.feature_names.push_back("x" + std::to_string(f));
    return data;
}

}  // namespace snac::io::detail
