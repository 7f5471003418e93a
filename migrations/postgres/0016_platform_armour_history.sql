-- The public keys a person had before they replaced their armour identity
-- (docs/armoured.md, "Replaced identities"): the envelopes they made and the
-- texts they signed still verify with them, and a workspace whose current
-- key generation they sealed needs the next one.
CREATE TABLE armour_identity_history (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  box_public TEXT NOT NULL,
  sign_public TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  replaced_at_ms BIGINT NOT NULL,
  PRIMARY KEY (user_id, sign_public)
);
