// The SQLite backend of db::Database. Internal to core/db: everything else
// goes through db::open().
//
// One file, WAL mode. `readers` reader connections (query_only) serve read()
// on the calling thread; one writer connection belongs to a writer thread that
// runs write() bodies in groups: BEGIN IMMEDIATE, each body in its own
// savepoint, one COMMIT (one fsync) for the group. See core/db/README.md.
// Destroy the Database only after every call on it has returned; the
// destructor lets the writer thread finish the writes already queued.
#pragma once

#include <memory>

#include "core/db/database.hpp"

namespace ruche::db::sqlite {

// Creates the parent directory and the file when absent, sets WAL,
// synchronous (FULL or NORMAL), foreign_keys, busy_timeout, opens the
// connections and starts the writer thread. Errors: Errc::invalid for a bad
// config, Errc::internal or Errc::unavailable when the file cannot be opened.
Result<std::unique_ptr<Database>> open_sqlite(const Config& config);

// db::snapshot_sqlite().
Result<std::uint64_t> snapshot(const std::string& source, const std::string& dest);

}  // namespace ruche::db::sqlite
