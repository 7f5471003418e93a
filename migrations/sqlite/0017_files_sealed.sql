-- Files in armoured workspaces (docs/armoured.md, "Files"): each entry's
-- name record and, for files, the current version's content record, sealed
-- and signed in a member's browser; each version keeps its own record. NULL
-- in plain workspaces.
ALTER TABLE files_nodes ADD COLUMN sealed_name TEXT;
ALTER TABLE files_nodes ADD COLUMN sealed_name_by TEXT;
ALTER TABLE files_nodes ADD COLUMN sealed_content TEXT;
ALTER TABLE files_nodes ADD COLUMN sealed_content_by TEXT;
ALTER TABLE files_versions ADD COLUMN sealed TEXT;
