#pragma once
/// Accuracy of a cost model on synthesis records: R², SMAPE and RMSE per target on a split that
/// keeps every architecture on one side (docs/surrogate.md#evaluation). Metric definitions follow
/// rule4ml / wa-hls4ml (../shared/docs/reference/surrogate.md §3).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "snac/surrogate/cost_model.hpp"
#include "snac/surrogate/records.hpp"

namespace snac::surrogate {

enum class Target { kLut, kFf, kDsp, kBram, kCycles, kIi };
inline constexpr int kTargetCount = 6;
std::string_view to_string(Target t) noexcept;  ///< "LUT", "FF", "DSP", "BRAM", "CYCLES", "II"

/// Measured value: cycles = (min + max) / 2, II = (min + max) / 2 (rule4ml's definition).
double measured(const SynthesisTargets& y, Target t) noexcept;
/// Predicted value, same definitions.
double predicted(const HardwareEstimate& e, Target t) noexcept;

struct TargetMetrics {
    Target target = Target::kLut;
    std::int64_t n = 0;  ///< records with a measured value
    double r2 = 0.0;
    double smape = 0.0;  ///< 200 · mean(|y − ŷ| / (|y| + |ŷ| + 1)), percent
    double rmse = 0.0;   ///< absolute units
};

/// Scores predictions against measurements, skipping NaN measurements.
TargetMetrics score(Target t, const std::vector<double>& y, const std::vector<double>& y_hat);

/// Record indices split so that no architecture is on both sides. About `test_fraction` of the
/// architecture groups go to test, chosen by a seeded shuffle (same seed, same split). With a
/// single group everything is training data.
struct RecordSplit {
    std::vector<std::size_t> train, test;
    std::int64_t train_groups = 0, test_groups = 0;
};
RecordSplit split_by_architecture(const std::vector<SynthesisRecord>& records, double test_fraction,
                                  std::uint64_t seed);

struct Evaluation {
    std::array<TargetMetrics, kTargetCount> metrics{};
    std::int64_t n_records = 0;
    std::int64_t n_failed = 0;          ///< records the model refused (UsageError)
    std::vector<std::string> failures;  ///< first few reasons
};

/// Estimates every record in `idx` with `model` and scores all six targets.
Evaluation evaluate(const CostModel& model, const std::vector<SynthesisRecord>& records,
                    const std::vector<std::size_t>& idx);

/// The records of `idx` whose network uses `strategy` (the settings' default strategy).
std::vector<std::size_t> records_with_strategy(const std::vector<SynthesisRecord>& records,
                                               const std::vector<std::size_t>& idx,
                                               Strategy strategy);

/// Published accuracy of other surrogates (R² and SMAPE % per target, in Target order), printed
/// beside snac's own by `snac surrogate eval`: copied figures, not recomputed
/// (../shared/docs/reference/surrogate.md §3; their test sets are not the pilot's).
struct PublishedFigures {
    std::string_view name;
    std::array<double, kTargetCount> r2;
    std::array<double, kTargetCount> smape;
};
const std::vector<PublishedFigures>& published_figures();

}  // namespace snac::surrogate
