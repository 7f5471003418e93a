-- A search reads the searcher's workspaces' messages, not the instance's:
-- the full-text index now holds each message's workspace too (a second
-- column), and a search asks for `workspace_id : (…) AND body : (…)`, which
-- FTS5 answers by walking both lists together. Before, a search from a small
-- workspace walked every match of the instance, newest first, to keep its
-- own (docs/benchmarks.md "Chat store": 2,000 messages among 1,000,000).
--
-- The index is made again: every live, unsealed message goes back to the
-- queue, which the batch indexer (store.cpp index_pending) drains, and which
-- a search drains first (the triggers below are 0023's with the new column).
DROP TRIGGER chat_messages_fts_queue;
DROP TRIGGER chat_messages_fts_update;
DROP TRIGGER chat_messages_fts_delete;
DROP TABLE chat_messages_fts;
CREATE VIRTUAL TABLE chat_messages_fts USING fts5(
  body, workspace_id, content = 'chat_messages', content_rowid = 'rowid', tokenize = 'ruche');
INSERT OR IGNORE INTO chat_fts_queue (message_rowid)
  SELECT rowid FROM chat_messages
  WHERE deleted_at_ms IS NULL AND substr(body, 1, 5) NOT IN ('e2e1:', 'e2e2:');

CREATE TRIGGER chat_messages_fts_queue AFTER INSERT ON chat_messages
WHEN new.deleted_at_ms IS NULL AND substr(new.body, 1, 5) NOT IN ('e2e1:', 'e2e2:')
BEGIN
  INSERT INTO chat_fts_queue (message_rowid) VALUES (new.rowid);
END;
CREATE TRIGGER chat_messages_fts_update AFTER UPDATE OF body, deleted_at_ms ON chat_messages
WHEN old.rowid NOT IN (SELECT message_rowid FROM chat_fts_queue)
BEGIN
  INSERT INTO chat_messages_fts (chat_messages_fts, rowid, body, workspace_id)
    SELECT 'delete', old.rowid, old.body, old.workspace_id
    WHERE old.deleted_at_ms IS NULL AND substr(old.body, 1, 5) NOT IN ('e2e1:', 'e2e2:');
  INSERT INTO chat_messages_fts (rowid, body, workspace_id)
    SELECT new.rowid, new.body, new.workspace_id
    WHERE new.deleted_at_ms IS NULL AND substr(new.body, 1, 5) NOT IN ('e2e1:', 'e2e2:');
END;
CREATE TRIGGER chat_messages_fts_delete AFTER DELETE ON chat_messages
BEGIN
  INSERT INTO chat_messages_fts (chat_messages_fts, rowid, body, workspace_id)
    SELECT 'delete', old.rowid, old.body, old.workspace_id
    WHERE old.deleted_at_ms IS NULL AND substr(old.body, 1, 5) NOT IN ('e2e1:', 'e2e2:')
      AND old.rowid NOT IN (SELECT message_rowid FROM chat_fts_queue);
  DELETE FROM chat_fts_queue WHERE message_rowid = old.rowid;
END;
