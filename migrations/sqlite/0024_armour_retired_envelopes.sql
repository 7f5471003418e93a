-- Envelopes sealed to keys their person replaced (docs/armoured.md,
-- "Replaced identities"): set aside rather than deleted, under the public
-- box key they were sealed to, and given back if the person brings those
-- keys back (a saved keys file): what they held reads again. Nobody else
-- can open them.
CREATE TABLE armour_retired_envelopes (
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  generation BIGINT NOT NULL,
  user_id TEXT NOT NULL,
  box_public TEXT NOT NULL,        -- the key they were sealed to
  sealed TEXT NOT NULL,
  signature TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (user_id, box_public, workspace_id, scope, generation)
);
