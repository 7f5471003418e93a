-- Calendar (docs/calendar.md): collections and the iCalendar objects they
-- hold. A collection is a workspace's calendar ('w:' + workspace id) or a
-- person's ('u:' + user id); `seq` numbers its changes (ETags, CTags, sync
-- tokens), taken in the writing transaction so that numbers commit in order.
CREATE TABLE calendar_collections (
  id TEXT PRIMARY KEY,
  workspace_id TEXT REFERENCES workspaces (id) ON DELETE CASCADE,
  owner_id TEXT REFERENCES users (id) ON DELETE CASCADE,
  seq BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE calendar_objects (
  id TEXT PRIMARY KEY,
  collection_id TEXT NOT NULL REFERENCES calendar_collections (id) ON DELETE CASCADE,
  name TEXT NOT NULL,                   -- the resource's name in its collection
  uid TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('VEVENT', 'VTODO', 'VJOURNAL')),
  ics TEXT NOT NULL,                    -- as the client sent it
  size BIGINT NOT NULL,                 -- its length in bytes
  summary TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  location TEXT NOT NULL DEFAULT '',
  -- The span its instances cover, for time ranges (end: the largest
  -- BIGINT for a rule without end).
  start_ms BIGINT NOT NULL,
  end_ms BIGINT NOT NULL,
  recurring INTEGER NOT NULL DEFAULT 0,
  all_day INTEGER NOT NULL DEFAULT 0,
  seq BIGINT NOT NULL,                  -- the change that wrote it: its ETag
  created_by TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  UNIQUE (collection_id, name),
  UNIQUE (collection_id, uid)
);
CREATE INDEX calendar_objects_span ON calendar_objects (collection_id, start_ms);
CREATE INDEX calendar_objects_seq ON calendar_objects (collection_id, seq);

-- Deleted names, for sync-collection (RFC 6578).
CREATE TABLE calendar_tombstones (
  collection_id TEXT NOT NULL REFERENCES calendar_collections (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (collection_id, name)
);
CREATE INDEX calendar_tombstones_seq ON calendar_tombstones (collection_id, seq);
