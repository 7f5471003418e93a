-- Tasks through CalDAV (docs/tasks.md, "CalDAV"): a task's resource name in
-- its workspace's tasks collection and its iCalendar UID, each unique in the
-- workspace (a client chooses both when it creates a task; a task made in
-- Ruche has "<id>.ics" and "<id>@ruche"), and the content lines a client
-- sent that Ruche does not model (alarms, X- properties, ...), written back
-- as they came: those of the VTODO and those of its VCALENDAR (VTIMEZONE).
ALTER TABLE tasks_items ADD COLUMN dav_name TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks_items ADD COLUMN ical_uid TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks_items ADD COLUMN ical_todo_extra TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks_items ADD COLUMN ical_calendar_extra TEXT NOT NULL DEFAULT '';
UPDATE tasks_items SET dav_name = id || '.ics', ical_uid = id || '@ruche';
CREATE UNIQUE INDEX tasks_items_dav_name ON tasks_items (workspace_id, dav_name);
CREATE UNIQUE INDEX tasks_items_ical_uid ON tasks_items (workspace_id, ical_uid);
