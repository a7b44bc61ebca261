#pragma once
/// The one way snac writes a file or a directory that others read: under a temporary name beside
/// the target, flushed to disk (fsync), then renamed into place. A failure or an interrupt leaves
/// the old target (or nothing) and never half a file.
#include <string>
#include <string_view>

namespace snac {

/// The temporary name used for `target`: a hidden sibling `.<name>.snac-tmp-<pid>-<token>-<n>`,
/// unique per process, call and host, so concurrent ranks on a shared filesystem never collide.
std::string atomic_temp_path(const std::string& target);

/// Whether AtomicFile creates the target's missing parent directories.
enum class ParentDirs { kCreate, kMustExist };

/// A write in progress: the caller writes to temp_path() (a file, or a directory it creates
/// there), then calls commit(). Without a commit the destructor removes the temporary.
class AtomicFile {
public:
    /// With kCreate, creates the target's parent directories (UsageError when that fails).
    explicit AtomicFile(std::string target, ParentDirs parents = ParentDirs::kCreate);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    const std::string& target() const noexcept { return target_; }
    const std::string& temp_path() const noexcept { return temp_; }

    /// fsyncs the temporary (file or directory), renames it onto the target (which, for a
    /// directory, must not exist or be empty) and fsyncs the parent directory. Throws Error.
    void commit();

private:
    std::string target_;
    std::string temp_;
    bool committed_ = false;
};

/// Writes `bytes` to `path` atomically (AtomicFile). Throws UsageError when the directory cannot
/// be written, Error when writing or renaming fails (disk full, target is a directory).
void write_file_atomic(const std::string& path, std::string_view bytes);

}  // namespace snac
