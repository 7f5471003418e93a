// Wire types of the Ruche HTTP API (docs/api.md, src/platform/routes.cpp).
// Times are ISO 8601 strings in UTC.

export const MODULES = ['chat', 'calls', 'files', 'tasks', 'calendar', 'reports'] as const;
export type ModuleName = (typeof MODULES)[number];

export function isModuleName(s: string): s is ModuleName {
  return (MODULES as readonly string[]).includes(s);
}

export type InstanceRole = 'admin' | 'member' | 'guest';
export type WorkspaceRole = 'owner' | 'admin' | 'member' | 'guest';
export const WORKSPACE_ROLES: readonly WorkspaceRole[] = ['owner', 'admin', 'member', 'guest'];
export type Access = 'none' | 'read' | 'write';
export const ACCESS_LEVELS: readonly Access[] = ['none', 'read', 'write'];
export type Locale = 'fr' | 'en';

export interface User {
  id: string;
  email: string;
  name: string;
  role: InstanceRole;
  totp_enabled: boolean;
  disabled: boolean;
  locale: string;
  created_at: string;
}

/** GET /me: the caller, with their second-factor state. */
export interface Me extends User {
  recovery_codes_left?: number;
  /** The instance requires this (admin) account to turn on TOTP. */
  mfa_required: boolean;
}

export interface LoginResponse {
  token: string;
  csrf_token: string;
  csrf_header: string;
  user: Pick<User, 'id' | 'email' | 'name'> & Partial<User>;
}

export interface Workspace {
  id: string;
  name: string;
  description: string;
  modules: string[];
  role: WorkspaceRole;
  armoured: boolean;
  archived: boolean;
  created_at: string;
  /** The last event sequence number of the workspace. */
  seq: number;
  /** GET /workspaces/{id} only: the caller's right per active module. */
  rights?: Record<string, Access>;
}

export interface Member {
  user_id: string;
  name: string;
  email: string;
  role: WorkspaceRole;
  /** An external (guest) account. */
  external: boolean;
  expires_at: string | null;
  rights: Record<string, Access>;
}

export interface MemberChange {
  role?: WorkspaceRole;
  rights?: Partial<Record<string, Access>>;
  expires_at?: string | null;
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface Invitation {
  id: string;
  workspace_id: string;
  email: string;
  role: WorkspaceRole;
  invited_by: string;
  created_at: string;
  expires_at: string;
  membership_expires_at: string | null;
  status: InvitationStatus | string;
}

export interface CreatedInvitation extends Invitation {
  token: string;
  url: string;
  emailed: boolean;
}

export interface InvitationRequest {
  email: string;
  role?: WorkspaceRole;
  expires_at?: string;
  membership_expires_at?: string;
}

export interface InvitationPreview {
  workspace_name: string;
  inviter_name: string;
  email: string;
  role: WorkspaceRole;
  account_exists: boolean;
  expires_at: string;
}

export interface AcceptResponse {
  workspace_id: string;
  user: User;
  token?: string;
  csrf_token?: string;
  csrf_header?: string;
}

export interface CredentialInfo {
  id: string;
  kind: 'session' | 'app_token' | string;
  name: string;
  created_at: string;
  last_used_at: string;
  remote_addr: string;
  user_agent: string;
  current: boolean;
}

export interface CreatedAppToken {
  id: string;
  name: string;
  token: string;
}

export interface TotpEnrollment {
  secret: string;
  otpauth_uri: string;
}

export interface PublicSettings {
  instance_name: string;
  /** A data: URL (PNG, JPEG, WebP or SVG), or empty. */
  logo: string;
  primary_color: string;
  accent_color: string;
  home_markdown: string;
  default_locale: Locale | string;
}

export interface AdminSettings extends PublicSettings {
  mfa_required_for_admins: boolean;
}

export type AdminSettingsChange = Partial<AdminSettings>;

export interface DirectoryEntry {
  id: string;
  email: string;
  name: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor_id: string;
  action: string;
  outcome: string;
  workspace_id: string;
  object: string;
  remote_addr: string;
  request_id: string;
  details: Record<string, unknown>;
}

/** One live event, as sent on the WebSocket and by GET /workspaces/{id}/events. */
export interface EventFrame<D = Record<string, unknown>> {
  type: string;
  workspace_id: string;
  seq: number;
  data: D;
}

export type SetupResponse = LoginResponse;
