-- Calls through the SFU (docs/calls.md, "Larger calls"): a call goes from
-- peer to peer ('p2p') to the Janus VideoRoom ('sfu') when it grows past
-- calls.p2p_max_participants, and never back. Its room's id, pin and secret
-- are made with that switch, on one of the configured Janus servers (its
-- URL); each participant's Janus session, publishing handle and feed id
-- once it sends through the room.
ALTER TABLE calls_calls ADD COLUMN mode TEXT NOT NULL DEFAULT 'p2p';
ALTER TABLE calls_calls ADD COLUMN sfu_room BIGINT;
ALTER TABLE calls_calls ADD COLUMN sfu_pin TEXT;
ALTER TABLE calls_calls ADD COLUMN sfu_secret TEXT;
ALTER TABLE calls_calls ADD COLUMN sfu_server TEXT;
ALTER TABLE calls_participants ADD COLUMN sfu_session BIGINT;
ALTER TABLE calls_participants ADD COLUMN sfu_publisher BIGINT;
ALTER TABLE calls_participants ADD COLUMN sfu_feed BIGINT;
-- The calls going on, for the timer that looks for participants gone quiet.
CREATE INDEX calls_calls_open ON calls_calls (workspace_id) WHERE ended_at_ms IS NULL;
