#pragma once
/// Shared by the libFuzzer harnesses (docs/reliability.md#fuzzing): a private scratch directory,
/// file writing, and the one rule every harness checks — a reader either returns or throws
/// snac::Error (a clear message, exit 2 or 1). Anything else escaping (std::out_of_range, a
/// yaml-cpp exception, a crash, a sanitizer report, a hang) is a defect.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "snac/core/error.hpp"

namespace snac::fuzz {

/// A directory of this process, removed at exit (libFuzzer may run several jobs side by side).
inline const std::string& scratch_dir() {
    static const std::string dir = [] {
        std::string templ = (std::filesystem::temp_directory_path() / "snac-fuzz-XXXXXX").string();
        if (::mkdtemp(templ.data()) == nullptr) std::abort();
        static std::string keep = templ;
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(keep, ec);
        });
        return templ;
    }();
    return dir;
}

inline std::string write_scratch(const std::string& name, std::string_view bytes) {
    const std::string path = scratch_dir() + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) std::abort();
    return path;
}

/// Runs `fn`; snac::Error (the documented rejection) is fine, anything else propagates and
/// terminates the process, which libFuzzer reports as a crash with the input saved.
template <class Fn>
void expect_clean(Fn&& fn) {
    try {
        fn();
    } catch (const snac::Error& e) {
        // A rejection must say something: an empty message is as bad as silence.
        if (std::string_view(e.what()).empty()) std::abort();
    }
}

/// Splits the input at the first occurrence of `sep` (for readers that take two files).
inline std::pair<std::string_view, std::string_view> split_two(std::string_view all,
                                                               std::string_view sep) {
    const auto at = all.find(sep);
    if (at == std::string_view::npos) return {all, {}};
    return {all.substr(0, at), all.substr(at + sep.size())};
}

}  // namespace snac::fuzz
