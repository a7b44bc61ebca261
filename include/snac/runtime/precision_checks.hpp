#pragma once
/// Warnings about precisions that are legal but almost surely not what the user meant (issue 13,
/// defect 6), shared by `snac estimate`, `snac hls` and the HLS stage.
#include <optional>
#include <string>
#include <vector>

#include "snac/core/hls_settings.hpp"

namespace snac::runtime {

/// One warning per distinct type with more integer bits than total bits (ap_fixed<8,12>: legal,
/// but its step is 2^4 = 16, so most weights and activations round to 0).
std::vector<std::string> precision_warnings(const HlsSettings& settings);

/// A warning when the fixed-point accuracy collapses against the float accuracy on the same
/// samples (more than 5 points lower), naming both and the fix; nothing otherwise.
std::optional<std::string> accuracy_collapse_warning(double accuracy_float, double accuracy_fixed);

}  // namespace snac::runtime
