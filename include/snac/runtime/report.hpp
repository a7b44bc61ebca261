#pragma once
/// The report stage (`snac report RUN_DIR`, docs/pipeline.md#report): one self-contained HTML
/// page (inline SVG and CSS, no script, no network) with CSV exports beside it.
#include <string>
#include <vector>

namespace snac::runtime {

struct ReportOptions {
    std::string run_dir;
};

struct ReportResult {
    std::string html;               ///< RUN_DIR/report/index.html
    std::vector<std::string> csvs;  ///< exports in RUN_DIR/report/
    int panels = 0;                 ///< SVG plots on the page
};

/// Reads whatever the earlier stages left in RUN_DIR (the global study is required; selection,
/// local and HLS results are shown when present, and their absence is stated), writes the page
/// and the CSVs atomically and stages/report.done.
ReportResult run_report(const ReportOptions& options);

}  // namespace snac::runtime
