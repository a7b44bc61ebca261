// flock on RUN_DIR/run.lock with a per-process count: flock locks belong to an open file
// description, so a second open() of the same file in this process would conflict with itself.
#include "snac/runtime/run_lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <vector>

#include "snac/core/error.hpp"

namespace snac::runtime {
namespace fs = std::filesystem;
namespace {

struct Held {
    int fd = -1;
    int count = 0;
};

std::mutex& held_mutex() {
    static std::mutex m;
    return m;
}

std::map<std::string, Held>& held() {
    static std::map<std::string, Held> h;
    return h;
}

/// Removes the temporaries (".<name>.snac-tmp-<pid>-...", files or project directories) that a
/// writer killed mid-write left in RUN_DIR: with the lock held no other writer is at work here,
/// and a temporary whose process still lives (a `snac hls` started alone) is kept.
void sweep_stale_temporaries(const fs::path& dir) {
    static const std::string kMark = ".snac-tmp-";
    std::vector<fs::path> stale;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(
             dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const auto at = name.find(kMark);
        if (at == std::string::npos || name.empty() || name[0] != '.') continue;
        const long pid = std::strtol(name.c_str() + at + kMark.size(), nullptr, 10);
        if (pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) == 0) continue;
        stale.push_back(it->path());
        if (it->is_directory(ec)) it.disable_recursion_pending();
    }
    for (const auto& p : stale) fs::remove_all(p, ec);
}

}  // namespace

RunDirLock::RunDirLock(const std::string& run_dir) {
    const fs::path dir = fs::absolute(run_dir).lexically_normal();
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw UsageError(dir.string() + " exists and is not a directory", "choose another --out");
    if (!fs::exists(dir, ec)) {
        created_dir_ = fs::create_directories(dir, ec);
        if (ec)
            throw UsageError("cannot create the run directory " + dir.string() + ": " +
                                 ec.message(),
                             "choose a writable place for --out");
    }
    path_ = (dir / "run.lock").string();
    std::lock_guard lock(held_mutex());
    Held& h = held()[path_];
    if (h.count > 0) {
        ++h.count;
        return;
    }
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        held().erase(path_);
        throw UsageError("cannot create the lock file " + path_ + ": " + std::strerror(errno),
                         "the run directory must be writable");
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        char buf[32] = {};
        const bool have_pid = ::pread(fd, buf, sizeof buf - 1, 0) > 0;
        ::close(fd);
        held().erase(path_);
        if (err == EWOULDBLOCK)
            throw UsageError("the run directory " + dir.string() +
                                 " is locked by another snac process" +
                                 (have_pid ? " (pid " + std::string(buf) + ")" : std::string()),
                             "wait for it to finish or stop it; or choose another --out");
        throw UsageError("cannot lock " + path_ + ": " + std::strerror(err));
    }
    const std::string pid = std::to_string(::getpid());
    // The pid is informational only (named in the refusal above); the flock is the lock.
    if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
    h.fd = fd;
    h.count = 1;
    sweep_stale_temporaries(dir);
}

RunDirLock::~RunDirLock() {
    std::lock_guard lock(held_mutex());
    auto it = held().find(path_);
    if (it == held().end()) return;
    if (--it->second.count > 0) return;
    ::close(it->second.fd);  // releases the flock
    held().erase(it);
}

}  // namespace snac::runtime
