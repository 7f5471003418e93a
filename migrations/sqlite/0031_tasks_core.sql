-- Tasks (docs/tasks.md): a workspace's tasks, their assignees, labels and
-- the tasks each waits for. `version` rises with every change a task shows
-- (its ETag); `position` orders a status column.
CREATE TABLE tasks_items (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('todo', 'doing', 'done')),
  -- The column's place on the board, for the index that orders it (a page
  -- of a board read without sorting the whole workspace's tasks).
  board_rank INTEGER GENERATED ALWAYS AS (CASE status WHEN 'todo' THEN 0 WHEN 'doing' THEN 1 ELSE 2 END) STORED,
  position REAL NOT NULL,
  due TEXT,                             -- as given: a date or a date and time
  due_ms BIGINT,                        -- the same instant, for ordering
  created_by TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  completed_at_ms BIGINT,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX tasks_items_board ON tasks_items (workspace_id, board_rank, position, created_at_ms, id);

CREATE TABLE tasks_assignees (
  task_id TEXT NOT NULL REFERENCES tasks_items (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  PRIMARY KEY (task_id, user_id)
);
CREATE INDEX tasks_assignees_user ON tasks_assignees (user_id, workspace_id);

CREATE TABLE tasks_labels (
  task_id TEXT NOT NULL REFERENCES tasks_items (id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  PRIMARY KEY (task_id, label)
);

-- task_id waits for blocker_id (both of one workspace).
CREATE TABLE tasks_blockers (
  task_id TEXT NOT NULL REFERENCES tasks_items (id) ON DELETE CASCADE,
  blocker_id TEXT NOT NULL REFERENCES tasks_items (id) ON DELETE CASCADE,
  PRIMARY KEY (task_id, blocker_id)
);
CREATE INDEX tasks_blockers_blocker ON tasks_blockers (blocker_id);
