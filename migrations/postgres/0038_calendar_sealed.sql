-- Armoured calendars (docs/armoured.md "Calendar"): an event of an armoured
-- workspace is its token (uid) and its sealed card, by whoever sealed it
-- last. Its ics is empty and its span 0..0: the server does not know when
-- it takes place, so no time range ever meets it.
ALTER TABLE calendar_objects ADD COLUMN sealed TEXT;
ALTER TABLE calendar_objects ADD COLUMN sealed_by TEXT;
