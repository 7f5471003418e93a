-- Chat: channels (public, private, direct), their members and read state,
-- messages with threads, reactions, mentions, pins, and full-text search.

CREATE TABLE chat_channels (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('public', 'private', 'direct')),
  name TEXT NOT NULL,                   -- '' for direct conversations
  topic TEXT NOT NULL DEFAULT '',
  direct_key TEXT,                      -- direct: the sorted member ids, joined by ','
  created_by TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  archived_at_ms BIGINT,
  last_seq BIGINT NOT NULL DEFAULT 0,   -- the last message's number in this channel
  last_message_at_ms BIGINT
);
CREATE UNIQUE INDEX chat_channels_name ON chat_channels (workspace_id, name) WHERE kind <> 'direct';
CREATE UNIQUE INDEX chat_channels_direct ON chat_channels (workspace_id, direct_key) WHERE kind = 'direct';

CREATE TABLE chat_members (
  channel_id TEXT NOT NULL REFERENCES chat_channels (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  joined_at_ms BIGINT NOT NULL,
  last_read_seq BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX chat_members_user ON chat_members (user_id);

CREATE TABLE chat_messages (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL REFERENCES chat_channels (id) ON DELETE CASCADE,
  workspace_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  author_id TEXT NOT NULL,
  thread_id TEXT,                       -- the root message of a reply
  in_channel INTEGER NOT NULL DEFAULT 1, -- replies: also shown in the channel
  body TEXT NOT NULL,
  attachments TEXT NOT NULL DEFAULT '[]',
  created_at_ms BIGINT NOT NULL,
  edited_at_ms BIGINT,
  deleted_at_ms BIGINT,
  reply_count INTEGER NOT NULL DEFAULT 0,
  last_reply_at_ms BIGINT,
  pinned_at_ms BIGINT,
  pinned_by TEXT
);
CREATE UNIQUE INDEX chat_messages_seq ON chat_messages (channel_id, seq);
CREATE INDEX chat_messages_thread ON chat_messages (thread_id, seq) WHERE thread_id IS NOT NULL;
CREATE INDEX chat_messages_pinned ON chat_messages (channel_id, pinned_at_ms) WHERE pinned_at_ms IS NOT NULL;

CREATE TABLE chat_reactions (
  message_id TEXT NOT NULL REFERENCES chat_messages (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  emoji TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (message_id, emoji, user_id)
);

CREATE TABLE chat_mentions (
  message_id TEXT NOT NULL REFERENCES chat_messages (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,                -- '' for @channel
  channel_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (message_id, user_id)
);
CREATE INDEX chat_mentions_user ON chat_mentions (user_id, channel_id, seq);
CREATE INDEX chat_mentions_channel ON chat_mentions (channel_id, seq) WHERE user_id = '';

-- Full text: French and English stems (the 'ruche' tokenizer). New messages
-- are queued and indexed in batches off the posting path (FTS5 indexes many
-- rows per transaction far faster than one); edits and deletions of indexed
-- messages update the index at once.
CREATE VIRTUAL TABLE chat_messages_fts USING fts5(
  body, content = 'chat_messages', content_rowid = 'rowid', tokenize = 'ruche');
CREATE TABLE chat_fts_queue (message_rowid INTEGER PRIMARY KEY);
CREATE TRIGGER chat_messages_fts_queue AFTER INSERT ON chat_messages
WHEN new.deleted_at_ms IS NULL
BEGIN
  INSERT INTO chat_fts_queue (message_rowid) VALUES (new.rowid);
END;
CREATE TRIGGER chat_messages_fts_update AFTER UPDATE OF body, deleted_at_ms ON chat_messages
WHEN old.rowid NOT IN (SELECT message_rowid FROM chat_fts_queue)
BEGIN
  INSERT INTO chat_messages_fts (chat_messages_fts, rowid, body)
    SELECT 'delete', old.rowid, old.body WHERE old.deleted_at_ms IS NULL;
  INSERT INTO chat_messages_fts (rowid, body)
    SELECT new.rowid, new.body WHERE new.deleted_at_ms IS NULL;
END;
CREATE TRIGGER chat_messages_fts_delete AFTER DELETE ON chat_messages
BEGIN
  INSERT INTO chat_messages_fts (chat_messages_fts, rowid, body)
    SELECT 'delete', old.rowid, old.body
    WHERE old.deleted_at_ms IS NULL AND old.rowid NOT IN (SELECT message_rowid FROM chat_fts_queue);
  DELETE FROM chat_fts_queue WHERE message_rowid = old.rowid;
END;
