#pragma once
/// The study file: SQLite in Optuna's RDB schema (docs/search.md#study-file), so
/// `optuna.load_study(storage="sqlite:///RUN_DIR/study.db")` and optuna-dashboard open it.
/// One writer per file (an advisory lock next to it); every write is all-or-nothing and commits at
/// once, or with set_commit_group in a group, so a killed process loses at most the trial in
/// flight (or the open group) and never leaves half a trial.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "snac/core/config/search_config.hpp"
#include "snac/core/trial_state.hpp"

namespace snac::io {

/// How commits reach the disk. WAL (synchronous=NORMAL) costs ~0.3 ms per trial and survives a
/// killed process; it needs shared memory, so it must not be used on NFS/Lustre/GPFS, where
/// DELETE (rollback journal, synchronous=FULL, one fsync series per trial) is used. kAuto picks
/// DELETE on network file systems and WAL elsewhere.
using StudyJournal = snac::StudyJournal;  // the config vocabulary (core)

/// Which study a file holds (or should hold).
struct StudyDefinition {
    std::string name;
    std::vector<std::string> metric_names;  ///< one per objective (stored as study:metric_names)
    std::vector<Direction> directions;      ///< one per objective
    std::string schema_revision = "v3.0.0.d";  ///< v3.0.0.d (Optuna 3.0/3.1) or v3.2.0.a
    StudyJournal journal = StudyJournal::kAuto;
};

/// One parameter in Optuna's representation (see snac/search/encoding.hpp).
struct StoredParam {
    std::string name;
    double internal_value = 0.0;
    std::string distribution_json;
};

/// A key with a JSON-encoded value, e.g. {"bops", "1024"} or {"constraints", "[-3.5]"}.
struct JsonAttr {
    std::string key;
    std::string value_json;
};

struct StoredTrial {
    std::int64_t number = 0;
    TrialState state = TrialState::kRunning;
    std::string datetime_start;     ///< "YYYY-MM-DD HH:MM:SS.ffffff" local time; may be empty
    std::string datetime_complete;  ///< empty unless finished
    std::vector<StoredParam> params;
    std::vector<std::optional<double>> values;  ///< per objective; nullopt = not stored
    std::vector<JsonAttr> user_attrs;
    std::vector<JsonAttr> system_attrs;
};

/// One study of a file, for listings.
struct StudySummary {
    std::string name;
    std::vector<Direction> directions;
    std::vector<std::string> metric_names;
    std::int64_t trials = 0;
    std::int64_t complete = 0;
};

enum class StoreMode { kReadWrite, kReadOnly };

class StudyStore {
public:
    /// Opens `path` for writing, creating the file and/or the study when absent. Throws
    /// UsageError, changing nothing, when the file is not SQLite, holds another schema or an
    /// unknown revision, the study exists with other objectives or directions, or another
    /// process holds the writer lock.
    static StudyStore open(const std::string& path, const StudyDefinition& study);
    /// Opens an existing study read-only (`snac study`); no lock is taken.
    static StudyStore open_read_only(const std::string& path, const std::string& study_name);
    /// The studies in a file (read-only).
    static std::vector<StudySummary> list_studies(const std::string& path);

    StudyStore(StudyStore&&) noexcept;
    StudyStore& operator=(StudyStore&&) noexcept;
    ~StudyStore();

    const StudySummary& summary() const;
    /// Creates the next trial (number = count of trials so far) as RUNNING with its parameters and
    /// attributes, in one transaction. Returns its number.
    std::int64_t create_trial(const std::vector<StoredParam>& params,
                              const std::vector<JsonAttr>& user_attrs = {},
                              const std::vector<JsonAttr>& system_attrs = {});
    /// Finishes a RUNNING trial in one transaction: state, objective values (all of them when
    /// COMPLETE; ±inf stored as Optuna does), attributes, completion time. Throws snac::Error
    /// when the trial is unknown or not RUNNING, or COMPLETE without one value per objective.
    void finish_trial(std::int64_t number, TrialState state,
                      const std::vector<double>& values,
                      const std::vector<JsonAttr>& user_attrs = {},
                      const std::vector<JsonAttr>& system_attrs = {});
    /// Sets (inserts or replaces) attributes of any trial, in one transaction.
    void set_trial_attrs(std::int64_t number, const std::vector<JsonAttr>& user_attrs,
                         const std::vector<JsonAttr>& system_attrs);
    /// Sets study-level attributes (user or system) in one transaction.
    void set_study_attrs(const std::vector<JsonAttr>& user_attrs,
                         const std::vector<JsonAttr>& system_attrs);
    /// Every trial of the study, by number.
    std::vector<StoredTrial> trials() const;
    /// Marks every RUNNING trial FAIL (with system attr `fail_reason`), in one transaction.
    /// Returns their numbers (resume after a kill).
    std::vector<std::int64_t> fail_running(const std::string& reason);
    std::int64_t trial_count() const;

    /// Group commit (the global stage's coordinator): from now on writes join one open
    /// transaction that commits after `max_writes` writes, or at the first write or
    /// flush_if_due() once `max_age_s` have passed since the group's first write, and always at
    /// flush() and when the store is destroyed. A process killed meanwhile loses the trials of
    /// the open group (they are RUNNING or absent; --resume re-runs them), never a half-written
    /// one. max_writes 0 (the default): one transaction per write.
    void set_commit_group(int max_writes, double max_age_s);
    void flush();         ///< commits the open group now (nothing to do without one)
    void flush_if_due();  ///< commits the open group when its age has passed
    StudyStore(const StudyStore&) = delete;
    StudyStore& operator=(const StudyStore&) = delete;

    struct Impl;

private:
    explicit StudyStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/// The study a `search:` section describes: study_name, objective metrics and directions,
/// optuna_schema and study_journal.
StudyDefinition study_definition(const SearchConfig& search);

}  // namespace snac::io
