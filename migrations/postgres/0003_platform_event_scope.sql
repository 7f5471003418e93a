-- An event may be scoped to a module object (a chat channel): only the
-- members the module names for that scope see it. The scope, not a member
-- list, is stored, so large rooms cost one short string per event.
ALTER TABLE events ADD COLUMN scope TEXT NOT NULL DEFAULT '';
