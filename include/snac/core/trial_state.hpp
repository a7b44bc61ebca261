#pragma once
/// The one trial-state vocabulary (Optuna's TrialState), shared by the samplers (search), the
/// study file (io, stored by name) and the stage drivers (runtime).
#include <optional>
#include <string_view>

namespace snac {

/// Optuna's trial states, stored by their names ("RUNNING", ...) in the study file.
enum class TrialState { kRunning, kComplete, kPruned, kFail, kWaiting };

/// "RUNNING", "COMPLETE", "PRUNED", "FAIL" or "WAITING" (Optuna's spelling).
std::string_view to_string(TrialState s) noexcept;
/// The state an Optuna name spells, or nullopt.
std::optional<TrialState> parse_trial_state(std::string_view text) noexcept;
/// True for the states a trial ends in (COMPLETE, PRUNED, FAIL).
constexpr bool is_finished(TrialState s) noexcept {
    return s == TrialState::kComplete || s == TrialState::kPruned || s == TrialState::kFail;
}

}  // namespace snac
