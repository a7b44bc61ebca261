// The local stage driver (see include/snac/runtime/local_stage.hpp): chains of QAT + iterative
// magnitude pruning, one study per model, every step's checkpoint, summary and selection. Runs the
// chains in this process, one after the other; a chain resumes after its last finished step.
#include "snac/core/metrics.hpp"
#include "snac/core/trial_state.hpp"
#include "snac/core/atomic_file.hpp"
#include "snac/runtime/local_stage.hpp"
#include "snac/runtime/model_file.hpp"
#include "snac/runtime/pipeline.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "snac/core/config.hpp"
#include "snac/core/error.hpp"
#include "snac/core/fpga_part.hpp"
#include "snac/core/hls_settings.hpp"
#include "snac/core/log.hpp"
#include "snac/core/seed.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/io/study_store.hpp"
#include "snac/nn/counting.hpp"
#include "snac/nn/prune.hpp"
#include "snac/nn/qat.hpp"
#include "snac/nn/trainer.hpp"
#include "snac/runtime/signals.hpp"
#include "snac/surrogate/cost_model.hpp"
#include "study_driver.hpp"
#include "work.hpp"

namespace snac::runtime {
namespace fs = std::filesystem;
using json = nlohmann::json;
namespace {

struct Model {
    std::string name;
    std::string architecture_yaml;
    CheckpointData float_weights;
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

std::vector<Model> read_models(const LocalRunOptions& o, const RunConfig& cfg, const Dataset& data,
                               const std::string& run_dir) {
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
        const nn::TrainResult r = nn::train_network(spec, data, cfg.train, to);
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

class ChainRunner {
public:
    ChainRunner(const RunConfig& cfg, const Dataset& data, std::string run_dir,
                const std::atomic<bool>* stop)
        : cfg_(cfg),
          data_(data),
          run_dir_(std::move(run_dir)),
          stop_(stop),
          cost_(surrogate::make_cost_model(cfg.surrogate, cfg.base_dir, io::read_checkpoint)),
          part_(find_part(cfg.hls.part)) {}

    /// Runs (or continues) one chain; returns false when stopped by a signal.
    bool run(const Model& m, const LocalPrecision& p, io::StudyStore& study,
             std::vector<StepRecord>& done) {
        const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(m.architecture_yaml, m.name);
        nn::QatPrecision qp{p.label, p.bits, p.int_bits, p.type};
        const HlsSettings settings =
            nn::qat_settings(net, m.float_weights, data_, qp, cfg_.hls.to_settings());
        const fs::path dir = fs::path(run_dir_) / "local" / m.name / p.label;
        fs::create_directories(dir);
        int last = -1;
        for (const StepRecord& r : done)
            if (r.model == m.name && r.precision == p.label) last = std::max(last, r.step);
        CheckpointData current, warm;
        nn::PruneMasks masks = nn::full_masks(net, m.float_weights);
        if (last >= 0) {
            current = io::read_checkpoint((dir / ("step" + two_digits(last) + ".h5")).string());
            warm = io::read_checkpoint((dir / "step00.h5").string());
            const nn::PruneMasks stored = nn::masks_from_checkpoint(current);
            if (!stored.empty()) masks = stored;
            log::info("local: " + m.name + "/" + p.label + " resumes after step " +
                      std::to_string(last));
        }
        for (int step = last + 1; step <= cfg_.local.pruning_steps; ++step) {
            if (drain_requested() || (stop_ && stop_->load())) return false;
            const std::vector<LayerWeights>* start = &m.float_weights.layers;
            if (step > 0) {
                masks = nn::prune_step(current, masks, cfg_.local.pruning_rate,
                                       cfg_.local.scope == PruningScope::kGlobal
                                           ? nn::PruneScope::kGlobal
                                           : nn::PruneScope::kPerLayer);
                if (cfg_.local.rewind == PruningRewind::kNone)
                    start = &current.layers;
                else if (cfg_.local.rewind == PruningRewind::kWarmup)
                    start = &warm.layers;
            }
            TrainConfig tc = cfg_.train;
            tc.epochs = step == 0 ? cfg_.local.qat_epochs : cfg_.local.pruning_epochs;
            tc.kfold = 1;
            if (cfg_.local.learning_rate > 0) tc.learning_rate = cfg_.local.learning_rate;
            nn::TrainOptions to;
            to.seed = derive_seed(cfg_.search.seed, static_cast<std::uint64_t>(step),
                                  "local/" + m.name + "/" + p.label);
            to.threads = cfg_.train.threads;
            to.stop = stop_;
            to.initial_weights = start;
            to.quantize = &settings;
            to.masks = &masks;
            const auto t0 = std::chrono::steady_clock::now();
            nn::TrainResult r = nn::train_network(net, data_, tc, to);
            if (r.status == nn::TrainStatus::kStopped) return false;
            const std::int64_t number = study.create_trial({}, {});
            if (r.status != nn::TrainStatus::kOk) {
                study.finish_trial(number, TrialState::kFail, {}, {},
                                   {{"fail_reason", json(r.reason).dump()}});
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
            study.finish_trial(number, TrialState::kComplete, {rec.metric, rec.bops},
                               attrs);
            log::info("local: " + m.name + "/" + p.label + " step " + std::to_string(step) +
                      ": sparsity " + std::to_string(rec.sparsity) + ", " + metric_name(data_) +
                      " " + std::to_string(rec.metric) + " (firmware arithmetic)");
            done.push_back(rec);
            test_hook_pause(stop_);
            current = std::move(r.checkpoint);
            if (step == 0) warm = current;
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


}  // namespace

int run_local(const LocalRunOptions& o) {
    if (o.run_dir.empty()) throw UsageError("snac local needs a run directory");
    const std::string run_dir = fs::absolute(o.run_dir).lexically_normal().string();
    const std::string config_path =
        o.config_path.empty() ? (fs::path(run_dir) / "config.yaml").string() : o.config_path;
    if (!fs::exists(config_path))
        throw UsageError("no configuration: " + config_path + " does not exist",
                         "pass --config FILE, or run the global stage into RUN_DIR first");
    const RunConfig cfg = load_config(config_path);
    const fs::path local_dir = fs::path(run_dir) / "local";
    if (fs::exists(local_dir / "summary.csv") && !o.resume)
        throw UsageError(run_dir + " already holds local-stage results",
                         "continue with --resume, or choose another run directory");
    const Dataset data = io::load_dataset(io::resolve_dataset(cfg.data, cfg.base_dir));
    const std::vector<Model> models = read_models(o, cfg, data, run_dir);
    fs::create_directories(local_dir);
    if (!o.config_path.empty())
        snac::write_file_atomic((local_dir / "config.yaml").string(), to_yaml(cfg));

    install_signal_handlers();
    DrainWatchdog watchdog(cfg.runtime.drain_timeout_s);
    ChainRunner runner(cfg, data, run_dir, watchdog.stop_flag());
    std::vector<StepRecord> all;
    bool stopped = false;
    int failed_models = 0;
    for (const Model& m : models) {
        io::StudyStore study = io::StudyStore::open((fs::path(run_dir) / "study.db").string(),
                                                    study_of(m.name, cfg, data));
        study.fail_running("interrupted (local stage resumed)");
        std::vector<StepRecord> done;
        for (const auto& t : study.trials())
            if (auto r = record_of(t)) done.push_back(*r);
        for (const LocalPrecision& p : cfg.local.precisions) {
            if (!runner.run(m, p, study, done)) {
                stopped = true;
                break;
            }
        }
        if (done.empty()) ++failed_models;
        all.insert(all.end(), done.begin(), done.end());
        if (stopped) break;
    }
    std::sort(all.begin(), all.end(), [](const StepRecord& a, const StepRecord& b) {
        return std::tie(a.model, a.precision, a.step) < std::tie(b.model, b.precision, b.step);
    });
    write_summary((local_dir / "summary.csv").string(), all);
    write_selection((local_dir / "selected.yaml").string(), all, cfg.local.tolerance,
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
    StageRecord rec;
    rec.stage = Stage::kLocal;
    rec.counts = {{"models", static_cast<std::int64_t>(models.size())},
                  {"steps", static_cast<std::int64_t>(all.size())},
                  {"models_without_steps", failed_models}};
    write_stage_done(run_dir, cfg, rec);
    return failed_models == static_cast<int>(models.size()) ? 1 : 0;
}

}  // namespace snac::runtime
