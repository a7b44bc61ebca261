#pragma once
/// `snac study ls | show | export`: read a study file (Optuna RDB schema) for humans.
#include <string>

namespace snac::runtime {

/// A run directory stands for its study.db.
std::string study_file(const std::string& path);

/// Lists the studies of a study file.
int run_study_ls(const std::string& path);

/// Prints the Pareto front (all trials with all).
int run_study_show(const std::string& path, const std::string& name, bool all);

/// Writes every trial as CSV (Optuna trials_dataframe columns; - is standard output).
int run_study_export(const std::string& path, const std::string& name, const std::string& csv_path);

}  // namespace snac::runtime
