#include "config/reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace snac::config {
namespace {

std::string scalar_text(const YAML::Node& v) {
    if (v.IsScalar()) return v.Scalar();
    return v.IsSequence() ? "a list" : "a mapping";
}

}  // namespace

void Diagnostics::error(const YAML::Mark& mark, std::string message, std::string hint) {
    ConfigIssue issue;
    issue.file = file_;
    if (!mark.is_null()) {
        issue.line = mark.line + 1;
        issue.column = mark.column + 1;
    }
    issue.message = std::move(message);
    issue.hint = std::move(hint);
    issues_.push_back(std::move(issue));
}

MapReader::MapReader(YAML::Node node, std::string path, Diagnostics& diag, YAML::Mark parent_mark)
    : node_(std::move(node)), path_(std::move(path)), diag_(&diag), mark_(parent_mark) {
    // yaml-cpp returns an invalid "zombie" node for a missing key; normalise it to Undefined.
    if (!node_.IsDefined()) node_ = YAML::Node(YAML::NodeType::Undefined);
    if (node_.IsDefined() && !node_.IsNull()) {
        mark_ = node_.Mark();
        if (!node_.IsMap()) {
            diag_->error(mark_, "'" + (path_.empty() ? std::string("the file") : path_) +
                                    "' must be a mapping of key: value",
                         "indent its keys under '" + path_ + ":'");
            node_ = YAML::Node();  // read as empty from here on
        }
    }
}

MapReader::MapReader(MapReader&& other) noexcept
    : node_(std::move(other.node_)), path_(std::move(other.path_)), diag_(other.diag_),
      mark_(other.mark_), used_(std::move(other.used_)) {
    other.node_ = YAML::Node();
}

MapReader::~MapReader() {
    if (!node_.IsDefined() || !node_.IsMap()) return;
    try {
        std::vector<std::string> known(used_.begin(), used_.end());
        for (const auto& kv : node_) {
            const std::string key = kv.first.Scalar();
            if (used_.count(key)) continue;
            std::string hint;
            if (auto close = did_you_mean(key, known); !close.empty())
                hint = "did you mean '" + close + "'?";
            else if (!known.empty()) {
                hint = "known keys:";
                for (const auto& k : known) hint += " " + k;
            }
            diag_->error(kv.first.Mark(), "unknown key '" + key_path(key) + "'", hint);
        }
    } catch (...) {
        // Destructors never throw; a YAML failure here only loses the unknown-key report.
    }
}

bool MapReader::has(std::string_view key) const {
    if (!node_.IsMap()) return false;
    const YAML::Node& cnode = node_;
    return cnode[std::string(key)].IsDefined();
}

YAML::Node MapReader::raw(std::string_view key) {
    used_.emplace(key);
    if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node& cnode = node_;
    YAML::Node value = cnode[std::string(key)];
    if (!value.IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
    return value;
}

MapReader MapReader::map(std::string_view key) {
    return MapReader(raw(key), key_path(key), *diag_, mark_of(key));
}

std::string MapReader::key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

YAML::Mark MapReader::mark_of(std::string_view key) const {
    if (node_.IsMap()) {
        for (const auto& kv : node_)
            if (kv.first.Scalar() == key) return kv.second.IsNull() ? kv.first.Mark() : kv.second.Mark();
    }
    return mark_;
}

void MapReader::error_at(std::string_view key, std::string message, std::string hint) {
    diag_->error(mark_of(key), std::move(message), std::move(hint));
}

bool MapReader::convert(const YAML::Node& v, std::string_view key, bool& out) {
    if (v.IsScalar()) {
        const std::string& s = v.Scalar();
        if (s == "true" || s == "True" || s == "yes" || s == "on") return out = true, true;
        if (s == "false" || s == "False" || s == "no" || s == "off") return out = false, true;
    }
    diag_->error(v.Mark(), "'" + key_path(key) + "' must be true or false, got '" + scalar_text(v) + "'");
    return false;
}

bool MapReader::convert(const YAML::Node& v, std::string_view key, std::int64_t& out) {
    if (v.IsScalar()) {
        const std::string& s = v.Scalar();
        std::int64_t value = 0;
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
        if (ec == std::errc() && ptr == s.data() + s.size()) return out = value, true;
        // Accept 1e6-style integers users write for budgets.
        char* end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (end && *end == '\0' && !s.empty() && std::isfinite(d) && d == std::floor(d) &&
            std::fabs(d) < 9e18)
            return out = static_cast<std::int64_t>(d), true;
    }
    diag_->error(v.Mark(), "'" + key_path(key) + "' must be an integer, got '" + scalar_text(v) + "'");
    return false;
}

bool MapReader::convert(const YAML::Node& v, std::string_view key, std::uint64_t& out) {
    if (v.IsScalar()) {
        const std::string& s = v.Scalar();
        std::uint64_t value = 0;
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
        if (ec == std::errc() && ptr == s.data() + s.size()) return out = value, true;
    }
    diag_->error(v.Mark(), "'" + key_path(key) + "' must be a non-negative integer, got '" +
                               scalar_text(v) + "'");
    return false;
}

bool MapReader::convert(const YAML::Node& v, std::string_view key, int& out) {
    std::int64_t wide = out;
    if (!convert(v, key, wide)) return false;
    if (wide < INT32_MIN || wide > INT32_MAX) {
        diag_->error(v.Mark(), "'" + key_path(key) + "' is too large");
        return false;
    }
    out = static_cast<int>(wide);
    return true;
}

bool MapReader::convert(const YAML::Node& v, std::string_view key, double& out) {
    if (v.IsScalar()) {
        const std::string& s = v.Scalar();
        char* end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && end && *end == '\0' && std::isfinite(d)) return out = d, true;
    }
    diag_->error(v.Mark(), "'" + key_path(key) + "' must be a number, got '" + scalar_text(v) + "'");
    return false;
}

bool MapReader::convert(const YAML::Node& v, std::string_view key, std::string& out) {
    if (v.IsScalar()) return out = v.Scalar(), true;
    diag_->error(v.Mark(), "'" + key_path(key) + "' must be a string, got " + scalar_text(v));
    return false;
}

bool MapReader::convert(const YAML::Node& v, std::string_view key, FixedType& out) {
    std::string text;
    if (!convert(v, key, text)) return false;
    try {
        out = FixedType::parse(text);
        return true;
    } catch (const Error& e) {
        diag_->error(v.Mark(), std::string(e.what()), e.hint());
        return false;
    }
}

}  // namespace snac::config
