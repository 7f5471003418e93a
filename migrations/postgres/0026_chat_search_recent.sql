-- Live messages by time, the newest first: on PostgreSQL a search looks
-- among the newest messages before asking the full-text index
-- (store.cpp search; docs/benchmarks.md "Chat store").
CREATE INDEX chat_messages_recent ON chat_messages (created_at_ms) WHERE deleted_at_ms IS NULL;
