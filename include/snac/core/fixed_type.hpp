#pragma once
/// Fixed-point type descriptors with Xilinx ap_* semantics (../shared/docs/reference/
/// hls4ml-semantics.md §8). This is the description only; arithmetic lives in nn (fixed-point
/// inference) and in the emitted emulation header.
#include <string>
#include <string_view>

namespace snac {

enum class QuantMode { kTrn, kTrnZero, kRnd, kRndZero, kRndMinInf, kRndInf, kRndConv };
enum class OverflowMode { kWrap, kSat, kSatZero, kSatSym, kWrapSm };
enum class Signedness { kSigned, kUnsigned };

/// ap_fixed<W,I,Q,O,N> / ap_ufixed / ap_int<W> / ap_uint<W>. I counts the sign bit; I may be
/// negative or exceed W. Width 1..64 (user-facing types; wider intermediates are internal).
struct FixedType {
    int width = 16;
    int integer = 6;
    Signedness sign = Signedness::kSigned;
    QuantMode quant = QuantMode::kTrn;
    OverflowMode overflow = OverflowMode::kWrap;
    int sat_bits = 0;  ///< N of AP_WRAP with saturation bits

    /// Strict parser: "ap_fixed<16,6>", "ap_ufixed<8,4,AP_RND,AP_SAT>", "ap_int<8>", "ap_uint<4>",
    /// also without the "ap_" prefix. Throws UsageError naming the problem and the accepted forms.
    static FixedType parse(std::string_view text);

    bool is_signed() const noexcept { return sign == Signedness::kSigned; }
    int fractional() const noexcept { return width - integer; }
    /// Largest / smallest representable value and the LSB weight 2^-F.
    double max_value() const noexcept;
    double min_value() const noexcept;
    double lsb() const noexcept;
    /// Canonical spelling; modes are printed only when not the defaults.
    std::string str() const;

    friend bool operator==(const FixedType&, const FixedType&) = default;
};

std::string_view to_string(QuantMode mode) noexcept;     ///< "AP_TRN", ...
std::string_view to_string(OverflowMode mode) noexcept;  ///< "AP_WRAP", ...

}  // namespace snac
