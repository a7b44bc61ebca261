#include "snac/core/trial_state.hpp"

#include <array>

namespace snac {

namespace {
constexpr std::array<std::pair<TrialState, std::string_view>, 5> kNames{{
    {TrialState::kRunning, "RUNNING"},
    {TrialState::kComplete, "COMPLETE"},
    {TrialState::kPruned, "PRUNED"},
    {TrialState::kFail, "FAIL"},
    {TrialState::kWaiting, "WAITING"},
}};
}  // namespace

std::string_view to_string(TrialState s) noexcept {
    for (const auto& [state, name] : kNames)
        if (state == s) return name;
    return "FAIL";
}

std::optional<TrialState> parse_trial_state(std::string_view text) noexcept {
    for (const auto& [state, name] : kNames)
        if (name == text) return state;
    return std::nullopt;
}

}  // namespace snac
