-- A file search pages on (creation time, id) (GET /search?type=file&after=):
-- its first look reads the searcher's workspaces' newest names in that
-- order, from the index itself, and stops at a page's end — with the time
-- alone in the index, PostgreSQL sorted every name it read to order ties
-- (a common word among 1,000,000 names, p50 2.2 -> 5.6 ms).
DROP INDEX files_nodes_workspace_recent;
CREATE INDEX files_nodes_workspace_recent ON files_nodes (workspace_id, created_at_ms, id)
  WHERE trashed_at_ms IS NULL;
