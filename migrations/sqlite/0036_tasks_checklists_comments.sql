-- A task's checklist and comments (docs/tasks.md, "Checklist", "Comments").
-- Items are ordered by position (as the board's columns); a ticked item
-- records who ticked it and when.
CREATE TABLE tasks_checklist (
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks_items (id) ON DELETE CASCADE,
  position REAL NOT NULL,
  text TEXT NOT NULL,
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
