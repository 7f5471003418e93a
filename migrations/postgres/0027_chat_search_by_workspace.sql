-- A search reads the searcher's workspaces' messages, not the instance's
-- (store.cpp search; docs/benchmarks.md "Chat store": 2,000 messages among
-- 1,000,000, p95 700 ms before).
--
-- Its first look, among the newest messages, is now among the newest of the
-- searcher's workspaces: live messages by workspace and time (0026's index,
-- by time alone, goes).
CREATE INDEX chat_messages_workspace_recent ON chat_messages (workspace_id, created_at_ms)
  WHERE deleted_at_ms IS NULL;
DROP INDEX chat_messages_recent;
-- And when the searcher's workspaces hold a small part of the instance's
-- messages, the full-text index narrows to them: a second column, each
-- message's workspace (a one-element array: GIN's core array operator class,
-- no extension). A search of a workspace that holds most messages does not
-- ask for it (narrowing to it cost the index scan 2-4x there).
--
-- New entries wait in the index's pending list, which every search reads
-- whole, until it is merged: 512 kB of it at most, not the default 4 MB
-- (4,500 pending messages cost each search ~3 ms; 40,000 inserted messages
-- took 5 % longer with the smaller list, and 2.2x without a list at all).
CREATE INDEX chat_messages_search_workspace ON chat_messages USING GIN (search, (ARRAY[workspace_id]))
  WITH (gin_pending_list_limit = 512);
DROP INDEX chat_messages_search;
