-- What a notice is about, for the person's choice of what is emailed to
-- them (docs/api.md "Notices"): "mentions", "invitations", "answers", or
-- '' (none chosen). users.notice_email_off: the topics they do not want
-- emailed, a JSON array.
ALTER TABLE notices ADD COLUMN topic TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN notice_email_off TEXT NOT NULL DEFAULT '[]';
