-- Calendar invitations (docs/calendar.md "Invitations"): the attendees of an
-- event Ruche schedules, as its iCalendar object names them, indexed so that
-- an invitee finds the events they are invited to and an external attendee's
-- answer link finds its event. The object stays the source of truth.
CREATE TABLE calendar_attendees (
  object_id TEXT NOT NULL REFERENCES calendar_objects (id) ON DELETE CASCADE,
  email TEXT NOT NULL,                  -- lower case
  user_id TEXT REFERENCES users (id) ON DELETE CASCADE,  -- a colleague of the organizer's
  partstat TEXT NOT NULL,
  token_hash TEXT UNIQUE,               -- an external attendee's answer link
  PRIMARY KEY (object_id, email)
);
CREATE INDEX calendar_attendees_user ON calendar_attendees (user_id);

-- Email waiting to be sent, written in the transaction of the change that
-- causes it (a committed change's message is never lost; a rolled-back one
-- never sent). `next_at_ms` is when a sender may take it next: a sender
-- leases a message by moving it forward, and removes it once sent.
CREATE TABLE mail_outbox (
  id TEXT PRIMARY KEY,
  to_addr TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  calendar TEXT NOT NULL DEFAULT '',    -- an iMIP part (RFC 6047), or ''
  calendar_method TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at_ms BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX mail_outbox_next ON mail_outbox (next_at_ms);
