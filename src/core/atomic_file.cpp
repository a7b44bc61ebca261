// Temporary file + fsync + rename (docs/architecture.md#errors). rename(2) within one directory
// is atomic on POSIX filesystems (including Lustre and GPFS); the fsyncs make the new content
// durable before the name points at it, so a crash never leaves a named but empty file.
#include "snac/core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "snac/core/error.hpp"

namespace snac {
namespace fs = std::filesystem;

namespace {

// One random token per process: pids repeat across the nodes that share a filesystem.
unsigned process_token() {
    static const unsigned token = std::random_device{}();
    return token;
}

void fsync_path(const std::string& path, bool directory) {
    const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (directory) return;  // some filesystems refuse to open directories; the rename stands
        throw Error("cannot open " + path + " to flush it: " + std::strerror(errno));
    }
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    // EINVAL: the filesystem does not support fsync on this object (e.g. a pipe or some FUSE
    // mounts); nothing more can be done and the rename still gives atomicity.
    if (rc != 0 && err != EINVAL && !directory)
        throw Error("flushing " + path + " to disk failed: " + std::strerror(err),
                    "check free disk space");
}

}  // namespace

std::string atomic_temp_path(const std::string& target) {
    static std::atomic<unsigned> counter{0};
    const fs::path t(target);
    const std::string name = "." + t.filename().string() + ".snac-tmp-" +
                             std::to_string(::getpid()) + "-" + std::to_string(process_token()) +
                             "-" + std::to_string(counter++);
    return (t.parent_path() / name).string();
}

AtomicFile::AtomicFile(std::string target, ParentDirs parents) : target_(std::move(target)) {
    fs::path t(target_);
    if (t.filename().empty()) t = t.parent_path();  // "dir/" names the directory itself
    target_ = t.string();
    if (parents == ParentDirs::kCreate && t.has_parent_path()) {
        std::error_code ec;
        fs::create_directories(t.parent_path(), ec);
        if (ec)
            throw UsageError("cannot create directory " + t.parent_path().string() + ": " +
                                 ec.message(),
                             "check that the path is writable");
    }
    temp_ = atomic_temp_path(target_);
}

AtomicFile::~AtomicFile() {
    if (committed_) return;
    std::error_code ec;
    fs::remove_all(temp_, ec);  // never throws; a leftover hidden temp is harmless
}

void AtomicFile::commit() {
    std::error_code ec;
    const bool directory = fs::is_directory(temp_, ec);
    if (!directory && !fs::exists(temp_, ec))
        throw Error("nothing was written to " + temp_ + " for " + target_);
    fsync_path(temp_, directory);
    fs::rename(temp_, target_, ec);
    if (ec)
        throw Error("cannot move " + temp_ + " into place at " + target_ + ": " + ec.message(),
                    "check that the target is writable and is not a directory");
    committed_ = true;
    const fs::path parent = fs::path(target_).parent_path();
    fsync_path(parent.empty() ? "." : parent.string(), true);
}

void write_file_atomic(const std::string& path, std::string_view bytes) {
    AtomicFile file(path);
    const int fd = ::open(file.temp_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        throw UsageError("cannot write " + path + ": " + std::strerror(errno),
                         "check that the directory exists and is writable");
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            throw Error("writing " + path + " failed: " + std::strerror(err),
                        "check free disk space");
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0)
        throw Error("writing " + path + " failed: " + std::strerror(errno), "check free disk space");
    file.commit();
}

}  // namespace snac
