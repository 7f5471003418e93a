-- Calendar reminders by email too (docs/calendar.md "Reminders"): the
-- person's choice, off unless they turn it on (PATCH /me reminder_email).
ALTER TABLE users ADD COLUMN reminder_email INTEGER NOT NULL DEFAULT 0;
