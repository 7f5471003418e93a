-- A range of audit dates read as entries in a row (read_audit): an entry
-- keeps the time its node's clock gave, and where that time went back (a
-- clock set back, another node's ahead) the head says up to when the log is
-- out of order (AuditLog::append).
--
-- max_at_ms: the latest time of any entry. disordered_until_ms: every entry
-- before the last one that went back in time is at or before it, and times
-- go forward from that one on; NULL when they always did.
ALTER TABLE audit_head ADD COLUMN max_at_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_head ADD COLUMN disordered_until_ms BIGINT;
UPDATE audit_head SET
  max_at_ms = COALESCE((SELECT MAX(at_ms) FROM audit_log), 0),
  disordered_until_ms = (
    SELECT MAX(e.at_ms) FROM audit_log e WHERE e.seq < (
      SELECT MAX(b.seq) FROM audit_log b JOIN audit_log a ON a.seq = b.seq - 1
      WHERE b.at_ms < a.at_ms));
-- Each end of a range: the first entry at or after a time, the last before.
DROP INDEX audit_log_at;
CREATE INDEX audit_log_at ON audit_log (at_ms, seq);
