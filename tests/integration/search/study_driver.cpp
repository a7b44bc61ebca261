// Drives a real snac search into a study file, as the coordinator does, with a cheap deterministic
// synthetic objective instead of training (so the Optuna compatibility test runs in seconds).
// The objective values are a made-up function of the architecture, NOT model results; the
// checkpoint path attribute names where a coordinator would put the weights.
//
//   search_study_driver CONFIG DB TRIALS FRONT_JSON [--resume]
//
// Writes snac's Pareto front (trial numbers) to FRONT_JSON. With --resume the study is reopened:
// RUNNING trials are failed, the sampler is rebuilt from the stored trials and numbering continues.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "snac/core/config.hpp"
#include "snac/core/error.hpp"
#include "snac/io/study_store.hpp"
#include "snac/search/architecture.hpp"
#include "snac/search/encoding.hpp"
#include "snac/search/sampler.hpp"

using namespace snac;

namespace {

/// Dense weights of an MLP architecture text: sum of in*out over "units: N" lines (synthetic).
double dense_weights(const std::string& yaml, double inputs) {
    double params = 0, prev = inputs;
    for (std::size_t pos = 0; (pos = yaml.find("units: ", pos)) != std::string::npos; pos += 7) {
        const double units = std::stod(yaml.substr(pos + 7));
        params += prev * units + units;
        prev = units;
    }
    return params;
}

std::string metric_value(const std::string& metric, double params, const search::Genome& g, double* out) {
    const double lr = g.count("learning_rate") ? search::gene_number(g.at("learning_rate")) : 1e-3;
    const double act = g.count("activation") && search::gene_text(g.at("activation")) == "relu" ? 0.01 : 0.0;
    if (metric == "accuracy") *out = 0.5 + 0.3 * (1 - std::exp(-params / 20000.0)) + act - 5 * std::fabs(lr - 0.0015);
    else if (metric == "bops") *out = params * 32 * 32;
    else if (metric == "params") *out = params;
    else if (metric == "est_avg_resource_pct") *out = params / 1000.0;
    else if (metric == "est_latency_cycles") *out = std::round(std::log2(params + 1.0) * 3);
    else return "unsupported metric " + metric;
    return {};
}

int run(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: %s CONFIG DB TRIALS FRONT_JSON [--resume]\n", argv[0]);
        return 2;
    }
    const RunConfig cfg = load_config(argv[1]);
    const std::string db = argv[2];
    const long total = std::stol(argv[3]);
    const bool resume = argc > 5 && std::strcmp(argv[5], "--resume") == 0;
    const search::SearchSpace space(cfg.search_space);
    auto sampler = search::make_sampler(space, search::sampler_options(cfg.search));

    const io::StudyDefinition def = io::study_definition(cfg.search);
    auto store = io::StudyStore::open(db, def);
    if (resume) {
        store.fail_running("interrupted");
        std::vector<search::TrialRecord> records;
        for (const auto& t : store.trials()) {
            search::TrialRecord r;
            r.number = t.number;
            std::vector<search::EncodedParam> enc;
            for (const auto& p : t.params) enc.push_back({p.name, p.internal_value, p.distribution_json});
            r.genome = search::decode_genome(space, enc);
            r.state = t.state == TrialState::kComplete ? TrialState::kComplete : TrialState::kFail;
            for (const auto& v : t.values)
                if (v) r.values.push_back(*v);
            for (const auto& a : t.system_attrs)
                if (a.key == "NSGAIISampler:generation") r.generation = std::stoi(a.value_json);
            records.push_back(std::move(r));
        }
        sampler->restore(std::move(records));
        std::printf("resumed %zu trials\n", sampler->trials().size());
    } else if (store.trial_count() != 0) {
        std::fprintf(stderr, "study already has trials; pass --resume\n");
        return 2;
    }
    const search::ArchitectureContext ctx{{24}, 5, search::TaskKind::kClassification};
    while (static_cast<long>(sampler->trials().size()) < total) {
        auto s = sampler->ask();
        if (!s) return 1;  // one worker: the generational barrier can never hold here
        std::vector<io::StoredParam> params;
        for (const auto& e : search::encode_genome(space, s->genome))
            params.push_back({e.name, e.internal_value, e.distribution_json});
        const std::string gen = std::to_string(s->generation);
        const auto number = store.create_trial(params, {},
                                               {{"NSGAIISampler:generation", gen}, {"nsga2:generation", gen}});
        if (number != s->number) {
            std::fprintf(stderr, "store numbered trial %lld, sampler %lld\n", static_cast<long long>(number),
                         static_cast<long long>(s->number));
            return 1;
        }
        const std::string yaml = search::build_architecture(space, s->genome, ctx);
        const double p = dense_weights(yaml, 24);
        std::vector<double> values;
        for (const auto& o : cfg.search.objectives) {
            double v = 0;
            if (auto err = metric_value(o.metric, p, s->genome, &v); !err.empty()) throw UsageError(err);
            values.push_back(v);
        }
        // Trials that land on a value 7 mod 13 "diverge": failure is data, not an exception.
        const bool failed = static_cast<long long>(p) % 13 == 7;
        double bops = 0, luts = 0;
        metric_value("bops", p, s->genome, &bops);
        metric_value("est_avg_resource_pct", p, s->genome, &luts);
        std::vector<io::JsonAttr> user = {
            {"params", std::to_string(static_cast<long long>(p))},
            {"bops", std::to_string(static_cast<long long>(bops))},
            {"est_avg_resource_pct", std::to_string(luts)},
            {"checkpoint", "\"checkpoints/global/" + std::to_string(number) + ".h5\""},
            {"synthetic_objective", "true"}};
        if (failed) {
            user.push_back({"fail_reason", "\"diverged (synthetic)\""});
            store.finish_trial(number, TrialState::kFail, {}, user, {});
            sampler->tell(number, {}, {}, TrialState::kFail);
        } else {
            store.finish_trial(number, TrialState::kComplete, values, user, {});
            sampler->tell(number, values, {}, TrialState::kComplete);
        }
    }
    std::ofstream front(argv[4]);
    front << "[";
    const auto f = sampler->pareto_front();
    for (std::size_t i = 0; i < f.size(); ++i) front << (i ? ", " : "") << f[i];
    front << "]\n";
    std::printf("%zu trials, front of %zu, hypervolume %.6g\n", sampler->trials().size(), f.size(),
                sampler->hypervolume());
    return front ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const Error& e) {
        std::fprintf(stderr, "error: %s\n  hint: %s\n", e.what(), e.hint().c_str());
        return static_cast<int>(e.exit_code());
    }
}
