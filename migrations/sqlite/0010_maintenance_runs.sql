-- platform: when each periodic task (trash purge, chunk collection, ...) last
-- started, on any node: one node per interval runs it (platform/maintenance.hpp).
CREATE TABLE maintenance_runs (
  task TEXT NOT NULL PRIMARY KEY,
  started_at_ms BIGINT NOT NULL
) WITHOUT ROWID;
