// C simulation: the generated project compiled with g++ against snac's emulation header, its
// testbench run on tb_data. The compiler's own message is surfaced on failure (hls4ml users
// otherwise see only a dlopen error, hls4ml-semantics.md §10).
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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
    const detail::ProcessResult build = detail::run_process(
        {compiler, "-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", "-Wno-unknown-pragmas",
         "-Ifirmware", "-Ifirmware/ap_types", "firmware/" + project.name + ".cpp",
         project.name + "_test.cpp", "-o", exe},
        project.dir);
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
