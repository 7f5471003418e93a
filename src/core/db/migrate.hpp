// Schema migrations: numbered SQL scripts, applied once each, in order.
//
// The scripts live in migrations/sqlite/ and migrations/postgres/ as
// NNNN_<module>_<what>.sql (the same versions and names in both folders) and
// are compiled into the binary (embed_migrations.cmake), so a server needs no
// files beside it. Applied versions are recorded in schema_migrations with a
// checksum of their SQL: an applied migration is never edited, only followed
// by a new one. A script must not contain BEGIN/COMMIT/ROLLBACK (it runs
// inside a write transaction) nor statements that cannot run in one
// (CREATE INDEX CONCURRENTLY, VACUUM, PRAGMA foreign_keys).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/db/database.hpp"

namespace ruche::db {

struct Migration {
  int version;           // NNNN, > 0
  std::string name;      // "<module>_<what>"
  std::string_view sql;  // must outlive migrate()
};

// The migrations compiled into this binary for `backend`, by version
// (possibly none). Thread-safe; the vector lives until exit.
const std::vector<Migration>& embedded_migrations(Backend backend);

// FNV-1a 64-bit of `sql` with '\r' bytes skipped (a CRLF checkout is the
// same migration), as 16 lowercase hex digits.
std::string migration_checksum(std::string_view sql);

// Creates schema_migrations if needed, then applies every migration of
// `migrations` the database lacks, in version order, each in its own write
// transaction together with its schema_migrations row. Returns how many it
// applied (0 when up to date). Safe to call from several processes or nodes
// at once: on PostgreSQL each transaction holds an advisory lock and checks
// again whether the version was applied meanwhile; on SQLite the single
// writer transaction (BEGIN IMMEDIATE) does the same.
//
// Errors (nothing of the failing migration is kept; earlier ones stay):
// Errc::internal when `migrations` has a duplicate or non-positive version,
// when an applied migration's checksum differs from its SQL here, when the
// database holds a version this list does not know (a newer binary migrated
// it), or when a version below the highest applied one was never applied;
// otherwise the error of the failing statement, its message prefixed with
// the migration.
Result<int> migrate(Database& db, const std::vector<Migration>& migrations);

}  // namespace ruche::db
