// Locating the kernel/emulation headers that are copied into every generated project.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "snac/core/error.hpp"
#include "snac/hls/project.hpp"

namespace snac::hls {
namespace fs = std::filesystem;
namespace {

bool usable(const fs::path& dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / "nnet_utils" / "nnet_dense.h", ec) &&
           fs::is_regular_file(dir / "ap_types" / "ap_snac_impl.h", ec);
}

fs::path executable_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path{} : exe.parent_path();
}

}  // namespace

std::string template_dir() {
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("SNAC_HLS_TEMPLATE_DIR"); env != nullptr && *env != '\0')
        candidates.emplace_back(env);
#ifdef SNAC_HLS_TEMPLATE_DIR
    candidates.emplace_back(SNAC_HLS_TEMPLATE_DIR);
#endif
    const fs::path exe = executable_dir();
    if (!exe.empty()) {
        candidates.push_back(exe / ".." / "share" / "snac" / "hls");
        candidates.push_back(exe / ".." / ".." / "src" / "hls" / "templates");
    }
    for (const fs::path& c : candidates)
        if (usable(c)) return fs::weakly_canonical(c).string();
    throw Error("cannot find snac's HLS kernel headers (nnet_utils/, ap_types/)",
                "set SNAC_HLS_TEMPLATE_DIR to the src/hls/templates directory of the snac sources");
}

}  // namespace snac::hls
