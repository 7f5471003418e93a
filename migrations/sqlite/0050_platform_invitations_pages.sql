-- A workspace's invitations are listed a page at a time, newest first
-- (created_at_ms, then id), the pending ones apart from the others; the
-- pending ones are counted against their bound from a range on their
-- expiry, however many were answered or revoked before.
DROP INDEX invitations_workspace;
CREATE INDEX invitations_workspace ON invitations (workspace_id, created_at_ms, id);
CREATE INDEX invitations_pending ON invitations (workspace_id, expires_at_ms)
  WHERE accepted_at_ms IS NULL AND revoked_at_ms IS NULL;
