-- A resumable upload that completed is kept, without chunks, until it
-- expires, with the file it made: a client whose last answer was lost asks
-- again (HEAD, or an empty PATCH at the end) and learns the file instead of
-- uploading it all over.
ALTER TABLE files_uploads ADD COLUMN node_id TEXT;
