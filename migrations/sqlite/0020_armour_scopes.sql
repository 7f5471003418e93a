-- Keys of their own for parts of an armoured workspace (docs/armoured.md,
-- "Channel keys"): a private channel or a direct conversation has key
-- generations held by its members only. A key's *scope* is '' for the
-- workspace's key, a channel's id for that channel's. The workspace's current
-- generation moves here from workspaces.armour_generation, and envelopes say
-- which scope's key they seal.
CREATE TABLE armour_scopes (
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  generation BIGINT NOT NULL,    -- the current one; no row: none made yet
  PRIMARY KEY (workspace_id, scope)
);
INSERT INTO armour_scopes (workspace_id, scope, generation)
  SELECT id, '', armour_generation FROM workspaces WHERE armour_generation > 0;
ALTER TABLE workspaces DROP COLUMN armour_generation;

CREATE TABLE armour_envelopes_scoped (
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  scope TEXT NOT NULL DEFAULT '',
  generation BIGINT NOT NULL,
  user_id TEXT NOT NULL,
  sealed TEXT NOT NULL,
  signature TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, scope, generation, user_id)
);
INSERT INTO armour_envelopes_scoped (workspace_id, scope, generation, user_id, sealed, signature, created_by,
                                     created_at_ms)
  SELECT workspace_id, '', generation, user_id, sealed, signature, created_by, created_at_ms FROM armour_envelopes;
DROP TABLE armour_envelopes;
ALTER TABLE armour_envelopes_scoped RENAME TO armour_envelopes;
CREATE INDEX armour_envelopes_user ON armour_envelopes (user_id);
