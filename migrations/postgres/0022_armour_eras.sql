-- Imported armoured workspaces (docs/armoured.md, "Importing an armoured
-- archive"): the texts and envelopes an archive brought stay bound to the
-- ids they were sealed with. An *era* is what came from one workspace: the
-- last generation of each of its keys, which channel here was which there,
-- who here was who there with the keys they had then, and their envelopes.
CREATE TABLE armour_eras (
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  origin_workspace_id TEXT NOT NULL,
  position INTEGER NOT NULL,       -- oldest first
  PRIMARY KEY (workspace_id, origin_workspace_id)
);

-- Per era, every key scope it knew: '' (the workspace's key) and each
-- channel here, with its id there and the last generation of its own key
-- from that era (0: none; for '' the workspace key's).
CREATE TABLE armour_era_scopes (
  workspace_id TEXT NOT NULL,
  origin_workspace_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  origin_scope TEXT NOT NULL,
  generation BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, origin_workspace_id, scope),
  FOREIGN KEY (workspace_id, origin_workspace_id) REFERENCES armour_eras (workspace_id, origin_workspace_id)
    ON DELETE CASCADE
);
CREATE INDEX armour_era_scopes_scope ON armour_era_scopes (workspace_id, scope);

-- The people of an era: who they are here (an account, or their id there
-- when none matched) and the public keys they had there. No secret.
CREATE TABLE armour_era_people (
  workspace_id TEXT NOT NULL,
  origin_workspace_id TEXT NOT NULL,
  origin_user_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  box_public TEXT NOT NULL,
  sign_public TEXT NOT NULL,
  previous TEXT NOT NULL,          -- JSON [{box_public, sign_public, created_at, replaced_at}]
  PRIMARY KEY (workspace_id, origin_workspace_id, origin_user_id),
  FOREIGN KEY (workspace_id, origin_workspace_id) REFERENCES armour_eras (workspace_id, origin_workspace_id)
    ON DELETE CASCADE
);

-- An era's envelopes, by the ids here of their recipient and maker; kept
-- apart from armour_envelopes, which say who holds a key now (a replaced
-- identity drops those, never these: they were sealed to the keys the era
-- lists, and reach whoever holds those keys).
CREATE TABLE armour_era_envelopes (
  workspace_id TEXT NOT NULL,
  origin_workspace_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  generation BIGINT NOT NULL,
  user_id TEXT NOT NULL,
  sealed TEXT NOT NULL,
  signature TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (workspace_id, scope, generation, user_id),
  FOREIGN KEY (workspace_id, origin_workspace_id) REFERENCES armour_eras (workspace_id, origin_workspace_id)
    ON DELETE CASCADE
);
CREATE INDEX armour_era_envelopes_user ON armour_era_envelopes (workspace_id, user_id);

-- A chat attachment imported into an armoured workspace keeps the id its
-- sealed message names it by (the file's key travels there, under that id):
-- NULL for any other, named by its own id.
ALTER TABLE chat_attachments ADD COLUMN origin_id TEXT;
