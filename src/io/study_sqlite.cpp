#include "study_sqlite.hpp"

#include "snac/core/error.hpp"

namespace snac::io::sql {

void fail(sqlite3* db, const std::string& what) {
    const std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    const int code = db ? sqlite3_errcode(db) : SQLITE_NOMEM;
    const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
    const std::string where = file && *file ? "study file '" + std::string(file) + "'" : "study file";
    const int primary = code & 0xff;  // extended codes (SQLITE_IOERR_WRITE, ...) keep it
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        throw Error(where + ": " + what + ": " + msg,
                    "another process is writing the study file; wait for it or use another --out");
    if (primary == SQLITE_FULL || primary == SQLITE_IOERR)
        // SQLite rolled the transaction back: the file holds every trial committed before.
        throw Error(where + ": " + what + ": " + msg,
                    "free space on that file system (or move the run directory), then continue "
                    "with --resume; the trials recorded so far are intact");
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
        throw UsageError(where + ": " + what + ": " + msg,
                         "the file is damaged; recover what is readable with 'sqlite3 FILE "
                         "\".recover\" | sqlite3 NEW.db', or start a new run directory");
    throw Error(where + ": " + what + ": " + msg);
}

Db::Db(const std::string& path, int flags) {
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw UsageError("cannot open study file '" + path + "': " + msg,
                         "check the path and its permissions");
    }
    if (sqlite3_busy_timeout(db_, 20000) != SQLITE_OK) fail(db_, "setting the busy timeout");
}

Db& Db::operator=(Db&& o) noexcept {
    if (this != &o) {
        sqlite3_close(db_);
        db_ = o.db_;
        o.db_ = nullptr;
    }
    return *this;
}

Db::~Db() { sqlite3_close(db_); }

void Db::exec(const std::string& sql, const std::string& what) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        fail(db_, what + " (" + msg + ")");
    }
}

Stmt::Stmt(const Db& db, const char* sql) : db_(db.get()) {
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt_, nullptr) != SQLITE_OK)
        fail(db_, std::string("preparing '") + sql + "'");
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt& Stmt::bind(int i, std::int64_t v) {
    if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail(db_, "binding an integer");
    return *this;
}
Stmt& Stmt::bind(int i, double v) {
    if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) fail(db_, "binding a number");
    return *this;
}
Stmt& Stmt::bind(int i, const std::string& v) {
    if (sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        fail(db_, "binding text");
    return *this;
}
Stmt& Stmt::bind_null(int i) {
    if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) fail(db_, "binding null");
    return *this;
}

bool Stmt::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, std::string("running '") + sqlite3_sql(stmt_) + "'");
}

void Stmt::run() {
    while (step()) {
    }
}

void Stmt::reset() {
    sqlite3_reset(stmt_);  // returns the last step's error, already reported by step()
    if (sqlite3_clear_bindings(stmt_) != SQLITE_OK) fail(db_, "clearing bindings");
}

std::int64_t Stmt::int64(int col) const { return sqlite3_column_int64(stmt_, col); }
double Stmt::real(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Stmt::text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
}
bool Stmt::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Transaction::Transaction(Db& db) : db_(db) { db_.exec("BEGIN IMMEDIATE", "starting a transaction"); }

Transaction::~Transaction() {
    if (!done_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);  // best effort
}

void Transaction::commit() {
    db_.exec("COMMIT", "committing a transaction");
    done_ = true;
}

}  // namespace snac::io::sql
