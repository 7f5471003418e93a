-- A participant's subscriptions at the SFU (docs/calls.md, "Larger calls"):
-- the Janus handle through which it receives one other participant's media.
-- One per participant received, so a participant holds at most as many as
-- the call has other people: a new subscription to someone replaces the one
-- before, and those to people who left go at the next subscription.
CREATE TABLE calls_subscriptions (
  participant_id TEXT NOT NULL REFERENCES calls_participants (id) ON DELETE CASCADE,
  peer_id TEXT NOT NULL,
  handle BIGINT NOT NULL,
  PRIMARY KEY (participant_id, peer_id)
);
