// Optuna RDB schema, revision v3.0.0.d (optuna/storages/_rdb/models.py at v3.1, as emitted by
// SQLAlchemy for SQLite); v3.2.0.a adds ix_trials_study_id.
#include "study_schema.hpp"

#include <set>

#include "snac/core/error.hpp"

namespace snac::io::schema {
namespace {

const char* const kTables[] = {
    "studies", "version_info", "study_directions", "study_user_attributes",
    "study_system_attributes", "trials", "trial_user_attributes", "trial_system_attributes",
    "trial_params", "trial_values", "trial_intermediate_values", "trial_heartbeats",
    "alembic_version"};

const char* const kDdl = R"SQL(
CREATE TABLE studies (
	study_id INTEGER NOT NULL,
	study_name VARCHAR(512) NOT NULL,
	PRIMARY KEY (study_id)
);
CREATE UNIQUE INDEX ix_studies_study_name ON studies (study_name);
CREATE TABLE version_info (
	version_info_id INTEGER NOT NULL,
	schema_version INTEGER,
	library_version VARCHAR(256),
	PRIMARY KEY (version_info_id),
	CHECK (version_info_id=1)
);
CREATE TABLE study_directions (
	study_direction_id INTEGER NOT NULL,
	direction VARCHAR(8) NOT NULL,
	study_id INTEGER NOT NULL,
	objective INTEGER NOT NULL,
	PRIMARY KEY (study_direction_id),
	UNIQUE (study_id, objective),
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
CREATE TABLE study_user_attributes (
	study_user_attribute_id INTEGER NOT NULL,
	study_id INTEGER,
	"key" VARCHAR(512),
	value_json TEXT,
	PRIMARY KEY (study_user_attribute_id),
	UNIQUE (study_id, "key"),
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
CREATE TABLE study_system_attributes (
	study_system_attribute_id INTEGER NOT NULL,
	study_id INTEGER,
	"key" VARCHAR(512),
	value_json TEXT,
	PRIMARY KEY (study_system_attribute_id),
	UNIQUE (study_id, "key"),
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
CREATE TABLE trials (
	trial_id INTEGER NOT NULL,
	number INTEGER,
	study_id INTEGER,
	state VARCHAR(8) NOT NULL,
	datetime_start DATETIME,
	datetime_complete DATETIME,
	PRIMARY KEY (trial_id),
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
CREATE TABLE trial_user_attributes (
	trial_user_attribute_id INTEGER NOT NULL,
	trial_id INTEGER,
	"key" VARCHAR(512),
	value_json TEXT,
	PRIMARY KEY (trial_user_attribute_id),
	UNIQUE (trial_id, "key"),
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_system_attributes (
	trial_system_attribute_id INTEGER NOT NULL,
	trial_id INTEGER,
	"key" VARCHAR(512),
	value_json TEXT,
	PRIMARY KEY (trial_system_attribute_id),
	UNIQUE (trial_id, "key"),
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_params (
	param_id INTEGER NOT NULL,
	trial_id INTEGER,
	param_name VARCHAR(512),
	param_value FLOAT,
	distribution_json TEXT,
	PRIMARY KEY (param_id),
	UNIQUE (trial_id, param_name),
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_values (
	trial_value_id INTEGER NOT NULL,
	trial_id INTEGER NOT NULL,
	objective INTEGER NOT NULL,
	value FLOAT,
	value_type VARCHAR(7) NOT NULL,
	PRIMARY KEY (trial_value_id),
	UNIQUE (trial_id, objective),
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_intermediate_values (
	trial_intermediate_value_id INTEGER NOT NULL,
	trial_id INTEGER NOT NULL,
	step INTEGER NOT NULL,
	intermediate_value FLOAT,
	intermediate_value_type VARCHAR(7) NOT NULL,
	PRIMARY KEY (trial_intermediate_value_id),
	UNIQUE (trial_id, step),
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_heartbeats (
	trial_heartbeat_id INTEGER NOT NULL,
	trial_id INTEGER NOT NULL,
	heartbeat DATETIME NOT NULL,
	PRIMARY KEY (trial_heartbeat_id),
	UNIQUE (trial_id),
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
)SQL";

}  // namespace

void create(Db& db, const std::string& revision) {
    Transaction tx(db);
    db.exec(kDdl, "creating the Optuna tables");
    if (revision == kRevision32)
        db.exec("CREATE INDEX ix_trials_study_id ON trials (study_id);", "creating an index");
    Stmt(db, "INSERT INTO version_info (version_info_id, schema_version, library_version) "
             "VALUES (1, 12, ?)")
        .bind(1, std::string(revision == kRevision32 ? "3.2.0" : "3.1.0"))
        .run();
    Stmt(db, "INSERT INTO alembic_version (version_num) VALUES (?)").bind(1, revision).run();
    tx.commit();
}

bool check(const Db& db, const std::string& path) {
    std::set<std::string> tables;
    try {
        Stmt s(db, "SELECT name FROM sqlite_master WHERE type = 'table'");
        while (s.step()) tables.insert(s.text(0));
    } catch (const Error& e) {
        // A damaged page (SQLITE_CORRUPT) or a busy writer: keep the specific fix sql::fail gave.
        if (!e.hint().empty())
            throw UsageError("'" + path + "' cannot be read (" + e.what() + ")", e.hint());
        throw UsageError("'" + path + "' is not a readable SQLite database (" + e.what() + ")",
                         "give the study.db of a snac run or an Optuna SQLite storage");
    }
    if (tables.empty()) return false;
    for (const char* t : kTables)
        if (!tables.count(t))
            throw UsageError("'" + path + "' is an SQLite database but not an Optuna study file (no table '" +
                                 std::string(t) + "')",
                             "give the study.db of a snac run, or a new path for a new study");
    std::string revision;
    {
        Stmt s(db, "SELECT version_num FROM alembic_version");
        if (s.step()) revision = s.text(0);
    }
    if (revision != kRevision30 && revision != kRevision32)
        throw UsageError("study file '" + path + "' has Optuna schema revision '" + revision +
                             "', snac reads v3.0.0.d and v3.2.0.a",
                         "upgrade it with `optuna storage upgrade --storage sqlite:///" + path +
                             "` (older files) or use a newer snac (newer files)");
    return true;
}

}  // namespace snac::io::schema
