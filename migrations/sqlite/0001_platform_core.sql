-- Platform core: accounts, sessions, workspaces, memberships, invitations,
-- the event outbox, the audit log and instance settings.
-- Times are Unix milliseconds; ids are 26-character random strings.

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,                  -- lower-cased
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,          -- Argon2id PHC string
  instance_role TEXT NOT NULL CHECK (instance_role IN ('admin', 'member', 'guest')),
  disabled INTEGER NOT NULL DEFAULT 0,
  totp_secret BLOB,                     -- sealed with the instance key
  totp_enabled INTEGER NOT NULL DEFAULT 0,
  totp_last_step BIGINT NOT NULL DEFAULT 0,
  locale TEXT NOT NULL DEFAULT '',
  created_at_ms BIGINT NOT NULL,
  password_changed_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE recovery_codes (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at_ms BIGINT,
  PRIMARY KEY (user_id, code_hash)
);

-- Interactive sessions and app tokens: both are bearer credentials stored as
-- the SHA-256 of the token.
CREATE TABLE credentials (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('session', 'app_token')),
  name TEXT NOT NULL DEFAULT '',
  csrf_token TEXT NOT NULL DEFAULT '',
  created_at_ms BIGINT NOT NULL,
  last_used_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,        -- absolute expiry; app tokens far in the future
  revoked_at_ms BIGINT,
  remote_addr TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX credentials_token ON credentials (token_hash);
CREATE INDEX credentials_user ON credentials (user_id, kind);

-- Failed-login throttling, per account ('acct:<email>') and per address ('ip:<addr>').
CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start_ms BIGINT NOT NULL,
  locked_until_ms BIGINT NOT NULL
);

CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  armoured INTEGER NOT NULL DEFAULT 0,
  archived_at_ms BIGINT,
  created_by TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  seq BIGINT NOT NULL DEFAULT 0         -- last event sequence number
);

CREATE TABLE workspace_modules (
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  module TEXT NOT NULL,
  enabled_at_ms BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, module)
);

CREATE TABLE memberships (
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'guest')),
  expires_at_ms BIGINT,                 -- guests invited for a limited time
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

-- Per-member, per-module rights that differ from the role's default.
CREATE TABLE member_rights (
  workspace_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  module TEXT NOT NULL,
  access TEXT NOT NULL CHECK (access IN ('none', 'read', 'write')),
  PRIMARY KEY (workspace_id, user_id, module),
  FOREIGN KEY (workspace_id, user_id) REFERENCES memberships (workspace_id, user_id) ON DELETE CASCADE
);

CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL,
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'guest')),
  invited_by TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  membership_expires_at_ms BIGINT,
  accepted_at_ms BIGINT,
  accepted_by TEXT,
  revoked_at_ms BIGINT
);
CREATE UNIQUE INDEX invitations_token ON invitations (token_hash);
CREATE INDEX invitations_workspace ON invitations (workspace_id);

-- The transactional outbox: every change appends here in its own transaction.
CREATE TABLE events (
  workspace_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  type TEXT NOT NULL,
  module TEXT NOT NULL DEFAULT '',
  audience TEXT,                        -- JSON array of user ids; NULL: every member
  data TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, seq)
);

-- Append-only, hash-chained audit log.
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  actor_id TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  workspace_id TEXT NOT NULL DEFAULT '',
  object TEXT NOT NULL DEFAULT '',
  remote_addr TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '{}',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE instance_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
