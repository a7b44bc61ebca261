// The snac command line (docs/cli.md). Exit codes: 0 ok, 1 runtime failure, 2 usage/config error.
#include <algorithm>
#include <filesystem>
#include <system_error>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "snac/core/error.hpp"
#include "snac/core/log.hpp"
#include "snac/core/suggest.hpp"

namespace snac::app {

std::vector<CommandDef>& command_registry() {
    static std::vector<CommandDef> registry;
    return registry;
}

GlobalOptions& global_options() {
    static GlobalOptions options;
    return options;
}

namespace {

std::string filesystem_hint(const std::error_code& ec) {
    if (ec == std::errc::not_a_directory)
        return "a parent of that path is a regular file, not a directory; choose another "
               "output path (--out) or move the file away";
    if (ec == std::errc::read_only_file_system)
        return "that file system is mounted read-only; choose an output path (--out) on a "
               "writable one";
    if (ec == std::errc::permission_denied || ec == std::errc::operation_not_permitted)
        return "you may not write there; choose an output path (--out) you own, or fix the "
               "directory's permissions";
    if (ec == std::errc::no_space_on_device)
        return "the disk is full; free space (or move the run directory), then continue with "
               "--resume";
    if (ec == std::errc::file_exists)
        return "something already exists at that path; remove it or choose another --out";
    return "check that the path exists and is a writable directory";
}

}  // namespace

}  // namespace snac::app

int main(int argc, char** argv) {
    using namespace snac;
    CLI::App app{
        "snac: hardware-aware neural architecture codesign for FPGAs.\n"
        "Finds small networks that are accurate and cheap on an FPGA, and emits a verified HLS "
        "project for the chosen one. See docs/cli.md for every command."};
    app.name("snac");
    app.set_version_flag("--version", std::string("snac ") + SNAC_VERSION);
    app.require_subcommand(1);
    auto& globals = app::global_options();
    app.add_flag("-q,--quiet", globals.quiet, "Print only warnings and errors");
    app.add_flag("-v,--verbose", globals.verbose, "Print debug messages");
    app.fallthrough();

    auto& registry = app::command_registry();
    std::sort(registry.begin(), registry.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    std::function<int()> action;
    for (auto& def : registry) {
        CLI::App* sub = app.add_subcommand(def.name, def.description);
        auto run = std::make_shared<std::function<int()>>(def.setup(*sub));
        sub->callback([run, &action] { action = *run; });
    }
    // CLI11 reports an unknown command as "A subcommand is required"; name it and suggest one.
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (word.empty() || word[0] == '-') continue;
        const bool known = std::any_of(registry.begin(), registry.end(),
                                       [&](const auto& d) { return d.name == word; });
        if (known) break;
        std::vector<std::string> names;
        for (const auto& d : registry) names.push_back(d.name);
        const std::string closest = did_you_mean(word, names);
        std::cerr << "error: unknown command '" << word << "'"
                  << (closest.empty() ? "" : "; did you mean '" + closest + "'?") << "\n"
                  << "Run 'snac --help' for the list of commands.\n";
        return static_cast<int>(ExitCode::kUsage);
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        std::cerr << "Run 'snac --help' or 'snac <command> --help' for usage.\n";
        return static_cast<int>(ExitCode::kUsage);
    }
    if (globals.quiet) log::set_level(log::Level::kWarn);
    if (globals.verbose) log::set_level(log::Level::kDebug);
    if (!action) return static_cast<int>(ExitCode::kUsage);
    try {
        return action();
    } catch (const ConfigError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return static_cast<int>(e.exit_code());
    } catch (const Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << "\n";
        return static_cast<int>(e.exit_code());
    } catch (const std::filesystem::filesystem_error& e) {
        // A directory or file snac could not create or read (--out below a regular file, a
        // read-only place, a full disk): the system's words plus what to do about them.
        std::cerr << "error: " << e.what() << "\n  hint: " << app::filesystem_hint(e.code())
                  << "\n";
        return static_cast<int>(e.code() == std::errc::no_space_on_device ? ExitCode::kRuntime
                                                                           : ExitCode::kUsage);
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return static_cast<int>(ExitCode::kRuntime);
    }
}
