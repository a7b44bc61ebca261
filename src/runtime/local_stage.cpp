// The local stage driver (see include/snac/runtime/local_stage.hpp): the TPE stage, then chains
// of QAT + iterative magnitude pruning, one study per model, every step's checkpoint, summary and
// selection. Rank 0 hands each TPE trial and each chain to an idle trainer rank and is the only
// writer of the study; one process runs both roles over the in-process transport, an MPI launcher
// gives ranks 1..N-1 to trainers. A chain resumes after its last finished step, a TPE stage after
// its last finished trial.
#include "snac/runtime/local_stage.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "local_tpe.hpp"
#include "snac/core/atomic_file.hpp"
#include "snac/core/config.hpp"
#include "snac/core/config/train_genes.hpp"
#include "snac/core/error.hpp"
#include "snac/core/fpga_part.hpp"
#include "snac/core/hls_settings.hpp"
#include "snac/core/log.hpp"
#include "snac/core/metrics.hpp"
#include "snac/core/seed.hpp"
#include "snac/core/trial_state.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/io/study_store.hpp"
#include "snac/nn/counting.hpp"
#include "snac/nn/prune.hpp"
#include "snac/nn/qat.hpp"
#include "snac/nn/trainer.hpp"
#include "snac/runtime/messages.hpp"
#include "snac/runtime/model_file.hpp"
#include "snac/runtime/mpi.hpp"
#include "snac/runtime/pipeline.hpp"
#include "snac/runtime/run_lock.hpp"
#include "snac/runtime/signals.hpp"
#include "snac/runtime/transport.hpp"
#include "snac/surrogate/cost_model.hpp"
#include "study_driver.hpp"
#include "threads.hpp"
#include "work.hpp"

namespace snac::runtime {
namespace fs = std::filesystem;
using json = nlohmann::json;
namespace {

struct Model {
    std::string name;
    std::string architecture_yaml;
    CheckpointData float_weights;
    /// Absolute path of the weights the chains start from (what a trainer reads): float_weights
    /// or, after a TPE trial that beats them, that trial's checkpoint.
    std::string float_path;
};

/// One finished step of a chain, as stored in the study (user attrs) and the summary.
struct StepRecord {
    std::string model, precision, checkpoint;
    int total_bits = 0, integer_bits = 0, step = 0;
    double sparsity = 0.0, metric = 0.0, test_metric = 0.0, bops = 0.0;
    std::map<std::string, double> est;
};

std::string two_digits(int s) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d", s);
    return buf;
}

bool higher_is_better(const Dataset& d) {
    return d.task == TaskType::kClassification;
}
std::string metric_name(const Dataset& d) {
    return higher_is_better(d) ? "accuracy" : "mean_distance";
}

/// Models to compress; an empty list when a drain stopped the float training of an --arch model
/// (nothing is kept of it: it is trained again by the next run).
std::vector<Model> read_models(const LocalRunOptions& o, const RunConfig& cfg, const Dataset& data,
                               const std::string& run_dir, const std::atomic<bool>* stop) {
    std::vector<Model> out;
    auto from_checkpoint = [&](const std::string& name, const std::string& path) {
        if (!fs::exists(path))
            throw UsageError("checkpoint " + path + " does not exist",
                             "pass a checkpoint written by snac train or the global stage");
        // A snac checkpoint or an ONNX model (weights kept: PyTorch/Keras baselines start here).
        ModelFile file = load_model(path);
        if (!file.has_weights())
            throw UsageError(path + " is an architecture file, not trained weights",
                             "pass it with --arch (trained in float first)");
        Model m;
        m.name = name;
        m.float_weights = std::move(file.checkpoint);
        // A trainer rank reads snac checkpoints itself; an ONNX model's weights are written as
        // local/<model>/float.h5 first (prepare()).
        if (io::is_checkpoint(path)) m.float_path = fs::absolute(path).lexically_normal().string();
        m.architecture_yaml = m.float_weights.architecture_yaml;
        out.push_back(std::move(m));
    };
    for (const std::int64_t t : o.trials)
        from_checkpoint("t" + std::to_string(t),
                        (fs::path(run_dir) / detail::checkpoint_relpath(t)).string());
    for (const std::string& c : o.checkpoints) from_checkpoint(fs::path(c).stem().string(), c);
    for (const std::string& a : o.architectures) {
        std::ifstream in(a);
        if (!in) throw UsageError("cannot read architecture file " + a, "check the path");
        std::stringstream text;
        text << in.rdbuf();
        const nn::NetworkSpec spec = nn::NetworkSpec::from_yaml(text.str(), a);
        log::info("training " + a + " in float first (train: section)");
        nn::TrainOptions to;
        to.seed = derive_seed(cfg.search.seed, out.size(), "local-float");
        to.stop = stop;  // a drain ends it once runtime.drain_timeout has passed
        const nn::TrainResult r = nn::train_network(spec, data, cfg.train, to);
        if (r.status == nn::TrainStatus::kStopped) return {};
        if (r.status != nn::TrainStatus::kOk)
            throw Error("float training of " + a + " failed: " + r.reason);
        Model m;
        m.name = fs::path(a).stem().string();
        m.float_weights = r.checkpoint;
        m.architecture_yaml = spec.to_yaml();
        out.push_back(std::move(m));
    }
    if (!out.empty()) return out;
    const fs::path sel = fs::path(run_dir) / "selected.yaml";
    if (!fs::exists(sel))
        throw UsageError("no models for the local stage: " + sel.string() + " does not exist",
                         "run snac select first, or pass --trial N, --checkpoint FILE.h5 or "
                         "--arch FILE.yaml");
    YAML::Node doc;
    try {
        doc = YAML::LoadFile(sel.string());
    } catch (const YAML::Exception& e) {
        throw UsageError(sel.string() + ": " + e.what(), "rewrite it with snac select");
    }
    for (const auto& m : doc["models"]) {
        if (!m["name"] || !m["checkpoint"])
            throw UsageError(sel.string() + ": every model needs name and checkpoint",
                             "rewrite it with snac select");
        from_checkpoint(m["name"].as<std::string>(),
                        (fs::path(run_dir) / m["checkpoint"].as<std::string>()).string());
    }
    if (out.empty())
        throw UsageError(sel.string() + " lists no models", "select at least one model");
    return out;
}

io::StudyDefinition study_of(const std::string& model, const RunConfig& cfg, const Dataset& d) {
    io::StudyDefinition def;
    def.name = "local_" + model;
    def.metric_names = {metric_name(d), "bops"};
    def.directions = {higher_is_better(d) ? Direction::kMaximize : Direction::kMinimize,
                      Direction::kMinimize};
    def.journal = io::study_definition(cfg.search).journal;
    return def;
}

std::optional<StepRecord> record_of(const io::StoredTrial& t) {
    if (t.state != TrialState::kComplete) return std::nullopt;
    StepRecord r;
    bool ok = false;
    for (const auto& a : t.user_attrs) {
        const json v = json::parse(a.value_json);
        if (a.key == "local_model")
            r.model = v.get<std::string>(), ok = true;
        else if (a.key == "precision")
            r.precision = v.get<std::string>();
        else if (a.key == "checkpoint")
            r.checkpoint = v.get<std::string>();
        else if (a.key == "total_bits")
            r.total_bits = v.get<int>();
        else if (a.key == "integer_bits")
            r.integer_bits = v.get<int>();
        else if (a.key == "step")
            r.step = v.get<int>();
        else if (a.key == "sparsity")
            r.sparsity = v.get<double>();
        else if (a.key == "test_metric")
            r.test_metric = v.get<double>();
        else if (a.key.rfind("est_", 0) == 0)
            r.est[a.key] = v.get<double>();
    }
    if (!ok || t.values.size() != 2 || !t.values[0] || !t.values[1]) return std::nullopt;
    r.metric = *t.values[0];
    r.bops = *t.values[1];
    return r;
}

/// A finished (or failed) step as the study writer needs it: the trial's values and user attrs.
/// Crosses ranks as JSON in a kLocalStep message.
struct StepReport {
    std::string model;
    bool failed = false;
    std::vector<double> values;  ///< metric, bops (COMPLETE only)
    std::vector<io::JsonAttr> attrs;
};

std::string to_json(const StepReport& r) {
    json j = {{"model", r.model}, {"failed", r.failed}, {"values", r.values}};
    for (const auto& a : r.attrs) j["attrs"][a.key] = a.value_json;
    return j.dump();
}

StepReport step_report_from_json(const std::string& text) {
    const json j = json::parse(text);
    StepReport r;
    r.model = j.at("model").get<std::string>();
    r.failed = j.at("failed").get<bool>();
    r.values = j.at("values").get<std::vector<double>>();
    if (j.contains("attrs"))
        for (const auto& [k, v] : j.at("attrs").items())
            r.attrs.push_back({k, v.get<std::string>()});
    return r;
}

/// Writes one step as a trial of its model's study; a COMPLETE one also joins `all`.
void record_step(io::StudyStore& study, const StepReport& r, std::vector<StepRecord>& all) {
    const std::int64_t number = study.create_trial({}, {});
    if (r.failed) {
        study.finish_trial(number, TrialState::kFail, {}, {}, r.attrs);
        return;
    }
    study.finish_trial(number, TrialState::kComplete, r.values, r.attrs);
    io::StoredTrial t;
    t.state = TrialState::kComplete;
    for (double v : r.values) t.values.push_back(v);
    t.user_attrs = r.attrs;
    if (auto rec = record_of(t)) all.push_back(*rec);
}

/// The fraction of the remaining weights step `step` (>= 1) removes.
double step_rate(const LocalConfig& c, int step) {
    if (c.sparsity_schedule == SparsitySchedule::kGeometric) return c.pruning_rate;
    const double n = c.pruning_steps;
    const double final_sparsity =
        c.final_sparsity > 0.0 ? c.final_sparsity : 1.0 - std::pow(1.0 - c.pruning_rate, n);
    auto target = [&](int k) { return final_sparsity * (1.0 - std::pow(1.0 - k / n, 3.0)); };
    return 1.0 - (1.0 - target(step)) / (1.0 - target(step - 1));
}

/// OpenMP threads of one chain: the rule of docs/running-on-hpc.md#threads (ranks sharing a node
/// divide its CPUs instead of each taking them all).
int chain_threads(const RunConfig& cfg) {
    const int explicit_threads =
        cfg.runtime.threads_per_rank > 0 ? cfg.runtime.threads_per_rank : cfg.train.threads;
    return detail::choose_threads(detail::read_thread_inputs(explicit_threads, 1)).threads;
}

class ChainRunner {
public:
    ChainRunner(const RunConfig& cfg, const Dataset& data, std::string run_dir,
                const std::atomic<bool>* stop)
        : cfg_(cfg),
          data_(data),
          run_dir_(std::move(run_dir)),
          stop_(stop),
          threads_(chain_threads(cfg)),
          cost_(surrogate::make_cost_model(cfg.surrogate, cfg.base_dir, io::read_checkpoint)),
          part_(find_part(cfg.hls.part)) {}

    /// Runs (or continues after step `last`, -1 for a new chain) one chain; every finished or
    /// failed step goes to `sink`. Returns false when stopped by a signal.
    int threads() const { return threads_; }

    bool run(const Model& m, const LocalPrecision& p, const TrainConfig& train, int last,
             const std::function<void(const StepReport&)>& sink) {
        const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(m.architecture_yaml, m.name);
        nn::QatPrecision qp{p.label, p.bits, p.int_bits, p.type};
        const HlsSettings settings =
            nn::qat_settings(net, m.float_weights, data_, qp, cfg_.hls.to_settings());
        const fs::path dir = fs::path(run_dir_) / "local" / m.name / p.label;
        fs::create_directories(dir);
        // `current` is the last step's checkpoint (weights on the ap_fixed grid); `master` its
        // float QAT masters (stepNN.master.h5), which the next step prunes by and starts from:
        // on the grid, what fine-tuning moved by less than half a step would be lost at every
        // step (at 4 bits most of it).
        CheckpointData current, warm, master, warm_master;
        auto masters_of = [&](int step, const CheckpointData& fallback) {
            const fs::path f = dir / ("step" + two_digits(step) + ".master.h5");
            if (!fs::exists(f)) return fallback;
            CheckpointData c = io::read_checkpoint(f.string());
            c.architecture_yaml = fallback.architecture_yaml;
            return c;
        };
        nn::PruneMasks masks = nn::full_masks(net, m.float_weights);
        if (last >= 0) {
            current = io::read_checkpoint((dir / ("step" + two_digits(last) + ".h5")).string());
            warm = io::read_checkpoint((dir / "step00.h5").string());
            master = masters_of(last, current);
            warm_master = masters_of(0, warm);
            const nn::PruneMasks stored = nn::masks_from_checkpoint(current);
            if (!stored.empty()) masks = stored;
            log::info("local: " + m.name + "/" + p.label + " resumes after step " +
                      std::to_string(last));
        }
        // Separated regime: pruning and its fine-tuning in float (float_stepNN.h5), then each
        // step's pruned float weights get qat_epochs of QAT with the mask held.
        const bool separated = cfg_.local.regime == LocalRegime::kSeparated;
        CheckpointData fcur;
        if (separated)
            fcur = last >= 1 ? io::read_checkpoint(
                                   (dir / ("float_step" + two_digits(last) + ".h5")).string())
                             : m.float_weights;
        const nn::PruneScope scope = cfg_.local.scope == PruningScope::kGlobal
                                         ? nn::PruneScope::kGlobal
                                         : nn::PruneScope::kPerLayer;
        for (int step = last + 1; step <= cfg_.local.pruning_steps; ++step) {
            if (drain_requested() || (stop_ && stop_->load())) return false;
            const std::vector<LayerWeights>* start = &m.float_weights.layers;
            TrainConfig tc = train;
            tc.kfold = 1;
            if (cfg_.local.learning_rate > 0) tc.learning_rate = cfg_.local.learning_rate;
            if (separated && step > 0) {
                masks = nn::prune_step(fcur, masks, step_rate(cfg_.local, step), scope);
                TrainConfig ft = tc;
                ft.epochs = cfg_.local.pruning_epochs;
                nn::TrainOptions fo;
                fo.seed = derive_seed(cfg_.search.seed, static_cast<std::uint64_t>(step),
                                      "local-float/" + m.name + "/" + p.label);
                fo.threads = threads_;
                fo.stop = stop_;
                // Rewinding (warmup or init) restarts from the trained float weights x mask.
                fo.initial_weights = cfg_.local.rewind == PruningRewind::kNone
                                         ? &fcur.layers
                                         : &m.float_weights.layers;
                fo.masks = &masks;
                nn::TrainResult fr = nn::train_network(net, data_, ft, fo);
                if (fr.status == nn::TrainStatus::kStopped) return false;
                if (fr.status != nn::TrainStatus::kOk) {
                    sink(StepReport{m.name, true, {}, {{"fail_reason", json(fr.reason).dump()}}});
                    log::warn("local: " + m.name + "/" + p.label + " float step " +
                              std::to_string(step) + " failed: " + fr.reason);
                    return true;
                }
                io::write_checkpoint((dir / ("float_step" + two_digits(step) + ".h5")).string(),
                                     fr.checkpoint);
                fcur = std::move(fr.checkpoint);
            }
            if (separated) {
                start = &fcur.layers;
            } else if (step > 0) {
                masks = nn::prune_step(master, masks, step_rate(cfg_.local, step), scope);
                if (cfg_.local.rewind == PruningRewind::kNone)
                    start = &master.layers;
                else if (cfg_.local.rewind == PruningRewind::kWarmup)
                    start = &warm_master.layers;
            }
            tc.epochs = step == 0 || separated ? cfg_.local.qat_epochs : cfg_.local.pruning_epochs;
            nn::TrainOptions to;
            to.seed = derive_seed(cfg_.search.seed, static_cast<std::uint64_t>(step),
                                  "local/" + m.name + "/" + p.label);
            to.threads = threads_;
            to.stop = stop_;
            to.initial_weights = start;
            to.quantize = &settings;
            to.masks = &masks;
            const auto t0 = std::chrono::steady_clock::now();
            nn::TrainResult r = nn::train_network(net, data_, tc, to);
            if (r.status == nn::TrainStatus::kStopped) return false;
            if (r.status != nn::TrainStatus::kOk) {
                sink(StepReport{m.name, true, {}, {{"fail_reason", json(r.reason).dump()}}});
                log::warn("local: " + m.name + "/" + p.label + " step " + std::to_string(step) +
                          " failed: " + r.reason);
                return true;  // the chain cannot continue from a diverged step
            }
            StepRecord rec = evaluate(m, net, p, settings, masks, step, r.checkpoint);
            r.checkpoint.attributes["hls_settings"] = hls_settings_to_yaml(settings);
            r.checkpoint.attributes["local_model"] = m.name;
            r.checkpoint.attributes["precision"] = p.label;
            r.checkpoint.attributes["step"] = std::to_string(step);
            r.checkpoint.attributes["sparsity"] = std::to_string(rec.sparsity);
            r.checkpoint.final_metrics["fixed_val_" + metric_name(data_)] = rec.metric;
            r.checkpoint.final_metrics["fixed_test_" + metric_name(data_)] = rec.test_metric;
            CheckpointData step_master;
            step_master.architecture_yaml = r.checkpoint.architecture_yaml;
            step_master.layers = r.master_weights.empty() ? r.checkpoint.layers : r.master_weights;
            if (!r.master_weights.empty())
                io::write_checkpoint((dir / ("step" + two_digits(step) + ".master.h5")).string(),
                                     step_master);
            io::write_checkpoint((fs::path(run_dir_) / rec.checkpoint).string(), r.checkpoint);
            std::vector<io::JsonAttr> attrs = {
                {"local_model", json(m.name).dump()},
                {"precision", json(p.label).dump()},
                {"checkpoint", json(rec.checkpoint).dump()},
                {"total_bits", json(rec.total_bits).dump()},
                {"integer_bits", json(rec.integer_bits).dump()},
                {"step", json(step).dump()},
                {"sparsity", json(rec.sparsity).dump()},
                {"test_metric", json(rec.test_metric).dump()},
                {"train_seconds",
                 json(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count())
                     .dump()}};
            for (const auto& [k, v] : rec.est) attrs.push_back({k, json(v).dump()});
            sink(StepReport{m.name, false, {rec.metric, rec.bops}, attrs});
            log::info("local: " + m.name + "/" + p.label + " step " + std::to_string(step) +
                      ": sparsity " + std::to_string(rec.sparsity) + ", " + metric_name(data_) +
                      " " + std::to_string(rec.metric) + " (firmware arithmetic)");
            test_hook_pause(stop_);
            current = std::move(r.checkpoint);
            master = std::move(step_master);
            if (step == 0) {
                warm = current;
                warm_master = master;
            }
        }
        return true;
    }

private:
    StepRecord evaluate(const Model& m, const nn::NetworkSpec& net, const LocalPrecision& p,
                        const HlsSettings& settings, const nn::PruneMasks& masks, int step,
                        const CheckpointData& ck) const {
        StepRecord rec;
        rec.model = m.name;
        rec.precision = p.label;
        rec.step = step;
        rec.total_bits = p.bits;
        rec.integer_bits = p.type ? p.type->integer : p.int_bits ? *p.int_bits + 1 : -1;
        rec.sparsity = nn::sparsity(masks);
        rec.checkpoint =
            (fs::path("local") / m.name / p.label / ("step" + two_digits(step) + ".h5")).string();
        const nn::FixedModel fm = nn::lower_network(net, ck, settings);
        const std::string key = metric_name(data_);
        rec.metric =
            nn::evaluate_fixed(fm, data_, data_.val_idx.empty() ? Split::kTest : Split::kVal)
                .at(key);
        const auto test = nn::evaluate_fixed(fm, data_, Split::kTest);
        rec.test_metric = test.empty() ? rec.metric : test.at(key);
        nn::CountOptions co;
        co.weight_bits = p.bits;
        co.activation_bits = p.bits;
        HlsSettings hs = settings;
        for (const auto& [layer, mask] : masks) {
            const double s = mask.empty()
                                 ? 0.0
                                 : static_cast<double>(std::count(mask.begin(), mask.end(), 0.0f)) /
                                       static_cast<double>(mask.size());
            co.sparsity[layer] = s;
            hs.layers[layer].weight_sparsity = s;
        }
        rec.bops = nn::count_network(net, co).bops.at(cfg_.search.bops_convention);
        try {
            const surrogate::HardwareEstimate hw = cost_->estimate(net, hs, part_);
            for (const std::string& name : surrogate::metric_names())
                rec.est[name] = surrogate::metric(hw, name);
        } catch (const UsageError& e) {
            log::warn(std::string("local: no hardware estimate: ") + e.what());
        }
        return rec;
    }

    const RunConfig& cfg_;
    const Dataset& data_;
    std::string run_dir_;
    const std::atomic<bool>* stop_;
    int threads_;
    std::unique_ptr<surrogate::CostModel> cost_;
    const FpgaPart& part_;
};

void write_summary(const std::string& path, const std::vector<StepRecord>& recs) {
    std::set<std::string> est_names;
    for (const auto& r : recs)
        for (const auto& [k, v] : r.est) est_names.insert(k);
    std::ostringstream out;
    out << "model,precision,total_bits,integer_bits,step,sparsity,metric,test_metric,bops";
    for (const auto& k : est_names) out << "," << k;
    out << ",checkpoint\n";
    for (const auto& r : recs) {
        out << r.model << "," << r.precision << "," << r.total_bits << ","
            << (r.integer_bits < 0 ? std::string("auto") : std::to_string(r.integer_bits)) << ","
            << r.step << "," << r.sparsity << "," << r.metric << "," << r.test_metric << ","
            << r.bops;
        for (const auto& k : est_names) {
            const auto it = r.est.find(k);
            out << ",";
            if (it != r.est.end()) out << it->second;
        }
        out << "," << r.checkpoint << "\n";
    }
    snac::write_file_atomic(path, out.str());
}

/// Per precision: the sparsest step within `tolerance` of that precision's unpruned (step 0)
/// metric; plus every step on the Pareto front of (metric, bops, est_avg_resource_pct).
void write_selection(const std::string& path, const std::vector<StepRecord>& recs, double tolerance,
                     bool higher, const std::string& metric) {
    auto est_avg = [](const StepRecord& r) {
        const auto it = r.est.find("est_avg_resource_pct");
        return it == r.est.end() ? 0.0 : it->second;
    };
    auto better_or_equal = [&](double a, double b) { return higher ? a >= b : a <= b; };
    std::map<std::size_t, std::string> why;
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> chains;
    for (std::size_t i = 0; i < recs.size(); ++i)
        chains[{recs[i].model, recs[i].precision}].push_back(i);
    for (const auto& [key, idx] : chains) {
        const StepRecord* base = nullptr;
        for (std::size_t i : idx)
            if (recs[i].step == 0) base = &recs[i];
        if (!base) continue;
        const double floor = higher ? base->metric - tolerance : base->metric + tolerance;
        std::optional<std::size_t> pick;
        for (std::size_t i : idx) {
            if (!better_or_equal(recs[i].metric, floor)) continue;
            if (!pick || recs[i].sparsity > recs[*pick].sparsity) pick = i;
        }
        if (pick) {
            std::ostringstream w;
            w << "sparsest step within " << tolerance << " of " << key.second << "'s unpruned "
              << metric;
            why[*pick] = w.str();
        }
    }
    for (std::size_t i = 0; i < recs.size(); ++i) {
        bool dominated = false;
        for (std::size_t j = 0; j < recs.size() && !dominated; ++j) {
            if (i == j || recs[i].model != recs[j].model) continue;
            const bool ge = better_or_equal(recs[j].metric, recs[i].metric) &&
                            recs[j].bops <= recs[i].bops && est_avg(recs[j]) <= est_avg(recs[i]);
            const bool gt = recs[j].metric != recs[i].metric || recs[j].bops < recs[i].bops ||
                            est_avg(recs[j]) < est_avg(recs[i]);
            dominated = ge && gt;
        }
        if (!dominated)
            why[i] += (why[i].empty() ? "" : "; ") + std::string("Pareto front of (") + metric +
                      ", bops, est_avg_resource_pct)";
    }
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "stage" << YAML::Value << "local";
    out << YAML::Key << "rule" << YAML::Value
        << "per precision: sparsest step within tolerance " + std::to_string(tolerance) +
               " of the unpruned " + metric + "; plus the Pareto front of (" + metric +
               ", bops, est_avg_resource_pct)";
    out << YAML::Key << "designs" << YAML::Value << YAML::BeginSeq;
    for (const auto& [i, w] : why) {
        const StepRecord& r = recs[i];
        out << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value
            << r.model + "_" + r.precision + "_s" + two_digits(r.step);
        out << YAML::Key << "model" << YAML::Value << r.model;
        out << YAML::Key << "precision" << YAML::Value << r.precision;
        out << YAML::Key << "step" << YAML::Value << r.step;
        out << YAML::Key << "sparsity" << YAML::Value << r.sparsity;
        out << YAML::Key << "checkpoint" << YAML::Value << r.checkpoint;
        out << YAML::Key << "metrics" << YAML::Value << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << metric << YAML::Value << r.metric;
        out << YAML::Key << "bops" << YAML::Value << r.bops;
        out << YAML::Key << "est_avg_resource_pct" << YAML::Value << est_avg(r);
        out << YAML::EndMap;
        out << YAML::Key << "why" << YAML::Value << w;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    snac::write_file_atomic(path, std::string(out.c_str()) + "\n");
}

/// One chain to run: which model and precision, after which step, with which settings.
struct ChainTask {
    std::size_t model = 0, precision = 0;
    int last = -1;                             ///< last finished step, -1 = new chain
    std::map<std::string, std::string> train;  ///< the chain's training settings as genes
};

/// Every TrainConfig field the training-gene table can set, as genes (crosses ranks as text).
std::map<std::string, std::string> train_genes_of(const TrainConfig& t) {
    auto num = [](double v) {
        std::ostringstream o;
        o.precision(17);
        o << v;
        return o.str();
    };
    return {{"learning_rate", num(t.learning_rate)},
            {"batch_size", std::to_string(t.batch_size)},
            {"optimizer", std::string(snac::to_string(t.optimizer))},
            {"momentum", num(t.momentum)},
            {"rho", num(t.rho)},
            {"l1", num(t.l1)},
            {"l2", num(t.l2)},
            {"weight_decay", num(t.weight_decay)},
            {"schedule", std::string(snac::to_string(t.schedule))},
            {"step_size", std::to_string(t.step_size)},
            {"gamma", num(t.gamma)},
            {"decay_rate", num(t.decay_rate)},
            {"plateau_patience", std::to_string(t.plateau_patience)},
            {"epochs", std::to_string(t.epochs)},
            {"early_stopping_patience", std::to_string(t.early_stopping_patience)}};
}

TrainConfig train_of(const RunConfig& cfg, const std::map<std::string, std::string>& genes) {
    TrainConfig t = cfg.train;
    for (const auto& [k, v] : genes) apply_train_gene(t, k, v);
    return t;
}

std::string to_json(const ChainTask& t, const Model& m) {
    return json{{"model", t.model},
                {"precision", t.precision},
                {"last", t.last},
                {"train", t.train},
                {"name", m.name},
                {"float_path", m.float_path},
                {"architecture", m.architecture_yaml}}
        .dump();
}

/// Everything rank 0 prepared, in the order the chains run.
struct Prepared {
    std::string run_dir;
    RunConfig cfg;
    std::string dataset_path;
    std::vector<Model> models;
    std::vector<ChainTask> tasks;               ///< chains of the models without a TPE stage
    std::vector<std::vector<StepRecord>> done;  ///< per model: its finished steps of earlier runs
    std::vector<StepRecord> all;                ///< finished steps of earlier runs
    std::int64_t tpe_trials = 0;
    bool stopped = false;
};

std::string config_path_of(const LocalRunOptions& o, const std::string& run_dir) {
    return o.config_path.empty() ? (fs::path(run_dir) / "config.yaml").string() : o.config_path;
}

/// The chains of model `mi` still to run (resume: after each precision's last finished step).
void add_chains(const Prepared& p, std::size_t mi, const TrainConfig& train,
                std::vector<ChainTask>& tasks) {
    for (std::size_t pi = 0; pi < p.cfg.local.precisions.size(); ++pi) {
        int last = -1;
        for (const StepRecord& r : p.done.at(mi))
            if (r.precision == p.cfg.local.precisions[pi].label) last = std::max(last, r.step);
        if (last >= p.cfg.local.pruning_steps) continue;
        tasks.push_back({mi, pi, last, train_genes_of(train)});
    }
}

/// After model `mi`'s TPE stage: its best settings train the chains, and its best float weights
/// start them when they beat the model's own on the validation metric. Returns the settings.
TrainConfig apply_tpe(Prepared& p, std::size_t mi, const detail::TpeOutcome& t,
                      const Dataset& data) {
    Model& m = p.models[mi];
    p.tpe_trials += t.trials;
    if (!t.best) {
        log::warn("local: no TPE trial of " + m.name +
                  " succeeded; the chains train with the train: section");
        return p.cfg.train;
    }
    const std::string key = training_metric_key(
        metric_name(data), data.val_idx.empty() ? EvalSplit::kTest : EvalSplit::kValidation);
    const auto own = m.float_weights.final_metrics.find(key);
    const bool better =
        own == m.float_weights.final_metrics.end() ||
        (higher_is_better(data) ? t.best_metric > own->second : t.best_metric < own->second);
    log::info("local: " + m.name + " TPE best is trial " + std::to_string(*t.best) + " (" + key +
              " " + std::to_string(t.best_metric) + "); the chains " +
              (better ? "start from its weights" : "keep the model's own weights") +
              " and train with its settings");
    // The trainers read the weights from the path: rank 0 reads no HDF5 while they run (one
    // process: HDF5 is not thread-safe, and the trainer thread writes checkpoints meanwhile).
    if (better) m.float_path = (fs::path(p.run_dir) / t.best_checkpoint).string();
    return t.best_settings;
}

/// Rank 0's part before the chains: checks, models (float training of --arch files), the TPE
/// stages, the chains still to run. Throws UsageError for bad input before writing anything.
RunConfig load_local_config(const LocalRunOptions& o) {
    const std::string config_path =
        config_path_of(o, fs::absolute(o.run_dir).lexically_normal().string());
    if (!fs::exists(config_path))
        throw UsageError("no configuration: " + config_path + " does not exist",
                         "pass --config FILE, or run the global stage into RUN_DIR first");
    return load_config(config_path);
}

Prepared prepare(const LocalRunOptions& o, const RunConfig& cfg, const Dataset*& data_out,
                 std::optional<Dataset>& data, const std::atomic<bool>* stop) {
    Prepared p;
    p.run_dir = fs::absolute(o.run_dir).lexically_normal().string();
    p.cfg = cfg;
    const fs::path local_dir = fs::path(p.run_dir) / "local";
    if (fs::exists(local_dir / "summary.csv") && !o.resume)
        throw UsageError(p.run_dir + " already holds local-stage results",
                         "continue with --resume, or choose another run directory");
    if (fs::exists(local_dir / "summary.csv") && !o.config_path.empty()) {
        // Resumed chains must not mix steps trained under other local settings.
        const fs::path stored_path = fs::exists(local_dir / "config.yaml")
                                         ? local_dir / "config.yaml"
                                         : fs::path(p.run_dir) / "config.yaml";
        if (fs::exists(stored_path)) {
            std::string keys;
            for (const auto& k :
                 changed_stage_keys(load_config(stored_path.string()), cfg, Stage::kLocal))
                keys += (keys.empty() ? "" : ", ") + k;
            if (!keys.empty())
                throw UsageError("--resume with changed settings: " + keys +
                                     " differ from the local stage's (" + stored_path.string() +
                                     ")",
                                 "restore them to continue the finished chains, or run the local "
                                 "stage into another run directory");
        }
    }
    p.dataset_path = io::resolve_dataset(p.cfg.data, p.cfg.base_dir);
    data = io::load_dataset(p.dataset_path);
    data_out = &*data;
    p.models = read_models(o, p.cfg, *data, p.run_dir, stop);
    if (p.models.empty()) {  // stopped in a float training: nothing written yet, nothing to keep
        p.stopped = true;
        return p;
    }
    fs::create_directories(local_dir);
    if (!o.config_path.empty())
        snac::write_file_atomic((local_dir / "config.yaml").string(), to_yaml(p.cfg));
    for (std::size_t mi = 0; mi < p.models.size(); ++mi) {
        Model& m = p.models[mi];
        if (m.float_path.empty()) {  // from --arch or ONNX: a snac checkpoint for the ranks
            const fs::path f = local_dir / m.name / "float.h5";
            fs::create_directories(f.parent_path());
            io::write_checkpoint(f.string(), m.float_weights);
            m.float_path = f.string();
        }
        std::vector<StepRecord> done;
        {  // closed before the TPE stage opens its own study in the same (locked) file
            io::StudyStore study = io::StudyStore::open((fs::path(p.run_dir) / "study.db").string(),
                                                        study_of(m.name, p.cfg, *data));
            study.fail_running("interrupted (local stage resumed)");
            for (const auto& t : study.trials())
                if (auto r = record_of(t)) done.push_back(*r);
        }
        p.all.insert(p.all.end(), done.begin(), done.end());
        p.done.push_back(std::move(done));
        // With a TPE stage the chains wait for its best settings (add_chains after it).
        if (p.cfg.local.tpe_trials == 0) add_chains(p, mi, p.cfg.train, p.tasks);
    }
    return p;
}

/// One study at a time: a study file has one writer lock per open store, so a second store on
/// the same file (another model's study, or a TPE study) must wait until the first is closed.
class StudyCache {
public:
    explicit StudyCache(std::string run_dir) : path_((fs::path(run_dir) / "study.db").string()) {}
    io::StudyStore& get(const io::StudyDefinition& def) {
        if (!store_ || name_ != def.name) {
            store_.reset();
            store_.emplace(io::StudyStore::open(path_, def));
            name_ = def.name;
        }
        return *store_;
    }

private:
    std::string path_, name_;
    std::optional<io::StudyStore> store_;
};

/// Summary, selection and stages/local.done (rank 0, after the chains).
int finish(const Prepared& p, std::vector<StepRecord> all, const Dataset& data, bool stopped) {
    if (stopped && p.models.empty()) {
        log::warn("stopped on request during the float training: nothing was written");
        return 0;
    }
    const fs::path local_dir = fs::path(p.run_dir) / "local";
    std::sort(all.begin(), all.end(), [](const StepRecord& a, const StepRecord& b) {
        return std::tie(a.model, a.precision, a.step) < std::tie(b.model, b.precision, b.step);
    });
    write_summary((local_dir / "summary.csv").string(), all);
    write_selection((local_dir / "selected.yaml").string(), all, p.cfg.local.tolerance,
                    higher_is_better(data), metric_name(data));
    std::cout << "local stage: " << all.size() << " step(s) in "
              << (local_dir / "summary.csv").string() << "; selection in "
              << (local_dir / "selected.yaml").string() << "\n";
    if (stopped) {
        log::warn("stopped on request: finished steps are kept; continue with --resume");
        return 0;
    }
    if (all.empty()) {
        log::error("local stage: no step succeeded");
        return 1;
    }
    std::set<std::string> with_steps;
    for (const StepRecord& r : all) with_steps.insert(r.model);
    const auto failed_models = static_cast<std::int64_t>(p.models.size() - with_steps.size());
    StageRecord rec;
    rec.stage = Stage::kLocal;
    rec.counts = {{"models", static_cast<std::int64_t>(p.models.size())},
                  {"steps", static_cast<std::int64_t>(all.size())},
                  {"tpe_trials", p.tpe_trials},
                  {"models_without_steps", failed_models}};
    write_stage_done(p.run_dir, p.cfg, rec);
    return failed_models == static_cast<std::int64_t>(p.models.size()) ? 1 : 0;
}

Message make_message(MessageKind kind, std::int64_t id, std::int32_t status, std::string payload) {
    Message m;
    m.header.kind = kind;
    m.header.trial = id;
    m.header.status = status;
    m.header.payload_bytes = payload.size();
    m.payload = std::move(payload);
    return m;
}

/// A trainer rank: runs the TPE trials and chains rank 0 sends, reports each trial and step,
/// until the shutdown.
void run_worker(Transport& transport, const RunConfig& cfg, const Dataset& data,
                const std::string& run_dir, const std::atomic<bool>* stop) {
    ChainRunner runner(cfg, data, run_dir, stop);
    for (;;) {
        auto env = transport.receive(std::chrono::milliseconds(500));
        if (!env) continue;
        const MessageKind kind = env->message.header.kind;
        if (kind == MessageKind::kShutdown) break;
        if (kind == MessageKind::kLocalTpeTask) {
            const detail::TpeTask task = detail::tpe_task_from_json(env->message.payload);
            detail::TpeResult r =
                detail::run_tpe_trial(task, cfg, data, run_dir, runner.threads(), stop);
            r.rank = transport.rank();
            transport.send(
                0, make_message(MessageKind::kLocalTpeResult, task.number, 0, detail::to_json(r)));
            if (r.outcome == detail::TpeResult::Outcome::kOk) test_hook_pause(stop);
            continue;
        }
        if (kind != MessageKind::kLocalChainTask)
            throw Error("local stage: unexpected message " + std::string(to_string(kind)) +
                        " on a trainer rank");
        const json j = json::parse(env->message.payload);
        Model m;
        m.name = j.at("name").get<std::string>();
        m.architecture_yaml = j.at("architecture").get<std::string>();
        m.float_path = j.at("float_path").get<std::string>();
        m.float_weights = io::read_checkpoint(m.float_path);
        const auto precision = j.at("precision").get<std::size_t>();
        const auto genes = j.at("train").get<std::map<std::string, std::string>>();
        const bool finished = runner.run(
            m, cfg.local.precisions.at(precision), train_of(cfg, genes), j.at("last").get<int>(),
            [&](const StepReport& r) {
                transport.send(0, make_message(MessageKind::kLocalStep, env->message.header.trial,
                                               0, to_json(r)));
            });
        transport.send(0, make_message(MessageKind::kLocalChainDone, env->message.header.trial,
                                       finished ? 0 : 1, {}));
    }
    transport.flush();
}

/// Rank 0, the coordinator (one process or under a launcher): hands each TPE trial and each chain
/// to the next idle trainer rank (ranks 1..size-1), writes every reported trial and step into its
/// study. TPE trials go first; a model's chains are queued once its TPE stage is finished (they
/// train with its best settings). Sends the shutdown to every trainer at the end. Returns whether
/// a signal stopped the stage.
bool coordinate(Transport& transport, Prepared& p, const Dataset& data,
                const std::atomic<bool>* stop, std::vector<StepRecord>& all) {
    bool stopped = p.stopped;
    StudyCache studies(p.run_dir);
    const int trainers = transport.size() - 1;
    std::vector<std::unique_ptr<detail::LocalTpeSearch>> tpe(p.models.size());
    std::vector<bool> tpe_done(p.models.size(), true);
    std::map<std::string, std::size_t> model_index;
    std::vector<ChainTask> tasks = p.tasks;
    for (std::size_t mi = 0; mi < p.models.size(); ++mi) {
        model_index[p.models[mi].name] = mi;
        if (p.cfg.local.tpe_trials == 0) continue;
        // One trial per trainer rank per batch: the batch size is part of the reproducibility
        // rule (docs/local-search.md#distribution).
        tpe[mi] = std::make_unique<detail::LocalTpeSearch>(
            p.cfg, data, p.models[mi].name, p.models[mi].architecture_yaml, trainers);
        tpe[mi]->load(studies.get(tpe[mi]->definition()));
        tpe_done[mi] = false;
    }
    auto settle = [&](std::size_t mi) {  // a finished TPE stage releases its model's chains
        if (tpe_done[mi] || !tpe[mi]->finished()) return;
        tpe_done[mi] = true;
        add_chains(p, mi, apply_tpe(p, mi, tpe[mi]->outcome(), data), tasks);
    };
    for (std::size_t mi = 0; mi < p.models.size(); ++mi)
        if (tpe[mi]) settle(mi);
    std::vector<int> idle;
    for (int r = trainers; r >= 1; --r) idle.push_back(r);
    std::size_t next = 0;
    int running = 0;
    auto next_tpe_task = [&]() -> std::optional<detail::TpeTask> {
        for (std::size_t mi = 0; mi < p.models.size(); ++mi) {
            if (tpe_done[mi]) continue;
            auto t = tpe[mi]->next(studies.get(tpe[mi]->definition()));
            settle(mi);  // a small space may finish without a task
            if (t) return t;
        }
        return std::nullopt;
    };
    while (!stopped || running > 0) {
        if (drain_requested() || (stop && stop->load())) stopped = true;
        while (!stopped && !idle.empty()) {
            if (auto tt = next_tpe_task()) {
                transport.send(idle.back(), make_message(MessageKind::kLocalTpeTask, tt->number, 0,
                                                         detail::to_json(*tt)));
                log::info("local: " + tt->model + " TPE trial " + std::to_string(tt->number) +
                          " to rank " + std::to_string(idle.back()));
            } else if (next < tasks.size()) {
                const ChainTask& t = tasks[next];
                transport.send(idle.back(), make_message(MessageKind::kLocalChainTask,
                                                         static_cast<std::int64_t>(next), 0,
                                                         to_json(t, p.models[t.model])));
                log::info("local: chain " + p.models[t.model].name + "/" +
                          p.cfg.local.precisions[t.precision].label + " to rank " +
                          std::to_string(idle.back()));
                ++next;
            } else {
                break;
            }
            idle.pop_back();
            ++running;
        }
        if (running == 0) {
            if (stopped || next >= tasks.size()) {
                for (std::size_t mi = 0; mi < p.models.size(); ++mi)
                    if (!stopped && !tpe_done[mi])
                        throw Error("local stage: the TPE stage of " + p.models[mi].name +
                                    " has nothing to run but is not finished");
                break;
            }
        }
        auto env = transport.receive(std::chrono::milliseconds(200));
        if (!env) continue;
        const MessageHeader& h = env->message.header;
        if (h.kind == MessageKind::kLocalStep) {
            const StepReport r = step_report_from_json(env->message.payload);
            record_step(studies.get(study_of(r.model, p.cfg, data)), r, all);
        } else if (h.kind == MessageKind::kLocalChainDone) {
            --running;
            idle.push_back(env->source);
            if (h.status != 0) stopped = true;
        } else if (h.kind == MessageKind::kLocalTpeResult) {
            const detail::TpeResult r = detail::tpe_result_from_json(env->message.payload);
            const auto it = model_index.find(r.model);
            if (it == model_index.end() || !tpe[it->second])
                throw Error("local stage: a TPE result for unknown model " + r.model);
            tpe[it->second]->tell(studies.get(tpe[it->second]->definition()), r);
            --running;
            idle.push_back(env->source);
            if (r.outcome == detail::TpeResult::Outcome::kStopped) stopped = true;
            settle(it->second);
        } else if (h.kind == MessageKind::kShutdown && h.status != 0) {
            // An in-process trainer's error (under a launcher a failing rank aborts the job).
            throw Error("local stage: trainer rank " + std::to_string(env->source) +
                        " failed: " + env->message.payload);
        } else {
            throw Error("local stage: unexpected message " + std::string(to_string(h.kind)) +
                        " from rank " + std::to_string(env->source));
        }
    }
    for (int r = 1; r < transport.size(); ++r) transport.send(r, make_shutdown());
    transport.flush();
    return stopped;
}

/// One process runs every role, as the global stage does: rank 0 (this thread) coordinates and
/// one trainer rank runs on a thread, over the in-process transport (no launcher, or a world of
/// one rank). The same code path as under a launcher.
int run_embedded(const LocalRunOptions& o) {
    const RunConfig cfg = load_local_config(o);
    const RunDirLock lock(fs::absolute(o.run_dir).lexically_normal().string());  // before any write
    install_signal_handlers();
    std::optional<Dataset> data;
    const Dataset* d = nullptr;
    DrainWatchdog watchdog(cfg.runtime.drain_timeout_s);
    Prepared p = prepare(o, cfg, d, data, watchdog.stop_flag());
    std::vector<StepRecord> all = p.all;
    bool stopped = p.stopped;
    if (!stopped) {
        auto hub = std::make_shared<InProcessHub>(2);
        InProcessTransport coordinator(hub, 0), trainer(hub, 1);
        std::exception_ptr trainer_error;
        std::thread worker([&] {
            try {
                run_worker(trainer, p.cfg, *d, p.run_dir, watchdog.stop_flag());
            } catch (const std::exception& e) {
                trainer_error = std::current_exception();
                trainer.send(0, make_message(MessageKind::kShutdown, -1, 1, e.what()));
            }
        });
        try {
            stopped = coordinate(coordinator, p, *d, watchdog.stop_flag(), all);
        } catch (...) {
            coordinator.send(1, make_shutdown());  // the trainer leaves after its current task
            worker.join();
            if (trainer_error) std::rethrow_exception(trainer_error);
            throw;
        }
        worker.join();
    }
    return finish(p, std::move(all), *d, stopped);
}

/// Rank 0 under a launcher: prepares, then coordinates the trainer ranks 1..N-1 (coordinate());
/// they run run_worker().
int run_distributed(MpiSession& session, const LocalRunOptions& o) {
    install_signal_handlers();
    log::set_prefix("[rank " + std::to_string(session.rank()) + "] ");
    std::optional<Dataset> data;
    const Dataset* d = nullptr;
    Prepared p;
    std::optional<DrainWatchdog> watchdog;
    std::optional<RunDirLock> lock;  // rank 0 is the only writer
    auto [status, text] = session.setup_on_rank0([&] {
        const RunConfig cfg = load_local_config(o);
        lock.emplace(fs::absolute(o.run_dir).lexically_normal().string());
        watchdog.emplace(cfg.runtime.drain_timeout_s);
        p = prepare(o, cfg, d, data, watchdog->stop_flag());
        return p.run_dir + "\n" + p.dataset_path;
    });
    if (status != 0) return status;  // rank 0 reported the problem
    auto transport = make_mpi_transport(session);
    if (session.rank() != 0) {
        try {
            const std::string run_dir = text.substr(0, text.find('\n'));
            const RunConfig cfg = load_config(config_path_of(o, run_dir));
            watchdog.emplace(cfg.runtime.drain_timeout_s);
            const Dataset own = io::load_dataset(text.substr(text.find('\n') + 1));
            run_worker(*transport, cfg, own, run_dir, watchdog->stop_flag());
        } catch (const std::exception& e) {
            std::cerr << "[rank " << session.rank() << "] error: " << e.what() << "\n";
            session.abort(1);
        }
        return 0;
    }
    std::vector<StepRecord> all = p.all;
    bool stopped = p.stopped;
    try {
        stopped = coordinate(*transport, p, *d, watchdog->stop_flag(), all);
    } catch (const std::exception& e) {
        std::cerr << "[rank 0] error: " << e.what() << "\n";
        if (auto* se = dynamic_cast<const Error*>(&e); se && !se->hint().empty())
            std::cerr << "  hint: " << se->hint() << "\n";
        session.abort(1);
    }
    return finish(p, std::move(all), *d, stopped);
}

}  // namespace

int run_local(const LocalRunOptions& o) {
    if (o.run_dir.empty()) throw UsageError("snac local needs a run directory");
    MpiSession session;  // under snac run: joins the run's session (one for all stages)
    if (!session.active() || session.size() == 1) return run_embedded(o);
    return run_distributed(session, o);
}

}  // namespace snac::runtime
