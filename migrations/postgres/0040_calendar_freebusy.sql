-- Free/busy (docs/calendar.md "Free and busy"): the meetings a person
-- organizes are the events they made with attendees, found by their maker.
CREATE INDEX calendar_objects_creator ON calendar_objects (created_by, start_ms);
