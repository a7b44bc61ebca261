#include "snac/core/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace snac {
namespace {

// Levenshtein distance with two rows.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string fold(std::string_view s, LetterCase letter_case) {
    std::string out(s);
    if (letter_case == LetterCase::kInsensitive)
        for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates,
                         LetterCase letter_case) {
    const std::string w = fold(word, letter_case);
    std::string best;
    std::size_t best_d = std::max<std::size_t>(2, w.size() / 3) + 1;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(w, fold(c, letter_case));
        if (d < best_d) best_d = d, best = c;
    }
    return best;
}

}  // namespace snac
