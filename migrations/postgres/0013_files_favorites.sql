-- files: a person's favorite files and folders in a workspace (the star in
-- the Files page). Gone with the node (purged) or the workspace.
CREATE TABLE files_favorites (
  user_id TEXT NOT NULL,
  node_id TEXT NOT NULL REFERENCES files_nodes (id) ON DELETE CASCADE,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (user_id, node_id)
);
CREATE INDEX files_favorites_user ON files_favorites (user_id, workspace_id, created_at_ms);
