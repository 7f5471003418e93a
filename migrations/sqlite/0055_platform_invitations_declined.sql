-- An invited account may decline (POST /me/invitations/{id}/decline): the
-- inviter sees "declined", the invitee's list lets it go. A declined
-- invitation is no longer pending, as an accepted or revoked one.
ALTER TABLE invitations ADD COLUMN declined_at_ms BIGINT;
