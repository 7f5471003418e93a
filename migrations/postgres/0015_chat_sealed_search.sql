-- Sealed bodies (armoured workspaces, "e2e1:…") are ciphertext: nothing to
-- search, and their random base64 words bloated the full-text index with a
-- dozen new terms per post. The generated column leaves them out.
ALTER TABLE chat_messages DROP COLUMN search;
ALTER TABLE chat_messages ADD COLUMN search tsvector
  GENERATED ALWAYS AS (
    CASE WHEN deleted_at_ms IS NULL AND left(body, 5) <> 'e2e1:'
         THEN to_tsvector('french', body) || to_tsvector('english', body)
         ELSE ''::tsvector END) STORED;
CREATE INDEX chat_messages_search ON chat_messages USING GIN (search);
