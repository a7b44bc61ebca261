// `snac global`: wires the actors to the real work. Start-up is the only collective step (one
// broadcast from rank 0: setup status + dataset path); after it, ranks talk point-to-point only.
// Exceptions never unwind across pending MPI calls: a worker that cannot go on aborts the job
// (MPI's model), and the study, written in whole trials (committed in groups), survives it.
#include "snac/runtime/global_search.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "snac/core/config.hpp"
#include "snac/core/atomic_file.hpp"
#include "snac/core/error.hpp"
#include "snac/core/log.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/runtime/actors.hpp"
#include "snac/runtime/mpi.hpp"
#include "snac/runtime/pipeline.hpp"
#include "snac/runtime/run_lock.hpp"
#include "snac/search/architecture.hpp"
#include "snac/runtime/signals.hpp"
#include "study_driver.hpp"
#include "threads.hpp"
#include "work.hpp"

namespace snac::runtime {
namespace fs = std::filesystem;
namespace {

/// oneDNN threads per trainer (src/runtime/threads.hpp). Rank 0 (or the one process) says what
/// it chose; any rank warns when it runs more compute threads than CPUs it may use.
int default_threads(const RunConfig& cfg, int trainers_here, bool announce) {
    const int explicit_threads =
        cfg.runtime.threads_per_rank > 0 ? cfg.runtime.threads_per_rank : cfg.train.threads;
    const detail::ThreadChoice c =
        detail::choose_threads(detail::read_thread_inputs(explicit_threads, trainers_here));
    if (announce) log::info("threads: " + c.why);
    if (c.oversubscribed)
        log::warn("this node is oversubscribed: " + c.why +
                  " exceeds the CPUs this rank may use; training slows down sharply. Set "
                  "runtime.threads_per_rank (or OMP_NUM_THREADS), or give each rank its own cores "
                  "(srun --cpus-per-task, mpirun --bind-to core)");
    return c.threads;
}


search::ArchitectureContext context_of(const Dataset& data) {
    search::ArchitectureContext ctx;
    ctx.input_shape = data.sample_shape;
    ctx.task = data.task == TaskType::kClassification ? search::TaskKind::kClassification
                                                      : search::TaskKind::kRegression;
    ctx.outputs = data.task == TaskType::kClassification ? data.n_classes : data.target_dim;
    return ctx;
}

/// JSONL event sink: one line per event, flushed, appended across resumes.
class EventLog {
public:
    explicit EventLog(const std::string& path) : out_(path, std::ios::app) {
        if (!out_) throw_runtime("cannot open " + path + " for appending");
    }
    void write(const std::string& line) {
        std::lock_guard lock(mutex_);
        out_ << line << '\n';
        out_.flush();
    }

private:
    std::mutex mutex_;
    std::ofstream out_;
};

std::string duration_text(double s) {
    char buf[64];
    if (s < 120) std::snprintf(buf, sizeof buf, "%.1f s", s);
    else std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
    return buf;
}

/// The dataset-dependent half of config::validate_run: with data.path or task: auto, only the
/// loaded dataset tells whether every objective and constraint can be measured. Checked before
/// the first trial, since otherwise every trial would FAIL after its training.
void check_measurable(const RunConfig& cfg, const Dataset& data, const std::string& path) {
    std::vector<std::string> metrics;
    for (const auto& o : cfg.search.objectives) metrics.push_back(o.metric);
    for (const auto& c : cfg.search.constraints) metrics.push_back(c.metric);
    const bool classification = data.task == TaskType::kClassification;
    for (const auto& m : metrics) {
        const bool on_val = m == "accuracy" || m == "loss" || m == "mean_distance";
        if (on_val && data.val_idx.empty())
            throw UsageError("'" + m + "' is measured on the validation split, but dataset '" +
                                 path + "' has no validation samples: every trial would fail",
                             "give data.split a val fraction (e.g. 0.1) and re-import, or "
                             "choose another metric");
        if (m == "accuracy" && !classification)
            throw UsageError("'accuracy' needs a classification dataset, but '" + path +
                                 "' is a regression dataset",
                             "use 'mean_distance' or 'loss' for regression");
        if (m == "mean_distance" && classification)
            throw UsageError("'mean_distance' needs a regression dataset, but '" + path +
                                 "' is a classification dataset",
                             "use 'accuracy' or 'loss' for classification");
    }
}

/// Rank 0 before any worker starts: the locked run directory, dataset, resolved config.
/// Until dismiss(), a failed fresh start removes what it wrote (or the directory it created),
/// so rerunning the same command is not refused; a failed resume leaves the study as it was.
struct Setup {
    std::string run_dir;
    std::string dataset_path;
    std::unique_ptr<RunDirLock> lock;
    bool fresh = false;  // no study in RUN_DIR when this run began

    Setup() = default;
    Setup(Setup&&) = default;
    Setup& operator=(Setup&&) = default;
    ~Setup() { cleanup(); }
    void dismiss() { fresh = false; }
    void cleanup() noexcept {
        if (!fresh || !lock) return;
        fresh = false;
        std::error_code ec;
        if (lock->created_dir()) {
            fs::remove_all(run_dir, ec);
            return;
        }
        const fs::path d(run_dir);
        for (const char* f : {"config.yaml", "study.db", "study.db-wal", "study.db-shm",
                              "study.db-journal", "study.db.lock", "events.jsonl", "run.lock"})
            fs::remove(d / f, ec);
        for (const char* dir : {"checkpoints/global", "checkpoints"})
            if (fs::is_empty(d / dir, ec)) fs::remove(d / dir, ec);
    }
};

Setup prepare_run_dir(const RunConfig& cfg, const GlobalRunOptions& o,
                      std::optional<Dataset>* data) {
    // Checks that need no file come first; nothing is written before the lock is held.
    check_search_vocabulary(cfg);
    Setup s;
    s.run_dir = fs::absolute(cfg.output.dir).lexically_normal().string();
    const fs::path study = fs::path(s.run_dir) / "study.db";
    if (fs::exists(study) && !o.resume)
        throw UsageError(s.run_dir + " already holds a study (study.db)",
                         "continue it with --resume, or choose another --out");
    s.lock = std::make_unique<RunDirLock>(s.run_dir);
    s.fresh = !fs::exists(study);
    const fs::path stored_config = fs::path(s.run_dir) / "config.yaml";
    if (!s.fresh) check_resume_settings(s.run_dir, cfg);
    s.dataset_path = io::resolve_dataset(cfg.data, cfg.base_dir);
    if (data) {
        *data = io::load_dataset(s.dataset_path);
        check_measurable(cfg, **data, s.dataset_path);
    }
    fs::create_directories(fs::path(s.run_dir) / "checkpoints" / "global");
    write_file_atomic(stored_config.string(), to_yaml(cfg));
    return s;
}

int coordinate(const RunConfig& cfg, const RoleLayout& layout, Setup& setup,
               const Dataset& data, Transport& transport, const GlobalRunOptions& o,
               const std::function<void()>& start_workers, const std::function<void()>& join) {
    detail::StudyDriver driver(cfg, setup.run_dir, context_of(data));
    EventLog events((fs::path(setup.run_dir) / "events.jsonl").string());
    setup.dismiss();  // from here on the study exists: a failure leaves it for --resume
    std::optional<detail::Estimator> estimator;
    if (layout.estimators.empty()) estimator.emplace(cfg);
    const EstimateFn inline_estimate = [&](const Candidate& c) { return (*estimator)(c); };

    CoordinatorOptions copt;
    copt.trial_budget = cfg.search.trials;
    copt.time_limit_s = cfg.search.time_limit_s;
    copt.drain_timeout_s = cfg.runtime.drain_timeout_s;
    copt.generational = cfg.search.mode == SearchMode::kGenerational;
    copt.progress = o.progress;
    copt.on_event = [&](const std::string& line) { events.write(line); };

    log::info("global search: " + std::to_string(layout.trainers.size()) + " trainer(s), " +
              (layout.estimators.empty() ? std::string("inline estimation")
                                         : std::to_string(layout.estimators.size()) + " estimator(s)") +
              ", budget " + std::to_string(cfg.search.trials) + " trials, run directory " +
              setup.run_dir);
    if (driver.counted_trials() > 0 || driver.requeued() > 0)
        log::info("resuming: " + std::to_string(driver.counted_trials()) + " trial(s) done, " +
                  std::to_string(driver.requeued()) + " re-queued");
    start_workers();
    CoordinatorSummary sum;
    try {
        sum = run_coordinator(transport, layout, driver, inline_estimate, copt);
    } catch (...) {
        join();
        throw;
    }
    join();
    const auto [csv, front] = driver.write_pareto_csv();
    std::ostringstream msg;
    msg << "global search: " << sum.counted << "/" << cfg.search.trials << " trials ("
        << sum.complete << " complete, " << sum.pruned << " pruned, " << sum.failed
        << " failed this run";
    if (sum.interrupted) msg << ", " << sum.interrupted << " interrupted and re-queued";
    msg << ") in " << duration_text(sum.seconds) << "; coordinator CPU "
        << duration_text(sum.cpu_seconds);
    log::info(msg.str());
    for (const auto& [reason, count] : sum.fail_reasons)
        log::warn("failed: " + std::to_string(count) + " trial(s): " + reason);
    if (front == 0 && sum.failed > 0 && !sum.drained) {
        // Nothing in the study completed: a "successful" exit would hide it from scripts.
        log::error("no trial completed: every trial of this search failed (reasons above)");
        std::cerr << "  hint: fix the cause and start again in a new run directory, or continue "
                     "this one with --resume once fixed\n";
        return 1;
    }
    if (!sum.exhausted.empty())
        log::warn(sum.exhausted + ": stopped after " + std::to_string(sum.counted) + " of " +
                  std::to_string(cfg.search.trials) +
                  " budgeted trials (a larger budget would only repeat networks)");
    if (sum.drained)
        log::warn("stopped on request: the study is consistent; continue with --resume");
    else if (sum.time_limit_reached)
        log::warn("time limit reached: continue with --resume (and a larger budget or time limit)");
    std::cout << "Pareto front (" << front << " trials): " << csv << "\n"
              << "study: " << (fs::path(setup.run_dir) / "study.db").string()
              << "  (optuna.load_study(study_name=\"" << cfg.search.study_name
              << "\", storage=\"sqlite:///" << (fs::path(setup.run_dir) / "study.db").string()
              << "\"))\n";
    return 0;
}

int run_embedded(const RunConfig& cfg, const GlobalRunOptions& o) {
    const RoleLayout layout = plan_roles(1, cfg.runtime);
    std::optional<Dataset> loaded;
    Setup setup = prepare_run_dir(cfg, o, &loaded);
    const Dataset data = std::move(*loaded);
    DrainWatchdog watchdog(cfg.runtime.drain_timeout_s);
    const int n = static_cast<int>(layout.trainers.size());
    detail::Trainer trainer(cfg, data, setup.run_dir, default_threads(cfg, n, true),
                            watchdog.stop_flag());
    const TrainFn train = [&](const Candidate& c) { return trainer(c); };

    auto hub = std::make_shared<InProcessHub>(1 + n);
    InProcessTransport coordinator_end(hub, 0);
    std::vector<std::thread> workers;
    auto start = [&] {
        for (int r : layout.trainers)
            workers.emplace_back([&, r] {
                InProcessTransport t(hub, r);
                try {
                    run_trainer(t, train);
                } catch (const std::exception& e) {
                    log::error(std::string("trainer thread: ") + e.what());
                    std::_Exit(1);  // cannot report across the protocol: end the process
                }
            });
    };
    auto join = [&] {
        for (int r : layout.trainers)
            hub->post(r, Envelope{0, make_shutdown()});  // harmless after the coordinator's
        for (auto& w : workers) w.join();
        workers.clear();
    };
    return coordinate(cfg, layout, setup, data, coordinator_end, o, start, join);
}

int run_distributed(MpiSession& session, const RunConfig& cfg, const GlobalRunOptions& o) {
    const RoleLayout layout = plan_roles(session.size(), cfg.runtime);  // same on every rank
    log::set_prefix("[rank " + std::to_string(session.rank()) + "] ");
    int status = 0;
    std::string text;
    Setup setup;
    std::optional<Dataset> data;
    std::tie(status, text) = session.setup_on_rank0([&] {
        setup = prepare_run_dir(cfg, o, &data);  // every rank exits with its code
        return setup.run_dir + "\n" + setup.dataset_path;
    });
    if (status != 0) return status;  // rank 0 reported the problem
    if (session.rank() == 0) {
        (void)default_threads(cfg, 1, true);  // what the trainers of this node choose, said once
        auto transport = make_mpi_transport(session);
        int code = 0;
        try {
            code = coordinate(cfg, layout, setup, *data, *transport, o, [] {}, [] {});
        } catch (const std::exception& e) {
            // Workers wait on messages that will never come: take the job down.
            std::cerr << "[rank 0] error: " << e.what() << "\n";
            if (auto* se = dynamic_cast<const Error*>(&e); se && !se->hint().empty())
                std::cerr << "  hint: " << se->hint() << "\n";
            setup.cleanup();  // MPI_Abort does not unwind
            session.abort(1);
        }
        return code;
    }
    const auto nl = text.find('\n');
    setup.run_dir = text.substr(0, nl);
    setup.dataset_path = text.substr(nl + 1);
    try {
        auto transport = make_mpi_transport(session);
        const bool trainer =
            std::find(layout.trainers.begin(), layout.trainers.end(), session.rank()) !=
            layout.trainers.end();
        if (trainer) {
            const Dataset d = io::load_dataset(setup.dataset_path);
            DrainWatchdog watchdog(cfg.runtime.drain_timeout_s);
            detail::Trainer work(cfg, d, setup.run_dir, default_threads(cfg, 1, false),
                                 watchdog.stop_flag());
            run_trainer(*transport, [&](const Candidate& c) { return work(c); });
        } else {
            detail::Estimator work(cfg);
            run_estimator(
                *transport, [&](const Candidate& c) { return work(c); },
                [&](const std::vector<Candidate>& cs) { return work(cs); });
        }
    } catch (const std::exception& e) {
        std::cerr << "[rank " << session.rank() << "] error: " << e.what() << "\n";
        session.abort(1);
    }
    return 0;
}

}  // namespace

void check_resume_settings(const std::string& run_dir, const RunConfig& config) {
    const fs::path stored = fs::path(run_dir) / "config.yaml";
    std::error_code ec;
    if (!fs::is_regular_file(stored, ec)) return;  // a study from before config.yaml existed
    // The budget and the wall-time limit do not change what a trial computes; every other key
    // of the global stage's sections would mix differently configured trials in one study.
    std::string keys;
    for (const auto& k : changed_stage_keys(load_run_config(run_dir), config, Stage::kGlobal))
        if (k != "search.trials" && k != "search.time_limit") keys += (keys.empty() ? "" : ", ") + k;
    if (!keys.empty())
        throw UsageError("--resume with changed settings: " + keys + " differ from the study's (" +
                             stored.string() + ")",
                         "restore them to continue this study (only search.trials and "
                         "search.time_limit may change on --resume), or start a new study with "
                         "another --out");
}

double parse_duration(const std::string& text) {
    double total = 0.0;
    std::size_t i = 0;
    bool any = false;
    while (i < text.size()) {
        std::size_t j = i;
        while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) ++j;
        if (j == i) break;
        const double v = std::stod(text.substr(i, j - i));
        double unit = 1.0;
        if (j < text.size()) {
            const char u = text[j];
            if (u == 's') unit = 1.0;
            else if (u == 'm') unit = 60.0;
            else if (u == 'h') unit = 3600.0;
            else if (u == 'd') unit = 86400.0;
            else break;
            ++j;
        }
        total += v * unit;
        any = true;
        i = j;
    }
    if (!any || i != text.size() || total < 0)
        throw UsageError("'" + text + "' is not a duration",
                         "write e.g. 90, 90s, 30m, 2h or 1h30m");
    return total;
}

void check_search_vocabulary(const RunConfig& cfg) {
    if (cfg.search_space.params.empty() && cfg.search_space.training.empty()) return;
    search::check_vocabulary(search::SearchSpace(cfg.search_space), cfg.source_file);
}

int run_global(const GlobalRunOptions& options) {
    MpiSession session;
    install_signal_handlers();
    if (!session.active() || session.size() == 1) {
        const RunConfig cfg = load_config(options.config_path, options.overrides);
        return run_embedded(cfg, options);
    }
    RunConfig cfg;
    try {
        cfg = load_config(options.config_path, options.overrides);
        return run_distributed(session, cfg, options);
    } catch (const Error& e) {
        if (session.rank() == 0) throw;  // rank 0 reports; every rank sees the same config
        return static_cast<int>(e.exit_code());
    }
}

}  // namespace snac::runtime
