-- Search (docs/calendar.md "Search"): the titles, descriptions and places
-- single occurrences of a recurring event have of their own, one a line.
-- NULL: not yet read from the object (one written before this version
-- holding overrides); the calendar reads those once when it starts.
ALTER TABLE calendar_objects ADD COLUMN texts_apart TEXT;
UPDATE calendar_objects SET texts_apart = '' WHERE ics NOT LIKE '%RECURRENCE-ID%';
