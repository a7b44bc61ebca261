// Drives the production study-write path (runtime's StudyDriver, as the coordinator uses it) into
// a run directory, with a cheap deterministic synthetic objective instead of training (so the
// Optuna compatibility test runs in seconds). The objective values are a made-up function of the
// architecture, NOT model results; the checkpoint path names where a trainer would put weights.
//
//   search_study_driver CONFIG RUN_DIR TRIALS FRONT_JSON [--resume]
//
// Writes snac's Pareto front (trial numbers, from RUN_DIR/pareto_global.csv) to FRONT_JSON. With
// --resume the study is reopened: RUNNING trials are failed and re-run, the sampler is rebuilt.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "snac/core/config.hpp"
#include "snac/core/error.hpp"
#include "snac/core/metrics.hpp"
#include "snac/search/space.hpp"
#include "study_driver.hpp"

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

std::string metric_value(const std::string& metric, double params,
                         const std::map<std::string, std::string>& genes, double* out) {
    const double lr = genes.count("learning_rate") ? std::stod(genes.at("learning_rate")) : 1e-3;
    const double act = genes.count("activation") && genes.at("activation") == "relu" ? 0.01 : 0.0;
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
        std::fprintf(stderr, "usage: %s CONFIG RUN_DIR TRIALS FRONT_JSON [--resume]\n", argv[0]);
        return 2;
    }
    const RunConfig cfg = load_config(argv[1]);
    const std::string run_dir = argv[2];
    const long total = std::stol(argv[3]);
    const bool resume = argc > 5 && std::strcmp(argv[5], "--resume") == 0;
    const bool existing = std::filesystem::exists(std::filesystem::path(run_dir) / "study.db");
    if (existing && !resume) {
        std::fprintf(stderr, "study already has trials; pass --resume\n");
        return 2;
    }
    std::filesystem::create_directories(run_dir);  // as run_global does
    const search::ArchitectureContext ctx{{24}, 5, search::TaskKind::kClassification};
    runtime::detail::StudyDriver driver(cfg, run_dir, ctx);
    if (resume) std::printf("resumed %lld trials\n", static_cast<long long>(driver.counted_trials()));
    while (driver.counted_trials() < total) {
        const auto c = driver.next();
        if (!c) return 1;  // one worker: the generational barrier can never hold here
        runtime::FinishedTrial t;
        t.candidate = *c;
        t.estimate.trial = c->trial;
        const double p = dense_weights(c->architecture_yaml, 24);
        for (const auto& o : cfg.search.objectives) {
            double v = 0;
            if (auto err = metric_value(o.metric, p, c->params, &v); !err.empty()) throw UsageError(err);
            t.estimate.metrics[std::string(find_metric(o.metric)->key)] = v;
        }
        double bops = 0, luts = 0;
        metric_value("bops", p, c->params, &bops);
        metric_value("est_avg_resource_pct", p, c->params, &luts);
        t.estimate.metrics["params"] = p;
        t.estimate.metrics["bops"] = bops;
        t.estimate.metrics["est_avg_resource_pct"] = luts;
        t.train.checkpoint = "checkpoints/global/" + std::to_string(c->trial) + ".h5";
        // Trials that land on a value 7 mod 13 "diverge": failure is data, not an exception.
        if (static_cast<long long>(p) % 13 == 7) {
            t.end = runtime::TrialEnd::kFailed;
            t.reason = "diverged (synthetic)";
        }
        driver.finish(t);
        driver.sync();
    }
    const auto [csv_path, front_size] = driver.write_pareto_csv();
    std::ifstream csv(csv_path);
    std::string line;
    std::getline(csv, line);  // header
    std::ofstream front(argv[4]);
    front << "[";
    for (std::size_t i = 0; std::getline(csv, line); ++i)
        front << (i ? ", " : "") << line.substr(0, line.find(','));
    front << "]\n";
    std::printf("%lld trials, front of %zu, hypervolume %.6g\n",
                static_cast<long long>(driver.counted_trials()), front_size, driver.hypervolume());
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
