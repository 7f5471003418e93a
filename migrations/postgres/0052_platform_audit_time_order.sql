-- Audit times go forward: an entry is stamped no earlier than the one before
-- it (AuditLog::append), whatever the clocks of the nodes appending do, so a
-- time range is a range of entries, found at its two ends in the time index
-- rather than gathered and sorted (read_audit).
--
-- at_ms: the last entry's time. disordered_until_ms: entries written before
-- this migration may have gone back in time (a clock stepped back); every
-- one before the last such step has a time at or before it, every one after
-- it is in order. NULL when the whole log is in order.
ALTER TABLE audit_head ADD COLUMN at_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_head ADD COLUMN disordered_until_ms BIGINT;
UPDATE audit_head SET
  at_ms = COALESCE((SELECT MAX(at_ms) FROM audit_log), 0),
  disordered_until_ms = (
    SELECT MAX(e.at_ms) FROM audit_log e WHERE e.seq < (
      SELECT MAX(b.seq) FROM audit_log b JOIN audit_log a ON a.seq = b.seq - 1
      WHERE b.at_ms < a.at_ms));
-- Each end of a range: the first entry at or after a time, the last before.
DROP INDEX audit_log_at;
CREATE INDEX audit_log_at ON audit_log (at_ms, seq);
