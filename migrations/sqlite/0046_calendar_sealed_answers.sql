-- Attendees in armoured calendars (docs/armoured.md "Attendees"): an
-- attendee's answers to single occurrences of a repeating event, sealed in
-- their browser (an occurrence's start would say when the event is): NULL
-- when they answered none apart, and for every plain calendar's attendee.
ALTER TABLE calendar_attendees ADD COLUMN sealed_answers TEXT;
