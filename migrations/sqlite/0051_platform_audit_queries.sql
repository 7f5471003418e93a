-- The audit log is read back narrowed (GET /admin/audit): one person's
-- entries, one workspace's, a time range, each newest first, among however
-- many entries the log holds.
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_log_workspace ON audit_log (workspace_id, seq);
CREATE INDEX audit_log_at ON audit_log (at_ms);
