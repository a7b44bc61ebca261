#pragma once
// Private to io: thin RAII wrappers over the SQLite C API for the study store. Every return code
// is checked where it is called; destructors never throw.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

namespace snac::io::sql {

/// Throws snac::Error naming the failed step and SQLite's message.
[[noreturn]] void fail(sqlite3* db, const std::string& what);

/// Owns one connection.
class Db {
public:
    Db() = default;
    Db(const std::string& path, int flags);
    Db(Db&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
    Db& operator=(Db&& o) noexcept;
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;
    ~Db();
    sqlite3* get() const { return db_; }
    /// Runs statements without results.
    void exec(const std::string& sql, const std::string& what);

private:
    sqlite3* db_ = nullptr;
};

/// One prepared statement; bind() with 1-based indices, step() until it returns false.
class Stmt {
public:
    Stmt(const Db& db, const char* sql);
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    ~Stmt();
    Stmt& bind(int i, std::int64_t v);
    Stmt& bind(int i, double v);
    Stmt& bind(int i, const std::string& v);
    Stmt& bind_null(int i);
    bool step();   ///< true while a row is available
    void run();    ///< executes a statement without result rows
    void reset();  ///< ready to bind and run again
    std::int64_t int64(int col) const;
    double real(int col) const;
    std::string text(int col) const;
    bool is_null(int col) const;

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

/// BEGIN IMMEDIATE ... COMMIT; rolls back unless commit() was called.
class Transaction {
public:
    explicit Transaction(Db& db);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

private:
    Db& db_;
    bool done_ = false;
};

}  // namespace snac::io::sql
