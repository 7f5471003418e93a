-- Accounts found by words (user_list.cpp read_users): every word, with
-- ILIKE, in the account's "name address". Read account by account, that
-- took ~200 ms among 100,000 for a word few hold (twice: the page and the
-- count); a trigram index of that text answers for any word of 3 characters
-- or more (bench/admin, docs/benchmarks.md "What an administrator reads").
-- pg_trgm: created by 0025, wherever it lives.
DO $$
DECLARE
  home name;
BEGIN
  SELECT n.nspname INTO home FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
  WHERE e.extname = 'pg_trgm';
  EXECUTE format('CREATE INDEX users_search_trgm ON users USING GIN ((name || '' '' || email) %I.gin_trgm_ops)',
                 home);
END $$;
