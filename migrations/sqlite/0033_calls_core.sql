-- Calls (docs/calls.md): the calls of a workspace and who is in them. A
-- call keeps no contents (media flows between the browsers); a participant
-- is one browser tab in the call, alive while it says so (seen_at_ms).
CREATE TABLE calls_calls (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  started_by TEXT NOT NULL,
  started_at_ms BIGINT NOT NULL,
  ended_at_ms BIGINT
);
CREATE INDEX calls_calls_live ON calls_calls (workspace_id, ended_at_ms, started_at_ms);

CREATE TABLE calls_participants (
  id TEXT PRIMARY KEY,
  call_id TEXT NOT NULL REFERENCES calls_calls (id) ON DELETE CASCADE,
  workspace_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  joined_at_ms BIGINT NOT NULL,
  seen_at_ms BIGINT NOT NULL,
  left_at_ms BIGINT
);
CREATE INDEX calls_participants_call ON calls_participants (call_id, left_at_ms);
CREATE INDEX calls_participants_user ON calls_participants (user_id, workspace_id);
