#pragma once
// Subcommands register themselves (one file each, cmd_<name>.cpp) so that adding a command never
// edits a shared list. main() creates them in name order for a stable --help.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace snac::app {

/// A registered subcommand: `setup` adds options to the CLI11 subcommand and returns the action
/// that runs when it is selected; the action returns the process exit code.
struct CommandDef {
    std::string name;  ///< e.g. "config" (group) ; nested subcommands are set up by the group
    std::function<std::function<int()>(CLI::App& sub)> setup;
    std::string description;
};

std::vector<CommandDef>& command_registry();

struct RegisterCommand {
    explicit RegisterCommand(CommandDef def) { command_registry().push_back(std::move(def)); }
};

/// Global options every command can read (set before the action runs).
struct GlobalOptions {
    bool quiet = false;
    bool verbose = false;
};
GlobalOptions& global_options();

}  // namespace snac::app
