-- The calendar objects whose texts apart (0043; docs/api.md "Search") are
-- still to read, found at each start without reading the whole table.
CREATE INDEX calendar_objects_texts_unread ON calendar_objects (id) WHERE texts_apart IS NULL;
