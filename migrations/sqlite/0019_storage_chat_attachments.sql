-- A workspace's storage quota bounds its chat attachments too (the chat
-- charges them to the files module's usage, docs/files.md "Quota"): the
-- attachments kept before this count from now on.
INSERT INTO files_usage (workspace_id, used_bytes, root_etag)
  SELECT workspace_id, SUM(size), '"d' || lower(hex(randomblob(12))) || '"'
  FROM chat_attachments WHERE true GROUP BY workspace_id
  ON CONFLICT (workspace_id) DO UPDATE SET used_bytes = files_usage.used_bytes + excluded.used_bytes;
