// IDX / IDX.gz importer (the MNIST file format: big-endian magic 0x00 0x00 <type> <rank>, then
// rank u32 sizes, then the data). Images become [1, H, W] floats in [0, 1] (pixel / 255), with
// optional down-sizing by area averaging (each output pixel is the mean of the input area it
// covers, fractional pixels weighted by overlap, as PIL's BOX / OpenCV's INTER_AREA filters).
#include <algorithm>
#include <cstdint>

#include "import_formats.hpp"
#include "import_source.hpp"
#include "snac/core/error.hpp"

namespace snac::io::detail {
namespace {

struct IdxArray {
    std::vector<std::uint32_t> dims;
    std::size_t offset = 0;  ///< first data byte
};

std::uint32_t be32(const std::string& b, std::size_t at) {
    return (std::uint32_t{static_cast<unsigned char>(b[at])} << 24) |
           (std::uint32_t{static_cast<unsigned char>(b[at + 1])} << 16) |
           (std::uint32_t{static_cast<unsigned char>(b[at + 2])} << 8) |
           std::uint32_t{static_cast<unsigned char>(b[at + 3])};
}

// Checks the header for unsigned-byte data of rank `rank` (magic 0x0801 labels, 0x0803 images).
IdxArray parse_idx(const std::string& bytes, const std::string& file, unsigned rank,
                   const char* role) {
    const std::uint32_t want_magic = 0x0800u | rank;
    if (bytes.size() < 4 + 4 * rank)
        throw UsageError(
            "'" + file + "' is too short for an IDX " + role + " file (" +
                std::to_string(bytes.size()) + " bytes)",
            "give the " + std::string(role) + " file in IDX format (e.g. " +
                (rank == 1 ? "t10k-labels-idx1-ubyte.gz" : "t10k-images-idx3-ubyte.gz") + ")");
    const std::uint32_t magic = be32(bytes, 0);
    if (magic != want_magic) {
        std::string hint = "expected magic " + std::to_string(want_magic) + " (" + role + ", " +
                           std::to_string(rank) + "-D unsigned bytes)";
        if (magic == 0x0801u || magic == 0x0803u)
            hint += "; this looks like the " + std::string(magic == 0x0801u ? "labels" : "images") +
                    " file: are 'images' and 'labels' swapped?";
        throw UsageError("'" + file + "' has IDX magic number " + std::to_string(magic) + ", not " +
                             std::to_string(want_magic),
                         hint);
    }
    IdxArray a;
    std::uint64_t total = 1;
    for (unsigned i = 0; i < rank; ++i) {
        a.dims.push_back(be32(bytes, 4 + 4 * i));
        total *= a.dims.back();
    }
    a.offset = 4 + 4 * rank;
    if (bytes.size() - a.offset != total)
        throw UsageError("'" + file + "' size mismatch: its header promises " +
                             std::to_string(total) + " data bytes but the file holds " +
                             std::to_string(bytes.size() - a.offset),
                         "the file is truncated or not an IDX file; download it again");
    return a;
}

// Area-averages one h x w image (values in [0,1]) down or up to oh x ow.
void resize_area(const float* in, std::int64_t h, std::int64_t w, float* out, std::int64_t oh,
                 std::int64_t ow) {
    const double sy = static_cast<double>(h) / static_cast<double>(oh);
    const double sx = static_cast<double>(w) / static_cast<double>(ow);
    for (std::int64_t oy = 0; oy < oh; ++oy) {
        const double y0 = oy * sy, y1 = (oy + 1) * sy;
        for (std::int64_t ox = 0; ox < ow; ++ox) {
            const double x0 = ox * sx, x1 = (ox + 1) * sx;
            double sum = 0, area = 0;
            for (auto iy = static_cast<std::int64_t>(y0); iy < h && iy < y1; ++iy) {
                const double wy = std::min<double>(iy + 1, y1) - std::max<double>(iy, y0);
                if (wy <= 0) continue;
                for (auto ix = static_cast<std::int64_t>(x0); ix < w && ix < x1; ++ix) {
                    const double wx = std::min<double>(ix + 1, x1) - std::max<double>(ix, x0);
                    if (wx <= 0) continue;
                    sum += wy * wx * in[iy * w + ix];
                    area += wy * wx;
                }
            }
            out[oy * ow + ox] = static_cast<float>(sum / area);
        }
    }
}

}  // namespace

Dataset read_idx_source(const DataSourceConfig& source, const std::vector<std::string>& dirs) {
    const std::string images_file = locate_source(source.images, dirs);
    const std::string labels_file = locate_source(source.labels, dirs);
    const std::string images = read_bytes(images_file);
    const std::string labels = read_bytes(labels_file);
    const IdxArray im = parse_idx(images, images_file, 3, "images");
    const IdxArray lb = parse_idx(labels, labels_file, 1, "labels");
    if (im.dims[0] != lb.dims[0])
        throw UsageError("'" + images_file + "' holds " + std::to_string(im.dims[0]) +
                             " images but '" + labels_file + "' holds " +
                             std::to_string(lb.dims[0]) + " labels",
                         "pair the images file with its own labels file (train with train, "
                         "t10k with t10k)");
    std::int64_t n = im.dims[0];
    if (source.subset > 0) n = std::min<std::int64_t>(n, source.subset);
    const std::int64_t h = im.dims[1], w = im.dims[2];
    const std::int64_t oh = source.resize.empty() ? h : source.resize[0];
    const std::int64_t ow = source.resize.empty() ? w : source.resize[1];

    Dataset data;
    data.n_samples = n;
    data.sample_shape = {1, oh, ow};
    data.x.resize(static_cast<std::size_t>(n * oh * ow));
    std::vector<float> pixels(static_cast<std::size_t>(h * w));
    for (std::int64_t s = 0; s < n; ++s) {
        const auto* src =
            reinterpret_cast<const unsigned char*>(images.data() + im.offset) + s * h * w;
        for (std::int64_t i = 0; i < h * w; ++i)
            pixels[static_cast<std::size_t>(i)] = src[i] / 255.0f;
        float* dst = data.x.data() + s * oh * ow;
        if (oh == h && ow == w)
            std::copy(pixels.begin(), pixels.end(), dst);
        else
            resize_area(pixels.data(), h, w, dst, oh, ow);
    }
    for (std::int64_t r = 0; r < oh; ++r)
        for (std::int64_t c = 0; c < ow; ++c)
            data.feature_names.push_back("px_" + std::to_string(r) + "_" + std::to_string(c));
    // The byte is the class index itself, so a subset missing a digit keeps the numbering.
    data.task = TaskType::kClassification;
    data.labels.resize(static_cast<std::size_t>(n));
    std::int32_t max_label = 0;
    for (std::int64_t s = 0; s < n; ++s) {
        const std::int32_t v =
            static_cast<unsigned char>(labels[lb.offset + static_cast<std::size_t>(s)]);
        data.labels[static_cast<std::size_t>(s)] = v;
        max_label = std::max(max_label, v);
    }
    data.n_classes = max_label + 1;
    for (std::int32_t c = 0; c <= max_label; ++c) data.class_names.push_back(std::to_string(c));
    return data;
}

}  // namespace snac::io::detail
