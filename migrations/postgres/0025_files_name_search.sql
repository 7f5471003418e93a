-- File search by name (store.cpp search_names) reads, with ILIKE, every name
-- of the searcher's workspaces: ~0.85 ms per 1,000 names. A trigram index of
-- the names (pg_trgm, shipped with PostgreSQL) answers ILIKE for any word of
-- 3 characters or more; what is found does not change (bench/files-search,
-- docs/benchmarks.md "File search by name").
--
-- pg_trgm is a trusted extension: the database's owner may create it, here.
-- An administrator may have created it already, in any schema (one database
-- holding several instances, each in its own postgres_schema): the index
-- names its operator class where the extension is.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DO $$
DECLARE
  home name;
BEGIN
  SELECT n.nspname INTO home FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
  WHERE e.extname = 'pg_trgm';
  EXECUTE format('CREATE INDEX files_nodes_name_trgm ON files_nodes USING GIN (name %I.gin_trgm_ops)', home);
END $$;

-- Live nodes by creation time, the newest first: a search looks among the
-- newest names before the others (store.cpp search_names).
CREATE INDEX files_nodes_recent ON files_nodes (created_at_ms) WHERE trashed_at_ms IS NULL;
