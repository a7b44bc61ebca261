#pragma once
/// Optional synthesis with the vendor tool (vitis_hls or vivado_hls on PATH) and parsing of its
/// csynth report into the same figures the surrogate estimates.
#include <map>
#include <string>
#include <string_view>

#include "snac/hls/project.hpp"

namespace snac::hls {

struct SynthResult {
    std::string tool;                      ///< "vitis_hls" or "vivado_hls"
    std::map<std::string, double> report;  ///< keys as ManifestExtras::estimate
};

/// Figures of a <name>_csynth.xml report: lut, ff, dsp, bram_18k, uram, latency_cycles_min/max,
/// ii_cycles (Interval-min), clock_ns (estimated), and the *_available totals. Throws Error when
/// the text holds no resource estimates (a failed or interrupted synthesis).
std::map<std::string, double> parse_csynth_report(std::string_view xml);

/// The synthesis tool run_synthesis would use: "vitis_hls", else "vivado_hls" when on PATH, else
/// "" (so a stage can refuse --synth before it builds anything).
std::string synthesis_tool();

/// Runs `build_prj.tcl` with csim=0 synth=1 and parses the report. Throws UsageError when neither
/// tool is on PATH, Error with the tool's output when synthesis fails.
SynthResult run_synthesis(const EmittedProject& project);

}  // namespace snac::hls
