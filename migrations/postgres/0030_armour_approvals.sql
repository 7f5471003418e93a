-- Approvals of members' keys in armoured workspaces (docs/armoured.md,
-- "Approvals"): a member whose keys are approved signs, with them, the
-- public keys of another member, so that browsers give the workspace's keys
-- to people the members admitted and not to any account the server lists.
-- One row per approved key set; kept when the person replaces those keys or
-- leaves (what they approved still chains). The workspace's first approval
-- is its anchor: someone's approval of their own keys.
CREATE TABLE armour_approvals (
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  box_public TEXT NOT NULL,
  sign_public TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  signature TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, user_id, box_public, sign_public)
);
