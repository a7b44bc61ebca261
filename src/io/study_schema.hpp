#pragma once
// Private to io: Optuna's RDB schema (v3.0.0.d as created by Optuna 3.1 through SQLAlchemy, plus
// the v3.2.0.a index) and the checks that a file holds it.
#include <string>
#include <vector>

#include "study_sqlite.hpp"

namespace snac::io::schema {

using sql::Db;
using sql::Stmt;
using sql::Transaction;

/// Revisions snac writes and accepts.
inline constexpr const char* kRevision30 = "v3.0.0.d";
inline constexpr const char* kRevision32 = "v3.2.0.a";

/// Creates every table (and the alembic/version rows) in an empty database, in one transaction.
void create(Db& db, const std::string& revision);
/// Throws UsageError when `db` is not an Optuna study file snac can use; returns false when the
/// database is empty (no tables at all).
bool check(const Db& db, const std::string& path);

}  // namespace snac::io::schema
