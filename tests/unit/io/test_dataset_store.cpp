// The HDF5 dataset file (round trip, provenance) and resolve_dataset (find, reuse, re-import on
// changed options, concurrent importers).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "snac/core/error.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/io/import.hpp"

namespace snac::io {
namespace {

namespace fs = std::filesystem;

// A scratch working directory with SNAC_DATA_DIR pointing at the shared data; both restored.
class StoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        old_cwd_ = fs::current_path();
        const char* env = std::getenv("SNAC_DATA_DIR");
        if (env) old_env_ = env;
        had_env_ = env != nullptr;
        std::string tmpl = (fs::temp_directory_path() / "snac-store-XXXXXX").string();
        dir_ = mkdtemp(tmpl.data());
        fs::current_path(dir_);
        setenv("SNAC_DATA_DIR", SNAC_SHARED_DATA_DIR, 1);
    }
    void TearDown() override {
        fs::current_path(old_cwd_);
        if (had_env_)
            setenv("SNAC_DATA_DIR", old_env_.c_str(), 1);
        else
            unsetenv("SNAC_DATA_DIR");
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    static DataConfig qubit(const std::string& name) {
        DataConfig c;
        c.name = name;
        c.source.format = DataFormat::kCsv;
        c.source.file = "qubit_readout_iq_q3/std_a_3600.csv.gz";
        c.source.label_column = "label";
        return c;
    }
    fs::path old_cwd_, dir_;
    std::string old_env_;
    bool had_env_ = false;
};

TEST_F(StoreTest, WriteThenLoadRoundTrips) {
    const DataConfig c = qubit("std_a");
    const Dataset a = import_dataset(c, data_search_dirs());
    write_dataset("out/std_a.h5", a, import_provenance(c, a));
    ASSERT_TRUE(is_dataset("out/std_a.h5"));
    const Dataset b = load_dataset("out/std_a.h5");
    EXPECT_EQ(b.name, "std_a");
    EXPECT_EQ(b.n_samples, 3600);
    EXPECT_EQ(b.sample_shape, a.sample_shape);
    EXPECT_EQ(b.x, a.x);
    EXPECT_EQ(b.labels, a.labels);
    EXPECT_EQ(b.class_names, a.class_names);
    EXPECT_EQ(b.feature_names, (std::vector<std::string>{"I_std", "Q_std"}));
    EXPECT_EQ(b.train_idx, a.train_idx);
    EXPECT_EQ(b.val_idx, a.val_idx);
    EXPECT_EQ(b.test_idx, a.test_idx);
    EXPECT_EQ(b.scaling.method, Normalization::kStandardize);
    EXPECT_EQ(b.scaling.shift, a.scaling.shift);
    EXPECT_EQ(b.scaling.scale, a.scaling.scale);
    const auto prov = read_provenance("out/std_a.h5");
    EXPECT_EQ(prov.at("source_format"), "csv");
    EXPECT_EQ(prov.at("source_files"), "qubit_readout_iq_q3/std_a_3600.csv.gz");
    EXPECT_EQ(prov.at("import_signature"), import_signature(c));
    EXPECT_FALSE(prov.at("created_utc").empty());
    // 1,833 / 1,767 shots per class (the data README).
    EXPECT_EQ(std::count(b.labels.begin(), b.labels.end(), 0), 1833);
}

TEST_F(StoreTest, RegressionRoundTrips) {
    Dataset d;
    d.name = "reg";
    d.task = TaskType::kRegression;
    d.n_samples = 3;
    d.sample_shape = {2};
    d.x = {1, 2, 3, 4, 5, 6};
    d.target_dim = 2;
    d.targets = {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f};
    d.train_idx = {0, 2};
    d.test_idx = {1};
    write_dataset("reg.h5", d, {});
    const Dataset e = load_dataset("reg.h5");
    EXPECT_EQ(e.task, TaskType::kRegression);
    EXPECT_EQ(e.target_dim, 2);
    EXPECT_EQ(e.targets, d.targets);
    EXPECT_TRUE(e.val_idx.empty());
}

TEST_F(StoreTest, ResolveImportsOnceThenReusesThenReimportsOnChange) {
    DataConfig c = qubit("qa");
    const std::string p = resolve_dataset(c, "");
    EXPECT_EQ(p, "data/qa.h5");
    ASSERT_TRUE(is_dataset(p));
    const auto first = fs::last_write_time(p);
    const auto first_train = load_dataset(p).train_idx;
    EXPECT_EQ(resolve_dataset(c, ""), p);
    EXPECT_EQ(fs::last_write_time(p), first);  // reused, not rewritten

    c.split.seed = 99;  // the config changed: the stored dataset is stale
    EXPECT_EQ(resolve_dataset(c, ""), p);
    const Dataset changed = load_dataset(p);
    EXPECT_NE(changed.train_idx, first_train);
    EXPECT_EQ(read_provenance(p).at("import_signature"), import_signature(c));
    for (const auto& e : fs::directory_iterator("data"))
        EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
}

TEST_F(StoreTest, ResolveFindsDatasetsInTheDataDirsWithoutASource) {
    const DataConfig c = qubit("found");
    const Dataset d = import_dataset(c, data_search_dirs());
    write_dataset("data/found.h5", d, {});
    DataConfig by_name;
    by_name.name = "found";
    EXPECT_EQ(resolve_dataset(by_name, ""), "data/found.h5");
    DataConfig by_path;
    by_path.path = "found.h5";
    EXPECT_EQ(resolve_dataset(by_path, (dir_ / "data").string()),
              (dir_ / "data" / "found.h5").string());
}

TEST_F(StoreTest, ResolveErrorsNameWhatIsMissing) {
    DataConfig none;
    none.name = "nowhere";
    try {
        resolve_dataset(none, "");
        FAIL() << "expected UsageError";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("'nowhere' not found"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("data/nowhere.h5"), std::string::npos) << e.what();
    }
    DataConfig path;
    path.path = "missing.h5";
    EXPECT_THROW(resolve_dataset(path, ""), UsageError);
    fs::create_directories("data");
    std::ofstream("data/junk.h5") << "not hdf5";
    DataConfig junk = qubit("junk");
    EXPECT_THROW(resolve_dataset(junk, ""), UsageError);
}

TEST_F(StoreTest, ConcurrentResolversLeaveOneCompleteFile) {
    // Four processes (as four MPI ranks would) resolve the same new dataset at once.
    const DataConfig c = qubit("race");
    std::vector<pid_t> kids;
    for (int i = 0; i < 4; ++i) {
        const pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            int code = 0;
            try {
                code = resolve_dataset(c, "") == "data/race.h5" ? 0 : 3;
                load_dataset("data/race.h5");
            } catch (...) {
                code = 4;
            }
            _exit(code);
        }
        kids.push_back(pid);
    }
    for (pid_t k : kids) {
        int status = 0;
        ASSERT_EQ(waitpid(k, &status, 0), k);
        ASSERT_TRUE(WIFEXITED(status));
        EXPECT_EQ(WEXITSTATUS(status), 0);
    }
    const Dataset d = load_dataset("data/race.h5");
    EXPECT_EQ(d.n_samples, 3600);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator("data")) ++files;
    EXPECT_EQ(files, 1u);
}

TEST_F(StoreTest, DescribeListsShapesSplitsBalanceAndFeatures) {
    const DataConfig c = qubit("desc");
    const std::string p = resolve_dataset(c, "");
    const std::string text = describe_dataset(load_dataset(p), read_provenance(p));
    for (const char* part : {"samples:        3600", "sample shape:   [2]", "class balance:",
                             "I_std", "Q_std", "normalization:  standardize", "1833", "1767"})
        EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
}

}  // namespace
}  // namespace snac::io
