-- core/blob: small chunks are kept in rowid order instead of by their key.
-- Keyed by (namespace, id), a WITHOUT ROWID table put each new chunk (about
-- 4 KiB or more, sealed) at a random place among the others: every upload
-- rewrote a random leaf and its overflow page, and the leaves, a few rows
-- each, split every other insert. Here rows are appended at the end of the
-- table and only the small (namespace, id) index entry lands at random.
-- sealed is last so that a row's fixed columns stay in its leaf.
CREATE TABLE blob_small_chunks_appended (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  touched_at_ms BIGINT NOT NULL,
  sealed BLOB NOT NULL
);
INSERT INTO blob_small_chunks_appended (namespace, id, touched_at_ms, sealed)
  SELECT namespace, id, touched_at_ms, sealed FROM blob_small_chunks;
DROP TABLE blob_small_chunks;
ALTER TABLE blob_small_chunks_appended RENAME TO blob_small_chunks;
CREATE UNIQUE INDEX blob_small_chunks_key ON blob_small_chunks (namespace, id);
