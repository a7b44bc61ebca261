#pragma once
/// HLS project generation and C simulation (docs/hls.md): a lowered fixed-point network
/// (nn/fixed_model.hpp) becomes a Vitis HLS C++ tree that compiles unchanged with g++ against
/// snac's ap_fixed emulation header, and whose testbench checks it against snac's inference.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "snac/nn/fixed_model.hpp"

namespace snac::hls {

enum class ExistingDir { kRefuse, kOverwrite };  ///< a non-snac, non-empty output directory

struct ProjectOptions {
    std::string name = "myproject";             ///< sanitized into a C/Tcl identifier
    std::string part = "xcvu13p-flga2577-2-e";  ///< FPGA part (already resolved)
    double clock_period_ns = 5.0;
    double clock_uncertainty_pct = 27.0;  ///< Vitis HLS default
    IoType io_type = IoType::kParallel;   ///< io_stream: FIFOs between layers (docs/hls.md)
    ExistingDir existing = ExistingDir::kRefuse;
};

/// Testbench vectors: inputs and snac's fixed-point outputs for them.
struct TestBench {
    std::int64_t samples = 0;
    std::vector<float> x;          ///< samples × model.input_size()
    std::vector<double> expected;  ///< samples × model.output_size()
};

/// Runs snac's fixed-point inference on n samples to fill a testbench.
TestBench make_testbench(const nn::FixedModel& model, const float* x, std::int64_t n);

struct EmittedProject {
    std::string dir;                           ///< absolute path of the project
    std::string name;                          ///< the sanitized project (top function) name
    std::map<std::string, std::string> files;  ///< relative path -> FNV-1a 64 content hash (hex)
};

/// Writes the project into `out_dir` (created fresh: written beside it, then renamed). An
/// existing snac project there is replaced; any other non-empty directory is refused with a
/// UsageError unless options.existing is kOverwrite. Same inputs give byte-identical files.
EmittedProject emit_project(const nn::FixedModel& model, const ProjectOptions& options,
                            const TestBench& bench, const std::string& out_dir);

/// What the C simulation found.
struct CsimResult {
    std::int64_t samples = 0;
    std::int64_t mismatches = 0;  ///< samples with any output differing from snac's inference
    std::vector<double> outputs;  ///< samples × output size, as the compiled design computed
    double compile_seconds = 0.0;
    double run_seconds = 0.0;
};

/// Compiles the project with `compiler` (-std=c++17 -Wall -Wextra -Werror; -O0 for testbenches up
/// to 4,000 samples, else -O1; one translation unit; the shared headers precompiled once and
/// cached) against the emulation header and runs its testbench. Throws Error with the compiler's own message on
/// failure.
CsimResult run_csim(const EmittedProject& project, const std::string& compiler = "g++");

/// Extra manifest content the caller knows (the surrogate's estimate, C-sim figures, provenance).
struct ManifestExtras {
    std::map<std::string, double> estimate;         ///< e.g. "lut", "dsp_pct", "latency_cycles_max"
    std::string estimate_source;                    ///< "analytical", "learned", "csynth"
    std::map<std::string, std::string> provenance;  ///< checkpoint path, its hash, snac version
    std::optional<CsimResult> csim;
    std::optional<double> max_abs_diff_vs_float;
    std::optional<double> accuracy_float;
    std::optional<double> accuracy_fixed;
    std::vector<std::string> warnings;
};

/// (Re)writes DIR/snac_hls.json: settings, per-layer types and reuse factors, file hashes,
/// `extras`. Atomic (temporary file, then rename).
void write_manifest(const EmittedProject& project, const nn::FixedModel& model,
                    const ProjectOptions& options, const ManifestExtras& extras);

/// A C/C++/Tcl identifier from user text: [A-Za-z0-9_], not starting with a digit, no leading
/// underscore, no C++ keyword or name the generated code uses; `fallback` when nothing is left.
std::string sanitize_identifier(std::string_view text, std::string_view fallback = "myproject");

/// Directory holding the kernel and emulation headers: $SNAC_HLS_TEMPLATE_DIR, the source tree
/// the binary was built from, or share/snac/hls next to the executable. Throws Error if none.
std::string template_dir();

/// FNV-1a 64-bit hash of `data` as 16 hex digits.
std::string content_hash(std::string_view data);

}  // namespace snac::hls
