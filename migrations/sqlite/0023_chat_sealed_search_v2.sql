-- Sealed bodies of version 2 (armoured messages with attachments, "e2e2:…")
-- are ciphertext too: migration 0015 left out version 1 only, so each such
-- post added its random base64 words to the full-text index. Both versions
-- now stay out, with one predicate on the body everywhere (the triggers and
-- the batch indexer, store.cpp index_pending).
INSERT INTO chat_messages_fts (chat_messages_fts, rowid, body)
  SELECT 'delete', rowid, body FROM chat_messages
  WHERE substr(body, 1, 5) = 'e2e2:' AND deleted_at_ms IS NULL
    AND rowid NOT IN (SELECT message_rowid FROM chat_fts_queue);
DELETE FROM chat_fts_queue WHERE message_rowid IN
  (SELECT rowid FROM chat_messages WHERE substr(body, 1, 5) = 'e2e2:');

DROP TRIGGER chat_messages_fts_queue;
CREATE TRIGGER chat_messages_fts_queue AFTER INSERT ON chat_messages
WHEN new.deleted_at_ms IS NULL AND substr(new.body, 1, 5) NOT IN ('e2e1:', 'e2e2:')
BEGIN
  INSERT INTO chat_fts_queue (message_rowid) VALUES (new.rowid);
END;
DROP TRIGGER chat_messages_fts_update;
CREATE TRIGGER chat_messages_fts_update AFTER UPDATE OF body, deleted_at_ms ON chat_messages
WHEN old.rowid NOT IN (SELECT message_rowid FROM chat_fts_queue)
BEGIN
  INSERT INTO chat_messages_fts (chat_messages_fts, rowid, body)
    SELECT 'delete', old.rowid, old.body
    WHERE old.deleted_at_ms IS NULL AND substr(old.body, 1, 5) NOT IN ('e2e1:', 'e2e2:');
  INSERT INTO chat_messages_fts (rowid, body)
    SELECT new.rowid, new.body WHERE new.deleted_at_ms IS NULL AND substr(new.body, 1, 5) NOT IN ('e2e1:', 'e2e2:');
END;
DROP TRIGGER chat_messages_fts_delete;
CREATE TRIGGER chat_messages_fts_delete AFTER DELETE ON chat_messages
BEGIN
  INSERT INTO chat_messages_fts (chat_messages_fts, rowid, body)
    SELECT 'delete', old.rowid, old.body
    WHERE old.deleted_at_ms IS NULL AND substr(old.body, 1, 5) NOT IN ('e2e1:', 'e2e2:')
      AND old.rowid NOT IN (SELECT message_rowid FROM chat_fts_queue);
  DELETE FROM chat_fts_queue WHERE message_rowid = old.rowid;
END;
