// snac config check FILE | snac config metrics
#include <iostream>

#include "command.hpp"
#include "snac/core/config.hpp"
#include "snac/core/metrics.hpp"
#include "snac/runtime/global_search.hpp"

namespace snac::app {
namespace {

std::function<int()> setup_config(CLI::App& sub) {
    sub.require_subcommand(1);
    auto* check = sub.add_subcommand(
        "check",
        "Validate a run configuration and print it resolved (every default filled in).\n"
        "All problems are reported at once with file:line:column and a hint.");
    auto file = std::make_shared<std::string>();
    check->add_option("FILE", *file, "Run configuration (YAML)")->required();
    auto* metrics = sub.add_subcommand(
        "metrics", "Print every metric objectives and constraints may name (Markdown table).");
    return [file, metrics]() {
        if (metrics->parsed()) {
            std::cout << metric_table_markdown();
            return 0;
        }
        const RunConfig cfg = load_config(*file);
        // Values the architecture language cannot build (an activation it lacks) are config
        // errors too, found here rather than by the first candidate of a search.
        runtime::check_search_vocabulary(cfg);
        std::cout << "# " << *file << ": valid; resolved configuration follows\n" << to_yaml(cfg);
        return 0;
    };
}

const RegisterCommand kRegister{{"config", setup_config, "Check and print run configurations"}};

}  // namespace
}  // namespace snac::app
