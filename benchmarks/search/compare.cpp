// snac's NSGA-II against Optuna's NSGAIISampler on ZDT1-3 (30 variables; Zitzler, Deb, Thiele,
// Evolutionary Computation 8(2), 2000), DTLZ2 (3 objectives, 12 variables; Deb et al., 2002) and a
// categorical problem shaped like the SNAC-Pack jet MLP space (a cheap deterministic objective of
// the genome). Every trial goes through ask, tell and the SQLite study store, as in a real run.
// Prints one JSON line per run, in the same format as optuna_problems.py.
//
//   bench_search_compare PROBLEMS SEEDS BUDGETS STORAGE_DIR VARIANT
//   VARIANT: optuna-like (generational, uniform crossover: Optuna's defaults) | steady-sbx
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "snac/io/study_store.hpp"
#include "snac/search/encoding.hpp"
#include "snac/search/hypervolume.hpp"
#include "snac/search/sampler.hpp"

using namespace snac;
using namespace snac::search;

namespace {

const std::map<std::string, std::vector<double>> kRef = {
    {"zdt1", {1.1, 11.0}}, {"zdt2", {1.1, 11.0}}, {"zdt3", {1.1, 11.0}},
    {"dtlz2", {3.5, 3.5, 3.5}}, {"jetmlp", {-0.4, 40.0}}};
const std::vector<std::vector<std::string>> kJetWidths = {
    {"64", "120", "128"}, {"32", "60", "64"}, {"16", "32"}, {"32", "64"},
    {"32", "64"}, {"32", "64"}, {"16", "32"}, {"32", "44", "64"}};

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');) out.push_back(item);
    return out;
}

ParamConfig cat(std::string name, std::vector<std::string> choices, std::string when = {}) {
    ParamConfig p;
    p.name = std::move(name);
    p.choices = std::move(choices);
    p.condition = std::move(when);
    return p;
}

SearchSpaceConfig space_of(const std::string& problem) {
    SearchSpaceConfig c;
    c.family = "mlp";
    if (problem == "jetmlp") {
        c.params.push_back(cat("n_layers", {"4", "5", "6", "7", "8"}));
        for (int k = 0; k < 8; ++k)
            c.params.push_back(cat("units_" + std::to_string(k), kJetWidths[static_cast<std::size_t>(k)],
                                   k < 4 ? "" : "n_layers >= " + std::to_string(k + 1)));
        c.params.push_back(cat("activation", {"relu", "tanh", "sigmoid"}));
        c.params.push_back(cat("batchnorm", {"true", "false"}));
        c.params.push_back(cat("learning_rate", {"0.001", "0.0015", "0.002"}));
        c.params.push_back(cat("l1", {"0.0", "1e-06", "1e-05", "0.0001"}));
        c.params.push_back(cat("dropout", {"0.0", "0.05", "0.1"}));
        return c;
    }
    const int n = problem == "dtlz2" ? 12 : 30;
    for (int i = 0; i < n; ++i) {
        ParamConfig p;
        p.name = "x" + std::to_string(i);
        p.kind = ParamKind::kFloat;
        p.low = 0;
        p.high = 1;
        c.params.push_back(p);
    }
    return c;
}

std::vector<double> evaluate(const std::string& problem, const Genome& g) {
    auto x = [&](int i) { return std::get<double>(g.at("x" + std::to_string(i))); };
    if (problem.rfind("zdt", 0) == 0) {
        double s = 0;
        for (int i = 1; i < 30; ++i) s += x(i);
        const double gg = 1 + 9 * s / 29, f1 = x(0);
        double h = 0;
        if (problem == "zdt1") h = 1 - std::sqrt(f1 / gg);
        else if (problem == "zdt2") h = 1 - (f1 / gg) * (f1 / gg);
        else h = 1 - std::sqrt(f1 / gg) - (f1 / gg) * std::sin(10 * M_PI * f1);
        return {f1, gg * h};
    }
    if (problem == "dtlz2") {
        double gg = 0;
        for (int i = 2; i < 12; ++i) gg += (x(i) - 0.5) * (x(i) - 0.5);
        const double c0 = std::cos(x(0) * M_PI / 2), c1 = std::cos(x(1) * M_PI / 2);
        const double s0 = std::sin(x(0) * M_PI / 2), s1 = std::sin(x(1) * M_PI / 2);
        return {(1 + gg) * c0 * c1, (1 + gg) * c0 * s1, (1 + gg) * s0};
    }
    // jetmlp: the same stand-in as optuna_problems.py.
    const int n = static_cast<int>(gene_number(g.at("n_layers")));
    double params = 0, prev = 24;
    for (int k = 0; k <= n; ++k) {
        const double w = k < n ? gene_number(g.at("units_" + std::to_string(k))) : 5;
        params += prev * w + w;
        prev = w;
    }
    const std::string act = std::get<std::string>(g.at("activation"));
    const bool bn = std::get<std::string>(g.at("batchnorm")) == "true";
    const double lr = gene_number(g.at("learning_rate")), l1 = gene_number(g.at("l1"));
    const double drop = gene_number(g.at("dropout"));
    const double acc = 0.55 + 0.25 * (1 - std::exp(-params / 15000.0)) +
                       (act == "relu" ? 0.02 : act == "tanh" ? 0.01 : 0.0) + (bn ? 0.01 : 0.0) -
                       8 * std::fabs(lr - 0.0015) - 200 * l1 - 0.1 * std::fabs(drop - 0.05) -
                       0.004 * std::fabs(n - 6);
    return {-acc, params * 1024 / 1e6};
}

double hv_at(const Sampler& s, std::size_t budget, const std::vector<double>& ref) {
    std::vector<std::vector<double>> pts;
    for (const auto& t : s.trials()) {
        if (static_cast<std::size_t>(t.number) >= budget) break;
        if (t.state == TrialState::kComplete) pts.push_back(t.values);
    }
    return hypervolume(pts, ref);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: %s PROBLEMS SEEDS BUDGETS STORAGE_DIR optuna-like|steady-sbx\n", argv[0]);
        return 2;
    }
    const auto problems = split(argv[1]);
    const auto seeds = split(argv[2]);
    std::vector<std::size_t> budgets;
    for (const auto& b : split(argv[3])) budgets.push_back(std::stoul(b));
    const std::size_t total = *std::max_element(budgets.begin(), budgets.end());
    const std::string dir = argv[4], variant = argv[5];
    for (const auto& problem : problems) {
        const SearchSpace space(space_of(problem));
        const auto& ref = kRef.at(problem);
        for (const auto& seed_text : seeds) {
            SearchConfig o;
            o.sampler = SamplerKind::kNsga2;
            for (std::size_t i = 0; i < ref.size(); ++i)
                o.objectives.push_back({"f" + std::to_string(i + 1), Direction::kMinimize});
            o.population = 50;  // Optuna's default
            o.seed = std::stoull(seed_text);
            // optuna-like | steady-sbx | steady-uniform | generational-sbx
            o.mode = variant.rfind("steady", 0) == 0 ? SearchMode::kSteadyState : SearchMode::kGenerational;
            o.crossover =
                variant.find("sbx") != std::string::npos ? Crossover::kSbx : Crossover::kUniform;
            auto sampler = make_sampler(space, o);
            const std::string db = dir + "/snac_" + problem + "_" + seed_text + ".db";
            std::filesystem::remove(db);
            io::StudyDefinition def;
            def.name = problem;
            def.directions = sampler->directions();
            auto store = io::StudyStore::open(db, def);
            double overhead_s = 0, overhead_cpu_s = 0;
            auto cpu_now = [] {
                timespec ts{};
                clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
                return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
            };
            for (std::size_t i = 0; i < total; ++i) {
                const double c0 = cpu_now();
                const auto t0 = std::chrono::steady_clock::now();
                auto s = sampler->ask();
                std::vector<io::StoredParam> params;
                for (const auto& e : encode_genome(space, s->genome))
                    params.push_back({e.name, e.internal_value, e.distribution_json});
                const auto number = store.create_trial(params, {}, {{"NSGAIISampler:generation", std::to_string(s->generation)}});
                const auto t1 = std::chrono::steady_clock::now();
                const double c1 = cpu_now();
                const auto values = evaluate(problem, s->genome);  // the "training", not overhead
                const double c2 = cpu_now();
                const auto t2 = std::chrono::steady_clock::now();
                store.finish_trial(number, TrialState::kComplete, values);
                sampler->tell(s->number, values, {}, TrialState::kComplete);
                const auto t3 = std::chrono::steady_clock::now();
                overhead_cpu_s += (c1 - c0) + (cpu_now() - c2);
                overhead_s += std::chrono::duration<double>((t1 - t0) + (t3 - t2)).count();
            }
            std::printf("{\"tool\": \"snac\", \"variant\": \"%s\", \"problem\": \"%s\", \"seed\": %s, \"storage\": true, "
                        "\"trials\": %zu, \"ms_per_trial\": %.6g, \"cpu_ms_per_trial\": %.6g",
                        variant.c_str(), problem.c_str(), seed_text.c_str(), total, 1000 * overhead_s / static_cast<double>(total),
                        1000 * overhead_cpu_s / static_cast<double>(total));
            for (auto b : budgets) std::printf(", \"hv_%zu\": %.10g", b, hv_at(*sampler, b, ref));
            std::printf("}\n");
            std::fflush(stdout);
        }
    }
    return 0;
}
