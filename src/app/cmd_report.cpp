// snac report RUN_DIR: the report stage (docs/pipeline.md#report).
#include <iostream>

#include "command.hpp"
#include "snac/runtime/report.hpp"

namespace snac::app {
namespace {

std::function<int()> setup_report(CLI::App& sub) {
    auto run_dir = std::make_shared<std::string>();
    sub.add_option("RUN_DIR", *run_dir, "Run directory")->required();
    return [run_dir]() {
        const runtime::ReportResult r = runtime::run_report({*run_dir});
        std::cout << "report: " << r.html << " (" << r.panels << " plots)\n";
        for (const auto& c : r.csvs) std::cout << "  " << c << "\n";
        return 0;
    };
}

const RegisterCommand kRegister{
    {"report", setup_report,
     "Write RUN_DIR/report/index.html (self-contained: inline SVG, no script) and CSV exports"}};

}  // namespace
}  // namespace snac::app
