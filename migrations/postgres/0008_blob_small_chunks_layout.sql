-- core/blob: sealed chunks are ciphertext, which does not compress: store
-- them out of line without TOAST's compression attempt (EXTERNAL instead of
-- the default EXTENDED). PostgreSQL's heap already appends rows in arrival
-- order (what the SQLite side of this migration sets up).
ALTER TABLE blob_small_chunks ALTER COLUMN sealed SET STORAGE EXTERNAL;
