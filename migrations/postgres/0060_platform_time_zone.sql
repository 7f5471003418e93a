-- Each person's time zone (an IANA name, "" until known: UTC), set from
-- their browser or their profile (PATCH /me time_zone): an all-day event's
-- reminders go off on their clock, and emails give times on it
-- (docs/calendar.md "Reminders").
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
