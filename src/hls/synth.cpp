// Vendor synthesis (when the tools exist) and csynth report parsing (hls4ml-semantics.md §1:
// <name>_prj/solution1/syn/report/<name>_csynth.xml).
#include "snac/hls/synth.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "process.hpp"
#include "snac/core/error.hpp"

namespace snac::hls {
namespace {

/// Text of the first <tag>…</tag> inside the first <section>…</section> (whole text if empty).
std::string_view element(std::string_view xml, std::string_view section, std::string_view tag) {
    if (!section.empty()) {
        const std::string open = "<" + std::string(section) + ">";
        const std::string close = "</" + std::string(section) + ">";
        const auto a = xml.find(open);
        const auto b = xml.find(close, a == std::string_view::npos ? 0 : a);
        if (a == std::string_view::npos || b == std::string_view::npos) return {};
        xml = xml.substr(a + open.size(), b - a - open.size());
    }
    const std::string open = "<" + std::string(tag) + ">";
    const std::string close = "</" + std::string(tag) + ">";
    const auto a = xml.find(open);
    if (a == std::string_view::npos) return {};
    const auto b = xml.find(close, a);
    if (b == std::string_view::npos) return {};
    return xml.substr(a + open.size(), b - a - open.size());
}

bool number(std::string_view text, double& out) {
    if (text.empty()) return false;
    std::istringstream s{std::string(text)};
    return static_cast<bool>(s >> out);
}

}  // namespace

std::map<std::string, double> parse_csynth_report(std::string_view xml) {
    std::map<std::string, double> r;
    struct Field {
        const char* key;
        const char* section;
        const char* tag;
    };
    const Field fields[] = {{"lut", "Resources", "LUT"},
                            {"ff", "Resources", "FF"},
                            {"bram_18k", "Resources", "BRAM_18K"},
                            {"uram", "Resources", "URAM"},
                            {"lut_available", "AvailableResources", "LUT"},
                            {"ff_available", "AvailableResources", "FF"},
                            {"dsp_available", "AvailableResources", "DSP"},
                            {"bram_18k_available", "AvailableResources", "BRAM_18K"},
                            {"latency_cycles_min", "SummaryOfOverallLatency", "Best-caseLatency"},
                            {"latency_cycles_max", "SummaryOfOverallLatency", "Worst-caseLatency"},
                            {"ii_cycles", "SummaryOfOverallLatency", "Interval-min"},
                            {"clock_ns", "SummaryOfTimingAnalysis", "EstimatedClockPeriod"}};
    for (const Field& f : fields) {
        double v = 0.0;
        if (number(element(xml, f.section, f.tag), v)) r[f.key] = v;
    }
    // Older reports call the DSP count DSP48E.
    double dsp = 0.0;
    if (number(element(xml, "Resources", "DSP"), dsp) ||
        number(element(xml, "Resources", "DSP48E"), dsp))
        r["dsp"] = dsp;
    if (!r.count("lut") || !r.count("ff"))
        throw Error("the csynth report holds no resource estimates",
                    "synthesis probably failed or was interrupted; see the tool's log");
    for (const char* k : {"lut", "ff", "dsp", "bram_18k"}) {
        const auto avail = r.find(std::string(k) + "_available");
        if (avail != r.end() && avail->second > 0 && r.count(k))
            r[std::string(k) + "_pct"] = 100.0 * r[k] / avail->second;
    }
    return r;
}

std::string synthesis_tool() {
    for (const char* tool : {"vitis_hls", "vivado_hls"})
        if (detail::on_path(tool)) return tool;
    return {};
}

SynthResult run_synthesis(const EmittedProject& project) {
    SynthResult result;
    std::vector<std::string> argv;
    if (detail::on_path("vitis_hls")) {
        result.tool = "vitis_hls";
        argv = {"vitis_hls", "-f", "build_prj.tcl", "-tclargs", "csim=0", "synth=1"};
    } else if (detail::on_path("vivado_hls")) {
        result.tool = "vivado_hls";
        argv = {"vivado_hls", "-f", "build_prj.tcl", "-tclargs", "csim=0", "synth=1"};
    } else {
        throw UsageError("--synth needs vitis_hls or vivado_hls on PATH",
                         "run without --synth, or source the Vitis HLS settings script first");
    }
    const detail::ProcessResult run = detail::run_process(argv, project.dir);
    const std::filesystem::path report = std::filesystem::path(project.dir) /
                                         (project.name + "_prj") / "solution1" / "syn" / "report" /
                                         (project.name + "_csynth.xml");
    std::ifstream in(report);
    if (run.exit_code != 0 || !in) {
        const std::string& out = run.output;
        throw Error(result.tool + " synthesis failed (exit " + std::to_string(run.exit_code) +
                        "):\n" + (out.size() > 4000 ? out.substr(out.size() - 4000) : out),
                    "see " + project.dir + "/vitis_hls.log");
    }
    std::ostringstream text;
    text << in.rdbuf();
    result.report = parse_csynth_report(text.str());
    return result;
}

}  // namespace snac::hls
