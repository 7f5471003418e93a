-- A file search reads the searcher's workspaces' names, not the instance's
-- (store.cpp search_names; docs/benchmarks.md "File search by name": a
-- workspace of 2,000 names among 1,000,000, p95 55 ms before; a word that
-- 50,000 names of other workspaces hold, p95 430 ms).
--
-- Its first look, among the newest names, is now among the newest of the
-- searcher's workspaces: live nodes by workspace and creation time (0025's
-- index, by time alone, goes).
CREATE INDEX files_nodes_workspace_recent ON files_nodes (workspace_id, created_at_ms)
  WHERE trashed_at_ms IS NULL;
DROP INDEX files_nodes_recent;
-- And the trigram index keeps each name's workspace, a second column (a
-- one-element array: GIN's core array operator class), so that what other
-- workspaces hold is left in the index. Its pending list, which every
-- search reads whole, holds 512 kB at most, as chat's (0027).
DO $$
DECLARE
  home name;
BEGIN
  SELECT n.nspname INTO home FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
  WHERE e.extname = 'pg_trgm';
  EXECUTE format('CREATE INDEX files_nodes_name_trgm_workspace ON files_nodes '
                 'USING GIN (name %I.gin_trgm_ops, (ARRAY[workspace_id])) WITH (gin_pending_list_limit = 512)', home);
END $$;
DROP INDEX files_nodes_name_trgm;
