-- core/blob: small chunks (sealed, at most 64 KiB of plaintext) stored as
-- rows instead of files, so that small uploads share the database's group
-- commit (DbChunkStore). touched_at_ms is the chunk's age, as a chunk file's
-- modification time is: garbage collection keeps chunks touched recently.
CREATE TABLE blob_small_chunks (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  sealed BLOB NOT NULL,
  touched_at_ms BIGINT NOT NULL,
  PRIMARY KEY (namespace, id)
) WITHOUT ROWID;
