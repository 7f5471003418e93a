-- Attendees in armoured calendars (docs/armoured.md, "Attendees"): the
-- token an attendee's sealed answers to single occurrences were sealed for
-- when it is not their event's own — the series the event was cut from
-- ("this and following" keeps them with the rest, as a plain calendar
-- does). NULL: their event's token (and when there are none).
ALTER TABLE calendar_attendees ADD COLUMN answers_token TEXT;
