#pragma once
// Options shared by `snac global` and `snac run` (owned by the runtime engineer).
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "cli_checks.hpp"
#include "command.hpp"
#include "snac/runtime/global_search.hpp"

namespace snac::app {

struct GlobalCliOptions {
    std::string config;
    std::string out;
    bool resume = false;
    std::int64_t trials = 0;
    std::string time_limit;
    std::uint64_t seed = 0;
    bool seed_set = false;
    bool no_progress = false;
};

inline void add_global_search_options(CLI::App& sub, GlobalCliOptions& o) {
    sub.add_option("CONFIG", o.config, "Run configuration (YAML)")->required();
    sub.add_option("-o,--out", o.out, "Run directory (default: the config's output.dir)");
    sub.add_flag("--resume", o.resume,
                 "Continue the study in the run directory (RUNNING trials of a crash are marked "
                 "FAIL and re-run); starts a new study when there is none");
    sub.add_option("--trials", o.trials, "Trial budget (overrides search.trials)")
        ->check(in_range<std::int64_t>(1));
    sub.add_option("--time-limit", o.time_limit,
                   "Stop handing out trials after this wall time, e.g. 90s, 30m, 2h "
                   "(overrides search.time_limit)");
    sub.add_option("--seed", o.seed, "Run seed (overrides search.seed)")
        ->check(seed_range())
        ->each([&o](const std::string&) { o.seed_set = true; });
    sub.add_flag("--no-progress", o.no_progress, "No live progress line on stderr");
}

/// The config overrides these flags give (shared by `snac global` and `snac run`).
inline ConfigOverrides config_overrides(const GlobalCliOptions& o) {
    ConfigOverrides r;
    r.out_dir = o.out;
    if (o.trials > 0) r.trials = o.trials;
    if (!o.time_limit.empty()) r.time_limit_s = runtime::parse_duration(o.time_limit);
    if (o.seed_set) r.seed = o.seed;
    return r;
}

inline int run_global_search(const GlobalCliOptions& o) {
    runtime::GlobalRunOptions r;
    r.config_path = o.config;
    r.overrides = config_overrides(o);
    r.resume = o.resume;
    r.progress = !o.no_progress && !global_options().quiet;
    return runtime::run_global(r);
}

}  // namespace snac::app
