// C simulation: the generated project compiled with g++ against snac's emulation header, its
// testbench run on tb_data. The compiler's own message is surfaced on failure (hls4ml users
// otherwise see only a dlopen error, hls4ml-semantics.md §10).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "process.hpp"
#include "snac/core/error.hpp"
#include "snac/hls/project.hpp"

namespace snac::hls {
namespace fs = std::filesystem;
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string tail(const std::string& text, std::size_t max_chars) {
    return text.size() <= max_chars ? text : "..." + text.substr(text.size() - max_chars);
}

/// FNV-1a 64 of text, continued from h.
std::uint64_t fnv1a(std::uint64_t h, const std::string& text) {
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Testbench samples: lines of tb_data/tb_input_features.dat.
std::int64_t testbench_samples(const fs::path& dir) {
    std::ifstream in(dir / "tb_data" / "tb_input_features.dat");
    std::int64_t n = 0;
    std::string line;
    while (std::getline(in, line)) n += line.empty() ? 0 : 1;
    return n;
}

/// What every project shares: the ap_types and nnet_utils headers (the project's own copies)
/// and the standard headers the testbench reads. Precompiled once per content, compiler and flags
/// (issue 15: parsing them was ~0.7 s of each project's ~1.7 s at -O0).
std::string shared_header_text(const fs::path& firmware) {
    std::set<std::string> headers;
    for (const char* sub : {"ap_types", "nnet_utils"}) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(firmware / sub, ec))
            if (e.path().extension() == ".h")
                headers.insert(std::string(sub == std::string("ap_types") ? "" : "nnet_utils/") +
                               e.path().filename().string());
    }
    std::string text = "// snac C simulation: headers every project shares (precompiled)\n";
    for (const char* h : {"cmath", "cstdint", "cstdio", "fstream", "iomanip", "iostream", "sstream",
                          "string", "vector"})
        text += std::string("#include <") + h + ">\n";
    for (const auto& h : headers) text += "#include \"" + h + "\"\n";
    return text;
}

/// A private cache directory (0700, ours) or empty when none can be had: a precompiled header
/// that someone else could replace must not be loaded.
fs::path private_cache_dir() {
    const fs::path dir =
        fs::temp_directory_path() / ("snac-csim-pch-" + std::to_string(::getuid()));
    ::mkdir(dir.c_str(), 0700);
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() ||
        (st.st_mode & 0077) != 0)
        return {};
    return dir;
}

/// The directory holding snac_pch.h and its .gch for these headers, compiler and flags, built on
/// first use (written beside, then renamed: concurrent C simulations never see half a file).
/// Empty when it cannot be built: the project then compiles without it, with the same result.
fs::path precompiled_headers(const fs::path& project_dir, const std::string& compiler,
                             const std::vector<std::string>& flags) {
    static std::mutex mutex;
    const std::lock_guard<std::mutex> lock(mutex);
    const fs::path cache = private_cache_dir();
    if (cache.empty()) return {};
    const std::string header = shared_header_text(project_dir / "firmware");
    std::uint64_t h = fnv1a(1469598103934665603ULL, header);
    h = fnv1a(h, compiler);
    for (const auto& f : flags) h = fnv1a(h, f);
    for (const char* sub : {"ap_types", "nnet_utils"}) {
        std::set<fs::path> files;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(project_dir / "firmware" / sub, ec))
            files.insert(e.path());
        for (const auto& f : files) h = fnv1a(fnv1a(h, f.filename().string()), read_text(f));
    }
    const detail::ProcessResult version = detail::run_process({compiler, "--version"}, ".");
    h = fnv1a(h, version.output);
    char key[17];
    std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(h));
    const fs::path dir = cache / key;
    if (fs::exists(dir / "snac_pch.h.gch")) return dir;

    std::string tmpl = (cache / (std::string(key) + ".tmp-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) return {};
    const fs::path tmp(tmpl);
    std::ofstream(tmp / "snac_pch.h") << header;
    std::vector<std::string> argv = {compiler};
    argv.insert(argv.end(), flags.begin(), flags.end());
    for (const std::string& inc : {"-I" + (project_dir / "firmware").string(),
                                   "-I" + (project_dir / "firmware" / "ap_types").string()})
        argv.push_back(inc);
    argv.insert(argv.end(), {"-x", "c++-header", (tmp / "snac_pch.h").string(), "-o",
                             (tmp / "snac_pch.h.gch").string()});
    const detail::ProcessResult built = detail::run_process(argv, project_dir.string());
    std::error_code ec;
    if (built.exit_code != 0) {
        fs::remove_all(tmp, ec);
        return {};
    }
    fs::rename(tmp, dir, ec);  // another process may have won: either copy is the same
    if (ec) fs::remove_all(tmp, ec);
    return fs::exists(dir / "snac_pch.h.gch") ? dir : fs::path();
}

}  // namespace

CsimResult run_csim(const EmittedProject& project, const std::string& compiler) {
    CsimResult result;
    std::string tmpl = (fs::temp_directory_path() / "snac-csim-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr)
        throw Error("cannot create a temporary directory for the C simulation");
    const fs::path work(tmpl);
    const std::string exe = (work / (project.name + "_csim")).string();
    struct Cleanup {
        fs::path dir;
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    } cleanup{work};

    const auto t0 = std::chrono::steady_clock::now();
    // Measured on the shared 2-core machine (docs/performance.md#c-simulation): -O0 compiles in
    // about half the CPU time of -O1 but runs the testbench ~5x slower (0.3 vs 0.06 ms a sample
    // for a small MLP), so -O1 pays off only beyond a few thousand samples.
    const std::int64_t tb_samples = testbench_samples(project.dir);
    const std::vector<std::string> flags = {"-std=c++17", tb_samples > 4000 ? "-O1" : "-O0",
                                            "-Wall",      "-Wextra",
                                            "-Werror",    "-Wno-unknown-pragmas"};
    // One translation unit per project (the top function and its testbench), after the shared
    // headers precompiled once.
    const fs::path unity = work / "csim_unity.cpp";
    // Relative to the project directory (-I.): the sanitized project name, no path quoting.
    std::ofstream(unity) << "#include \"firmware/" << project.name << ".cpp\"\n#include \""
                         << project.name << "_test.cpp\"\n";
    std::vector<std::string> argv = {compiler};
    argv.insert(argv.end(), flags.begin(), flags.end());
    if (const fs::path pch = precompiled_headers(project.dir, compiler, flags); !pch.empty())
        argv.insert(argv.end(), {"-I" + pch.string(), "-include", "snac_pch.h"});
    argv.insert(argv.end(),
                {"-I.", "-Ifirmware", "-Ifirmware/ap_types", unity.string(), "-o", exe});
    const detail::ProcessResult build = detail::run_process(argv, project.dir);
    result.compile_seconds = seconds_since(t0);
    if (build.exit_code != 0)
        throw Error("C simulation: the project does not compile with " + compiler + ":\n" +
                        tail(build.output, 6000),
                    "this is a bug in snac's HLS emitter; please report it with the project");

    const auto t1 = std::chrono::steady_clock::now();
    const detail::ProcessResult run = detail::run_process({exe, "tb_data"}, project.dir);
    result.run_seconds = seconds_since(t1);
    const auto pos = run.output.rfind("SNAC_CSIM samples=");
    if (pos == std::string::npos)
        throw Error("C simulation: the testbench failed (exit " + std::to_string(run.exit_code) +
                    "):\n" + tail(run.output, 4000));
    long samples = 0, mismatches = 0;
    if (std::sscanf(run.output.c_str() + pos, "SNAC_CSIM samples=%ld mismatches=%ld", &samples,
                    &mismatches) != 2)
        throw Error("C simulation: unreadable testbench summary: " + tail(run.output, 400));
    result.samples = samples;
    result.mismatches = mismatches;

    std::ifstream log(fs::path(project.dir) / "tb_data" / "csim_results.log");
    std::string line;
    while (std::getline(log, line)) {
        std::istringstream s(line);
        double v = 0.0;
        while (s >> v) result.outputs.push_back(v);
    }
    return result;
}

}  // namespace snac::hls
