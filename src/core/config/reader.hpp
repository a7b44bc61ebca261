#pragma once
// Private to core: typed, located reading of YAML config sections. Every problem is collected in
// Diagnostics (file:line:column + hint) so that `snac config check` reports all of them at once.
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "snac/core/error.hpp"
#include "snac/core/fixed_type.hpp"
#include "snac/core/suggest.hpp"

namespace snac::config {

class Diagnostics {
public:
    explicit Diagnostics(std::string file) : file_(std::move(file)) {}
    void error(const YAML::Mark& mark, std::string message, std::string hint = {});
    bool empty() const { return issues_.empty(); }
    std::vector<ConfigIssue> take() { return std::move(issues_); }
    const std::string& file() const { return file_; }

private:
    std::string file_;
    std::vector<ConfigIssue> issues_;
};

/// The names of a closed set of config values, in one table per enum: the parser (get_enum,
/// with did-you-mean errors) and the emitter (enum_name) read the same table.
template <class E, std::size_t N>
using EnumNames = std::array<std::pair<std::string_view, E>, N>;

template <class E, std::size_t N>
std::string enum_name(const EnumNames<E, N>& names, E value) {
    for (const auto& [name, v] : names)
        if (v == value) return std::string(name);
    return "?";
}

/// Reads one YAML mapping. An absent section (null node) reads as empty: every get() keeps the
/// caller's default. On destruction, keys that no get()/map()/raw() asked for are reported as
/// unknown with a "did you mean" hint.
class MapReader {
public:
    MapReader(YAML::Node node, std::string path, Diagnostics& diag, YAML::Mark parent_mark = {});
    MapReader(const MapReader&) = delete;
    MapReader& operator=(const MapReader&) = delete;
    MapReader(MapReader&&) noexcept;
    ~MapReader();

    bool present() const { return node_.IsDefined() && !node_.IsNull(); }
    bool has(std::string_view key) const;
    /// The raw node of `key` (marked as known); undefined when absent.
    YAML::Node raw(std::string_view key);
    /// A nested mapping; absent keys give an empty reader.
    MapReader map(std::string_view key);

    /// Optional value: keeps `out` when absent. Returns true when present and well-typed.
    template <class T>
    bool get(std::string_view key, T& out);
    /// Required value: a missing key is an error.
    template <class T>
    bool require(std::string_view key, T& out);
    /// Optional numeric value that must lie in [lo, hi].
    template <class T>
    bool get(std::string_view key, T& out, T lo, T hi);
    /// Optional enumerated value spelled as one of `choices`.
    template <class E>
    bool get_enum(std::string_view key, E& out,
                  std::initializer_list<std::pair<std::string_view, E>> choices) {
        return get_enum(key, out, std::span<const std::pair<std::string_view, E>>(choices));
    }
    /// The same with a name table (EnumNames) that the emitter also reads.
    template <class E>
    bool get_enum(std::string_view key, E& out,
                  std::span<const std::pair<std::string_view, E>> choices);
    template <class E, std::size_t N>
    bool get_enum(std::string_view key, E& out,
                  const std::array<std::pair<std::string_view, E>, N>& choices) {
        return get_enum(key, out, std::span<const std::pair<std::string_view, E>>(choices));
    }

    /// Reports a problem located at `key` (or at the mapping itself when the key is absent).
    void error_at(std::string_view key, std::string message, std::string hint = {});
    /// "section.key" as the user would write it.
    std::string key_path(std::string_view key) const;
    YAML::Mark mark_of(std::string_view key) const;
    const YAML::Node& node() const { return node_; }
    Diagnostics& diag() { return *diag_; }

private:
    bool convert(const YAML::Node& value, std::string_view key, bool& out);
    bool convert(const YAML::Node& value, std::string_view key, int& out);
    bool convert(const YAML::Node& value, std::string_view key, std::int64_t& out);
    bool convert(const YAML::Node& value, std::string_view key, std::uint64_t& out);
    bool convert(const YAML::Node& value, std::string_view key, double& out);
    bool convert(const YAML::Node& value, std::string_view key, std::string& out);
    bool convert(const YAML::Node& value, std::string_view key, FixedType& out);
    template <class T>
    bool convert(const YAML::Node& value, std::string_view key, std::vector<T>& out);

    YAML::Node node_;
    std::string path_;
    Diagnostics* diag_;
    YAML::Mark mark_;
    std::set<std::string, std::less<>> used_;
};

template <class T>
bool MapReader::get(std::string_view key, T& out) {
    YAML::Node v = raw(key);
    if (!v.IsDefined() || v.IsNull()) return false;
    T tmp = out;
    if (!convert(v, key, tmp)) return false;
    out = std::move(tmp);
    return true;
}

template <class T>
bool MapReader::require(std::string_view key, T& out) {
    if (!has(key)) {
        error_at(key, "missing required key '" + key_path(key) + "'",
                 "add '" + std::string(key) + ":' to the '" + (path_.empty() ? "top" : path_) +
                     "' section");
        return false;
    }
    return get(key, out);
}

template <class T>
bool MapReader::get(std::string_view key, T& out, T lo, T hi) {
    T tmp = out;
    if (!get(key, tmp)) return false;
    if (tmp < lo || tmp > hi) {
        error_at(key, "value " + YAML::Dump(raw(key)) + " of '" + key_path(key) +
                          "' is out of range",
                 "use a value in [" + YAML::Dump(YAML::Node(lo)) + ", " +
                     YAML::Dump(YAML::Node(hi)) + "]");
        return false;
    }
    out = tmp;
    return true;
}

template <class E>
bool MapReader::get_enum(std::string_view key, E& out,
                         std::span<const std::pair<std::string_view, E>> choices) {
    std::string word;
    if (!get(key, word)) return false;
    std::vector<std::string> names;
    for (const auto& [name, value] : choices) {
        if (name == word) {
            out = value;
            return true;
        }
        names.emplace_back(name);
    }
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    std::string hint = "one of: " + list;
    if (auto close = did_you_mean(word, names); !close.empty())
        hint = "did you mean '" + close + "'? " + hint;
    error_at(key, "'" + word + "' is not a valid value for '" + key_path(key) + "'", hint);
    return false;
}

template <class T>
bool MapReader::convert(const YAML::Node& value, std::string_view key, std::vector<T>& out) {
    if (!value.IsSequence()) {
        error_at(key, "'" + key_path(key) + "' must be a list", "write it as [a, b, ...]");
        return false;
    }
    std::vector<T> result;
    bool ok = true;
    for (const auto& item : value) {
        T element{};
        ok = convert(item, key, element) && ok;
        result.push_back(std::move(element));
    }
    if (ok) out = std::move(result);
    return ok;
}

}  // namespace snac::config
