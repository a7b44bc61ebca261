// snac surrogate fit | eval: fit the hardware surrogate on synthesis records and measure it on
// a split grouped by architecture (docs/surrogate.md).
#include "snac/runtime/surrogate_command.hpp"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "snac/core/error.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/runtime/signals.hpp"
#include "snac/surrogate/evaluation.hpp"
#include "snac/surrogate/fit.hpp"
#include "snac/surrogate/learned_model.hpp"

namespace snac::runtime {
namespace {

namespace fs = std::filesystem;

surrogate::RecordSet load_all(const SurrogateOptions& f) {
    surrogate::ResourceSource src;
    if (f.resource_source == "vivado")
        src = surrogate::ResourceSource::kVivado;
    else if (f.resource_source == "hls")
        src = surrogate::ResourceSource::kHls;
    else
        throw UsageError("--resource-source '" + f.resource_source + "' is not valid",
                         "use vivado (post-synthesis report) or hls (C-synthesis estimate)");
    surrogate::RecordSet all;
    for (const std::string& p : f.records) surrogate::append(all, surrogate::load_records(p, src));
    std::fprintf(stderr,
                 "records: %zu usable, %lld failed syntheses skipped, %lld unsupported skipped\n",
                 all.records.size(), static_cast<long long>(all.skipped_failed),
                 static_cast<long long>(all.skipped_unsupported));
    for (const auto& n : all.notes) std::fprintf(stderr, "  %s\n", n.c_str());
    if (all.records.empty())
        throw UsageError("no usable synthesis records in " + std::to_string(f.records.size()) +
                         " file(s)");
    return all;
}

std::string model_kind(const SurrogateOptions& f) {
    if (!f.model.empty()) {
        if (f.model != "analytical" && f.model != "learned")
            throw UsageError("--model '" + f.model + "' is not valid", "use analytical or learned");
        return f.model;
    }
    const std::string ext = fs::path(f.out.empty() ? f.model_file : f.out).extension().string();
    if (ext == ".json") return "analytical";
    if (ext == ".h5") return "learned";
    throw UsageError("cannot tell which model to use",
                     "pass --model analytical|learned (or an --out ending in .json or .h5)");
}

surrogate::AnalyticalCoefficients base_coefficients(const SurrogateOptions& f) {
    return surrogate::load_coefficients(
        f.coefficients.empty() ? surrogate::default_coefficients_path() : f.coefficients);
}

std::vector<std::size_t> all_indices(const surrogate::RecordSet& s) {
    std::vector<std::size_t> idx(s.records.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    return idx;
}

int run_fit_impl(const SurrogateOptions& f) {
    const std::string kind = model_kind(f);
    // Ctrl-C / SIGTERM stop the learned model's training between batches (a second Ctrl-C exits
    // at once); an interrupted fit writes nothing, so --out keeps what it held before.
    runtime::install_signal_handlers();
    const runtime::DrainWatchdog watchdog(0.0);
    const auto interrupted = [] {
        std::fprintf(stderr, "interrupted: the fit stopped; nothing was written\n");
        const int sig = runtime::drain_signal();
        return 128 + (sig ? sig : SIGINT);
    };
    const surrogate::RecordSet set = load_all(f);
    std::vector<std::string> log;
    std::fprintf(stderr, "fitting the %s model on %zu records\n", kind.c_str(), set.records.size());
    runtime::test_hook_pause();  // interruption tests: SNAC_TEST_PAUSE_MS holds here
    if (runtime::drain_requested()) return interrupted();
    if (kind == "analytical") {
        surrogate::AnalyticalCoefficients start;  // from scratch: nothing inherited
        surrogate::AnalyticalCoefficients c =
            surrogate::fit_analytical(set.records, all_indices(set), start, &log);
        std::string sources;
        for (const auto& r : f.records)
            sources += (sources.empty() ? "" : ", ") + fs::path(r).filename().string();
        c.provenance += " (" + sources + ")";
        if (runtime::drain_requested()) return interrupted();
        surrogate::save_coefficients(f.out, c);
    } else {
        surrogate::LearnedFitOptions o;
        o.epochs = f.epochs;
        o.seed = f.seed;
        o.stop = watchdog.stop_flag();
        CheckpointData ck;
        try {
            ck = surrogate::fit_learned(set.records, all_indices(set), base_coefficients(f), o,
                                        &log);
        } catch (const Error&) {
            if (runtime::drain_requested()) return interrupted();
            throw;
        }
        if (runtime::drain_requested()) return interrupted();
        io::write_checkpoint(f.out, ck);
    }
    for (const auto& l : log) std::fprintf(stderr, "  %s\n", l.c_str());
    std::printf("wrote %s model to %s\n", kind.c_str(), f.out.c_str());
    return 0;
}

void print_metrics(const char* title, const surrogate::Evaluation& ev) {
    std::printf("%s: %lld records", title, static_cast<long long>(ev.n_records));
    if (ev.n_failed)
        std::printf(" (%lld refused by the model)", static_cast<long long>(ev.n_failed));
    std::printf("\n%-8s %8s %10s %10s %14s\n", "target", "n", "R2", "SMAPE %", "RMSE");
    for (const auto& m : ev.metrics)
        std::printf("%-8s %8lld %10.3f %10.1f %14.1f\n", std::string(to_string(m.target)).c_str(),
                    static_cast<long long>(m.n), m.r2, m.smape, m.rmse);
}

nlohmann::json metrics_json(const surrogate::Evaluation& ev) {
    nlohmann::json j;
    j["records"] = ev.n_records;
    j["refused"] = ev.n_failed;
    for (const auto& m : ev.metrics)
        j["targets"][std::string(to_string(m.target))] = {
            {"n", m.n}, {"r2", m.r2}, {"smape", m.smape}, {"rmse", m.rmse}};
    return j;
}

int run_eval_impl(const SurrogateOptions& f) {
    const std::string kind = f.model.empty() && f.model_file.empty() ? "analytical" : model_kind(f);
    const surrogate::RecordSet set = load_all(f);
    const surrogate::RecordSplit split =
        surrogate::split_by_architecture(set.records, f.test_fraction, f.seed);
    std::unique_ptr<surrogate::CostModel> model;
    std::string how;
    if (!f.model_file.empty()) {
        // A given model is scored as is; the caller vouches that it never saw the test records.
        if (kind == "analytical")
            model = std::make_unique<surrogate::AnalyticalModel>(
                surrogate::load_coefficients(f.model_file));
        else
            model = std::make_unique<surrogate::LearnedModel>(io::read_checkpoint(f.model_file));
        how = "model file " + f.model_file + " (not refitted)";
    } else if (kind == "analytical") {
        model = std::make_unique<surrogate::AnalyticalModel>(
            surrogate::fit_analytical(set.records, split.train, {}));
        how = "analytical model refitted on the training architectures";
    } else {
        surrogate::LearnedFitOptions o;
        o.epochs = f.epochs;
        o.seed = f.seed;
        std::vector<std::string> log;
        model = std::make_unique<surrogate::LearnedModel>(
            surrogate::fit_learned(set.records, split.train, base_coefficients(f), o, &log));
        for (const auto& l : log) std::fprintf(stderr, "  %s\n", l.c_str());
        how = "learned model trained on the training architectures";
    }
    const surrogate::Evaluation train = surrogate::evaluate(*model, set.records, split.train);
    const surrogate::Evaluation test = surrogate::evaluate(*model, set.records, split.test);
    if (f.json) {
        nlohmann::json j;
        j["model"] = kind;
        j["how"] = how;
        j["seed"] = f.seed;
        j["test_fraction"] = f.test_fraction;
        j["train_architectures"] = split.train_groups;
        j["test_architectures"] = split.test_groups;
        j["train"] = metrics_json(train);
        j["test"] = metrics_json(test);
        for (const Strategy st : {Strategy::kLatency, Strategy::kResource}) {
            const auto idx = surrogate::records_with_strategy(set.records, split.test, st);
            if (!idx.empty())
                j["test_by_strategy"][std::string(to_string(st))] =
                    metrics_json(surrogate::evaluate(*model, set.records, idx));
        }
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::printf("%s model: %s\n", kind.c_str(), how.c_str());
    std::printf("split by architecture (seed %llu): %lld train / %lld test architectures\n",
                static_cast<unsigned long long>(f.seed), static_cast<long long>(split.train_groups),
                static_cast<long long>(split.test_groups));
    print_metrics(f.model_file.empty() ? "train" : "records not held out", train);
    if (!split.test.empty()) {
        print_metrics("test (held-out architectures)", test);
        // The goal is per strategy: the same held-out records, by strategy.
        for (const Strategy st : {Strategy::kLatency, Strategy::kResource}) {
            const auto idx = surrogate::records_with_strategy(set.records, split.test, st);
            if (idx.empty()) continue;
            const std::string title = "test, " + std::string(to_string(st)) + " strategy";
            print_metrics(title.c_str(), surrogate::evaluate(*model, set.records, idx));
        }
        std::printf(
            "published figures of other surrogates (copied, not recomputed; R2 / SMAPE %%):\n");
        for (const auto& p : surrogate::published_figures()) {
            std::printf("  %s:", std::string(p.name).c_str());
            for (int t = 0; t < surrogate::kTargetCount; ++t)
                std::printf(" %s %.2f / %.1f",
                            std::string(surrogate::to_string(surrogate::Target(t))).c_str(),
                            p.r2[static_cast<std::size_t>(t)],
                            p.smape[static_cast<std::size_t>(t)]);
            std::printf("\n");
        }
    } else
        std::printf(
            "test: no held-out architectures (one architecture group or --test-fraction 0)\n");
    return 0;
}

}  // namespace

int run_surrogate_fit(const SurrogateOptions& options) {
    return run_fit_impl(options);
}
int run_surrogate_eval(const SurrogateOptions& options) {
    return run_eval_impl(options);
}

}  // namespace snac::runtime
