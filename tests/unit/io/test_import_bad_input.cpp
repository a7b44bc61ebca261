// Bad input: each malformed file gives one UsageError naming the file, the line or record, and
// the fix; nothing is left behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "hdf5_util.hpp"
#include "import_source.hpp"
#include "snac/core/error.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/io/import.hpp"

namespace snac::io {
namespace {

namespace fs = std::filesystem;

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "snac-bad-XXXXXX").string();
        path = mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
    std::string write(const std::string& name, const std::string& bytes) const {
        std::ofstream(path / name, std::ios::binary) << bytes;
        return (path / name).string();
    }
};

// Runs `fn`, expects a UsageError whose message contains every `parts` entry and has a hint.
void expect_usage_error(const std::function<void()>& fn, const std::vector<std::string>& parts) {
    try {
        fn();
        ADD_FAILURE() << "expected a UsageError";
    } catch (const UsageError& e) {
        const std::string what = e.what();
        for (const auto& p : parts)
            EXPECT_NE(what.find(p), std::string::npos) << "'" << p << "' not in: " << what;
        EXPECT_FALSE(e.hint().empty()) << what;
    }
}

DataSourceConfig csv(const std::string& file, const std::string& label = "y") {
    DataSourceConfig s;
    s.format = DataFormat::kCsv;
    s.file = file;
    s.label_column = label;
    return s;
}

TEST(ImportBadInput, CsvRaggedRowNamesTheLine) {
    TempDir d;
    const auto f = d.write("r.csv", "a,b,y\n1,2,0\n3,4\n5,6,1\n");
    expect_usage_error([&] { read_source(csv(f), {}); }, {f, "line 3", "ragged", "2 fields"});
}

TEST(ImportBadInput, CsvNonNumericCellNamesLineAndColumn) {
    TempDir d;
    const auto f = d.write("n.csv", "a,b,y\r\n1,2,0\r\n3,abc,1\r\n");
    expect_usage_error([&] { read_source(csv(f), {}); }, {f, "line 3", "column 'b'", "'abc'"});
    const auto g = d.write("e.csv", "a,b,y\n1,,0\n");
    expect_usage_error([&] { read_source(csv(g), {}); }, {"line 2", "column 'b'"});
    const auto h = d.write("nan.csv", "a,y\nnan,0\n");
    expect_usage_error([&] { read_source(csv(h), {}); }, {"line 2", "not finite"});
}

TEST(ImportBadInput, CsvMissingLabelColumnSuggestsOne) {
    TempDir d;
    const auto f = d.write("m.csv", "a,b,target\n1,2,0\n");
    try {
        read_source(csv(f, "targt"), {});
        FAIL() << "expected UsageError";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("no label column 'targt'"), std::string::npos);
        EXPECT_NE(e.hint().find("did you mean 'target'"), std::string::npos) << e.hint();
        EXPECT_NE(e.hint().find("'a', 'b', 'target'"), std::string::npos) << e.hint();
    }
}

TEST(ImportBadInput, CsvEmptyFileAndHeaderOnly) {
    TempDir d;
    const auto f = d.write("empty.csv", "");
    expect_usage_error([&] { read_source(csv(f), {}); }, {f, "is empty"});
    const auto g = d.write("blank.csv", "\n\n");
    expect_usage_error([&] { read_source(csv(g), {}); }, {"is empty"});
    const auto h = d.write("header.csv", "a,y\n");
    expect_usage_error([&] { read_source(csv(h), {}); }, {"no data rows"});
}

TEST(ImportBadInput, TruncatedGzipIsReported) {
    TempDir d;
    const std::string src = std::string(SNAC_SHARED_DATA_DIR) + "/htru2_pulsar/pulsar_stars.csv.gz";
    std::ifstream in(src, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_GT(bytes.size(), 1000u);
    const auto f = d.write("cut.csv.gz", bytes.substr(0, bytes.size() / 2));
    expect_usage_error([&] { read_source(csv(f, "target_class"), {}); },
                       {f, "truncated or corrupt gzip"});
    // A few bytes short at the end (the CRC trailer) is also caught.
    const auto g = d.write("short.csv.gz", bytes.substr(0, bytes.size() - 4));
    expect_usage_error([&] { detail::read_bytes(g); }, {"truncated or corrupt gzip"});
}

DataSourceConfig idx(const std::string& images, const std::string& labels) {
    DataSourceConfig s;
    s.format = DataFormat::kIdx;
    s.images = images;
    s.labels = labels;
    return s;
}

TEST(ImportBadInput, IdxWrongMagicSuggestsSwappedFiles) {
    const std::vector<std::string> dirs{SNAC_SHARED_DATA_DIR};
    try {
        read_source(idx("mnist/t10k-labels-idx1-ubyte.gz", "mnist/t10k-images-idx3-ubyte.gz"),
                    dirs);
        FAIL() << "expected UsageError";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("magic number 2049"), std::string::npos) << e.what();
        EXPECT_NE(e.hint().find("swapped"), std::string::npos) << e.hint();
    }
}

TEST(ImportBadInput, IdxSizeAndCountMismatch) {
    TempDir d;
    // Header promises 10 labels, 5 follow.
    const auto lab =
        d.write("short-labels.idx", std::string("\0\0\x08\x01\0\0\0\x0a\1\2\3\4\5", 13));
    const std::string img = std::string(SNAC_SHARED_DATA_DIR) + "/mnist/t10k-images-idx3-ubyte.gz";
    expect_usage_error([&] { read_source(idx(img, lab), {}); },
                       {lab, "size mismatch", "10 data bytes", "holds 5"});
    const std::string train_labels =
        std::string(SNAC_SHARED_DATA_DIR) + "/mnist/train-labels-idx1-ubyte.gz";
    expect_usage_error([&] { read_source(idx(img, train_labels), {}); },
                       {"10000 images", "60000 labels"});
    const auto tiny = d.write("tiny.idx", "ab");
    expect_usage_error([&] { read_source(idx(img, tiny), {}); }, {"too short"});
}

std::string npy(const std::string& descr, const std::string& shape, const std::string& data,
                bool fortran = false) {
    std::string header = "{'descr': '" + descr +
                         "', 'fortran_order': " + (fortran ? "True" : "False") +
                         ", 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::string out = std::string("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>(header.size() >> 8);
    return out + header + data;
}

TEST(ImportBadInput, NpyUnsupportedDtypeFortranOrderAndTruncation) {
    TempDir d;
    const float xs[4] = {1, 2, 3, 4};
    const std::string xdata(reinterpret_cast<const char*>(xs), sizeof xs);
    const std::int64_t ys[2] = {0, 1};
    const std::string ydata(reinterpret_cast<const char*>(ys), sizeof ys);
    DataSourceConfig s;
    s.format = DataFormat::kNpy;
    s.x = d.write("x.npy", npy("<f4", "(2, 2)", xdata));
    s.y = d.write("y.npy", npy("<i8", "(2,)", ydata));
    const Dataset ok = read_source(s, {});
    EXPECT_EQ(ok.n_samples, 2);
    EXPECT_EQ(ok.labels, (std::vector<std::int32_t>{0, 1}));
    EXPECT_EQ(ok.x[3], 4.0f);

    s.x = d.write("c.npy", npy("<c8", "(2, 1)", xdata));
    expect_usage_error([&] { read_source(s, {}); }, {s.x, "dtype '<c8'"});
    s.x = d.write("o.npy", npy("|O", "(2, 2)", xdata));
    expect_usage_error([&] { read_source(s, {}); }, {"dtype '|O'"});
    s.x = d.write("f.npy", npy("<f4", "(2, 2)", xdata, true));
    expect_usage_error([&] { read_source(s, {}); }, {"Fortran"});
    s.x = d.write("t.npy", npy("<f4", "(2, 2)", xdata.substr(0, 8)));
    expect_usage_error([&] { read_source(s, {}); }, {"size mismatch"});
    s.x = d.write("n.npy", "not an npy file");
    expect_usage_error([&] { read_source(s, {}); }, {"not an NPY file"});
}

TEST(ImportBadInput, HdfFileThatIsNotASnacDataset) {
    TempDir d;
    const std::string f = d / "plain.h5";
    {
        h5::Handle h = h5::create_file(f);
        const float v[3] = {1, 2, 3};
        h5::write_array<float>(h, "x", {3}, v);
    }
    EXPECT_FALSE(is_dataset(f));
    expect_usage_error([&] { load_dataset(f); }, {f, "not a snac dataset"});
    const auto text = d.write("data.h5", "a,b\n1,2\n");
    expect_usage_error([&] { load_dataset(text); }, {text, "not an HDF5 file"});
    expect_usage_error([&] { load_dataset(d / "missing.h5"); }, {"does not exist"});
}

TEST(ImportBadInput, MissingSourceFileListsWhereItLooked) {
    TempDir d;
    expect_usage_error([&] { read_source(csv("nope.csv"), {d.path.string()}); },
                       {"'nope.csv' not found", d.path.string()});
}

TEST(ImportBadInput, UnwritableOutputLeavesNothingBehind) {
    TempDir d;
    Dataset data;
    data.name = "t";
    data.n_samples = 1;
    data.sample_shape = {1};
    data.x = {1.0f};
    data.labels = {0};
    data.n_classes = 1;
    data.class_names = {"0"};
    data.train_idx = {0};
    const auto blocker = d.write("file.txt", "x");
    expect_usage_error([&] { write_dataset(blocker + "/out.h5", data, {}); }, {"not writable"});
    // Only the blocking file is there: no temporary, no partial dataset.
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(d.path)) ++entries;
    EXPECT_EQ(entries, 1u);
}

}  // namespace
}  // namespace snac::io
