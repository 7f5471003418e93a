-- chat: a member may mute a channel: its unread messages leave the
-- workspace's totals and @channel no longer counts as a mention for them
-- (their own name still does). Personal: only that member's clients hear of it.
ALTER TABLE chat_members ADD COLUMN muted INTEGER NOT NULL DEFAULT 0;
