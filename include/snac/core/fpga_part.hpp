#pragma once
/// FPGA device totals (../shared/docs/reference/hls4ml-semantics.md §9), selectable by part or
/// board name.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace snac {

/// Device family (hls4ml's virtexuplus, zynquplus, zynq7): what family-dependent costs (the DSP
/// port width) depend on.
enum class FpgaFamily { kVirtexUltrascalePlus, kZynqUltrascalePlus, kZynq7 };

struct FpgaPart {
    std::string part;   ///< e.g. "xcvu13p-flga2577-2-e"
    std::string board;  ///< e.g. "vu13p" or "pynq-z2"; aliases are matched case-insensitively
    FpgaFamily family = FpgaFamily::kVirtexUltrascalePlus;
    std::int64_t lut = 0;
    std::int64_t ff = 0;
    std::int64_t dsp = 0;
    std::int64_t bram_18k = 0;
    std::int64_t uram = 0;
};

/// All parts snac knows, in a stable order.
std::span<const FpgaPart> known_parts();

/// Finds a part by part name or board alias (case-insensitive). Throws UsageError listing the known
/// parts when nothing matches.
const FpgaPart& find_part(std::string_view name_or_board);

}  // namespace snac
