-- Notices to one person (docs/api.md "Notices"): what Outbox::notify tells
-- them live, kept so that someone who was away finds it, with whether they
-- read it. Kept 90 days; gone with the workspace they are about, and not
-- listed while the person is not a member of it. Those still unread a while
-- later are emailed to the person in one digest, unless they said no
-- (users.notice_email).
CREATE TABLE notices (
  id TEXT PRIMARY KEY,                  -- ordered by time (new_ordered_id)
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  workspace_id TEXT REFERENCES workspaces (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  data TEXT NOT NULL,                   -- JSON, as the live notice carries it
  created_at_ms BIGINT NOT NULL,
  read_at_ms BIGINT,
  text TEXT NOT NULL DEFAULT '',        -- the digest's line ('': never emailed)
  link TEXT NOT NULL DEFAULT '',        -- the app's path it leads to
  emailed_at_ms BIGINT
);
CREATE INDEX notices_user ON notices (user_id, id);
CREATE INDEX notices_unread ON notices (user_id) WHERE read_at_ms IS NULL;
CREATE INDEX notices_to_email ON notices (created_at_ms)
  WHERE read_at_ms IS NULL AND emailed_at_ms IS NULL;
ALTER TABLE users ADD COLUMN notice_email INTEGER NOT NULL DEFAULT 1;
