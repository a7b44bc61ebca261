// The study store: Optuna's RDB layout written by a single snac writer (docs/search.md#study-file).
#include "snac/io/study_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>

#include "snac/core/error.hpp"
#include "study_schema.hpp"
#include "study_sqlite.hpp"

namespace snac::io {
namespace {

using sql::Db;
using sql::Stmt;
using sql::Transaction;

/// Optuna 3.x stores naive local time with microseconds.
std::string now_local() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
    std::tm tm{};
    if (!localtime_r(&t, &tm)) throw_runtime("localtime_r failed");
    char buf[64];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    char out[80];
    std::snprintf(out, sizeof out, "%.*s.%06lld", static_cast<int>(n), buf, static_cast<long long>(us));
    return out;
}

std::string direction_name(Direction d) { return d == Direction::kMaximize ? "MAXIMIZE" : "MINIMIZE"; }

/// The writer lock: an advisory flock on "<path>.lock", released by the kernel if we die.
class WriterLock {
public:
    explicit WriterLock(const std::string& path) : path_(path + ".lock") {
        fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0)
            throw UsageError("cannot create lock file '" + path_ + "': " + std::strerror(errno),
                             "the study's directory must be writable");
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            const int err = errno;
            std::string holder;
            char buf[64] = {};
            if (::pread(fd_, buf, sizeof buf - 1, 0) > 0) holder = buf;
            ::close(fd_);
            fd_ = -1;
            if (err == EWOULDBLOCK)
                throw UsageError("study file '" + path + "' is locked by another writer" +
                                     (holder.empty() ? "" : " (pid " + holder + ")"),
                                 "stop the other snac process or use another output directory");
            throw UsageError("cannot lock '" + path_ + "': " + std::strerror(err));
        }
        const std::string pid = std::to_string(::getpid());
        if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
            // The pid is informational only; the lock itself holds.
        }
    }
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;
    ~WriterLock() {
        if (fd_ >= 0) ::close(fd_);  // closing releases the flock
    }

private:
    std::string path_;
    int fd_ = -1;
};

/// UsageError unless `path` is absent, empty, or starts with SQLite's magic header.
bool check_sqlite_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    char magic[16] = {};
    in.read(magic, 16);
    if (in.gcount() == 0) return false;
    if (in.gcount() < 16 || std::memcmp(magic, "SQLite format 3\0", 16) != 0)
        throw UsageError("'" + path + "' is not an SQLite database",
                         "give the study.db of a snac run, or a new path for a new study");
    return true;
}

/// Whether the directory holding `path` is on a network file system (no shared memory for WAL).
bool on_network_fs(const std::string& path) {
    std::string dir = path;
    const auto slash = dir.find_last_of('/');
    dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : dir.substr(0, slash));
    struct statfs st {};
    if (::statfs(dir.c_str(), &st) != 0) return false;
    const auto type = static_cast<unsigned long>(st.f_type);
    return type == 0x6969UL /* NFS */ || type == 0x0BD00BD0UL /* Lustre */ ||
           type == 0x47504653UL /* GPFS */ || type == 0xFF534D42UL /* CIFS */ ||
           type == 0x65735546UL /* FUSE */;
}

void set_journal(Db& db, StudyJournal journal, const std::string& path) {
    const bool wal = journal == StudyJournal::kWal ||
                     (journal == StudyJournal::kAuto && !on_network_fs(path));
    if (wal) {
        Stmt s(db, "PRAGMA journal_mode=WAL");
        if (!s.step() || s.text(0) != "wal") throw Error("study file: cannot switch '" + path + "' to WAL");
        db.exec("PRAGMA synchronous=NORMAL", "setting synchronous=NORMAL");
    } else {
        Stmt s(db, "PRAGMA journal_mode=DELETE");
        while (s.step()) {
        }
        db.exec("PRAGMA synchronous=FULL", "setting synchronous=FULL");
    }
}

bool json_equal(const std::string& a, const std::string& b) {
    if (a == b) return true;
    try {
        return nlohmann::json::parse(a) == nlohmann::json::parse(b);
    } catch (const nlohmann::json::exception&) {
        return false;
    }
}

}  // namespace

namespace {
/// One logical write (a trial created, finished, attributes set): its own transaction, or, with
/// group commit on, a savepoint in the open group so a write that fails half-way leaves nothing.
class Write {
public:
    explicit Write(StudyStore::Impl& s);
    Write(const Write&) = delete;
    Write& operator=(const Write&) = delete;
    ~Write();
    void commit();

private:
    StudyStore::Impl& s_;
    std::optional<Transaction> tx_;
    bool done_ = false;
};
}  // namespace

struct StudyStore::Impl {
    std::string path;
    std::unique_ptr<WriterLock> lock;
    Db db;
    std::int64_t study_id = 0;
    StudySummary summary;
    std::map<std::string, std::string> distributions;  ///< param name -> JSON of the study

    /// Group commit (set_commit_group): writes join one open transaction, each inside a
    /// savepoint, until the group is committed.
    int group_max_writes = 0;  ///< 0: every write is its own transaction
    double group_max_age_s = 0.0;
    bool group_open = false;
    int group_writes = 0;
    std::chrono::steady_clock::time_point group_start;

    void commit_group() {
        if (!group_open) return;
        group_open = false;  // a failed COMMIT leaves SQLite's transaction rolled back or open:
        try {                // either way the next write starts afresh
            db.exec("COMMIT", "committing a group of trials");
        } catch (...) {
            sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }
    bool group_due() const {
        return group_open &&
               (group_writes >= group_max_writes ||
                std::chrono::duration<double>(std::chrono::steady_clock::now() - group_start)
                        .count() >= group_max_age_s);
    }

    /// The single writer caches number -> trial_id (Optuna 3.1's schema has no index on
    /// trials.study_id, so every lookup would scan the table).
    std::vector<std::int64_t> ids;

    std::optional<std::int64_t> trial_id(std::int64_t number) const {
        if (number >= 0 && static_cast<std::size_t>(number) < ids.size()) return ids[static_cast<std::size_t>(number)];
        Stmt s(db, "SELECT trial_id FROM trials WHERE study_id = ? AND number = ?");
        s.bind(1, study_id).bind(2, number);
        if (s.step()) return s.int64(0);
        return std::nullopt;
    }

    void load_ids() {
        ids.clear();
        Stmt s(db, "SELECT number, trial_id FROM trials WHERE study_id = ? ORDER BY number, trial_id");
        s.bind(1, study_id);
        while (s.step()) {
            if (s.int64(0) != static_cast<std::int64_t>(ids.size()))
                throw UsageError("study '" + summary.name + "' in '" + path + "' has non-contiguous trial numbers (trial " +
                                     std::to_string(ids.size()) + " is missing)",
                                 "the file was edited by another tool; start a new study");
            ids.push_back(s.int64(1));
        }
    }

    void load_summary(const std::string& name) {
        Stmt s(db, "SELECT study_id FROM studies WHERE study_name = ?");
        s.bind(1, name);
        if (!s.step())
            throw UsageError("study file '" + path + "' holds no study named '" + name + "'",
                             "list its studies with `snac study ls " + path + "`");
        study_id = s.int64(0);
        summary = {};
        summary.name = name;
        Stmt d(db, "SELECT direction FROM study_directions WHERE study_id = ? ORDER BY objective");
        d.bind(1, study_id);
        while (d.step()) summary.directions.push_back(d.text(0) == "MAXIMIZE" ? Direction::kMaximize : Direction::kMinimize);
        Stmt m(db, "SELECT value_json FROM study_system_attributes WHERE study_id = ? AND \"key\" = 'study:metric_names'");
        m.bind(1, study_id);
        if (m.step()) {
            try {
                for (const auto& v : nlohmann::json::parse(m.text(0))) summary.metric_names.push_back(v.get<std::string>());
            } catch (const nlohmann::json::exception&) {
                summary.metric_names.clear();
            }
        }
        Stmt c(db, "SELECT COUNT(*), SUM(state = 'COMPLETE') FROM trials WHERE study_id = ?");
        c.bind(1, study_id);
        if (c.step()) {
            summary.trials = c.int64(0);
            summary.complete = c.is_null(1) ? 0 : c.int64(1);
        }
        Stmt p(db, "SELECT p.param_name, p.distribution_json FROM trial_params p JOIN trials t "
                   "ON p.trial_id = t.trial_id WHERE t.study_id = ? GROUP BY p.param_name");
        p.bind(1, study_id);
        while (p.step()) distributions.emplace(p.text(0), p.text(1));
    }

    void upsert_attrs(const char* table, const char* owner, std::int64_t id, const std::vector<JsonAttr>& attrs) {
        if (attrs.empty()) return;
        const std::string q = std::string("INSERT INTO ") + table + " (" + owner +
                              ", \"key\", value_json) VALUES (?, ?, ?) ON CONFLICT(" + owner +
                              ", \"key\") DO UPDATE SET value_json = excluded.value_json";
        Stmt s(db, q.c_str());
        for (const auto& a : attrs) {
            if (!nlohmann::json::accept(a.value_json))
                throw Error("attribute '" + a.key + "' is not valid JSON: " + a.value_json);
            s.bind(1, id).bind(2, a.key).bind(3, a.value_json);
            s.run();
            s.reset();
        }
    }
};

namespace {
Write::Write(StudyStore::Impl& s) : s_(s) {
    if (s_.group_max_writes <= 0) {
        tx_.emplace(s_.db);
        return;
    }
    if (!s_.group_open) {
        s_.db.exec("BEGIN IMMEDIATE", "starting a group of trials");
        s_.group_open = true;
        s_.group_writes = 0;
        s_.group_start = std::chrono::steady_clock::now();
    }
    s_.db.exec("SAVEPOINT snac_write", "starting a write");
}

Write::~Write() {
    if (done_ || tx_) return;  // a Transaction rolls itself back
    sqlite3_exec(s_.db.get(), "ROLLBACK TO snac_write; RELEASE snac_write", nullptr, nullptr,
                 nullptr);  // best effort: the group keeps the writes before this one
}

void Write::commit() {
    if (tx_) {
        tx_->commit();
        done_ = true;
        return;
    }
    s_.db.exec("RELEASE snac_write", "finishing a write");
    done_ = true;
    ++s_.group_writes;
    if (s_.group_due()) s_.commit_group();
}
}  // namespace

StudyStore::StudyStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StudyStore::StudyStore(StudyStore&&) noexcept = default;
StudyStore& StudyStore::operator=(StudyStore&&) noexcept = default;
StudyStore::~StudyStore() {
    if (!impl_ || !impl_->group_open) return;
    try {
        impl_->commit_group();  // every write made so far was complete: keep it
    } catch (const std::exception&) {
        // Destructors never throw; the trials of this group stay RUNNING or absent (as after a
        // kill), and --resume re-runs them.
    }
}

void StudyStore::set_commit_group(int max_writes, double max_age_s) {
    flush();
    impl_->group_max_writes = std::max(0, max_writes);
    impl_->group_max_age_s = max_age_s;
}

void StudyStore::flush() {
    if (impl_) impl_->commit_group();
}

void StudyStore::flush_if_due() {
    if (impl_ && impl_->group_due()) impl_->commit_group();
}

StudyStore StudyStore::open(const std::string& path, const StudyDefinition& study) {
    if (study.name.empty()) throw UsageError("a study needs a name", "set search.study_name");
    if (study.directions.empty()) throw UsageError("a study needs at least one objective");
    if (study.schema_revision != schema::kRevision30 && study.schema_revision != schema::kRevision32)
        throw UsageError("unknown Optuna schema revision '" + study.schema_revision + "'",
                         "use v3.0.0.d or v3.2.0.a");
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->lock = std::make_unique<WriterLock>(path);
    const bool existed = check_sqlite_file(path);
    impl->db = Db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (existed) {
        if (!schema::check(impl->db, path)) schema::create(impl->db, study.schema_revision);
    } else {
        schema::create(impl->db, study.schema_revision);
    }
    bool exists = false;
    {
        Stmt s(impl->db, "SELECT study_id FROM studies WHERE study_name = ?");
        s.bind(1, study.name);
        exists = s.step();
    }
    if (exists) {
        impl->load_summary(study.name);
        const auto& have = impl->summary;
        auto dir_list = [](const std::vector<Direction>& ds) {
            std::string s;
            for (auto d : ds) s += (s.empty() ? "" : ", ") + direction_name(d);
            return "[" + s + "]";
        };
        if (have.directions != study.directions)
            throw UsageError("study '" + study.name + "' in '" + path + "' has directions " +
                                 dir_list(have.directions) + ", the configuration " + dir_list(study.directions),
                             "use the objectives the study was made with, another search.study_name, or "
                             "another output directory");
        if (!have.metric_names.empty() && !study.metric_names.empty() && have.metric_names != study.metric_names)
            throw UsageError("study '" + study.name + "' in '" + path + "' has objectives " +
                                 nlohmann::json(have.metric_names).dump() + ", the configuration " +
                                 nlohmann::json(study.metric_names).dump(),
                             "use the objectives the study was made with, another search.study_name, or "
                             "another output directory");
        impl->load_ids();
        set_journal(impl->db, study.journal, path);
        return StudyStore(std::move(impl));
    }
    set_journal(impl->db, study.journal, path);
    {
        Transaction tx(impl->db);
        Stmt(impl->db, "INSERT INTO studies (study_name) VALUES (?)").bind(1, study.name).run();
        const std::int64_t id = sqlite3_last_insert_rowid(impl->db.get());
        Stmt d(impl->db, "INSERT INTO study_directions (direction, study_id, objective) VALUES (?, ?, ?)");
        for (std::size_t i = 0; i < study.directions.size(); ++i) {
            d.bind(1, direction_name(study.directions[i])).bind(2, id).bind(3, static_cast<std::int64_t>(i));
            d.run();
            d.reset();
        }
        if (!study.metric_names.empty())
            impl->upsert_attrs("study_system_attributes", "study_id", id,
                               {{"study:metric_names", nlohmann::json(study.metric_names).dump()}});
        tx.commit();
    }
    impl->load_summary(study.name);
    impl->load_ids();
    return StudyStore(std::move(impl));
}

StudyStore StudyStore::open_read_only(const std::string& path, const std::string& study_name) {
    if (!check_sqlite_file(path))
        throw UsageError("study file '" + path + "' does not exist or is empty",
                         "give the study.db of a snac run");
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->db = Db(path, SQLITE_OPEN_READONLY);
    if (!schema::check(impl->db, path))
        throw UsageError("'" + path + "' is an empty SQLite database, not a study file");
    impl->load_summary(study_name);
    return StudyStore(std::move(impl));
}

std::vector<StudySummary> StudyStore::list_studies(const std::string& path) {
    if (!check_sqlite_file(path))
        throw UsageError("study file '" + path + "' does not exist or is empty",
                         "give the study.db of a snac run");
    std::vector<std::string> names;
    {
        Db db(path, SQLITE_OPEN_READONLY);
        if (!schema::check(db, path)) return {};
        Stmt s(db, "SELECT study_name FROM studies ORDER BY study_id");
        while (s.step()) names.push_back(s.text(0));
    }
    std::vector<StudySummary> out;
    for (const auto& n : names) out.push_back(open_read_only(path, n).summary());
    return out;
}

const StudySummary& StudyStore::summary() const { return impl_->summary; }

std::int64_t StudyStore::trial_count() const {
    Stmt c(impl_->db, "SELECT COUNT(*) FROM trials WHERE study_id = ?");
    c.bind(1, impl_->study_id);
    return c.step() ? c.int64(0) : 0;
}

std::int64_t StudyStore::create_trial(const std::vector<StoredParam>& params,
                                      const std::vector<JsonAttr>& user_attrs,
                                      const std::vector<JsonAttr>& system_attrs) {
    if (!impl_->lock) throw Error("create_trial on a read-only study");
    for (const auto& p : params) {
        if (auto it = impl_->distributions.find(p.name);
            it != impl_->distributions.end() && !json_equal(it->second, p.distribution_json))
            throw UsageError("parameter '" + p.name + "' has distribution " + p.distribution_json +
                                 ", but the study stores it as " + it->second,
                             "Optuna allows one distribution per parameter name: resume with the same "
                             "search space or use another study name");
        if (!std::isfinite(p.internal_value))
            throw Error("parameter '" + p.name + "' has a non-finite value");
    }
    Write tx(*impl_);
    const auto number = static_cast<std::int64_t>(impl_->ids.size());
    Stmt(impl_->db, "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) "
                    "VALUES (?, ?, 'RUNNING', ?, NULL)")
        .bind(1, number)
        .bind(2, impl_->study_id)
        .bind(3, now_local())
        .run();
    const std::int64_t id = sqlite3_last_insert_rowid(impl_->db.get());
    Stmt ps(impl_->db, "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) "
                       "VALUES (?, ?, ?, ?)");
    for (const auto& p : params) {
        ps.bind(1, id).bind(2, p.name).bind(3, p.internal_value).bind(4, p.distribution_json);
        ps.run();
        ps.reset();
    }
    impl_->upsert_attrs("trial_user_attributes", "trial_id", id, user_attrs);
    impl_->upsert_attrs("trial_system_attributes", "trial_id", id, system_attrs);
    tx.commit();
    impl_->ids.push_back(id);
    for (const auto& p : params) impl_->distributions.emplace(p.name, p.distribution_json);
    impl_->summary.trials = number + 1;
    return number;
}

void StudyStore::finish_trial(std::int64_t number, TrialState state, const std::vector<double>& values,
                              const std::vector<JsonAttr>& user_attrs,
                              const std::vector<JsonAttr>& system_attrs) {
    if (!impl_->lock) throw Error("finish_trial on a read-only study");
    const std::size_t n_obj = impl_->summary.directions.size();
    if (state == TrialState::kRunning || state == TrialState::kWaiting)
        throw Error("finish_trial: the final state must be COMPLETE, PRUNED or FAIL");
    if (state == TrialState::kComplete && values.size() != n_obj)
        throw Error("finish_trial: trial " + std::to_string(number) + " has " + std::to_string(values.size()) +
                    " values, the study " + std::to_string(n_obj) + " objectives");
    if (!values.empty() && values.size() != n_obj)
        throw Error("finish_trial: give one value per objective or none");
    for (double v : values)
        if (std::isnan(v)) throw Error("finish_trial: objective value of trial " + std::to_string(number) + " is NaN");
    Write tx(*impl_);
    const auto id = impl_->trial_id(number);
    if (!id) throw Error("finish_trial: study has no trial " + std::to_string(number));
    {
        Stmt s(impl_->db, "SELECT state FROM trials WHERE trial_id = ?");
        s.bind(1, *id);
        if (!s.step() || s.text(0) != "RUNNING")
            throw Error("finish_trial: trial " + std::to_string(number) + " is not RUNNING");
    }
    Stmt(impl_->db, "UPDATE trials SET state = ?, datetime_complete = ? WHERE trial_id = ?")
        .bind(1, std::string(to_string(state)))
        .bind(2, now_local())
        .bind(3, *id)
        .run();
    Stmt vs(impl_->db, "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, ?, ?, ?)");
    for (std::size_t i = 0; i < values.size(); ++i) {
        vs.bind(1, *id).bind(2, static_cast<std::int64_t>(i));
        if (std::isfinite(values[i])) vs.bind(3, values[i]).bind(4, std::string("FINITE"));
        else vs.bind_null(3).bind(4, std::string(values[i] > 0 ? "INF_POS" : "INF_NEG"));
        vs.run();
        vs.reset();
    }
    impl_->upsert_attrs("trial_user_attributes", "trial_id", *id, user_attrs);
    impl_->upsert_attrs("trial_system_attributes", "trial_id", *id, system_attrs);
    tx.commit();
    if (state == TrialState::kComplete) ++impl_->summary.complete;
}

void StudyStore::set_trial_attrs(std::int64_t number, const std::vector<JsonAttr>& user_attrs,
                                 const std::vector<JsonAttr>& system_attrs) {
    if (!impl_->lock) throw Error("set_trial_attrs on a read-only study");
    Write tx(*impl_);
    const auto id = impl_->trial_id(number);
    if (!id) throw Error("set_trial_attrs: study has no trial " + std::to_string(number));
    impl_->upsert_attrs("trial_user_attributes", "trial_id", *id, user_attrs);
    impl_->upsert_attrs("trial_system_attributes", "trial_id", *id, system_attrs);
    tx.commit();
}

void StudyStore::set_study_attrs(const std::vector<JsonAttr>& user_attrs, const std::vector<JsonAttr>& system_attrs) {
    if (!impl_->lock) throw Error("set_study_attrs on a read-only study");
    Write tx(*impl_);
    impl_->upsert_attrs("study_user_attributes", "study_id", impl_->study_id, user_attrs);
    impl_->upsert_attrs("study_system_attributes", "study_id", impl_->study_id, system_attrs);
    tx.commit();
}

std::vector<StoredTrial> StudyStore::trials() const {
    std::vector<StoredTrial> out;
    std::map<std::int64_t, std::size_t> by_id;
    const std::size_t n_obj = impl_->summary.directions.size();
    {
        Stmt s(impl_->db, "SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials "
                          "WHERE study_id = ? ORDER BY number, trial_id");
        s.bind(1, impl_->study_id);
        while (s.step()) {
            StoredTrial t;
            t.number = s.int64(1);
            const auto st = parse_trial_state(s.text(2));
            if (!st) throw UsageError("trial " + std::to_string(t.number) + " has unknown state '" + s.text(2) + "'");
            t.state = *st;
            t.datetime_start = s.text(3);
            t.datetime_complete = s.text(4);
            t.values.assign(n_obj, std::nullopt);
            by_id[s.int64(0)] = out.size();
            out.push_back(std::move(t));
        }
    }
    {
        Stmt s(impl_->db, "SELECT p.trial_id, p.param_name, p.param_value, p.distribution_json FROM trial_params p "
                          "JOIN trials t ON p.trial_id = t.trial_id WHERE t.study_id = ? ORDER BY p.param_id");
        s.bind(1, impl_->study_id);
        while (s.step()) out[by_id.at(s.int64(0))].params.push_back({s.text(1), s.real(2), s.text(3)});
    }
    {
        Stmt s(impl_->db, "SELECT v.trial_id, v.objective, v.value, v.value_type FROM trial_values v "
                          "JOIN trials t ON v.trial_id = t.trial_id WHERE t.study_id = ?");
        s.bind(1, impl_->study_id);
        while (s.step()) {
            auto& t = out[by_id.at(s.int64(0))];
            const auto k = static_cast<std::size_t>(s.int64(1));
            if (k >= t.values.size()) continue;
            const std::string type = s.text(3);
            t.values[k] = type == "INF_POS" ? INFINITY : type == "INF_NEG" ? -INFINITY : s.real(2);
        }
    }
    for (const char* table : {"trial_user_attributes", "trial_system_attributes"}) {
        const std::string q = std::string("SELECT a.trial_id, a.\"key\", a.value_json FROM ") + table +
                              " a JOIN trials t ON a.trial_id = t.trial_id WHERE t.study_id = ? ORDER BY a.rowid";
        Stmt s(impl_->db, q.c_str());
        s.bind(1, impl_->study_id);
        const bool user = std::strcmp(table, "trial_user_attributes") == 0;
        while (s.step()) {
            auto& t = out[by_id.at(s.int64(0))];
            (user ? t.user_attrs : t.system_attrs).push_back({s.text(1), s.text(2)});
        }
    }
    return out;
}

std::vector<std::int64_t> StudyStore::fail_running(const std::string& reason) {
    if (!impl_->lock) throw Error("fail_running on a read-only study");
    std::vector<std::int64_t> numbers;
    Write tx(*impl_);
    std::vector<std::int64_t> ids;
    {
        Stmt s(impl_->db, "SELECT trial_id, number FROM trials WHERE study_id = ? AND state = 'RUNNING' ORDER BY number");
        s.bind(1, impl_->study_id);
        while (s.step()) {
            ids.push_back(s.int64(0));
            numbers.push_back(s.int64(1));
        }
    }
    Stmt u(impl_->db, "UPDATE trials SET state = 'FAIL', datetime_complete = ? WHERE trial_id = ?");
    const std::string now = now_local();
    for (auto id : ids) {
        u.bind(1, now).bind(2, id);
        u.run();
        u.reset();
        impl_->upsert_attrs("trial_system_attributes", "trial_id", id, {{"fail_reason", nlohmann::json(reason).dump()}});
    }
    tx.commit();
    return numbers;
}

StudyDefinition study_definition(const SearchConfig& search) {
    StudyDefinition d;
    d.name = search.study_name;
    for (const auto& o : search.objectives) {
        d.metric_names.push_back(o.metric);
        d.directions.push_back(o.direction);
    }
    d.schema_revision = search.optuna_schema;
    d.journal = search.study_journal;
    return d;
}

}  // namespace snac::io
