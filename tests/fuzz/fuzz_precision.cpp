// libFuzzer harness: the precision parser (FixedType::parse, "ap_fixed<16,6,AP_RND,AP_SAT>").
// Property: accepted types print to a spelling that parses back to the same type, and their
// range is ordered (min <= 0 <= max, lsb > 0).
#include <string_view>

#include "fuzz_common.hpp"
#include "snac/core/fixed_type.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    snac::fuzz::expect_clean([&] {
        const snac::FixedType t = snac::FixedType::parse(text);
        if (!(snac::FixedType::parse(t.str()) == t)) std::abort();
        if (!(t.min_value() <= 0.0) || !(t.max_value() >= 0.0) || !(t.lsb() > 0.0)) std::abort();
    });
    return 0;
}
