-- Contents an import stored whose records have not come yet (docs/export.md,
-- "Import"): here rather than in the importing process's memory, so that an
-- archive of millions of files imports in bounded memory. A record takes its
-- content's row in the transaction that writes it; what is left goes when the
-- import ends (with the workspace, if it fails).
CREATE TABLE import_contents (
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  content_key TEXT NOT NULL,     -- the module's key: files/tree/..., chat:<attachment id>
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  chunks BLOB NOT NULL,            -- blob::pack_chunks()
  PRIMARY KEY (workspace_id, content_key)
);
