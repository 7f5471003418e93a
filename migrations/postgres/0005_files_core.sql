-- Files: a tree of folders and files per workspace, file versions (their
-- contents are core/blob chunks), trash, WebDAV dead properties and locks,
-- usage and quota, share links, resumable (tus) uploads.

-- parent_id is '' at the workspace's root. A deleted subtree stays in place
-- with trashed_at_ms set on its top node only: its descendants are out of
-- reach because an ancestor is trashed, and come back with it on restore.
CREATE TABLE files_nodes (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  parent_id TEXT NOT NULL,
  name TEXT NOT NULL,                   -- NFC; never used on disk
  is_folder INTEGER NOT NULL,
  version_id TEXT,                      -- files: the current version
  last_version BIGINT NOT NULL DEFAULT 0,
  size BIGINT NOT NULL DEFAULT 0,
  etag TEXT NOT NULL,
  content_type TEXT NOT NULL DEFAULT '',
  mtime_ms BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  updated_by TEXT NOT NULL,
  trashed_at_ms BIGINT,
  trashed_by TEXT,
  trashed_path TEXT                     -- where it was, for the trash listing and restore
);
CREATE UNIQUE INDEX files_nodes_name ON files_nodes (workspace_id, parent_id, name)
  WHERE trashed_at_ms IS NULL;
CREATE INDEX files_nodes_children ON files_nodes (parent_id);
CREATE INDEX files_nodes_trash ON files_nodes (workspace_id, trashed_at_ms)
  WHERE trashed_at_ms IS NOT NULL;

-- Every version of every file, the current one included. chunks packs the
-- content's chunk list: per chunk, its 32-byte id and its size (8 bytes,
-- big-endian).
CREATE TABLE files_versions (
  id TEXT PRIMARY KEY,
  node_id TEXT NOT NULL REFERENCES files_nodes (id) ON DELETE CASCADE,
  workspace_id TEXT NOT NULL,
  number BIGINT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  chunks BYTEA NOT NULL,
  created_at_ms BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  mtime_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX files_versions_number ON files_versions (node_id, number);
CREATE INDEX files_versions_age ON files_versions (workspace_id, created_at_ms);

-- WebDAV dead properties (PROPPATCH): value is the property's XML content.
CREATE TABLE files_props (
  node_id TEXT NOT NULL REFERENCES files_nodes (id) ON DELETE CASCADE,
  ns TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (node_id, ns, name)
);

-- WebDAV write locks, by path (RFC 4918: a lock belongs to a URL).
CREATE TABLE files_locks (
  token TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  exclusive INTEGER NOT NULL,
  infinite INTEGER NOT NULL,
  owner_xml TEXT NOT NULL,
  user_id TEXT NOT NULL,
  timeout_s BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL
);
CREATE INDEX files_locks_workspace ON files_locks (workspace_id, expires_at_ms);

-- Usage (every version kept) and quota per workspace; root_etag changes with
-- anything in the tree.
CREATE TABLE files_usage (
  workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
  used_bytes BIGINT NOT NULL DEFAULT 0,
  quota_bytes BIGINT,                   -- NULL: the instance default
  root_etag TEXT NOT NULL DEFAULT ''
);

CREATE TABLE files_shares (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  node_id TEXT NOT NULL REFERENCES files_nodes (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  mode TEXT NOT NULL CHECK (mode IN ('read', 'upload')),
  password_hash TEXT,
  expires_at_ms BIGINT,
  max_downloads BIGINT,
  downloads BIGINT NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  revoked_at_ms BIGINT
);
CREATE INDEX files_shares_node ON files_shares (node_id);

-- Resumable uploads (tus 1.0). The chunks received so far are referenced
-- (blob refs), so garbage collection keeps them however long the pause.
CREATE TABLE files_uploads (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  parent_id TEXT NOT NULL,
  name TEXT NOT NULL,
  length BIGINT NOT NULL,
  offset_bytes BIGINT NOT NULL DEFAULT 0,
  chunks BYTEA NOT NULL,
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL
);
CREATE INDEX files_uploads_expiry ON files_uploads (expires_at_ms);
