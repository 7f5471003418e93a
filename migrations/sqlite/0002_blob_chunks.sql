-- core/blob: per-namespace data keys and chunk reference counts.
-- A namespace is what the caller stores blobs under (a workspace id).

-- The data key of each namespace, wrapped by the instance key:
-- crypto::wrap_key(instance_key, data_key, 'blob-key:' || namespace).
-- Deleting the row destroys the namespace's data for good (crypto-shredding).
CREATE TABLE blob_keys (
  namespace TEXT PRIMARY KEY,
  wrapped_key BLOB NOT NULL,
  created_at_ms BIGINT NOT NULL
);

-- One row per chunk something references or referenced; refs = 0 rows and
-- stored chunks with no row are garbage (collect_garbage). size is the
-- plaintext size in bytes.
CREATE TABLE blob_chunks (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  size BIGINT NOT NULL CHECK (size >= 0),
  refs BIGINT NOT NULL CHECK (refs >= 0),
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (namespace, id)
) WITHOUT ROWID;
CREATE INDEX blob_chunks_unreferenced ON blob_chunks (namespace, id) WHERE refs = 0;
