// snac::write_file_atomic / AtomicFile: content lands whole or not at all, no temporary is left.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "snac/core/atomic_file.hpp"
#include "snac/core/error.hpp"
#include "support/temp_dir.hpp"

namespace snac {
namespace {

namespace fs = std::filesystem;

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t entries(const fs::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
}

TEST(AtomicFile, WritesReplacesAndLeavesNoTemporary) {
    test::TempDir dir;
    const std::string path = dir / "sub/out.csv";  // parent directories are created
    write_file_atomic(path, "a,b\n1,2\n");
    EXPECT_EQ(read(path), "a,b\n1,2\n");
    write_file_atomic(path, std::string("x\0y", 3));
    EXPECT_EQ(read(path), std::string("x\0y", 3));
    EXPECT_EQ(entries(dir.path() / "sub"), 1u);
}

TEST(AtomicFile, UncommittedWriteLeavesTheOldFile) {
    test::TempDir dir;
    const std::string path = dir / "model.h5";
    write_file_atomic(path, "old");
    {
        AtomicFile f(path);
        std::ofstream(f.temp_path()) << "half";
        EXPECT_EQ(fs::path(f.temp_path()).parent_path(), dir.path());
        EXPECT_EQ(fs::path(f.temp_path()).filename().string().rfind(".model.h5.snac-tmp-", 0), 0u);
    }  // no commit: an exception on the way out would do the same
    EXPECT_EQ(read(path), "old");
    EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFile, DirectoriesAreCommittedWhole) {
    test::TempDir dir;
    const std::string target = dir / "project";
    {
        AtomicFile f(target);
        fs::create_directories(fs::path(f.temp_path()) / "firmware");
        std::ofstream(fs::path(f.temp_path()) / "firmware/top.cpp") << "int main() {}\n";
        EXPECT_FALSE(fs::exists(target));
        f.commit();
    }
    EXPECT_EQ(read(target + "/firmware/top.cpp"), "int main() {}\n");
    EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFile, TemporaryNamesAreUnique) {
    EXPECT_NE(atomic_temp_path("/x/a"), atomic_temp_path("/x/a"));
}

TEST(AtomicFile, FailuresNameThePathAndLeaveNothing) {
    test::TempDir dir;
    fs::create_directories(dir.path() / "taken");
    std::ofstream(dir.path() / "taken/file") << "x";
    // The target is a non-empty directory: the rename fails, the temporary is removed.
    EXPECT_THROW(write_file_atomic(dir / "taken", "text"), Error);
    EXPECT_EQ(entries(dir.path()), 1u);
    // The parent is a regular file: it cannot be created.
    EXPECT_THROW(write_file_atomic(dir / "taken/file/x", "text"), UsageError);
}

}  // namespace
}  // namespace snac
