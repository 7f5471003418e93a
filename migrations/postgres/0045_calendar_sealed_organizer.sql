-- Attendees in armoured calendars (docs/armoured.md "Calendar"): an
-- armoured event has no iCalendar text to name its organizer, so the
-- object does — whoever last set its attendees (NULL: nobody invited, or
-- an event of a plain calendar, whose ORGANIZER is in its text).
ALTER TABLE calendar_objects ADD COLUMN organizer_id TEXT REFERENCES users (id) ON DELETE SET NULL;
