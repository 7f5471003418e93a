// The PostgreSQL backend of db::Database, over libpq. Internal to core/db:
// everything else goes through db::open().
//
// A pool of up to `pool_size` connections, opened on demand; read() runs in a
// REPEATABLE READ READ ONLY transaction, write() in READ COMMITTED and is
// retried (up to 3 more times) on serialization failure or deadlock.
// Statements are prepared once per connection. See core/db/README.md.
// Destroy the Database only after every call on it has returned.
#pragma once

#include <memory>

#include "core/db/database.hpp"

namespace ruche::db::postgres {

// Opens one connection to check the server answers (it stays in the pool).
// Every connection sets client_encoding UTF8, bytea_output hex and, when
// config.postgres_schema is set, search_path. Errors: Errc::invalid for a
// bad config, Errc::unavailable when the server cannot be reached.
Result<std::unique_ptr<Database>> open_postgres(const Config& config);

}  // namespace ruche::db::postgres
