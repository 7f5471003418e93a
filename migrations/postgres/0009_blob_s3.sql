-- core/blob: the catalogue of chunks stored in an S3-compatible bucket
-- (S3ChunkStore). blob_s3_chunks: one row per complete object, its key's
-- generation and the chunk's age (as a chunk file's modification time is).
-- blob_s3_objects: loose objects, being written or being deleted, which the
-- garbage collector deletes once older than its grace period.
CREATE TABLE blob_s3_chunks (
  namespace TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  gen TEXT COLLATE "C" NOT NULL,
  touched_at_ms BIGINT NOT NULL,
  PRIMARY KEY (namespace, id)
);
CREATE TABLE blob_s3_objects (
  namespace TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  gen TEXT COLLATE "C" NOT NULL,
  since_ms BIGINT NOT NULL,
  PRIMARY KEY (namespace, id, gen)
);
CREATE INDEX blob_s3_objects_since ON blob_s3_objects (namespace, since_ms);
