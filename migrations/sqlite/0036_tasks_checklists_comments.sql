-- A task's checklist and comments (docs/tasks.md, "Checklist", "Comments").
-- Items are ordered by position (as the board's columns); a ticked item
-- records who ticked it and when; text_by is who wrote its text.
CREATE TABLE tasks_checklist (
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks_items (id) ON DELETE CASCADE,
  position REAL NOT NULL,
  text TEXT NOT NULL,
  text_by TEXT NOT NULL DEFAULT '',
  done INTEGER NOT NULL DEFAULT 0,
  done_by TEXT,
  done_at_ms BIGINT,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX tasks_checklist_task ON tasks_checklist (task_id, position, created_at_ms, id);

-- Comments are a task's conversation, not its state: they do not raise its
-- version. author_id is the author's user id (kept after they leave).
CREATE TABLE tasks_comments (
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks_items (id) ON DELETE CASCADE,
  author_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  edited_at_ms BIGINT
);
CREATE INDEX tasks_comments_task ON tasks_comments (task_id, created_at_ms, id);

-- Armoured workspaces (docs/armoured.md, "Tasks"): a task's title,
-- description and labels travel sealed in its card (`sealed`, by
-- `sealed_by`), bound to its token (16 random bytes the browser made, unique
-- in the workspace); its checklist's texts and comments' bodies are sealed
-- texts too. Empty in other workspaces.
ALTER TABLE tasks_items ADD COLUMN token TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks_items ADD COLUMN sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks_items ADD COLUMN sealed_by TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX tasks_items_token ON tasks_items (workspace_id, token) WHERE token <> '';
