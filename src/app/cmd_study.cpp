// snac study ls|show|export: read a study file (Optuna RDB schema) for humans.

#include "command.hpp"
#include "snac/runtime/study_command.hpp"

namespace snac::app {
namespace {
std::function<int()> setup_study(CLI::App& sub) {
    sub.require_subcommand(1);
    auto path = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    auto csv_path = std::make_shared<std::string>();
    auto all = std::make_shared<bool>(false);
    auto* ls = sub.add_subcommand("ls", "List the studies of a study file (or RUN_DIR/study.db).");
    ls->add_option("STUDY", *path, "study.db or a run directory")->required();
    auto* show =
        sub.add_subcommand("show", "Print a study's Pareto front (or all trials with --all).");
    show->add_option("STUDY", *path, "study.db or a run directory")->required();
    show->add_option("--study", *name, "Study name (needed when the file holds several)");
    show->add_flag("--all", *all, "Print every trial, not only the Pareto front");
    auto* exp = sub.add_subcommand(
        "export", "Export every trial as CSV (Optuna's trials_dataframe columns).");
    exp->add_option("STUDY", *path, "study.db or a run directory")->required();
    exp->add_option("--study", *name, "Study name (needed when the file holds several)");
    exp->add_option("--csv", *csv_path, "Output CSV file ('-' for standard output)")->required();
    return [=]() {
        const std::string file = runtime::study_file(*path);
        if (ls->parsed()) return runtime::run_study_ls(file);
        if (show->parsed()) return runtime::run_study_show(file, *name, *all);
        return runtime::run_study_export(file, *name, *csv_path);
    };
}

const RegisterCommand kRegister{
    {"study", setup_study, "Inspect and export study files (ls, show, export --csv)"}};

}  // namespace
}  // namespace snac::app
