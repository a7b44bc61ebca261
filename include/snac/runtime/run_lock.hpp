#pragma once
/// The writer's hold on a run directory: an advisory lock on RUN_DIR/run.lock, taken before
/// anything else is written there, so a refused second writer leaves the directory untouched.
/// The kernel releases it when the process dies (kill -9 never leaves a stale lock).
#include <memory>
#include <string>

namespace snac::runtime {

class RunDirLock {
public:
    /// Creates RUN_DIR when missing and locks it; throws UsageError naming the holder's pid when
    /// another process holds the lock. On taking it, removes the temporaries of writers that were
    /// killed mid-write (".*.snac-tmp-<pid>-*" of a process that no longer exists). Re-entrant within one process (`snac run` holds it across
    /// its stages, each of which locks again).
    explicit RunDirLock(const std::string& run_dir);
    ~RunDirLock();
    RunDirLock(const RunDirLock&) = delete;
    RunDirLock& operator=(const RunDirLock&) = delete;

    /// Whether this lock created RUN_DIR (a failed fresh start removes it again).
    bool created_dir() const { return created_dir_; }
    /// The lock file's path.
    const std::string& path() const { return path_; }

private:
    std::string path_;
    bool created_dir_ = false;
};

}  // namespace snac::runtime
