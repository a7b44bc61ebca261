#include "snac/core/fpga_part.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "snac/core/error.hpp"

namespace snac {
namespace {

const std::vector<FpgaPart>& table() {
    // Totals as in the "Available" row of HLS reports; BRAM_18K counts 18 Kb halves.
    // clang-format off
    static const std::vector<FpgaPart> parts = {
        {"xcvu13p-flga2577-2-e", "vu13p", FpgaFamily::kVirtexUltrascalePlus, 1728000, 3456000, 12288, 5376, 1280},
        {"xcu250-figd2104-2L-e", "alveo-u250", FpgaFamily::kVirtexUltrascalePlus, 1728000, 3456000, 12288, 5376, 1280},
        {"xcvu9p-flga2104-2L-e", "vu9p", FpgaFamily::kVirtexUltrascalePlus, 1182240, 2364480, 6840, 4320, 960},
        {"xcu200-fsgd2104-2-e", "alveo-u200", FpgaFamily::kVirtexUltrascalePlus, 1182240, 2364480, 6840, 4320, 960},
        {"xczu9eg-ffvb1156-2-e", "zcu102", FpgaFamily::kZynqUltrascalePlus, 274080, 548160, 2520, 1824, 0},
        {"xc7z020clg400-1", "pynq-z2", FpgaFamily::kZynq7, 53200, 106400, 220, 280, 0},
        {"xcu55c-fsvh2892-2L-e", "alveo-u55c", FpgaFamily::kVirtexUltrascalePlus, 1303680, 2607360, 9024, 4032, 960},
    };
    // clang-format on
    return parts;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Extra spellings users type for the same boards.
struct Alias {
    std::string_view alias;
    std::string_view part;
};
constexpr std::array<Alias, 11> kAliases{{
    {"u250", "xcu250-figd2104-2L-e"},
    {"u200", "xcu200-fsgd2104-2-e"},
    {"u55c", "xcu55c-fsvh2892-2L-e"},
    {"vcu118", "xcvu9p-flga2104-2L-e"},
    {"xcvu9p", "xcvu9p-flga2104-2L-e"},
    {"xcvu13p", "xcvu13p-flga2577-2-e"},
    {"zu9eg", "xczu9eg-ffvb1156-2-e"},
    {"xczu9eg", "xczu9eg-ffvb1156-2-e"},
    {"7z020", "xc7z020clg400-1"},
    {"pynq", "xc7z020clg400-1"},
    {"pynqz2", "xc7z020clg400-1"},
}};

}  // namespace

std::span<const FpgaPart> known_parts() { return table(); }

const FpgaPart& find_part(std::string_view name_or_board) {
    const std::string key = lower(name_or_board);
    std::string_view target = key;
    for (const auto& a : kAliases)
        if (key == a.alias) target = a.part;
    for (const auto& p : table())
        if (lower(p.part) == lower(target) || lower(p.board) == key) return p;
    std::string known;
    for (const auto& p : table()) known += "\n  " + p.part + " (" + p.board + ")";
    throw UsageError("unknown FPGA part '" + std::string(name_or_board) + "'",
                     "use a part or board name from:" + known);
}

}  // namespace snac
