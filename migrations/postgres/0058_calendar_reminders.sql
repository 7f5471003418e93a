-- Calendar reminders (docs/calendar.md, "Reminders"): when each person is
-- next reminded of an event. A person's own events hold theirs in their
-- text (VALARM), indexed here; for an event of another calendar they read
-- (a workspace's, an invitation, a subscription) this row is where theirs
-- are kept: an alarm in a shared event would go off for everyone.
CREATE TABLE calendar_reminders (
  object_id TEXT NOT NULL REFERENCES calendar_objects (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  minutes TEXT NOT NULL,                -- before each occurrence's start: '0,15,1440'
  due_ms BIGINT,                        -- the next reminder; NULL when none is to come
  PRIMARY KEY (object_id, user_id)
);
CREATE INDEX calendar_reminders_due ON calendar_reminders (due_ms) WHERE due_ms IS NOT NULL;
CREATE INDEX calendar_reminders_user ON calendar_reminders (user_id);
