-- Chat attachments: files posted with messages. Contents are core/blob
-- chunks in the workspace's namespace (the platform's Blobs), referenced once
-- per attachment row in blob_chunks. An upload has no message until it is
-- posted; unposted uploads are purged after a day. chunks packs the chunk
-- list (32-byte id, 8-byte big-endian size per chunk).
CREATE TABLE chat_attachments (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  channel_id TEXT NOT NULL REFERENCES chat_channels (id) ON DELETE CASCADE,
  message_id TEXT,                      -- null until posted
  position INTEGER NOT NULL DEFAULT 0,  -- order within the message
  uploader_id TEXT NOT NULL,
  name TEXT NOT NULL,                   -- NFC, no '/' or '\', NUL or control characters
  size BIGINT NOT NULL CHECK (size >= 0),
  content_type TEXT NOT NULL,           -- from the content's magic bytes for images, else the name
  sha256 TEXT NOT NULL,
  chunks BYTEA NOT NULL,
  width INTEGER,                        -- images only
  height INTEGER,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX chat_attachments_message ON chat_attachments (message_id, position) WHERE message_id IS NOT NULL;
CREATE INDEX chat_attachments_unposted ON chat_attachments (created_at_ms) WHERE message_id IS NULL;
