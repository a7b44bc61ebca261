#include "snac/core/fixed_type.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>
#include <vector>

#include "snac/core/error.hpp"

namespace snac {
namespace {

constexpr std::array<std::pair<std::string_view, QuantMode>, 7> kQuant{{
    {"AP_TRN", QuantMode::kTrn},
    {"AP_TRN_ZERO", QuantMode::kTrnZero},
    {"AP_RND", QuantMode::kRnd},
    {"AP_RND_ZERO", QuantMode::kRndZero},
    {"AP_RND_MIN_INF", QuantMode::kRndMinInf},
    {"AP_RND_INF", QuantMode::kRndInf},
    {"AP_RND_CONV", QuantMode::kRndConv},
}};
constexpr std::array<std::pair<std::string_view, OverflowMode>, 5> kOverflow{{
    {"AP_WRAP", OverflowMode::kWrap},
    {"AP_SAT", OverflowMode::kSat},
    {"AP_SAT_ZERO", OverflowMode::kSatZero},
    {"AP_SAT_SYM", OverflowMode::kSatSym},
    {"AP_WRAP_SM", OverflowMode::kWrapSm},
}};

constexpr const char* kForms =
    "expected ap_fixed<W,I>, ap_ufixed<W,I>, ap_fixed<W,I,Q,O[,N]>, ap_int<W> or ap_uint<W> with "
    "1 <= W <= 64, Q one of AP_TRN, AP_TRN_ZERO, AP_RND, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, "
    "AP_RND_CONV and O one of AP_WRAP, AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP_SM";

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

[[noreturn]] void fail(std::string_view text, const std::string& why) {
    throw UsageError("invalid precision '" + std::string(text) + "': " + why, kForms);
}

int parse_int(std::string_view text, std::string_view field) {
    field = trim(field);
    int value = 0;
    auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (ec != std::errc() || ptr != field.data() + field.size() || field.empty())
        fail(text, "'" + std::string(field) + "' is not an integer");
    return value;
}

}  // namespace

FixedType FixedType::parse(std::string_view text) {
    std::string_view s = trim(text);
    const auto open = s.find('<');
    if (open == std::string_view::npos || s.back() != '>') fail(text, "missing <...>");
    std::string_view kind = trim(s.substr(0, open));
    if (kind.starts_with("ap_")) kind.remove_prefix(3);
    std::vector<std::string_view> args;
    std::string_view inner = s.substr(open + 1, s.size() - open - 2);
    while (true) {
        const auto comma = inner.find(',');
        args.push_back(trim(inner.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        inner.remove_prefix(comma + 1);
    }
    FixedType t;
    if (kind == "fixed" || kind == "ufixed") {
        if (args.size() < 2 || args.size() > 5) fail(text, "needs 2 to 5 template arguments");
        t.sign = kind == "fixed" ? Signedness::kSigned : Signedness::kUnsigned;
        t.width = parse_int(text, args[0]);
        t.integer = parse_int(text, args[1]);
        if (args.size() >= 3) {
            bool found = false;
            for (auto [name, mode] : kQuant)
                if (args[2] == name) t.quant = mode, found = true;
            if (!found) fail(text, "unknown quantization mode '" + std::string(args[2]) + "'");
        }
        if (args.size() >= 4) {
            bool found = false;
            for (auto [name, mode] : kOverflow)
                if (args[3] == name) t.overflow = mode, found = true;
            if (!found) fail(text, "unknown overflow mode '" + std::string(args[3]) + "'");
        }
        if (args.size() == 5) t.sat_bits = parse_int(text, args[4]);
    } else if (kind == "int" || kind == "uint") {
        if (args.size() != 1) fail(text, "ap_int/ap_uint take exactly one template argument");
        t.sign = kind == "int" ? Signedness::kSigned : Signedness::kUnsigned;
        t.width = parse_int(text, args[0]);
        t.integer = t.width;
    } else {
        fail(text, "unknown type '" + std::string(kind) + "'");
    }
    if (t.width < 1 || t.width > 64)
        fail(text, "width " + std::to_string(t.width) + " is outside 1..64");
    // I may be negative or exceed W, but far outside that the LSB (2^-(W-I)) or the range
    // leaves double's exponent range and every value quantizes to 0 or inf (found by fuzzing).
    if (t.integer < -512 || t.integer > 512)
        fail(text, "integer bits " + std::to_string(t.integer) + " are outside -512..512");
    if (t.sat_bits < 0 || t.sat_bits > t.width)
        fail(text, "saturation bits N must be within 0..W");
    if (t.overflow == OverflowMode::kWrapSm && !t.is_signed())
        fail(text, "AP_WRAP_SM needs a signed type");
    return t;
}

double FixedType::lsb() const noexcept { return std::ldexp(1.0, -fractional()); }

double FixedType::max_value() const noexcept {
    const int magnitude_bits = is_signed() ? width - 1 : width;
    return (std::ldexp(1.0, magnitude_bits) - 1.0) * lsb();
}

double FixedType::min_value() const noexcept {
    return is_signed() ? -std::ldexp(1.0, width - 1) * lsb() : 0.0;
}

std::string FixedType::str() const {
    const bool int_type = integer == width && quant == QuantMode::kTrn &&
                          overflow == OverflowMode::kWrap && sat_bits == 0;
    std::string out = is_signed() ? "ap_" : "ap_u";
    if (int_type) return out + "int<" + std::to_string(width) + ">";
    out += "fixed<" + std::to_string(width) + "," + std::to_string(integer);
    if (quant != QuantMode::kTrn || overflow != OverflowMode::kWrap || sat_bits != 0) {
        out += ",";
        out += to_string(quant);
        out += ",";
        out += to_string(overflow);
        if (sat_bits != 0) out += "," + std::to_string(sat_bits);
    }
    return out + ">";
}

std::string_view to_string(QuantMode mode) noexcept {
    for (auto [name, m] : kQuant)
        if (m == mode) return name;
    return "AP_TRN";
}

std::string_view to_string(OverflowMode mode) noexcept {
    for (auto [name, m] : kOverflow)
        if (m == mode) return name;
    return "AP_WRAP";
}

}  // namespace snac
