-- Calendar subscriptions (docs/calendar.md, "Subscriptions"): a person's
-- read-only copy of a calendar published at an address (an .ics feed),
-- read again by the server through its egress (SECURITY.md IO-5). Its
-- events are objects of the collection 's:' + owner + ':' + id.
CREATE TABLE calendar_subscriptions (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  refresh_ms BIGINT NOT NULL,             -- between two reads
  next_at_ms BIGINT NOT NULL,             -- the next read, at the earliest
  refreshed_at_ms BIGINT,                 -- the last read that succeeded
  etag TEXT NOT NULL DEFAULT '',          -- what it answered, for the next read
  last_modified TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',         -- why the last read failed; '' when it did not
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX calendar_subscriptions_owner ON calendar_subscriptions (owner_id, created_at_ms);
CREATE INDEX calendar_subscriptions_due ON calendar_subscriptions (next_at_ms);
