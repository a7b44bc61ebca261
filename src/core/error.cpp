#include "snac/core/error.hpp"

#include <sstream>

namespace snac {
namespace {
std::string join_issues(const std::vector<ConfigIssue>& issues) {
    std::ostringstream out;
    out << issues.size() << (issues.size() == 1 ? " problem" : " problems") << " in configuration";
    for (const auto& issue : issues) out << "\n  " << issue.str();
    return out.str();
}
}  // namespace

std::string ConfigIssue::str() const {
    std::ostringstream out;
    out << file;
    if (line > 0) out << ':' << line << ':' << column;
    out << ": " << message;
    if (!hint.empty()) out << " (" << hint << ")";
    return out.str();
}

ConfigError::ConfigError(std::vector<ConfigIssue> issues)
    : UsageError(join_issues(issues)), issues_(std::move(issues)) {}

void throw_runtime(const std::string& what, const std::string& hint) { throw Error(what, hint); }

}  // namespace snac
