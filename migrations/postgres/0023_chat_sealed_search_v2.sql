-- Sealed bodies of version 2 (armoured messages with attachments, "e2e2:…")
-- are ciphertext too: migration 0015 left out version 1 only, so each such
-- post added its random base64 words to the full-text index. The generated
-- column now leaves both versions out.
ALTER TABLE chat_messages DROP COLUMN search;
ALTER TABLE chat_messages ADD COLUMN search tsvector
  GENERATED ALWAYS AS (
    CASE WHEN deleted_at_ms IS NULL AND left(body, 5) NOT IN ('e2e1:', 'e2e2:')
         THEN to_tsvector('french', body) || to_tsvector('english', body)
         ELSE ''::tsvector END) STORED;
CREATE INDEX chat_messages_search ON chat_messages USING GIN (search);
