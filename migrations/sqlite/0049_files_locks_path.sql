-- WebDAV locks are read by path: those on a path and on the folders above
-- it (every write, every If header), and those beneath it (a listing, a
-- folder's deletion), not the workspace's all. SQLite compares text byte by
-- byte: what is beneath "/a/b" is the range from "/a/b/" to "/a/b0".
CREATE INDEX files_locks_path ON files_locks (workspace_id, path);
