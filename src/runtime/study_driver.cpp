// The global stage's bridge between the coordinator and the search: candidates from the sampler
// (or from the re-queue of a resumed run), results into the Optuna-schema study file.
#include "study_driver.hpp"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "snac/core/atomic_file.hpp"
#include "snac/core/csv.hpp"
#include "snac/core/error.hpp"
#include "snac/core/log.hpp"
#include "snac/core/metrics.hpp"
#include "snac/core/seed.hpp"
#include "snac/nn/network_spec.hpp"
#include "snac/runtime/model_file.hpp"
#include "snac/search/encoding.hpp"
#include "snac/search/pareto.hpp"
#include "snac/runtime/trial_replay.hpp"
#include "work.hpp"

namespace snac::runtime::detail {
namespace fs = std::filesystem;
namespace {

// System attribute of a baseline trial: the model file its architecture came from.
constexpr const char* kBaselineAttr = "snac:baseline";
constexpr int kCommitGroupWrites = 64;        // writes per study transaction (2 per trial)
constexpr double kCommitGroupSeconds = 0.5;  // and the oldest write waits at most this long

std::string json_number(double v) {
    if (std::isnan(v)) return "null";
    if (std::isinf(v)) return v > 0 ? "\"inf\"" : "\"-inf\"";
    return nlohmann::json(v).dump();
}

std::vector<io::StoredParam> stored_params(const search::SearchSpace& space,
                                           const search::Genome& g) {
    std::vector<io::StoredParam> out;
    for (const auto& p : search::encode_genome(space, g))
        out.push_back({p.name, p.internal_value, p.distribution_json});
    return out;
}

std::string shape_text(const nn::Shape& s) {
    std::string out = "[";
    for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

std::string num_text(double v) {
    std::ostringstream out;
    out.precision(10);
    out << v;
    return out.str();
}

}  // namespace

std::vector<std::int64_t> fail_interrupted(io::StudyStore& store, const std::string& reason) {
    const auto crashed = store.fail_running(reason);
    for (std::int64_t n : crashed) store.set_trial_attrs(n, {}, {{kInterruptedAttr, "true"}});
    return crashed;
}

StudyDriver::StudyDriver(const RunConfig& config, std::string run_dir,
                         search::ArchitectureContext context)
    : config_(config),
      run_dir_(std::move(run_dir)),
      context_(std::move(context)),
      space_(config.search_space),
      baselines_(load_baselines(config, context_)),
      sampler_(search::make_sampler(space_, config.search)),
      store_(io::StudyStore::open((fs::path(run_dir_) / "study.db").string(),
                                  io::study_definition(config.search))) {
    load_existing();
    // Trials are committed in groups (docs/reliability.md): up to 64 writes (32 trials) or
    // 0.5 s, whichever comes first, so the per-trial cost is not two commits; a kill loses at
    // most the last group's results, which --resume re-runs like a trial in flight.
    store_.set_commit_group(kCommitGroupWrites, kCommitGroupSeconds);
}

void StudyDriver::flush(bool force) {
    if (force) store_.flush();
    else store_.flush_if_due();
}

std::vector<StudyDriver::Baseline> StudyDriver::load_baselines(
    const RunConfig& config, const search::ArchitectureContext& context) {
    std::vector<Baseline> out;
    for (const std::string& path : config.search.baselines) {
        const ModelFile m = load_model(path);
        // Only the architecture is taken: the baseline is trained like every other trial, so its
        // point is comparable with the searched ones.
        if (m.spec.input_shape != context.input_shape)
            throw UsageError(
                "baseline '" + path + "' takes input " + shape_text(m.spec.input_shape) +
                    " but the dataset's samples are " + shape_text(context.input_shape),
                "search.baselines must fit the config's dataset");
        const nn::Shape outputs = nn::output_shape(m.spec);
        if (outputs != nn::Shape{context.outputs})
            throw UsageError("baseline '" + path + "' gives output " + shape_text(outputs) +
                                 " but the dataset needs [" + std::to_string(context.outputs) + "]",
                             "search.baselines must fit the config's dataset");
        out.push_back({path, m.checkpoint.architecture_yaml});
    }
    return out;
}

std::vector<search::TrialRecord> StudyDriver::sampler_records() const {
    std::vector<search::TrialRecord> out = records_;
    for (const auto& [n, b] : baseline_of_) {
        auto& r = out.at(static_cast<std::size_t>(n));
        r.state = TrialState::kFail;
        r.values.clear();
        r.constraints.clear();
    }
    return out;
}

void StudyDriver::load_existing() {
    // A crash (kill -9, node failure) leaves trials RUNNING: they become FAIL and their genomes
    // are run again as new trials, so nothing is lost and nothing counted twice.
    const auto crashed =
        fail_interrupted(store_, "interrupted: the run stopped while this trial was RUNNING");
    if (!crashed.empty())
        log::warn(std::to_string(crashed.size()) +
                  " trial(s) were RUNNING when the previous run stopped: marked FAIL, re-queued");

    std::set<std::int64_t> interrupted, retried;
    std::map<std::int64_t, std::string> baseline_paths;  // trial -> baseline file
    for (const io::StoredTrial& st : store_.trials()) {
        search::TrialRecord r;
        r.number = st.number;
        r.state = st.state;
        std::vector<search::EncodedParam> enc;
        for (const auto& p : st.params) enc.push_back({p.name, p.internal_value, p.distribution_json});
        r.genome = search::decode_genome(space_, enc);
        for (const auto& v : st.values)
            if (v) r.values.push_back(*v);
        bool was_interrupted = false;
        for (const auto& a : st.system_attrs) {
            const auto j = nlohmann::json::parse(a.value_json, nullptr, false);
            if (a.key == "constraints" && j.is_array())
                for (const auto& c : j) r.constraints.push_back(c.is_number() ? c.get<double>() : 0.0);
            else if (a.key == "NSGAIISampler:generation" && j.is_number_integer())
                r.generation = j.get<int>();
            else if (a.key == kInterruptedAttr && j == true)
                was_interrupted = true;
            else if (a.key == kRetryOfAttr && j.is_number_integer())
                retried.insert(j.get<std::int64_t>());
            else if (a.key == kBaselineAttr && j.is_string())
                baseline_paths[st.number] = j.get<std::string>();
        }
        auto& m = metrics_[st.number];
        for (const auto& a : st.user_attrs) {
            const auto j = nlohmann::json::parse(a.value_json, nullptr, false);
            if (j.is_number()) m[a.key] = j.get<double>();
            else if (a.key == "checkpoint" && j.is_string()) checkpoints_[st.number] = j.get<std::string>();
            else if (a.key == "architecture" && j.is_string()) architectures_[st.number] = j.get<std::string>();
        }
        if (was_interrupted) interrupted.insert(st.number);
        else if (r.state != TrialState::kRunning && r.state != TrialState::kWaiting)
            ++counted_;
        records_.push_back(std::move(r));
    }
    // Baselines: a stored baseline trial keeps its index (by file); an interrupted one runs
    // again through the baseline queue; the others have not started yet.
    std::set<std::size_t> baselines_done;
    for (const auto& [n, path] : baseline_paths) {
        std::size_t i = 0;
        while (i < baselines_.size() && baselines_[i].path != path) ++i;
        if (i == baselines_.size())
            throw UsageError("trial " + std::to_string(n) + " of the study ran baseline '" + path +
                                 "', which search.baselines no longer lists",
                             "keep the study's baselines in the config, or start a new --out");
        baseline_of_[n] = i;
        if (!interrupted.count(n)) baselines_done.insert(i);
    }
    for (std::size_t i = 0; i < baselines_.size(); ++i)
        if (!baselines_done.count(i)) baseline_queue_.push_back(i);
    for (std::int64_t n : interrupted)
        if (!retried.count(n) && !baseline_of_.count(n)) {
            const auto& r = records_[static_cast<std::size_t>(n)];
            requeue_.push_back({n, r.genome, r.generation});
        }
    if (!records_.empty()) sampler_->restore(sampler_records());
}

std::uint64_t StudyDriver::trial_seed(std::int64_t number) const {
    return config_.train.seed != 0
               ? config_.train.seed
               : derive_seed(config_.search.seed, static_cast<std::uint64_t>(number), "train");
}

Candidate StudyDriver::make_candidate(std::int64_t number, const search::Genome& genome) const {
    Candidate c;
    c.trial = number;
    c.seed = trial_seed(number);
    c.architecture_yaml = search::build_architecture(space_, genome, context_);
    for (const auto& [name, gene] : genome) c.params[name] = search::gene_text(gene);
    c.training = search::training_genes(space_, genome);
    return c;
}

void StudyDriver::restore_sampler_if_needed() {
    if (!restore_needed_ || !retries_running_.empty()) return;
    // Retried genomes and baselines were not proposed by the sampler; with nothing else running
    // it is rebuilt from the study, which now holds their results.
    sampler_->restore(sampler_records());
    restore_needed_ = false;
}

std::optional<Candidate> StudyDriver::next() {
    if (!requeue_.empty()) {
        Requeue q = std::move(requeue_.front());
        requeue_.pop_front();
        const std::string gen = std::to_string(q.generation);
        const std::int64_t n = store_.create_trial(
            stored_params(space_, q.genome), {},
            {{kRetryOfAttr, std::to_string(q.failed_trial)},
             {"NSGAIISampler:generation", gen},
             {"nsga2:generation", gen}});
        if (n != static_cast<std::int64_t>(records_.size()))
            throw_runtime("study trial numbers out of step (" + std::to_string(n) + " vs " +
                          std::to_string(records_.size()) + ")");
        search::TrialRecord r;
        r.number = n;
        r.genome = q.genome;
        r.generation = q.generation;
        records_.push_back(r);
        retries_running_.insert(n);
        restore_needed_ = true;
        log::info("trial " + std::to_string(n) + " re-runs interrupted trial " +
                  std::to_string(q.failed_trial));
        return make_candidate(n, q.genome);
    }
    if (!retries_running_.empty()) return std::nullopt;  // rebuild the sampler after them
    restore_sampler_if_needed();
    if (!baseline_queue_.empty()) {
        // A baseline trial: no params (its architecture is no point of the space), the file in
        // a system attribute; Optuna reads it as a trial with empty params.
        const std::size_t i = baseline_queue_.front();
        baseline_queue_.pop_front();
        const Baseline& b = baselines_[i];
        const std::int64_t n =
            store_.create_trial({}, {{"baseline", nlohmann::json(b.path).dump()}},
                                {{kBaselineAttr, nlohmann::json(b.path).dump()},
                                 {"NSGAIISampler:generation", "0"},
                                 {"nsga2:generation", "0"}});
        if (n != static_cast<std::int64_t>(records_.size()))
            throw_runtime("study trial numbers out of step (" + std::to_string(n) + " vs " +
                          std::to_string(records_.size()) + ")");
        search::TrialRecord r;
        r.number = n;
        records_.push_back(r);
        baseline_of_[n] = i;
        // The sampler sees the trial as FAIL from the start (nothing of the sampler's runs
        // now), so it numbers on and proposes the next trials while the baseline trains.
        sampler_->restore(sampler_records());
        log::info("trial " + std::to_string(n) + " evaluates baseline " + b.path);
        Candidate c;
        c.trial = n;
        c.seed = config_.train.seed != 0
                     ? config_.train.seed
                     : derive_seed(config_.search.seed, static_cast<std::uint64_t>(n), "train");
        c.architecture_yaml = b.architecture_yaml;
        return c;
    }
    std::optional<search::Suggestion> s = sampler_->ask();
    if (!s) return std::nullopt;
    const std::string gen = std::to_string(s->generation);
    const std::int64_t n = store_.create_trial(
        stored_params(space_, s->genome), {},
        {{"NSGAIISampler:generation", gen}, {"nsga2:generation", gen}});
    if (n != s->number)
        throw_runtime("the study file and the sampler disagree on the next trial number (" +
                      std::to_string(n) + " vs " + std::to_string(s->number) + ")",
                      "was the study file changed by another program during the run?");
    search::TrialRecord r;
    r.number = n;
    r.genome = s->genome;
    r.generation = s->generation;
    records_.push_back(r);
    if (s->duplicate_of) duplicate_of_[n] = *s->duplicate_of;
    return make_candidate(n, s->genome);
}

std::optional<FinishedTrial> StudyDriver::reuse(const Candidate& candidate) {
    const auto dup = duplicate_of_.find(candidate.trial);
    if (dup == duplicate_of_.end()) return std::nullopt;
    const std::int64_t earlier = dup->second;
    const auto metrics = metrics_.find(earlier);
    // Only a finished, deterministic outcome is copied; a failed or still-running genome is
    // evaluated again (a failure may have been the machine's, not the genome's).
    if (metrics == metrics_.end()) return std::nullopt;
    const TrialState state = records_.at(static_cast<std::size_t>(earlier)).state;
    if (state != TrialState::kComplete && state != TrialState::kPruned)
        return std::nullopt;
    FinishedTrial t;
    t.candidate = candidate;
    t.end = state == TrialState::kComplete ? TrialEnd::kComplete : TrialEnd::kPruned;
    t.reason = "duplicate of trial " + std::to_string(earlier) + ": result copied, not re-evaluated";
    t.estimate.trial = candidate.trial;
    t.estimate.metrics = metrics->second;
    if (auto ck = checkpoints_.find(earlier); ck != checkpoints_.end()) t.train.checkpoint = ck->second;
    return t;
}

std::optional<std::int64_t> StudyDriver::running_twin(const Candidate& candidate) const {
    const auto dup = duplicate_of_.find(candidate.trial);
    if (dup == duplicate_of_.end()) return std::nullopt;
    if (records_.at(static_cast<std::size_t>(dup->second)).state != TrialState::kRunning)
        return std::nullopt;
    return dup->second;
}

std::optional<std::string> StudyDriver::exhausted() const {
    if (!requeue_.empty() || !baseline_queue_.empty() || !sampler_->exhausted())
        return std::nullopt;
    const double n = *sampler_->space_size();
    return "the search space is exhausted: all " + num_text(n) + " distinct network" +
           (n == 1 ? "" : "s") + " were tried";
}

std::optional<std::string> StudyDriver::incomplete(const FinishedTrial& t) const {
    std::map<std::string, double> metrics = t.estimate.metrics;
    for (const auto& [k, v] : t.train.metrics) metrics[k] = v;
    for (const auto& o : config_.search.objectives) {
        const auto v = find_metric_value(metrics, o.metric);
        if (!v || std::isnan(*v)) return "objective '" + o.metric + "' was not measured";
    }
    return std::nullopt;
}

void StudyDriver::finish(const FinishedTrial& t) {
    const std::int64_t n = t.candidate.trial;
    std::map<std::string, double> metrics = t.estimate.metrics;
    for (const auto& [k, v] : t.train.metrics) metrics[k] = v;

    TrialState state = TrialState::kFail;
    std::string reason = t.reason;
    std::vector<double> values;
    if (t.end == TrialEnd::kComplete) {
        state = TrialState::kComplete;
        for (const auto& o : config_.search.objectives) {
            const auto v = find_metric_value(metrics, o.metric);
            if (!v || std::isnan(*v)) {
                state = TrialState::kFail;
                reason = "objective '" + o.metric + "' was not measured";
                values.clear();
                break;
            }
            values.push_back(*v);
        }
    } else if (t.end == TrialEnd::kPruned) {
        state = TrialState::kPruned;
    }
    std::vector<double> constraints;
    if (state != TrialState::kFail)
        for (const auto& c : constraint_values(config_.search, metrics))
            constraints.push_back(c ? *c : 0.0);  // unmeasured (pruned before training): no vote

    std::vector<io::JsonAttr> user, system;
    for (const auto& [k, v] : metrics) user.push_back({k, json_number(v)});
    user.push_back({"seed", std::to_string(t.candidate.seed)});
    if (!t.train.checkpoint.empty()) {
        user.push_back({"checkpoint", nlohmann::json(t.train.checkpoint).dump()});
        checkpoints_[n] = t.train.checkpoint;
    }
    if (!reason.empty()) user.push_back({"reason", nlohmann::json(reason).dump()});
    if (!config_.search.constraints.empty() && state != TrialState::kFail)
        system.push_back({"constraints", nlohmann::json(constraints).dump()});
    if (state == TrialState::kFail)
        system.push_back({"fail_reason", nlohmann::json(reason).dump()});
    if (t.end == TrialEnd::kInterrupted) system.push_back({kInterruptedAttr, "true"});
    store_.finish_trial(n, state, values, user, system);

    metrics_[n] = metrics;
    auto& rec = records_.at(static_cast<std::size_t>(n));
    rec.state = state;
    rec.values = values;
    rec.constraints = constraints;
    if (t.end != TrialEnd::kInterrupted) ++counted_;

    if (retries_running_.erase(n)) return;  // the sampler learns about it at its rebuild
    if (baseline_of_.count(n)) return;      // never the sampler's: FAIL in its view
    if (config_.search.mode == SearchMode::kGenerational) {
        pending_.push_back({n, {values, constraints}});
        pending_state_[n] = state;
    } else {
        sampler_->tell(n, values, constraints, state);
    }
}

void StudyDriver::sync() {
    // Tell in trial order: the sampler's state then depends only on which trials finished, not
    // on the order trainers returned them.
    std::sort(pending_.begin(), pending_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [n, vc] : pending_) sampler_->tell(n, vc.first, vc.second, pending_state_[n]);
    pending_.clear();
    pending_state_.clear();
    restore_sampler_if_needed();
}

std::string StudyDriver::status(StatusAge age) const {
    const auto now = std::chrono::steady_clock::now();
    if (age == StatusAge::kCached && !status_.empty() &&
        now - status_time_ < std::chrono::seconds(2))
        return status_;
    status_time_ = now;
    std::ostringstream out;
    out << "front " << sampler_->pareto_front().size();
    out.precision(4);
    out << " | HV " << sampler_->hypervolume();
    status_ = out.str();
    return status_;
}

double StudyDriver::hypervolume() {
    restore_sampler_if_needed();
    return sampler_->hypervolume();
}

std::pair<std::string, std::size_t> StudyDriver::write_pareto_csv() {
    restore_sampler_if_needed();
    // The study's front, as Optuna's best_trials sees it: baselines included (the sampler sees
    // them as FAIL, so its own front leaves them out).
    const std::vector<std::int64_t> front = sampler_->pareto_front(records_);
    std::vector<std::string> metric_cols;
    for (const auto& o : config_.search.objectives) metric_cols.push_back(o.metric);
    for (const MetricInfo& m : metric_registry()) {  // then every exported registry column
        if (m.csv_column.empty()) continue;
        const std::string extra(m.csv_column);
        bool have = false;
        for (const auto& c : metric_cols) have |= c == extra;
        if (!have) metric_cols.push_back(extra);
    }
    std::ostringstream csv;
    csv << "trial";
    for (const auto& c : metric_cols) csv << "," << c;
    csv << ",architecture,checkpoint";
    for (const auto& p : space_.params()) csv << "," << p.name;
    csv << "\n";
    // Architecture files for the front only: one file per trial would cost the coordinator a file
    // creation per trial (every checkpoint holds its architecture anyway), and the front's are
    // rebuilt exactly from the genomes.
    for (std::int64_t n : front) {
        if (architectures_.count(n)) continue;
        const std::string rel = "architectures/global/" + std::to_string(n) + ".yaml";
        const search::Genome& genome = records_.at(static_cast<std::size_t>(n)).genome;
        const auto baseline = baseline_of_.find(n);
        // With the trial's seed and training genes, the file alone retrains it (snac train). A
        // baseline has no genome: its own architecture, trained with the config's settings.
        write_file_atomic(
            (fs::path(run_dir_) / rel).string(),
            baseline != baseline_of_.end()
                ? architecture_with_origin(baselines_[baseline->second].architecture_yaml,
                                           {n, trial_seed(n), {}})
                : architecture_with_origin(
                      search::build_architecture(space_, genome, context_),
                      {n, trial_seed(n), search::training_genes(space_, genome)}));
        store_.set_trial_attrs(n, {{"architecture", nlohmann::json(rel).dump()}}, {});
        architectures_[n] = rel;
    }
    for (std::int64_t n : front) {
        const auto& m = metrics_[n];
        const auto& rec = records_.at(static_cast<std::size_t>(n));
        csv << n;
        for (const auto& c : metric_cols) {
            const auto v = find_metric_value(m, c);
            csv << "," << (v ? num_text(*v) : std::string());
        }
        csv << "," << csv_field(architectures_.count(n) ? architectures_[n] : "");
        csv << "," << csv_field(checkpoints_.count(n) ? checkpoints_[n] : "");
        for (const auto& p : space_.params()) {
            auto it = rec.genome.find(p.name);
            csv << "," << (it == rec.genome.end() ? "" : csv_field(search::gene_text(it->second)));
        }
        csv << "\n";
    }
    store_.flush();  // the architecture attributes are in the study before the CSV names them
    const std::string path = (fs::path(run_dir_) / "pareto_global.csv").string();
    write_file_atomic(path, csv.str());
    return {path, front.size()};
}

}  // namespace snac::runtime::detail
