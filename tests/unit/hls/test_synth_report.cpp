// Parsing of Vitis HLS csynth reports into estimate figures (the layout of
// <name>_prj/solution1/syn/report/<name>_csynth.xml).
#include <gtest/gtest.h>

#include "snac/core/error.hpp"
#include "snac/hls/synth.hpp"

namespace snac::hls {
namespace {

constexpr const char* kReport = R"(<?xml version="1.0" encoding="UTF-8"?>
<profile>
  <PerformanceEstimates>
    <SummaryOfTimingAnalysis><unit>ns</unit><EstimatedClockPeriod>4.350</EstimatedClockPeriod></SummaryOfTimingAnalysis>
    <SummaryOfOverallLatency>
      <Best-caseLatency>9</Best-caseLatency><Worst-caseLatency>11</Worst-caseLatency>
      <Interval-min>1</Interval-min><Interval-max>1</Interval-max>
    </SummaryOfOverallLatency>
  </PerformanceEstimates>
  <AreaEstimates>
    <Resources><BRAM_18K>4</BRAM_18K><DSP>120</DSP><FF>15234</FF><LUT>40321</LUT><URAM>0</URAM></Resources>
    <AvailableResources><BRAM_18K>280</BRAM_18K><DSP>220</DSP><FF>106400</FF><LUT>53200</LUT><URAM>0</URAM></AvailableResources>
  </AreaEstimates>
</profile>
)";

TEST(CsynthReport, ReadsResourcesLatencyAndPercentages) {
    const auto r = parse_csynth_report(kReport);
    EXPECT_EQ(r.at("lut"), 40321);
    EXPECT_EQ(r.at("ff"), 15234);
    EXPECT_EQ(r.at("dsp"), 120);
    EXPECT_EQ(r.at("bram_18k"), 4);
    EXPECT_EQ(r.at("latency_cycles_min"), 9);
    EXPECT_EQ(r.at("latency_cycles_max"), 11);
    EXPECT_EQ(r.at("ii_cycles"), 1);
    EXPECT_DOUBLE_EQ(r.at("clock_ns"), 4.35);
    EXPECT_DOUBLE_EQ(r.at("lut_pct"), 100.0 * 40321 / 53200);
    EXPECT_DOUBLE_EQ(r.at("dsp_pct"), 100.0 * 120 / 220);
}

TEST(CsynthReport, OlderDspNameAndFailedSynthesis) {
    std::string old = kReport;
    old.replace(old.find("<DSP>120</DSP>"), 14, "<DSP48E>7</DSP48E>");
    EXPECT_EQ(parse_csynth_report(old).at("dsp"), 7);
    EXPECT_THROW(parse_csynth_report("<profile></profile>"), Error);
}

}  // namespace
}  // namespace snac::hls
