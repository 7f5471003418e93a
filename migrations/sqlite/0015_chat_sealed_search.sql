-- Sealed bodies (armoured workspaces, "e2e1:…") are ciphertext: nothing to
-- search, and their random base64 words made every post add a dozen new
-- terms to the full-text index. The triggers and the batch indexer
-- (store.cpp index_pending) leave them out, with one predicate on the body
-- everywhere so that what goes in is exactly what comes out.
INSERT INTO chat_messages_fts (chat_messages_fts, rowid, body)
  SELECT 'delete', rowid, body FROM chat_messages
  WHERE substr(body, 1, 5) = 'e2e1:' AND deleted_at_ms IS NULL
    AND rowid NOT IN (SELECT message_rowid FROM chat_fts_queue);
DELETE FROM chat_fts_queue WHERE message_rowid IN
  (SELECT rowid FROM chat_messages WHERE substr(body, 1, 5) = 'e2e1:');

DROP TRIGGER chat_messages_fts_queue;
CREATE TRIGGER chat_messages_fts_queue AFTER INSERT ON chat_messages
WHEN new.deleted_at_ms IS NULL AND substr(new.body, 1, 5) <> 'e2e1:'
BEGIN
  INSERT INTO chat_fts_queue (message_rowid) VALUES (new.rowid);
END;
DROP TRIGGER chat_messages_fts_update;
CREATE TRIGGER chat_messages_fts_update AFTER UPDATE OF body, deleted_at_ms ON chat_messages
WHEN old.rowid NOT IN (SELECT message_rowid FROM chat_fts_queue)
BEGIN
  INSERT INTO chat_messages_fts (chat_messages_fts, rowid, body)
    SELECT 'delete', old.rowid, old.body
    WHERE old.deleted_at_ms IS NULL AND substr(old.body, 1, 5) <> 'e2e1:';
  INSERT INTO chat_messages_fts (rowid, body)
    SELECT new.rowid, new.body WHERE new.deleted_at_ms IS NULL AND substr(new.body, 1, 5) <> 'e2e1:';
END;
DROP TRIGGER chat_messages_fts_delete;
CREATE TRIGGER chat_messages_fts_delete AFTER DELETE ON chat_messages
BEGIN
  INSERT INTO chat_messages_fts (chat_messages_fts, rowid, body)
    SELECT 'delete', old.rowid, old.body
    WHERE old.deleted_at_ms IS NULL AND substr(old.body, 1, 5) <> 'e2e1:'
      AND old.rowid NOT IN (SELECT message_rowid FROM chat_fts_queue);
  DELETE FROM chat_fts_queue WHERE message_rowid = old.rowid;
END;
