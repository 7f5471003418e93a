-- A person's pending invitations (GET /me/invitations: those to their
-- address, to accept in the app) are found by the address, newest first,
-- however many a workspace or the instance holds.
CREATE INDEX invitations_address ON invitations (email, created_at_ms)
  WHERE accepted_at_ms IS NULL AND revoked_at_ms IS NULL;
