#pragma once
/// Error policy (docs/architecture.md#errors): normal outcomes are data; exceptions are for real
/// errors. Every exception a user can see names the problem and, where there is one, the fix.
#include <stdexcept>
#include <string>
#include <vector>

namespace snac {

/// Process exit codes shared by every command.
enum class ExitCode : int { kOk = 0, kRuntime = 1, kUsage = 2 };

/// Base of all snac errors: a message plus an optional hint that tells the user what to do.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message, std::string hint = {})
        : std::runtime_error(message), hint_(std::move(hint)) {}
    const std::string& hint() const noexcept { return hint_; }
    virtual ExitCode exit_code() const noexcept { return ExitCode::kRuntime; }

private:
    std::string hint_;
};

/// Bad command line, configuration, or input file (dataset, architecture, checkpoint, study):
/// the user can fix it. Exit code 2.
class UsageError : public Error {
public:
    using Error::Error;
    ExitCode exit_code() const noexcept override { return ExitCode::kUsage; }
};

/// One problem found in a configuration file, located by file:line:column (1-based).
struct ConfigIssue {
    std::string file;
    int line = 0;
    int column = 0;
    std::string message;
    std::string hint;
    std::string str() const;  ///< "file:line:col: message (hint)"
};

/// All problems of one configuration file, reported together.
class ConfigError : public UsageError {
public:
    explicit ConfigError(std::vector<ConfigIssue> issues);
    const std::vector<ConfigIssue>& issues() const noexcept { return issues_; }

private:
    std::vector<ConfigIssue> issues_;
};

/// Throws snac::Error with the callee's name and context when an invariant of external state fails.
[[noreturn]] void throw_runtime(const std::string& what, const std::string& hint = {});

}  // namespace snac
