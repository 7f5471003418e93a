-- Armoured workspaces (docs/armoured.md): people's identity keys and the
-- workspaces' key generations, sealed to each member in their browser. The
-- server holds public keys, passphrase-sealed secrets and sealed envelopes
-- only: nothing here opens a message.
CREATE TABLE armour_identities (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  box_public TEXT NOT NULL,      -- X25519, base64url
  sign_public TEXT NOT NULL,     -- Ed25519, base64url
  sealed_secret TEXT NOT NULL,   -- "id1:…", sealed under the person's passphrase
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);

-- The current key generation of an armoured workspace (0: none made yet).
ALTER TABLE workspaces ADD COLUMN armour_generation BIGINT NOT NULL DEFAULT 0;

-- One workspace key generation sealed to one person. No reference to users:
-- an envelope of the current generation whose recipient is no longer a member
-- is what says the workspace needs a new generation.
CREATE TABLE armour_envelopes (
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  generation BIGINT NOT NULL,
  user_id TEXT NOT NULL,
  sealed TEXT NOT NULL,
  signature TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, generation, user_id)
);
CREATE INDEX armour_envelopes_user ON armour_envelopes (user_id);
