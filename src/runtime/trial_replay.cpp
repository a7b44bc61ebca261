// Reproducing a global trial: its architecture, training genes, seed and thread count from the
// run directory, so `snac train --from-trial` retrains it to the same metrics.
#include "snac/runtime/trial_replay.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "snac/core/config/train_genes.hpp"
#include "snac/core/error.hpp"
#include "snac/core/trial_state.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/io/study_store.hpp"
#include "snac/runtime/pipeline.hpp"
#include "snac/search/architecture.hpp"
#include "snac/search/encoding.hpp"
#include "snac/search/space.hpp"

namespace snac::runtime {
namespace fs = std::filesystem;

std::string architecture_with_origin(const std::string& architecture_yaml,
                                     const TrialOrigin& origin) {
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "trial" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "number" << YAML::Value << origin.number;
    out << YAML::Key << "seed" << YAML::Value << origin.seed;
    out << YAML::Key << "training" << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (const auto& [k, v] : origin.training) out << YAML::Key << k << YAML::Value << v;
    out << YAML::EndMap << YAML::EndMap << YAML::EndMap;
    std::string text = architecture_yaml;
    if (!text.empty() && text.back() != '\n') text += '\n';
    return text +
           "# The global trial this network comes from: snac train applies its training genes "
           "and seed.\n" +
           out.c_str() + "\n";
}

std::optional<TrialOrigin> origin_from_architecture(const std::string& text,
                                                    const std::string& source) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception&) {
        return std::nullopt;  // the architecture reader reports syntax errors
    }
    if (!root.IsMap() || !root["trial"]) return std::nullopt;
    const YAML::Node t = root["trial"];
    TrialOrigin o;
    try {
        if (!t.IsMap() || !t["seed"]) throw YAML::Exception(YAML::Mark::null_mark(), "no seed");
        o.number = t["number"].as<std::int64_t>(-1);
        o.seed = t["seed"].as<std::uint64_t>();
        if (t["training"])
            for (const auto& kv : t["training"])
                o.training[kv.first.as<std::string>()] = kv.second.as<std::string>();
    } catch (const YAML::Exception&) {
        throw UsageError(source + ": the trial block is malformed",
                         "write trial: {number: N, seed: S, training: {gene: value, ...}}");
    }
    TrainConfig scratch;  // unknown genes are refused now, not after a dataset import
    for (const auto& [k, v] : o.training) apply_train_gene(scratch, k, v);
    return o;
}

TrialReplay load_trial_replay(const std::string& run_dir_in, std::int64_t number) {
    const std::string run_dir = fs::absolute(run_dir_in).lexically_normal().string();
    TrialReplay r;
    r.config = load_run_config(run_dir);
    const fs::path db = fs::path(run_dir) / "study.db";
    std::error_code ec;
    if (!fs::is_regular_file(db, ec))
        throw UsageError(run_dir + " has no study.db", "pass the --out directory of snac run");
    const io::StudyStore store =
        io::StudyStore::open_read_only(db.string(), r.config.search.study_name);
    const auto trials = store.trials();
    const auto it = std::find_if(trials.begin(), trials.end(),
                                 [&](const io::StoredTrial& t) { return t.number == number; });
    if (it == trials.end())
        throw UsageError("trial " + std::to_string(number) + " is not in " + db.string(),
                         "the study has trials 0.." + std::to_string(trials.size()) +
                             " (snac study " + run_dir + " lists them)");
    if (it->state != TrialState::kComplete)
        throw UsageError("trial " + std::to_string(number) + " is " +
                             std::string(to_string(it->state)) + ", not COMPLETE",
                         "only a trained trial has metrics to reproduce");
    const search::SearchSpace space(r.config.search_space);
    std::vector<search::EncodedParam> enc;
    for (const auto& p : it->params) enc.push_back({p.name, p.internal_value, p.distribution_json});
    const search::Genome genome = search::decode_genome(space, enc);
    r.origin.number = number;
    r.origin.training = search::training_genes(space, genome);
    bool seeded = false;
    std::string architecture;
    for (const auto& a : it->user_attrs) {
        const auto j = nlohmann::json::parse(a.value_json, nullptr, false);
        if (a.key == "seed" && j.is_number_unsigned()) {
            r.origin.seed = j.get<std::uint64_t>();
            seeded = true;
        } else if (a.key == "checkpoint" && j.is_string()) {
            r.checkpoint = (fs::path(run_dir) / j.get<std::string>()).string();
        } else if (a.key == "architecture" && j.is_string()) {
            architecture = (fs::path(run_dir) / j.get<std::string>()).string();
        } else if (j.is_number()) {
            r.recorded[a.key] = j.get<double>();
        }
    }
    if (!seeded)
        throw UsageError("trial " + std::to_string(number) + " has no recorded seed",
                         "the study was written by an older snac; retrain with snac train "
                         "CONFIG --arch FILE --seed S");
    if (!r.checkpoint.empty() && fs::is_regular_file(r.checkpoint, ec)) {
        const CheckpointData ck = io::read_checkpoint(r.checkpoint);
        r.architecture_yaml = ck.architecture_yaml;
        if (const auto t = ck.attributes.find("threads"); t != ck.attributes.end())
            r.threads = std::atoi(t->second.c_str());
    } else {
        r.checkpoint.clear();
        if (architecture.empty() || !fs::is_regular_file(architecture, ec))
            throw UsageError("trial " + std::to_string(number) +
                                 " has neither a checkpoint nor an architecture file in " + run_dir,
                             "keep checkpoints (output.keep_checkpoints: true) or run snac select "
                             "with --rule list --trials " + std::to_string(number));
        std::ifstream in(architecture);
        r.architecture_yaml.assign(std::istreambuf_iterator<char>(in), {});
    }
    search::apply_training_genes(r.origin.training, r.config.train);
    return r;
}

}  // namespace snac::runtime
