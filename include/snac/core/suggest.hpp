#pragma once
/// "Did you mean" suggestions for mistyped names (config keys, commands, CSV columns).
#include <string>
#include <string_view>
#include <vector>

namespace snac {

enum class LetterCase { kSensitive, kInsensitive };

/// The candidate closest to `word` by edit distance, or "" when none is close enough to suggest
/// (more than max(2, |word| / 3) edits). Ties go to the earlier candidate.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates,
                         LetterCase letter_case = LetterCase::kSensitive);

}  // namespace snac
