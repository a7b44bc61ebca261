// snac select RUN_DIR [--rule R] [--count K] [--bins B] [--metric M] [--trials N,...]: the select
// stage (docs/pipeline.md#select). Flags replace the run's select: section.
#include <iostream>

#include "cli_checks.hpp"
#include "command.hpp"
#include "snac/core/error.hpp"
#include "snac/runtime/pipeline.hpp"
#include "snac/runtime/select.hpp"

namespace snac::app {
namespace {

struct SelectArgs {
    std::string run_dir;
    std::string rule;
    int count = 0;
    int bins = 0;
    std::string metric;
    std::vector<std::int64_t> trials;
};

int run_select_cmd(const SelectArgs& a) {
    runtime::SelectStageOptions o;
    o.run_dir = a.run_dir;
    if (!a.rule.empty() || a.count > 0 || a.bins > 0 || !a.metric.empty() || !a.trials.empty()) {
        // Flags are checked by the same rules as the config section: build it and re-validate.
        std::string yaml = "data: {name: x}\nselect: {";
        auto add = [&](const std::string& kv) { yaml += (yaml.back() == '{' ? "" : ", ") + kv; };
        const SelectConfig base = runtime::load_run_config(a.run_dir).select;
        add("rule: " + (a.rule.empty() ? std::string(to_string(base.rule)) : a.rule));
        if (a.count > 0) add("count: " + std::to_string(a.count));
        if (a.bins > 0) add("bins: " + std::to_string(a.bins));
        if (!a.metric.empty()) add("metric: \"" + a.metric + "\"");
        if (!a.trials.empty()) {
            std::string list;
            for (auto t : a.trials) list += (list.empty() ? "" : ", ") + std::to_string(t);
            add("trials: [" + list + "]");
        }
        yaml += "}\n";
        o.select = parse_config(yaml, "snac select flags").select;
    }
    const runtime::SelectStageResult r = runtime::run_select(o);
    std::cout << "select (" << to_string(r.selection.rule) << "): " << r.selection.models.size()
              << " model(s) from " << r.complete_trials << " COMPLETE trial(s)\n";
    for (const auto& m : r.selection.models) {
        std::cout << "  " << m.name << "  ";
        for (const auto& [k, v] : m.metrics) std::cout << k << "=" << v << " ";
        std::cout << "\n      " << m.why << "\n";
    }
    std::cout << "wrote " << r.path << "\n";
    return 0;
}

std::function<int()> setup_select(CLI::App& sub) {
    auto a = std::make_shared<SelectArgs>();
    sub.add_option("RUN_DIR", a->run_dir, "Run directory of a finished global search")->required();
    sub.add_option("--rule", a->rule, "knee | bops_bins | top | list (default: select.rule)")
        ->check(CLI::IsMember({"knee", "bops_bins", "top", "list"}));
    sub.add_option("--count", a->count, "Models to take (knee, bops_bins, top)")
        ->check(in_range<long long>(1, 1000));
    sub.add_option("--bins", a->bins, "BOPs bins (bops_bins)")
        ->check(in_range<long long>(1, 1000));
    sub.add_option("--metric", a->metric, "Ranking metric (bops_bins, top)");
    sub.add_option("--trials", a->trials, "Trial numbers (list)")->delimiter(',');
    return [a]() { return run_select_cmd(*a); };
}

const RegisterCommand kRegister{
    {"select", setup_select,
     "Pick models from the global search by a rule and write RUN_DIR/selected.yaml"}};

}  // namespace
}  // namespace snac::app
