// Coordinator capacity (../shared/docs/design.md §9): trainers that answer instantly, so the
// coordinator is the only thing working. Prints finished trials per second at the coordinator,
// its CPU time per trial, and from that the number of busy trainers it could feed at 10 s and
// 60 s per trial. Two drivers:
//   full      the real global-stage driver: NSGA-II (steady state) + SQLite study (one
//             transaction per trial) + inline estimation (counts + analytical cost model)
//   protocol  a trivial driver: messages, bookkeeping and dispatch only
// Run in one process (trainer threads on the in-process transport):
//   bench_runtime_capacity [--trials N] [--trainers T] [--driver full|protocol] [--config F]
//                          [--trial-ms M]
// or distributed, unchanged on a cluster: mpiexec -n N bench_runtime_capacity ...
// With --trial-ms M every trainer sleeps M ms per trial instead of answering at once (the MPI
// sleeping-rank run of benchmarks/runtime/mpi_sleepers.sh); the report then adds the trainers'
// idle fraction, 1 - trials x M / (trainers x wall time).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "snac/core/config.hpp"
#include "snac/core/log.hpp"
#include "snac/core/seed.hpp"
#include "snac/runtime/actors.hpp"
#include "snac/runtime/mpi.hpp"
#include "protocol_driver.hpp"
#include "study_driver.hpp"
#include "work.hpp"

using namespace snac;
using namespace snac::runtime;
namespace fs = std::filesystem;

namespace {

struct Args {
    std::int64_t trials = 2000;
    int trainers = 4;
    std::string driver = "full";
    std::string config = std::string(SNAC_SOURCE_DIR) + "/configs/quickstart.yaml";
    int trial_ms = 0;
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--trials") a.trials = std::stoll(v);
        else if (k == "--trainers") a.trainers = std::stoi(v);
        else if (k == "--driver") a.driver = v;
        else if (k == "--config") a.config = v;
        else if (k == "--trial-ms") a.trial_ms = std::stoi(v);
        else {
            std::cerr << "unknown option " << k << "\n";
            std::exit(2);
        }
    }
    return a;
}

TrainReport instant_train(const Candidate& c) { return bench::instant_report(c); }

EstimateResult trivial_estimate(const Candidate& c) {
    EstimateResult r;
    r.trial = c.trial;
    r.metrics["bops"] = 1000.0 + static_cast<double>(c.trial % 97);
    return r;
}

void report(const Args& a, const std::string& where, std::size_t trainers, std::size_t estimators,
            const CoordinatorSummary& s) {
    const double per_trial = s.cpu_seconds / static_cast<double>(std::max<std::int64_t>(1, s.counted));
    std::printf("\n%-9s %-22s %8s %6s %8s %10s %12s %10s %14s %14s\n", "driver", "transport",
                "trainers", "estim", "trials", "wall s", "coord CPU s", "trials/s",
                "CPU ms/trial", "fed@10s|60s");
    std::printf("%-9s %-22s %8zu %6zu %8lld %10.2f %12.3f %10.0f %14.4f %7.0f|%.0f\n",
                a.driver.c_str(), where.c_str(), trainers, estimators,
                static_cast<long long>(s.counted), s.seconds, s.cpu_seconds,
                static_cast<double>(s.counted) / s.seconds, per_trial * 1e3, 10.0 / per_trial,
                60.0 / per_trial);
    if (a.trial_ms > 0) {
        const double busy = static_cast<double>(s.counted) * a.trial_ms * 1e-3;
        std::printf("trainers sleep %d ms per trial: trainer idle fraction %.2f %% "
                    "(1 - trials x trial time / (trainers x wall))\n",
                    a.trial_ms, 100.0 * (1.0 - busy / (static_cast<double>(trainers) * s.seconds)));
    }
    std::printf("fed@Ts = T / (coordinator CPU per trial): busy trainers one coordinator core keeps "
                "supplied when a trial takes T seconds\n");
}

}  // namespace

int main(int argc, char** argv) {
    const Args a = parse(argc, argv);
    MpiSession session;
    log::set_level(log::Level::kWarn);
    RunConfig cfg = load_config(a.config);
    cfg.search.trials = a.trials;
    cfg.search.mode = SearchMode::kSteadyState;
    const fs::path dir = fs::temp_directory_path() / ("snac-capacity-" + std::to_string(::getpid()));
    if (!session.active() || session.rank() == 0) fs::create_directories(dir);
    search::ArchitectureContext ctx;
    ctx.input_shape = {64};
    ctx.outputs = 10;

    CoordinatorOptions opt;
    opt.trial_budget = a.trials;
    opt.progress = false;
    // The full driver also pays for the JSONL event log, flushed per event as in a real run.
    std::ofstream events;
    if (a.driver == "full" && (!session.active() || session.rank() == 0)) {
        events.open(dir / "events.jsonl", std::ios::app);
        opt.on_event = [&events](const std::string& line) {
            events << line << '\n';
            events.flush();
        };
    }
    const TrainFn train = a.trial_ms > 0
        ? TrainFn([ms = a.trial_ms](const Candidate& c) {
              std::this_thread::sleep_for(std::chrono::milliseconds(ms));
              return bench::instant_report(c);
          })
        : TrainFn(instant_train);

    if (session.active() && session.size() > 1) {
        const RoleLayout layout = plan_roles(session.size(), cfg.runtime);
        auto t = make_mpi_transport(session);
        if (session.rank() == 0) {
            std::optional<detail::StudyDriver> full;
            bench::ProtocolDriver proto;
            if (a.driver == "full") full.emplace(cfg, dir.string(), ctx);
            detail::Estimator est(cfg);
            const EstimateFn inline_est = [&](const Candidate& c) {
                return a.driver == "full" ? est(c) : trivial_estimate(c);
            };
            SearchDriver& d = full ? static_cast<SearchDriver&>(*full) : proto;
            const CoordinatorSummary s = run_coordinator(*t, layout, d, inline_est, opt);
            report(a, "MPI " + std::to_string(session.size()) + " ranks", layout.trainers.size(),
                   layout.estimators.size(), s);
            std::error_code ec;
            fs::remove_all(dir, ec);
        } else if (std::find(layout.trainers.begin(), layout.trainers.end(), session.rank()) !=
                   layout.trainers.end()) {
            run_trainer(*t, train);
        } else {
            detail::Estimator est(cfg);
            run_estimator(*t, [&](const Candidate& c) {
                return a.driver == "full" ? est(c) : trivial_estimate(c);
            });
        }
        return 0;
    }

    // One process: trainer threads on the in-process transport.
    auto hub = std::make_shared<InProcessHub>(1 + a.trainers);
    RoleLayout layout;
    layout.world_size = 1 + a.trainers;
    layout.embedded = false;
    std::vector<std::thread> threads;
    for (int r = 1; r <= a.trainers; ++r) {
        layout.trainers.push_back(r);
        threads.emplace_back([hub, r, &train] {
            InProcessTransport t(hub, r);
            run_trainer(t, train);
        });
    }
    std::optional<detail::StudyDriver> full;
    bench::ProtocolDriver proto;
    if (a.driver == "full") full.emplace(cfg, dir.string(), ctx);
    detail::Estimator est(cfg);
    const EstimateFn inline_est = [&](const Candidate& c) {
        return a.driver == "full" ? est(c) : trivial_estimate(c);
    };
    SearchDriver& d = full ? static_cast<SearchDriver&>(*full) : proto;
    InProcessTransport t(hub, 0);
    const CoordinatorSummary s = run_coordinator(t, layout, d, inline_est, opt);
    for (auto& th : threads) th.join();
    report(a, "in-process threads", layout.trainers.size(), 0, s);
    full.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
    return 0;
}
