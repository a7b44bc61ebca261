#pragma once
// Numeric flag checks whose messages say the accepted range in words. CLI11's own checks print
// their limits raw (CLI::PositiveNumber's upper limit is DBL_MAX, a 309-digit number) and an
// unsigned option silently wraps "-1" around to 2^64-1.
#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>

namespace snac::app {

namespace detail {

template <typename T>
std::string number_words(T v) {
    if constexpr (std::is_integral_v<T>) {
        return std::to_string(v);
    } else {
        std::ostringstream s;
        s << v;
        return s.str();
    }
}

}  // namespace detail

/// Accepts a number in [lo, hi] (hi = the type's maximum reads "at least lo"); otherwise the
/// message says what is allowed, e.g. "must be a whole number from 1 to 1000 (got 0)".
template <typename T>
CLI::Validator in_range(T lo, T hi = std::numeric_limits<T>::max()) {
    const bool open_top = hi == std::numeric_limits<T>::max();
    const std::string kind = std::is_integral_v<T> ? "a whole number" : "a number";
    const std::string range =
        open_top ? "of at least " + detail::number_words(lo)
                 : "from " + detail::number_words(lo) + " to " + detail::number_words(hi);
    auto check = [lo, hi, kind, range](std::string& text) -> std::string {
        const std::string want = "must be " + kind + " " + range + " (got '" + text + "')";
        if (text.empty()) return want;
        if constexpr (std::is_integral_v<T>) {
            // from_chars rejects a sign on unsigned types and reports overflow, unlike strtoull.
            T value{};
            const char* end = text.data() + text.size();
            const auto [ptr, ec] = std::from_chars(text.data(), end, value);
            if (ec != std::errc() || ptr != end || value < lo || value > hi) return want;
        } else {
            std::size_t used = 0;
            double value = 0;
            try {
                value = std::stod(text, &used);
            } catch (const std::exception&) {
                return want;
            }
            if (used != text.size() || !std::isfinite(value) || value < static_cast<double>(lo) ||
                value > static_cast<double>(hi))
                return want;
        }
        return {};
    };
    return CLI::Validator(check, open_top ? ">= " + detail::number_words(lo)
                                          : "[" + detail::number_words(lo) + ", " +
                                                detail::number_words(hi) + "]");
}

/// A seed: any whole number from 0 to 2^64-1; "-1" is refused instead of wrapping around.
inline CLI::Validator seed_range() { return in_range<std::uint64_t>(0); }

}  // namespace snac::app
