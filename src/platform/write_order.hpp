// Writes that check a bound over a whole workspace before they insert (how
// many channels it holds, whether a new dependency closes a cycle). On
// PostgreSQL writes run side by side at READ COMMITTED: two of them could
// each count before the other's insert, and both pass the bound. Taking the
// workspace's row first makes them one after the other; any write that
// appends an event takes that row anyway (the outbox numbers events on it),
// so this only takes it earlier.
#pragma once

#include "base/id.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"

namespace ruche::platform {

// Inside a write: the workspace's writes that also call this wait for this
// one to end. On PostgreSQL a lock on the workspace's row (NO KEY: rows that
// reference the workspace are still written meanwhile); nothing on SQLite,
// whose one writer already runs writes one after another.
Result<void> order_workspace_writes(db::Conn& c, const WorkspaceId& ws);

}  // namespace ruche::platform
