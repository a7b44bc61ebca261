// The local stage's TPE over training settings (see local_tpe.hpp). The sampler is snac's own
// (src/search/tpe.cpp); this file builds the space, records trials and resumes.
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

TpeOutcome run_local_tpe(const RunConfig& cfg, const Dataset& data, const std::string& run_dir,
                         const std::string& model, const std::string& architecture_yaml,
                         const std::atomic<bool>* stop) {
    const search::SearchSpace space(local_tpe_space(cfg.train));
    const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(architecture_yaml, model);
    const std::string metric = metric_of(data);
    const bool higher = higher_is_better(data);
    const Direction dir = higher ? Direction::kMaximize : Direction::kMinimize;

    io::StudyDefinition def;
    def.name = "local_tpe_" + model;
    def.metric_names = {metric};
    def.directions = {dir};
    def.journal = io::study_definition(cfg.search).journal;
    io::StudyStore study = io::StudyStore::open((fs::path(run_dir) / "study.db").string(), def);
    // A trial cut short by kill -9 or a signal is FAIL and marked interrupted: it does not count
    // against the budget, so its settings are proposed anew and nothing is lost.
    for (const std::int64_t n : study.fail_running("interrupted (local TPE resumed)"))
        study.set_trial_attrs(n, {{"interrupted", "true"}}, {});

    // The local study's own `search:` section: one objective, no constraints, TPE; only the
    // candidate count and (derived) seed come from the global section.
    SearchConfig sc;
    sc.sampler = SamplerKind::kTpe;
    sc.objectives = {{metric, dir}};
    // Optuna's default of 10 random start-up trials, fewer for small budgets so TPE acts at all.
    sc.tpe_startup_trials = std::clamp(cfg.local.tpe_trials / 3, 1, 10);
    sc.tpe_candidates = cfg.search.tpe_candidates;
    sc.seed = derive_seed(cfg.search.seed, 0, "local-tpe/" + model);
    std::unique_ptr<search::Sampler> sampler = search::make_sampler(space, sc);

    TpeOutcome out;
    std::vector<search::TrialRecord> records;
    std::map<std::int64_t, std::string> checkpoints;
    std::set<std::int64_t> interrupted, baselines;
    bool have_baseline = false;
    for (const io::StoredTrial& st : study.trials()) {
        bool is_baseline = false;
        search::TrialRecord r;
        r.number = st.number;
        r.state = st.state;
        std::vector<search::EncodedParam> enc;
        for (const auto& p : st.params)
            enc.push_back({p.name, p.internal_value, p.distribution_json});
        r.genome = search::decode_genome(space, enc);
        for (const auto& v : st.values)
            if (v) r.values.push_back(*v);
        for (const auto& a : st.user_attrs)
            if (a.key == "checkpoint")
                checkpoints[st.number] = json::parse(a.value_json).get<std::string>();
            else if (a.key == "interrupted" && json::parse(a.value_json) == true)
                interrupted.insert(st.number);
            else if (a.key == "baseline" && json::parse(a.value_json) == true)
                is_baseline = true;
        if (is_baseline) baselines.insert(st.number);
        if (is_baseline && !interrupted.count(st.number)) have_baseline = true;
        records.push_back(std::move(r));
    }
    if (!records.empty())
        log::info("local: " + model + " TPE resumes after " + std::to_string(records.size()) +
                  " trial(s)");
    sampler->restore(records);

    const fs::path dir_rel = fs::path("local") / model / "tpe";
    fs::create_directories(fs::path(run_dir) / dir_rel);
    auto counted = [&] { return static_cast<std::int64_t>(records.size() - interrupted.size()); };
    while (counted() < cfg.local.tpe_trials) {
        if (drain_requested() || (stop && stop->load())) {
            out.stopped = true;
            break;
        }
        const bool baseline = !have_baseline;
        search::Genome genome;
        std::optional<std::int64_t> duplicate_of;
        if (baseline) {
            genome = baseline_genome(space, cfg.train);
        } else {
            auto s = sampler->ask();
            if (!s) break;  // not reached: TPE never waits
            if (s->number != study.trial_count())
                throw Error("local TPE: the sampler's trial " + std::to_string(s->number) +
                            " is not the study's next trial " +
                            std::to_string(study.trial_count()));
            genome = s->genome;
            duplicate_of = s->duplicate_of;
        }
        // Every finished trial is told by rebuilding the sampler from the records: the baseline
        // was never asked, and restore() is how a resumed run starts anyway.
        auto finish = [&](std::int64_t n, TrialState state, std::vector<double> values) {
            records.push_back({n, genome, state, std::move(values), {}, 0});
            sampler->restore(records);
        };
        std::vector<io::StoredParam> params;
        for (const auto& e : search::encode_genome(space, genome))
            params.push_back({e.name, e.internal_value, e.distribution_json});
        const std::map<std::string, std::string> genes = search::training_genes(space, genome);
        TrainConfig tc = cfg.train;
        if (!baseline) search::apply_training_genes(genes, tc);  // the baseline is `train:` as is
        tc.kfold = 1;
        const std::int64_t number = study.create_trial(
            params, {{"local_model", json(model).dump()}, {"baseline", json(baseline).dump()}});
        if (baseline) {
            have_baseline = true;
            baselines.insert(number);
        }
        if (duplicate_of) {
            // A small space can run out of new genomes: copy the earlier result.
            const search::TrialRecord prev = records.at(static_cast<std::size_t>(*duplicate_of));
            const bool ok = prev.state == TrialState::kComplete;
            study.finish_trial(number, ok ? TrialState::kComplete : TrialState::kFail,
                               ok ? prev.values : std::vector<double>{},
                               {{"duplicate_of", json(*duplicate_of).dump()}});
            if (ok && checkpoints.count(*duplicate_of))
                checkpoints[number] = checkpoints.at(*duplicate_of);
            finish(number, ok ? TrialState::kComplete : TrialState::kFail,
                   ok ? prev.values : std::vector<double>{});
            continue;
        }
        nn::TrainOptions to;
        to.seed =
            derive_seed(cfg.search.seed, static_cast<std::uint64_t>(number), "local-tpe/" + model);
        to.threads = cfg.train.threads;
        to.stop = stop;
        const auto t0 = std::chrono::steady_clock::now();
        nn::TrainResult r = nn::train_network(net, data, tc, to);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (r.status == nn::TrainStatus::kStopped) {
            study.finish_trial(
                number, TrialState::kFail, {},
                {{"fail_reason", json("stopped on request").dump()}, {"interrupted", "true"}});
            interrupted.insert(number);
            if (baseline) have_baseline = false;
            finish(number, TrialState::kFail, {});
            out.stopped = true;
            break;
        }
        const std::string key = training_metric_key(
            metric, data.val_idx.empty() ? EvalSplit::kTest : EvalSplit::kValidation);
        const auto value = r.metrics.find(key);
        if (r.status != nn::TrainStatus::kOk || value == r.metrics.end() ||
            !std::isfinite(value->second)) {
            const std::string why = r.reason.empty() ? "no " + key : r.reason;
            study.finish_trial(number, TrialState::kFail, {}, {{"fail_reason", json(why).dump()}});
            finish(number, TrialState::kFail, {});
            log::warn("local: " + model + " TPE trial " + std::to_string(number) +
                      " failed: " + why);
            continue;
        }
        const std::string rel = (dir_rel / ("trial" + std::to_string(number) + ".h5")).string();
        r.checkpoint.attributes["local_model"] = model;
        r.checkpoint.attributes["local_tpe_trial"] = std::to_string(number);
        io::write_checkpoint((fs::path(run_dir) / rel).string(), r.checkpoint);
        checkpoints[number] = rel;
        std::vector<io::JsonAttr> attrs = {{"checkpoint", json(rel).dump()},
                                           {"train_seconds", json(seconds).dump()}};
        for (const auto& [k, v] : r.metrics)
            if (std::isfinite(v)) attrs.push_back({k, json(v).dump()});
        study.finish_trial(number, TrialState::kComplete, {value->second}, attrs);
        finish(number, TrialState::kComplete, {value->second});
        std::string settings;
        for (const auto& [k, v] : genes) settings += " " + k + "=" + v;
        log::info("local: " + model + " TPE trial " + std::to_string(number) +
                  (baseline ? " (baseline: train: section)" : "") + ": " + metric + " " +
                  std::to_string(value->second) + (baseline ? "" : ";" + settings));
        test_hook_pause(stop);
    }

    out.trials = study.trial_count();
    for (const search::TrialRecord& t : sampler->trials()) {
        if (t.state != TrialState::kComplete || t.values.empty() || !checkpoints.count(t.number))
            continue;
        const double v = t.values[0];
        if (!out.best || (higher ? v > out.best_metric : v < out.best_metric)) {
            out.best = t.number;
            out.best_metric = v;
            out.best_checkpoint = checkpoints.at(t.number);
            out.best_settings = cfg.train;
            if (!baselines.count(t.number))
                search::apply_training_genes(search::training_genes(space, t.genome),
                                             out.best_settings);
        }
    }
    return out;
}

}  // namespace snac::runtime::detail
