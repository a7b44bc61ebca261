// Estimation and training of one candidate. Both take everything from the candidate message and
// the run configuration: results depend on (run seed, trial number), never on the rank.
#include "work.hpp"

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <sstream>

#include "snac/core/config/train_genes.hpp"
#include "snac/core/error.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/nn/counting.hpp"
#include "snac/nn/network_spec.hpp"
#include "snac/nn/trainer.hpp"
#include "snac/runtime/signals.hpp"
#include "snac/surrogate/hardware_estimate.hpp"

namespace snac::runtime::detail {
namespace {

std::string number_text(double v) {
    std::ostringstream out;
    out.precision(6);
    out << v;
    return out.str();
}

std::vector<std::int64_t> parse_fail_trials() {
    // Test hook (docs/running-on-hpc.md#test-hooks): SNAC_TEST_FAIL_TRIALS="3,5" makes the trainer
    // throw for those trial numbers, so tests can check that a failing trainer becomes a FAIL
    // trial and the search goes on.
    std::vector<std::int64_t> out;
    const char* env = std::getenv("SNAC_TEST_FAIL_TRIALS");
    if (!env) return out;
    std::stringstream in(env);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(std::stoll(item));
    return out;
}

}  // namespace

std::vector<std::optional<double>> constraint_values(const SearchConfig& search,
                                                     const std::map<std::string, double>& metrics) {
    std::vector<std::optional<double>> out;
    for (const auto& c : search.constraints) {
        const auto v = find_metric_value(metrics, c.metric);
        if (!v) out.push_back(std::nullopt);
        else out.push_back(c.op == ConstraintOp::kLessEqual ? *v - c.value : c.value - *v);
    }
    return out;
}

Estimator::Estimator(const RunConfig& config)
    : config_(config),
      model_(surrogate::make_cost_model(config.surrogate, config.base_dir, io::read_checkpoint)),
      part_(find_part(config.hls.part)) {}

EstimateResult Estimator::counted(const Candidate& c, nn::NetworkSpec& net) const {
    EstimateResult r;
    r.trial = c.trial;
    net = nn::NetworkSpec::from_yaml(c.architecture_yaml, "trial " + std::to_string(c.trial));
    nn::CountOptions count_opt;
    count_opt.weight_bits = config_.search.bits;
    count_opt.activation_bits = config_.search.bits;
    const nn::NetworkCount counts = nn::count_network(net, count_opt);
    // Keys are the registry's (MetricSource::kCount / kSurrogate / kDerived rows).
    r.metrics["params"] = static_cast<double>(counts.params);
    r.metrics["macs"] = static_cast<double>(counts.macs);
    r.metrics["bops"] = counts.bops.at(config_.search.bops_convention);
    return r;
}

void Estimator::judge(EstimateResult& r, const surrogate::HardwareEstimate& hw) const {
    for (const std::string& name : surrogate::metric_names())
        r.metrics[name] = surrogate::metric(hw, name);

    // Cheap checks first: a candidate that breaks a constraint we can already evaluate never
    // costs a trainer.
    const auto values = constraint_values(config_.search, r.metrics);
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto& k = config_.search.constraints[i];
        if (!known_before_training(k.metric) || !values[i] || *values[i] <= 0) continue;
        r.feasible = false;
        if (!r.reason.empty()) r.reason += "; ";
        r.reason += k.metric + " = " + number_text(*find_metric_value(r.metrics, k.metric)) +
                    (k.op == ConstraintOp::kLessEqual ? " > " : " < ") + number_text(k.value) +
                    " (constraint " + k.metric +
                    (k.op == ConstraintOp::kLessEqual ? " <= " : " >= ") + number_text(k.value) +
                    ")";
    }
}

EstimateResult Estimator::operator()(const Candidate& c) const {
    nn::NetworkSpec net;
    EstimateResult r = counted(c, net);
    judge(r, model_->estimate(net, config_.hls.to_settings(), part_));
    return r;
}

std::vector<EstimateResult> Estimator::operator()(const std::vector<Candidate>& cs) const {
    // Each candidate is scored on its own (CostModel::estimate), not with one estimate_batch
    // call: the learned model's oneDNN MLP gives slightly different outputs for a row depending
    // on how many rows run together (measured: 14,619 vs 14,618 LUTs for one network at batch 1
    // vs 2), and which candidates share a batch depends on timing, so a batched inference would
    // make the study depend on the machine's load. The batch saves the message round trips; the
    // per-candidate cost is dominated by parsing the architecture YAML anyway
    // (docs/performance.md#surrogate-in-the-runtime-path-2026-11-27).
    std::vector<EstimateResult> out;
    out.reserve(cs.size());
    for (const Candidate& c : cs) out.push_back((*this)(c));
    return out;
}

std::string checkpoint_relpath(std::int64_t trial) {
    return "checkpoints/global/" + std::to_string(trial) + ".h5";
}

Trainer::Trainer(const RunConfig& config, const Dataset& data, std::string run_dir, int threads,
                 const std::atomic<bool>* stop)
    : config_(config),
      data_(data),
      run_dir_(std::move(run_dir)),
      threads_(threads),
      stop_(stop),
      fail_trials_(parse_fail_trials()) {}

TrainReport Trainer::operator()(const Candidate& c) const {
    TrainReport report;
    report.trial = c.trial;
    for (std::int64_t t : fail_trials_)
        if (t == c.trial)
            throw Error("injected trainer failure for trial " + std::to_string(c.trial) +
                        " (test hook SNAC_TEST_FAIL_TRIALS)");
    const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(c.architecture_yaml,
                                                           "trial " + std::to_string(c.trial));
    TrainConfig train = config_.train;
    for (const auto& [name, text] : c.training) apply_train_gene(train, name, text);
    nn::TrainOptions opt;
    opt.seed = c.seed;
    opt.threads = threads_;
    opt.stop = stop_;
    nn::TrainResult result = nn::train_network(net, data_, train, opt);
    test_hook_pause(stop_);
    report.seconds = result.seconds;
    report.metrics = result.metrics;
    report.metrics["train_seconds"] = result.seconds;
    switch (result.status) {
        case nn::TrainStatus::kOk: report.outcome = TrainOutcome::kOk; break;
        case nn::TrainStatus::kDiverged: report.outcome = TrainOutcome::kDiverged; break;
        case nn::TrainStatus::kStopped: report.outcome = TrainOutcome::kInterrupted; break;
        case nn::TrainStatus::kFailed: report.outcome = TrainOutcome::kFailed; break;
    }
    report.reason = result.reason;
    if (report.outcome == TrainOutcome::kOk && config_.output.keep_checkpoints) {
        report.checkpoint = checkpoint_relpath(c.trial);
        const std::filesystem::path path = std::filesystem::path(run_dir_) / report.checkpoint;
        std::filesystem::create_directories(path.parent_path());
        result.checkpoint.attributes["trial"] = std::to_string(c.trial);
        result.checkpoint.attributes["stage"] = "global";
        // Debian's HDF5 is built without thread safety: trainer threads of one process (embedded
        // mode) take turns; ranks write their own files anyway.
        static std::mutex hdf5_mutex;
        std::lock_guard lock(hdf5_mutex);
        io::write_checkpoint(path.string(), result.checkpoint);
    }
    return report;
}

}  // namespace snac::runtime::detail
