// The global-stage driver on a real study file with fake (instant) training: a drained run leaves
// interrupted trials; a resumed driver re-runs exactly those genomes and reaches the budget.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "snac/core/config.hpp"
#include "snac/core/seed.hpp"
#include "snac/io/study_store.hpp"
#include "snac/runtime/actors.hpp"
#include "snac/runtime/signals.hpp"
#include "study_driver.hpp"

namespace snac::runtime {
namespace {
namespace fs = std::filesystem;

constexpr const char* kConfig = R"(
data: {name: unit}
search_space:
  family: mlp
  params:
    n_layers: {int: [1, 3]}
    units_0: [8, 16, 32, 64]
    units_1: {values: [8, 16, 32, 64], when: "n_layers >= 2"}
    units_2: {values: [8, 16, 32, 64], when: "n_layers >= 3"}
    activation: [relu, tanh]
  training:
    learning_rate: {float: [0.0003, 0.01], log: true}
search:
  trials: 12
  population: 4
  seed: 3
)";

EstimateResult estimate(const Candidate& c) {
    EstimateResult r;
    r.trial = c.trial;
    r.metrics["bops"] = static_cast<double>(c.architecture_yaml.size() * 1000);
    return r;
}

TrainReport quick(const Candidate& c) {
    TrainReport r;
    r.metrics["val_accuracy"] = static_cast<double>(mix64(c.seed) % 1000) / 1000.0;
    return r;
}

CoordinatorSummary run(SearchDriver& driver, const TrainFn& train, std::int64_t budget,
                       double drain_timeout) {
    auto hub = std::make_shared<InProcessHub>(3);
    RoleLayout layout;
    layout.world_size = 3;
    layout.embedded = false;
    layout.trainers = {1, 2};
    std::vector<std::thread> threads;
    for (int r : layout.trainers)
        threads.emplace_back([hub, r, &train] {
            InProcessTransport t(hub, r);
            run_trainer(t, train);
        });
    CoordinatorOptions opt;
    opt.trial_budget = budget;
    opt.drain_timeout_s = drain_timeout;
    opt.progress = false;
    InProcessTransport t(hub, 0);
    const EstimateFn est = estimate;
    const CoordinatorSummary s = run_coordinator(t, layout, driver, est, opt);
    for (auto& th : threads) th.join();
    return s;
}

TEST(StudyDriver, DrainThenResumeReRunsInterruptedGenomesAndReachesTheBudget) {
    reset_drain();
    const fs::path dir = fs::temp_directory_path() / ("snac-driver-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const RunConfig cfg = parse_config(kConfig, "unit.yaml");
    search::ArchitectureContext ctx;
    ctx.input_shape = {64};
    ctx.outputs = 10;

    std::int64_t interrupted = 0;
    {
        detail::StudyDriver driver(cfg, dir.string(), ctx);
        const TrainFn slow_after_4 = [](const Candidate& c) {
            if (c.trial == 4) request_drain();
            // Trials from 4 on outlast the drain deadline and are written off as interrupted.
            if (c.trial >= 4) std::this_thread::sleep_for(std::chrono::milliseconds(600));
            return quick(c);
        };
        const CoordinatorSummary s = run(driver, slow_after_4, 12, 0.1);
        reset_drain();
        EXPECT_TRUE(s.drained);
        EXPECT_GE(s.interrupted, 1);
        EXPECT_LT(s.counted, 12);
        interrupted = s.interrupted;
    }
    {
        detail::StudyDriver driver(cfg, dir.string(), ctx);
        EXPECT_EQ(driver.requeued(), static_cast<std::size_t>(interrupted));
        const CoordinatorSummary s = run(driver, quick, 12, 10.0);
        EXPECT_EQ(s.counted, 12);
        EXPECT_EQ(s.interrupted, 0);
        driver.write_pareto_csv();
    }
    const auto store = io::StudyStore::open_read_only((dir / "study.db").string(), "snac");
    const auto trials = store.trials();
    std::int64_t counted = 0;
    std::set<std::int64_t> marked, retried;
    for (const auto& t : trials) {
        EXPECT_NE(t.state, TrialState::kRunning);
        bool is_interrupted = false;
        for (const auto& a : t.system_attrs) {
            if (a.key == "snac:interrupted") is_interrupted = true;
            if (a.key == "failed_trial") {
                const std::int64_t from = std::stoll(a.value_json);
                retried.insert(from);
                // The re-run carries the interrupted trial's genome.
                const auto& orig = trials.at(static_cast<std::size_t>(from));
                ASSERT_EQ(orig.params.size(), t.params.size());
                for (std::size_t i = 0; i < t.params.size(); ++i) {
                    EXPECT_EQ(orig.params[i].name, t.params[i].name);
                    EXPECT_EQ(orig.params[i].internal_value, t.params[i].internal_value);
                }
            }
        }
        if (is_interrupted) marked.insert(t.number);
        else ++counted;
    }
    EXPECT_EQ(counted, 12);
    EXPECT_EQ(marked, retried);
    EXPECT_EQ(static_cast<std::int64_t>(marked.size()), interrupted);
    EXPECT_TRUE(fs::exists(dir / "pareto_global.csv"));
    fs::remove_all(dir);
}

}  // namespace
}  // namespace snac::runtime
