-- files: when anything in a workspace's tree last changed, the root's
-- modification time (a folder's is its row's mtime_ms; the root has no row).
ALTER TABLE files_usage ADD COLUMN root_mtime_ms BIGINT NOT NULL DEFAULT 0;
