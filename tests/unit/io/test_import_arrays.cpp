// Array importers (NPY files, plain HDF5 datasets): label interpretation and sample shapes.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "hdf5_util.hpp"
#include "snac/core/error.hpp"
#include "snac/io/import.hpp"

namespace snac::io {
namespace {

namespace fs = std::filesystem;

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "snac-arr-XXXXXX").string();
        path = mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// A version-1 .npy file of `shape` with raw little-endian `data`.
template <class T>
void write_npy(const std::string& file, const std::string& descr, const std::string& shape,
               const std::vector<T>& values) {
    std::string header =
        "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::ofstream out(file, std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    out.put(static_cast<char>(header.size() & 0xff));
    out.put(static_cast<char>(header.size() >> 8));
    out << header;
    out.write(reinterpret_cast<const char*>(values.data()),
              static_cast<std::streamsize>(values.size() * sizeof(T)));
}

TEST(ImportArrays, NpyImagesWithOneHotLabels) {
    TempDir d;
    std::vector<float> x(4 * 2 * 3);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
    write_npy(d / "x.npy", "<f4", "(4, 2, 3)", x);
    write_npy(d / "y.npy", "<f8", "(4, 3)",
              std::vector<double>{0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1});
    DataSourceConfig s;
    s.format = DataFormat::kNpy;
    s.x = "x.npy";
    s.y = "y.npy";
    const Dataset data = read_source(s, {d.path.string()});
    EXPECT_EQ(data.sample_shape, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(data.task, TaskType::kClassification);
    EXPECT_EQ(data.n_classes, 3);
    EXPECT_EQ(data.labels, (std::vector<std::int32_t>{2, 0, 1, 2}));
    EXPECT_EQ(data.x[23], 23.0f);
}

TEST(ImportArrays, NpyFloatTargetsAreRegressionAndSubsetApplies) {
    TempDir d;
    write_npy(d / "x.npy", "<f8", "(5,)", std::vector<double>{1, 2, 3, 4, 5});
    write_npy(d / "y.npy", "<f4", "(5, 2)",
              std::vector<float>{0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f, 4, 4.5f, 5});
    DataSourceConfig s;
    s.format = DataFormat::kNpy;
    s.x = d / "x.npy";
    s.y = d / "y.npy";
    s.subset = 3;
    const Dataset data = read_source(s, {});
    EXPECT_EQ(data.n_samples, 3);
    EXPECT_EQ(data.sample_shape, (std::vector<std::int64_t>{1}));
    EXPECT_EQ(data.task, TaskType::kRegression);
    EXPECT_EQ(data.target_dim, 2);
    EXPECT_EQ(data.targets, (std::vector<float>{0.5f, 1, 1.5f, 2, 2.5f, 3}));
    // Forcing classification on non-integer labels is an error with a hint.
    s.task = TaskChoice::kClassification;
    write_npy(d / "y1.npy", "<f4", "(5,)", std::vector<float>{0.5f, 1, 1, 0, 1});
    s.y = d / "y1.npy";
    EXPECT_THROW(read_source(s, {}), UsageError);
}

TEST(ImportArrays, NpyBigEndianAndMismatchedCounts) {
    TempDir d;
    std::vector<std::uint32_t> be = {0x0000803fu, 0x00000040u};  // 1.0f, 2.0f as big-endian bytes
    write_npy(d / "x.npy", ">f4", "(2,)", be);
    write_npy(d / "y.npy", "|u1", "(2,)", std::vector<std::uint8_t>{3, 7});
    DataSourceConfig s;
    s.format = DataFormat::kNpy;
    s.x = d / "x.npy";
    s.y = d / "y.npy";
    const Dataset data = read_source(s, {});
    EXPECT_EQ(data.x, (std::vector<float>{1.0f, 2.0f}));
    // Non-negative integer labels are class indices: 8 classes, 3 and 7 present.
    EXPECT_EQ(data.n_classes, 8);
    EXPECT_EQ(data.labels, (std::vector<std::int32_t>{3, 7}));
    write_npy(d / "y3.npy", "|u1", "(3,)", std::vector<std::uint8_t>{0, 1, 0});
    s.y = d / "y3.npy";
    EXPECT_THROW(read_source(s, {}), UsageError);
}

TEST(ImportArrays, PlainHdf5Datasets) {
    TempDir d;
    {
        h5::Handle f = h5::create_file(d / "a.h5");
        h5::Handle g = h5::create_group(f, "train");
        const std::vector<float> x = {1, 2, 3, 4, 5, 6};
        const std::vector<std::int64_t> y = {1, 0, 1};
        h5::write_array<float>(g, "features", {3, 2}, x.data());
        h5::write_array<std::int64_t>(g, "target", {3}, y.data());
    }
    DataSourceConfig s;
    s.format = DataFormat::kHdf5;
    s.file = d / "a.h5";
    s.x = "train/features";
    s.y = "train/target";
    const Dataset data = read_source(s, {});
    EXPECT_EQ(data.n_samples, 3);
    EXPECT_EQ(data.sample_shape, (std::vector<std::int64_t>{2}));
    EXPECT_EQ(data.labels, (std::vector<std::int32_t>{1, 0, 1}));
    EXPECT_EQ(data.x[5], 6.0f);
    s.y = "train/labels";
    try {
        read_source(s, {});
        FAIL() << "expected UsageError";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("no dataset 'train/labels'"), std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace snac::io
