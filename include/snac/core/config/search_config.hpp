#pragma once
/// `search:` section — objectives, constraints, budget and the sampler of the global search.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace snac {

enum class Direction { kMinimize, kMaximize };
enum class SearchMode { kGenerational, kSteadyState };
enum class ConstraintOp { kLessEqual, kGreaterEqual };
enum class SamplerKind { kNsga2, kTpe, kRandom };
/// How BOPs are counted (docs/search.md#bops): MACs, NAC's, SNAC-Pack's code, or the paper's.
enum class BopsConvention { kMacs, kNac, kSnac, kPaper };
/// NSGA-II crossover of numeric genes: uniform (Optuna's default) or SBX + polynomial mutation.
enum class Crossover { kUniform, kSbx };
/// How study-file commits reach the disk (snac/io/study_store.hpp): WAL on local disks, the
/// rollback journal (delete) on NFS/Lustre/GPFS; auto picks by file system.
enum class StudyJournal { kAuto, kWal, kDelete };

struct ObjectiveConfig {
    std::string metric;  ///< accuracy, loss, mean_distance, params, bops, est_* ...
    Direction direction = Direction::kMinimize;
};

/// metric op value, e.g. est_lut_pct <= 30.
struct ConstraintConfig {
    std::string metric;
    ConstraintOp op = ConstraintOp::kLessEqual;
    double value = 0.0;
};

/// The largest trial budget (search.trials, --trials): far beyond any search, small enough that
/// no count derived from it overflows.
inline constexpr std::int64_t kMaxTrials = std::int64_t{1} << 40;
/// Every BOPs convention with its name (`search.bops_convention`, `snac inspect`), in docs order:
/// the one table the config parser and emitter, nn's counting and the CLI read.
std::span<const std::pair<std::string_view, BopsConvention>> bops_conventions() noexcept;
std::string_view to_string(BopsConvention c) noexcept;        ///< "macs" | "nac" | "snac" | "paper"
BopsConvention parse_bops_convention(std::string_view name);  ///< throws UsageError

struct SearchConfig {
    std::vector<ObjectiveConfig> objectives;  ///< default: maximize accuracy, minimize bops
    std::vector<ConstraintConfig> constraints;
    BopsConvention bops_convention = BopsConvention::kPaper;
    int bits = 32;                            ///< bit width for BOPs in the global stage
    std::int64_t trials = 50;                 ///< trial budget
    double time_limit_s = 0.0;                ///< wall-time budget; 0 = none
    int population = 20;
    SearchMode mode = SearchMode::kSteadyState;
    double crossover_prob = 0.9;
    double swapping_prob = 0.5;
    double mutation_prob = -1.0;              ///< per gene; <0: 1 / number of genes (Optuna)
    Crossover crossover = Crossover::kUniform;
    double sbx_eta = 20.0;                    ///< SBX distribution index (crossover: sbx)
    double mutation_eta = 20.0;               ///< polynomial-mutation index (crossover: sbx)
    SamplerKind sampler = SamplerKind::kNsga2;
    int tpe_startup_trials = 10;              ///< random trials before TPE models the history
    int tpe_candidates = 24;                  ///< expected-improvement candidates per ask
    bool tpe_multivariate = false;            ///< joint Parzen estimator over all genes
    /// RUNNING trials join the bad group (Optuna's constant_liar): asks of one batch spread out.
    /// Set by the local stage's TPE, which asks a batch per round; not a config key.
    bool tpe_constant_liar = false;
    std::vector<double> reference_point;      ///< hypervolume reference; empty = derived
    std::uint64_t seed = 42;
    std::string study_name = "snac";
    /// Optuna schema revision written to new study files: v3.0.0.d opens strictly in Optuna
    /// 3.0/3.1 (Debian), v3.2.0.a in Optuna >= 3.2.
    std::string optuna_schema = "v3.0.0.d";
    StudyJournal study_journal = StudyJournal::kAuto;
    /// Baseline models (architecture file, checkpoint or ONNX) evaluated as the study's first
    /// trials, like Optuna's enqueue_trial; part of the `trials` budget. Relative paths resolve
    /// against the config file's directory (load_config makes them absolute).
    std::vector<std::string> baselines;
};

}  // namespace snac
