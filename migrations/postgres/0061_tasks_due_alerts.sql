-- Due tasks (docs/tasks.md, "Due today"): when each assignee of an open
-- task with a due date hears that it is due — 9:00 on its day on their
-- clock (users.time_zone), or its due time when earlier. A row is sent
-- once and goes; a change of the task, its assignees or a person's zone
-- reckons its rows again.
CREATE TABLE tasks_due_alerts (
  task_id TEXT NOT NULL REFERENCES tasks_items (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  alert_ms BIGINT NOT NULL,
  PRIMARY KEY (task_id, user_id)
);
CREATE INDEX tasks_due_alerts_at ON tasks_due_alerts (alert_ms);
CREATE INDEX tasks_due_alerts_user ON tasks_due_alerts (user_id);
