// Names from users (project, layers) become C++/Tcl identifiers or comment text only after this.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include "snac/hls/project.hpp"

namespace snac::hls {
namespace {

// C++ keywords and the names the generated code and its headers already use.
constexpr std::array<std::string_view, 105> kReserved = {"alignas",
                                                         "alignof",
                                                         "and",
                                                         "and_eq",
                                                         "asm",
                                                         "auto",
                                                         "bitand",
                                                         "bitor",
                                                         "bool",
                                                         "break",
                                                         "case",
                                                         "catch",
                                                         "char",
                                                         "char8_t",
                                                         "char16_t",
                                                         "char32_t",
                                                         "class",
                                                         "compl",
                                                         "concept",
                                                         "const",
                                                         "consteval",
                                                         "constexpr",
                                                         "constinit",
                                                         "const_cast",
                                                         "continue",
                                                         "co_await",
                                                         "co_return",
                                                         "co_yield",
                                                         "decltype",
                                                         "default",
                                                         "delete",
                                                         "do",
                                                         "double",
                                                         "dynamic_cast",
                                                         "else",
                                                         "enum",
                                                         "explicit",
                                                         "export",
                                                         "extern",
                                                         "false",
                                                         "float",
                                                         "for",
                                                         "friend",
                                                         "goto",
                                                         "if",
                                                         "inline",
                                                         "int",
                                                         "long",
                                                         "mutable",
                                                         "namespace",
                                                         "new",
                                                         "noexcept",
                                                         "not",
                                                         "not_eq",
                                                         "nullptr",
                                                         "operator",
                                                         "or",
                                                         "or_eq",
                                                         "private",
                                                         "protected",
                                                         "public",
                                                         "register",
                                                         "reinterpret_cast",
                                                         "requires",
                                                         "return",
                                                         "short",
                                                         "signed",
                                                         "sizeof",
                                                         "static",
                                                         "static_assert",
                                                         "static_cast",
                                                         "struct",
                                                         "switch",
                                                         "template",
                                                         "this",
                                                         "thread_local",
                                                         "throw",
                                                         "true",
                                                         "try",
                                                         "typedef",
                                                         "typeid",
                                                         "typename",
                                                         "union",
                                                         "unsigned",
                                                         "using",
                                                         "virtual",
                                                         "void",
                                                         "volatile",
                                                         "wchar_t",
                                                         "while",
                                                         "xor",
                                                         "xor_eq",
                                                         "main",
                                                         "nnet",
                                                         "std",
                                                         "input_t",
                                                         "result_t",
                                                         "model_default_t",
                                                         "ap_fixed",
                                                         "ap_ufixed",
                                                         "ap_int",
                                                         "ap_uint",
                                                         "ap_snac",
                                                         "defines",
                                                         "parameters"};

}  // namespace

std::string sanitize_identifier(std::string_view text, std::string_view fallback) {
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0 && c < 128)
            out += ch;
        else if (!out.empty() && out.back() != '_')
            out += '_';
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    while (!out.empty() && out.front() == '_') out.erase(out.begin());
    if (out.size() > 64) out.resize(64);
    if (out.empty()) return std::string(fallback);
    if (std::isdigit(static_cast<unsigned char>(out.front())) != 0) out = "p_" + out;
    std::string lower = out;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // The emitter names weight and table arrays one letter + the layer index (w2, b2, t8, ...):
    // a project called "t8" would shadow its own tanh table.
    const bool array_like = out.size() >= 2 && std::isalpha(static_cast<unsigned char>(out[0])) &&
                            std::all_of(out.begin() + 1, out.end(), [](char c) {
                                return std::isdigit(static_cast<unsigned char>(c)) != 0;
                            });
    const bool generated_like =
        lower.rfind("layer", 0) == 0 || lower.rfind("config", 0) == 0 || array_like;
    if (std::find(kReserved.begin(), kReserved.end(), out) != kReserved.end() || generated_like)
        out = "prj_" + out;
    return out;
}

std::string content_hash(std::string_view data) {
    std::uint64_t h = 1469598103934665603ULL;
    for (const char c : data) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

}  // namespace snac::hls
