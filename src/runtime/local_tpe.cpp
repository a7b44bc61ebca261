// The local stage's TPE over training settings (see local_tpe.hpp). The sampler is snac's own
// (src/search/tpe.cpp); this file builds the space, proposes trials in batches, trains one trial
// on whichever rank got it, records results and resumes.
#include "local_tpe.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "snac/core/config/train_genes.hpp"
#include "snac/core/error.hpp"
#include "snac/core/log.hpp"
#include "snac/core/metrics.hpp"
#include "snac/core/seed.hpp"
#include "snac/core/trial_state.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/io/study_store.hpp"
#include "snac/nn/network_spec.hpp"
#include "snac/nn/trainer.hpp"
#include "snac/runtime/signals.hpp"
#include "snac/search/architecture.hpp"
#include "snac/search/encoding.hpp"
#include "snac/search/sampler.hpp"
#include "snac/search/space.hpp"
#include "study_driver.hpp"

namespace snac::runtime::detail {
namespace fs = std::filesystem;
using json = nlohmann::json;
namespace {

ParamConfig float_param(const std::string& name, double low, double high, double base, bool log,
                        std::string condition = {}) {
    ParamConfig p;
    p.name = name;
    p.kind = ParamKind::kFloat;
    p.low = std::min(low, base);
    p.high = std::max(high, base);
    p.log = log;
    p.condition = std::move(condition);
    return p;
}

ParamConfig int_param(const std::string& name, int low, int high, int base,
                      std::string condition = {}) {
    ParamConfig p = float_param(name, low, high, base, false, std::move(condition));
    p.kind = ParamKind::kInt;
    p.step = 1;
    return p;
}

ParamConfig choice_param(const std::string& name, std::vector<std::string> choices,
                         const std::string& base, std::string condition = {}) {
    ParamConfig p;
    p.name = name;
    p.kind = ParamKind::kCategorical;
    if (std::find(choices.begin(), choices.end(), base) == choices.end()) choices.push_back(base);
    p.choices = std::move(choices);
    p.condition = std::move(condition);
    return p;
}

bool higher_is_better(const Dataset& d) {
    return d.task == TaskType::kClassification;
}
std::string metric_of(const Dataset& d) {
    return higher_is_better(d) ? "accuracy" : "mean_distance";
}

/// The genome of the `train:` section itself (trial 0): the genes active for its optimizer and
/// schedule, each at the section's value.
search::Genome baseline_genome(const search::SearchSpace& space, const TrainConfig& t) {
    const std::map<std::string, search::Gene> all = {
        {"learning_rate", t.learning_rate},
        {"batch_size", std::to_string(t.batch_size)},
        {"optimizer", std::string(snac::to_string(t.optimizer))},
        {"momentum", t.momentum},
        {"rho", t.rho},
        {"weight_decay", t.weight_decay},
        {"schedule", std::string(snac::to_string(t.schedule))},
        {"step_size", static_cast<double>(t.step_size)},
        {"gamma", t.gamma},
        {"decay_rate", t.decay_rate},
        {"plateau_patience", static_cast<double>(t.plateau_patience)},
        {"epochs", static_cast<double>(t.epochs)},
        {"early_stopping_patience", static_cast<double>(t.early_stopping_patience)},
    };
    search::Genome g;
    for (const search::Param& p : space.params())
        if (space.active(p, g)) g[p.name] = all.at(p.name);
    return g;
}

}  // namespace

SearchSpaceConfig local_tpe_space(const TrainConfig& b) {
    SearchSpaceConfig c;
    c.family = "mlp";  // unused: the space holds training genes only
    const int e = b.epochs;
    c.training = {
        float_param("learning_rate", 1e-4, 3e-2, b.learning_rate, true),
        choice_param("batch_size", {"16", "32", "64", "128", "256"}, std::to_string(b.batch_size)),
        choice_param("optimizer", {"adam", "sgd", "rmsprop"},
                     std::string(snac::to_string(b.optimizer))),
        float_param("momentum", 0.5, 0.99, b.momentum, false, "optimizer == sgd"),
        float_param("rho", 0.8, 0.99, b.rho, false, "optimizer == rmsprop"),
        float_param("weight_decay", 0.0, 1e-3, b.weight_decay, false),
        choice_param("schedule", {"constant", "step", "cosine", "exponential", "reduce_on_plateau"},
                     std::string(snac::to_string(b.schedule))),
        int_param("step_size", 1, std::max(2, e / 2), b.step_size, "schedule == step"),
        float_param("gamma", 0.1, 0.7, b.gamma, false, "schedule in [step, reduce_on_plateau]"),
        float_param("decay_rate", 0.8, 0.99, b.decay_rate, false, "schedule == exponential"),
        int_param("plateau_patience", 1, 3, b.plateau_patience, "schedule == reduce_on_plateau"),
        int_param("epochs", std::max(1, e / 2), std::max(2, 2 * e), e),
        int_param("early_stopping_patience", 0, 5, b.early_stopping_patience),
    };
    return c;
}

std::string to_json(const TpeTask& t) {
    return json{{"model", t.model},   {"architecture", t.architecture_yaml},
                {"number", t.number}, {"baseline", t.baseline},
                {"seed", t.seed},     {"genes", t.genes}}
        .dump();
}

TpeTask tpe_task_from_json(const std::string& text) {
    const json j = json::parse(text);
    TpeTask t;
    t.model = j.at("model").get<std::string>();
    t.architecture_yaml = j.at("architecture").get<std::string>();
    t.number = j.at("number").get<std::int64_t>();
    t.baseline = j.at("baseline").get<bool>();
    t.seed = j.at("seed").get<std::uint64_t>();
    t.genes = j.at("genes").get<std::map<std::string, std::string>>();
    return t;
}

std::string to_json(const TpeResult& r) {
    return json{{"model", r.model},
                {"number", r.number},
                {"outcome", static_cast<int>(r.outcome)},
                {"reason", r.reason},
                {"value", r.value},
                {"metrics", r.metrics},
                {"checkpoint", r.checkpoint},
                {"seconds", r.seconds},
                {"rank", r.rank}}
        .dump();
}

TpeResult tpe_result_from_json(const std::string& text) {
    const json j = json::parse(text);
    TpeResult r;
    r.model = j.at("model").get<std::string>();
    r.number = j.at("number").get<std::int64_t>();
    const int o = j.at("outcome").get<int>();
    if (o < 0 || o > static_cast<int>(TpeResult::Outcome::kStopped))
        throw Error("local TPE: unknown trial outcome " + std::to_string(o));
    r.outcome = static_cast<TpeResult::Outcome>(o);
    r.reason = j.at("reason").get<std::string>();
    r.value = j.at("value").get<double>();
    r.metrics = j.at("metrics").get<std::map<std::string, double>>();
    r.checkpoint = j.at("checkpoint").get<std::string>();
    r.seconds = j.at("seconds").get<double>();
    r.rank = j.at("rank").get<int>();
    return r;
}

TpeResult run_tpe_trial(const TpeTask& task, const RunConfig& cfg, const Dataset& data,
                        const std::string& run_dir, int threads, const std::atomic<bool>* stop) {
    TpeResult out;
    out.model = task.model;
    out.number = task.number;
    const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(task.architecture_yaml, task.model);
    TrainConfig tc = cfg.train;
    if (!task.baseline) search::apply_training_genes(task.genes, tc);  // baseline: `train:` as is
    tc.kfold = 1;
    nn::TrainOptions to;
    to.seed = task.seed;
    to.threads = threads;
    to.stop = stop;
    const auto t0 = std::chrono::steady_clock::now();
    nn::TrainResult r = nn::train_network(net, data, tc, to);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (r.status == nn::TrainStatus::kStopped) {
        out.outcome = TpeResult::Outcome::kStopped;
        out.reason = "stopped on request";
        return out;
    }
    const std::string key = training_metric_key(
        metric_of(data), data.val_idx.empty() ? EvalSplit::kTest : EvalSplit::kValidation);
    const auto value = r.metrics.find(key);
    if (r.status != nn::TrainStatus::kOk || value == r.metrics.end() ||
        !std::isfinite(value->second)) {
        out.outcome = TpeResult::Outcome::kFailed;
        out.reason = r.reason.empty() ? "no " + key : r.reason;
        return out;
    }
    const fs::path rel =
        fs::path("local") / task.model / "tpe" / ("trial" + std::to_string(task.number) + ".h5");
    fs::create_directories((fs::path(run_dir) / rel).parent_path());
    r.checkpoint.attributes["local_model"] = task.model;
    r.checkpoint.attributes["local_tpe_trial"] = std::to_string(task.number);
    io::write_checkpoint((fs::path(run_dir) / rel).string(), r.checkpoint);
    out.checkpoint = rel.string();
    out.value = value->second;
    for (const auto& [k, v] : r.metrics)
        if (std::isfinite(v)) out.metrics[k] = v;
    return out;
}

LocalTpeSearch::LocalTpeSearch(const RunConfig& cfg, const Dataset& data, std::string model,
                               std::string architecture_yaml, int batch)
    : cfg_(cfg),
      model_(std::move(model)),
      architecture_yaml_(std::move(architecture_yaml)),
      batch_(std::max(batch, 1)),
      higher_(higher_is_better(data)),
      metric_key_(training_metric_key(
          metric_of(data), data.val_idx.empty() ? EvalSplit::kTest : EvalSplit::kValidation)),
      space_(local_tpe_space(cfg.train)) {
    const Direction dir = higher_ ? Direction::kMaximize : Direction::kMinimize;
    def_.name = "local_tpe_" + model_;
    def_.metric_names = {metric_of(data)};
    def_.directions = {dir};
    def_.journal = io::study_definition(cfg.search).journal;
    // The local study's own `search:` section: one objective, no constraints, TPE; only the
    // candidate count and (derived) seed come from the global section.
    SearchConfig sc;
    sc.sampler = SamplerKind::kTpe;
    sc.objectives = {{metric_of(data), dir}};
    // Optuna's default of 10 random start-up trials, fewer for small budgets so TPE acts at all.
    sc.tpe_startup_trials = std::clamp(cfg.local.tpe_trials / 3, 1, 10);
    sc.tpe_candidates = cfg.search.tpe_candidates;
    sc.tpe_constant_liar = true;
    sc.seed = derive_seed(cfg.search.seed, 0, "local-tpe/" + model_);
    sampler_ = search::make_sampler(space_, sc);
}

void LocalTpeSearch::load(io::StudyStore& study) {
    loaded_ = true;
    fail_interrupted(study, "interrupted: the local TPE stopped while this trial was RUNNING");
    std::set<std::int64_t> retried;
    for (const io::StoredTrial& st : study.trials()) {
        search::TrialRecord r;
        r.number = st.number;
        r.state = st.state;
        std::vector<search::EncodedParam> enc;
        for (const auto& p : st.params)
            enc.push_back({p.name, p.internal_value, p.distribution_json});
        r.genome = search::decode_genome(space_, enc);
        for (const auto& v : st.values)
            if (v) r.values.push_back(*v);
        for (const auto& a : st.system_attrs) {
            const json v = json::parse(a.value_json, nullptr, false);
            if (a.key == kInterruptedAttr && v == true)
                interrupted_.insert(st.number);
            else if (a.key == kRetryOfAttr && v.is_number_integer())
                retried.insert(v.get<std::int64_t>());
        }
        for (const auto& a : st.user_attrs) {
            const json v = json::parse(a.value_json, nullptr, false);
            if (a.key == "checkpoint" && v.is_string())
                checkpoints_[st.number] = v.get<std::string>();
            else if (a.key == "interrupted" && v == true)  // run directories before the convention
                interrupted_.insert(st.number);
            else if (a.key == "baseline" && v == true)
                baselines_.insert(st.number);
        }
        records_.push_back(std::move(r));
    }
    for (const std::int64_t n : interrupted_)
        if (!retried.count(n) && !baselines_.count(n))  // an interrupted baseline runs as baseline
            requeue_.emplace_back(n, records_.at(static_cast<std::size_t>(n)).genome);
    if (!records_.empty()) {
        log::info("local: " + model_ + " TPE resumes after " + std::to_string(records_.size()) +
                  " trial(s)" +
                  (requeue_.empty() ? std::string()
                                    : ", " + std::to_string(requeue_.size()) + " re-queued"));
        sampler_->restore(records_);
    }
}

std::int64_t LocalTpeSearch::counted() const {
    return static_cast<std::int64_t>(records_.size() - interrupted_.size());
}

bool LocalTpeSearch::finished() const {
    return loaded_ && running_.empty() && ready_.empty() &&
           (counted() >= cfg_.local.tpe_trials || exhausted_);
}

void LocalTpeSearch::create(io::StudyStore& study, const search::Genome& genome, bool baseline,
                            std::optional<std::int64_t> retry_of) {
    std::vector<io::StoredParam> params;
    for (const auto& e : search::encode_genome(space_, genome))
        params.push_back({e.name, e.internal_value, e.distribution_json});
    std::vector<io::JsonAttr> system;
    if (retry_of) system.push_back({kRetryOfAttr, std::to_string(*retry_of)});
    const std::int64_t n = study.create_trial(
        params, {{"local_model", json(model_).dump()}, {"baseline", json(baseline).dump()}},
        system);
    if (n != static_cast<std::int64_t>(records_.size()))
        throw Error("local TPE: study trial numbers out of step (" + std::to_string(n) + " vs " +
                    std::to_string(records_.size()) + ")");
    search::TrialRecord r;
    r.number = n;
    r.genome = genome;
    records_.push_back(std::move(r));
    if (baseline) baselines_.insert(n);
    if (retry_of)
        log::info("local: " + model_ + " TPE trial " + std::to_string(n) +
                  " re-runs interrupted trial " + std::to_string(*retry_of));
    running_.insert(n);
    TpeTask t;
    t.model = model_;
    t.architecture_yaml = architecture_yaml_;
    t.number = n;
    t.baseline = baseline;
    t.seed = derive_seed(cfg_.search.seed, static_cast<std::uint64_t>(n), "local-tpe/" + model_);
    if (!baseline) t.genes = search::training_genes(space_, genome);
    ready_.push_back(std::move(t));
}

std::optional<TpeTask> LocalTpeSearch::next(io::StudyStore& study) {
    if (!loaded_) load(study);
    if (ready_.empty() && running_.empty() && !finished()) {
        // A new batch: every earlier trial is told, so the sampler rebuilt from the records holds
        // exactly the finished history, whatever order the results arrived in.
        std::int64_t slots = std::min<std::int64_t>(batch_, cfg_.local.tpe_trials - counted());
        bool have_baseline = false;
        for (const std::int64_t b : baselines_) have_baseline |= !interrupted_.count(b);
        // Trials the sampler does not propose come first (the baseline, then interrupted
        // settings); the sampler then numbers on after them.
        if (!have_baseline && slots > 0) {
            create(study, baseline_genome(space_, cfg_.train), true, std::nullopt);
            --slots;
        }
        while (slots > 0 && !requeue_.empty()) {
            const auto [failed, genome] = requeue_.front();
            requeue_.erase(requeue_.begin());
            create(study, genome, false, failed);
            --slots;
        }
        sampler_->restore(records_);
        while (slots > 0) {
            auto s = sampler_->ask();  // the trials asked before in this batch are RUNNING in it
            if (!s) {
                exhausted_ = true;
                break;
            }
            if (s->number != static_cast<std::int64_t>(records_.size()))
                throw Error("local TPE: the sampler's trial " + std::to_string(s->number) +
                            " is not the study's next trial " + std::to_string(records_.size()));
            --slots;
            if (!s->duplicate_of) {
                create(study, s->genome, false, std::nullopt);
                continue;
            }
            // A small space can run out of new genomes: copy the earlier result.
            std::vector<io::StoredParam> params;
            for (const auto& e : search::encode_genome(space_, s->genome))
                params.push_back({e.name, e.internal_value, e.distribution_json});
            const std::int64_t n = study.create_trial(
                params, {{"local_model", json(model_).dump()}, {"baseline", "false"}});
            const search::TrialRecord prev =
                records_.at(static_cast<std::size_t>(*s->duplicate_of));
            const bool ok = prev.state == TrialState::kComplete;
            study.finish_trial(n, ok ? TrialState::kComplete : TrialState::kFail,
                               ok ? prev.values : std::vector<double>{},
                               {{"duplicate_of", json(*s->duplicate_of).dump()}});
            if (ok && checkpoints_.count(*s->duplicate_of))
                checkpoints_[n] = checkpoints_.at(*s->duplicate_of);
            records_.push_back({n,
                                s->genome,
                                ok ? TrialState::kComplete : TrialState::kFail,
                                ok ? prev.values : std::vector<double>{},
                                {},
                                0});
        }
    }
    if (ready_.empty()) return std::nullopt;
    TpeTask t = std::move(ready_.front());
    ready_.erase(ready_.begin());
    return t;
}

void LocalTpeSearch::tell(io::StudyStore& study, const TpeResult& r) {
    if (!running_.erase(r.number))
        throw Error("local TPE: a result for trial " + std::to_string(r.number) + " of " + model_ +
                    ", which is not running");
    search::TrialRecord& rec = records_.at(static_cast<std::size_t>(r.number));
    const json rank = r.rank;
    switch (r.outcome) {
        case TpeResult::Outcome::kStopped:
            // Drained: FAIL and interrupted, run again by the next --resume.
            study.finish_trial(
                r.number, TrialState::kFail, {},
                {{"fail_reason", json(r.reason).dump()}, {"trained_on_rank", rank.dump()}},
                {{kInterruptedAttr, "true"}});
            interrupted_.insert(r.number);
            rec.state = TrialState::kFail;
            if (!baselines_.count(r.number)) requeue_.emplace_back(r.number, rec.genome);
            return;
        case TpeResult::Outcome::kFailed:
            study.finish_trial(
                r.number, TrialState::kFail, {},
                {{"fail_reason", json(r.reason).dump()}, {"trained_on_rank", rank.dump()}});
            rec.state = TrialState::kFail;
            log::warn("local: " + model_ + " TPE trial " + std::to_string(r.number) +
                      " failed: " + r.reason);
            return;
        case TpeResult::Outcome::kOk:
            break;
    }
    std::vector<io::JsonAttr> attrs = {{"checkpoint", json(r.checkpoint).dump()},
                                       {"train_seconds", json(r.seconds).dump()},
                                       {"trained_on_rank", rank.dump()}};
    for (const auto& [k, v] : r.metrics) attrs.push_back({k, json(v).dump()});
    study.finish_trial(r.number, TrialState::kComplete, {r.value}, attrs);
    rec.state = TrialState::kComplete;
    rec.values = {r.value};
    checkpoints_[r.number] = r.checkpoint;
    const bool baseline = baselines_.count(r.number) > 0;
    std::string settings;
    if (!baseline)
        for (const auto& [k, v] : search::training_genes(space_, rec.genome))
            settings += " " + k + "=" + v;
    log::info("local: " + model_ + " TPE trial " + std::to_string(r.number) + " (rank " +
              std::to_string(r.rank) + ")" + (baseline ? " (baseline: train: section)" : "") +
              ": " + metric_key_ + " " + std::to_string(r.value) +
              (baseline ? "" : ";" + settings));
}

TpeOutcome LocalTpeSearch::outcome() const {
    TpeOutcome out;
    out.trials = static_cast<std::int64_t>(records_.size());
    for (const search::TrialRecord& t : records_) {
        if (t.state != TrialState::kComplete || t.values.empty() || !checkpoints_.count(t.number))
            continue;
        const double v = t.values[0];
        if (!out.best || (higher_ ? v > out.best_metric : v < out.best_metric)) {
            out.best = t.number;
            out.best_metric = v;
            out.best_checkpoint = checkpoints_.at(t.number);
            out.best_settings = cfg_.train;
            if (!baselines_.count(t.number))
                search::apply_training_genes(search::training_genes(space_, t.genome),
                                             out.best_settings);
        }
    }
    return out;
}

}  // namespace snac::runtime::detail
