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

/** What an emailed digest of unread notices may be about (docs/api.md "Notices"). */
export const NOTICE_TOPICS = ['mentions', 'invitations', 'answers', 'assigned', 'due'] as const;
export type NoticeTopic = (typeof NOTICE_TOPICS)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  role: InstanceRole;
  totp_enabled: boolean;
  disabled: boolean;
  locale: string;
  /** Unread notices are emailed in a digest (docs/api.md "Notices"). */
  notice_email?: boolean;
  /** Topics left out of that digest; absent from servers that predate it. */
  notice_email_off?: NoticeTopic[];
  /** Calendar reminders are emailed too, as they go off (docs/calendar.md "Reminders"). */
  reminder_email?: boolean;
  /** Their time zone (IANA name), "" until known; absent from servers that predate it. */
  time_zone?: string;
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

/**
 * A member's right on a module, from their `rights` (a workspace's, or a
 * member's): what the server says, else the default of their role (guests
 * read, others write).
 */
export function moduleRight(
  rights: Partial<Record<string, Access>> | undefined,
  role: WorkspaceRole,
  module: ModuleName,
): Access {
  return rights?.[module] ?? (role === 'guest' ? 'read' : 'write');
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

/** GET /workspaces/{id}/members: the list, and the workspace's last event it holds (null: not said). */
export interface MemberList {
  members: Member[];
  seq: number | null;
}

export interface MemberChange {
  role?: WorkspaceRole;
  rights?: Partial<Record<string, Access>>;
  expires_at?: string | null;
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'declined' | 'expired';

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

/** GET /me/invitations: an invitation to one's address, to accept in the app. */
export interface MyInvitation {
  id: string;
  workspace_id: string;
  workspace_name: string;
  /** "" when the inviter's account is gone. */
  inviter_name: string;
  role: WorkspaceRole;
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

/**
 * A notice kept for its person (docs/api.md "Notices"): what they were told
 * live (calendar.invited, task.mentioned…), with `data` as the live notice
 * carried it (its `notice_id` is this `id`), and whether they read it.
 */
export interface KeptNotice {
  id: string;
  type: string;
  data: Record<string, unknown>;
  created_at: string;
  read: boolean;
}

/** GET /me/notices: a page, newest first, and how many of all theirs are unread. */
export interface NoticePage {
  notices: KeptNotice[];
  unread: number;
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
  /** Whom the directory shows members: every internal account, or those sharing a workspace. */
  directory: 'instance' | 'workspaces';
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
  /** The actor's account, when the actor is one. */
  actor_name: string | null;
  actor_email: string | null;
  /** The workspace's name, while it exists. */
  workspace_name: string | null;
  action: string;
  outcome: string;
  workspace_id: string;
  object: string;
  remote_addr: string;
  request_id: string;
  details: Record<string, unknown>;
}

/** What GET /admin/audit narrows to; absent or empty: any. */
/** GET /admin/users: accounts by address, narrowed. */
export interface AdminUsersQuery {
  /** Words, each in the name or the address. */
  q?: string;
  role?: InstanceRole;
  status?: 'active' | 'disabled';
  /** The accounts after this address (the last of the page before). */
  after?: string;
  limit?: number;
}

export interface AuditQuery {
  /** Entries older than this one (its seq). */
  before?: number;
  actor?: string;
  workspace?: string;
  /** An action's name, or a family ending in '.' ("files."). */
  action?: string;
  outcome?: 'success' | 'failure' | 'denied';
  /** ISO 8601: at or after. */
  from?: string;
  /** ISO 8601: before. */
  to?: string;
  limit?: number;
}

/** One live event, as sent on the WebSocket and by GET /workspaces/{id}/events. */
export interface EventFrame<D = Record<string, unknown>> {
  type: string;
  workspace_id: string;
  /** 0 for ephemeral events (chat.typing): never stored nor replayed. */
  seq: number;
  /** The module the event belongs to ("chat"), when it has one. */
  module?: string;
  /** When it happened (ISO 8601), for stored events. */
  at?: string;
  data: D;
}

export type SetupResponse = LoginResponse;

// ---- Chat (docs/api.md, "Chat") -------------------------------------------

export type ChannelKind = 'public' | 'private' | 'direct';

export interface Channel {
  id: string;
  workspace_id: string;
  kind: ChannelKind;
  /** Empty for direct conversations (named by their members). */
  name: string;
  topic: string;
  archived: boolean;
  created_by: string;
  created_at: string;
  /** The sequence number of the channel's last message. */
  last_seq: number;
  last_message_at: string | null;
  /** For the caller: */
  joined: boolean;
  last_read_seq: number;
  /** Messages from others after last_read_seq (capped at 100). */
  unread: number;
  /** Mentions of the caller (or @channel, unless muted) after last_read_seq (capped at 100). */
  mentions: number;
  /** Muted by the caller: left out of the unread totals; @channel does not notify. */
  muted?: boolean;
  /** Direct conversations: who is in it. */
  member_ids?: string[];
}

export interface Reaction {
  emoji: string;
  user_ids: string[];
}

export interface Message {
  id: string;
  channel_id: string;
  workspace_id: string;
  /** Per channel, increasing. */
  seq: number;
  author_id: string;
  /** The thread's first message, for a reply. */
  thread_id: string | null;
  /** A reply also shown in the channel (roots: true). */
  in_channel: boolean;
  /** Markdown; mentions are `<@USER_ID>` and `<!channel>`; "" once deleted. */
  body: string;
  created_at: string;
  edited_at: string | null;
  deleted: boolean;
  reply_count: number;
  last_reply_at: string | null;
  pinned: boolean;
  reactions: Reaction[];
  /** User ids, and "channel" for @channel. */
  mentions: string[];
  /** Files posted with the message, in order (absent from old events). */
  attachments?: Attachment[];
  /** Armoured workspaces: `body` is "e2e1:…" ciphertext (docs/armoured.md). */
  encrypted?: boolean;
}

/** A chat attachment; images (recognised by the server from their bytes) have a size. */
export interface Attachment {
  id: string;
  name: string;
  size: number;
  content_type: string;
  width: number | null;
  height: number | null;
  image?: { width: number; height: number };
  /** Imported into an armoured workspace: the id its sealed message names it by. */
  origin_id?: string;
}

export interface NewChannel {
  name: string;
  topic?: string;
  private?: boolean;
  member_ids?: string[];
}

export interface ChannelChange {
  name?: string;
  topic?: string;
  archived?: boolean;
}

export interface NewMessage {
  /** May be empty when there are attachments. */
  body: string;
  /** Up to 10 of one's own uploads to the channel, not posted yet. */
  attachment_ids?: string[];
  thread_id?: string;
  also_in_channel?: boolean;
  /** Armoured workspaces only: who the (encrypted) body mentions. */
  mentions?: string[];
  mention_channel?: boolean;
}

/** PATCH /messages/{mid}: the new body (armoured workspaces: with its mentions). */
export interface MessageChange {
  body: string;
  mentions?: string[];
  mention_channel?: boolean;
}

/** GET /search: one hit; matches in `snippet` are between U+E000 and U+E001. */
export interface SearchResult {
  type: string;
  id: string;
  workspace_id: string;
  snippet: string;
  /** Chat messages: */
  channel_id?: string;
  author_id?: string;
  created_at?: string;
  thread_id?: string | null;
  in_channel?: boolean;
  /** Files and folders: */
  kind?: 'file' | 'folder';
  name?: string;
  path?: string;
  parent_id?: string;
  size?: number;
  mtime?: string;
  /** Tasks and events: */
  title?: string;
  updated_at?: string;
  /** Tasks: */
  status?: TaskStatus;
  due?: string | null;
  /** Events: when it (or its first occurrence) starts. */
  start?: string | null;
}

export interface SearchQuery {
  q: string;
  workspace?: string;
  type?: string;
  channel?: string;
  author?: string;
  /** ISO 8601 times. */
  from?: string;
  to?: string;
  /** Files (type "file"): the hits after this one (the last of the page before). */
  after?: string;
  limit?: number;
}

// ---- Armoured workspaces (docs/armoured.md) -------------------------------

/** GET/PUT /me/armour: a person's public keys and their sealed secret keys. */
export interface ArmourIdentity {
  /** X25519, unpadded base64url. */
  box_public: string;
  /** Ed25519, unpadded base64url. */
  sign_public: string;
  /** "id1:opslimit:memlimit:salt:nonce:sealed". */
  sealed_secret: string;
  created_at?: string;
  updated_at?: string;
}

export interface ArmourIdentityChange {
  box_public: string;
  sign_public: string;
  sealed_secret: string;
  /** New public keys: drops every envelope the person had. */
  replace?: boolean;
}

/** A member with an identity: public keys only. */
export interface ArmourMember {
  user_id: string;
  box_public: string;
  sign_public: string;
  /** The keys they replaced, oldest first: what they signed before checks with these. */
  previous?: ArmourPreviousKeys[];
}

/** Public keys a person had before they replaced their armour identity. */
export interface ArmourPreviousKeys {
  box_public: string;
  sign_public: string;
  created_at: string;
  replaced_at: string;
}

/** One of the caller's envelopes: a key generation (a workspace's or a channel's) sealed to them. */
export interface ArmourEnvelope {
  generation: number;
  sealed: string;
  signature: string;
  created_by: string;
}

/** What GET /workspaces/{id}/armour and GET /channels/{cid}/armour have in common: a key's state. */
export interface ArmourKeys {
  /** 0 until the first generation is made. */
  generation: number;
  /** A member left (or the generation came from an import): new content waits for generation + 1. */
  rotation_required: boolean;
  members: ArmourMember[];
  /** People who held a key here and left: their signatures still check. */
  former: ArmourMember[];
  /** Members without an envelope of the current generation (once anchored: approved ones). */
  missing: string[];
  /** Once the workspace is anchored, members whose current keys no member approved (docs/armoured.md, "Approvals"). */
  pending?: string[];
  /** The caller's, the eras' included (those sealed to the caller's keys here). */
  envelopes: ArmourEnvelope[];
}

/** A member's keys approved by another member (the anchor: by themselves). */
export interface ArmourApproval {
  user_id: string;
  box_public: string;
  sign_public: string;
  approved_by: string;
  signature: string;
  created_at: string;
}

/** POST /workspaces/{id}/armour/approvals: one approval signed by the caller. */
export interface NewApproval {
  user_id: string;
  box_public: string;
  sign_public: string;
  signature: string;
}

/** GET /workspaces/{id}/armour: the workspace's own key. */
export interface WorkspaceArmour extends ArmourKeys {
  /** Every approval of the workspace, oldest first (absent before approvals existed). */
  approvals?: ArmourApproval[];
  /** An imported workspace's eras, oldest first; empty or absent otherwise. */
  eras?: ArmourEra[];
}

/**
 * GET /channels/{cid}/armour: a private channel's or direct conversation's
 * own keys (members: the channel's).
 */
export interface ChannelArmour extends ArmourKeys {
  /** The channel's key in each era that had one, oldest first (the people: the workspace's eras'). */
  eras?: ChannelArmourEra[];
}

/**
 * What an imported workspace kept of one workspace its archive came from
 * (docs/armoured.md, "Importing an armoured archive"): the texts and
 * envelopes under its generations stay bound to its ids and people's keys there.
 */
export interface ArmourEra {
  /** The workspace's id there. */
  workspace_id: string;
  /** The last generation of the workspace's key from the era. */
  generation: number;
  /** The channels the caller may see, with their ids there. */
  channels: ArmourEraChannel[];
  people: ArmourEraPerson[];
}

export interface ArmourEraChannel {
  /** Here. */
  channel_id: string;
  /** There. */
  origin_channel_id: string;
  /** The last generation of the channel's own key from the era (0: none). */
  generation: number;
}

/** A person of an era: who they are here, who they were there, and their keys there. */
export interface ArmourEraPerson {
  /** Here: the author's, creator's or recipient's id as the server gives it. */
  user_id: string;
  /** There: the id the era's texts and envelopes name. */
  origin_user_id: string;
  box_public: string;
  sign_public: string;
  previous?: ArmourPreviousKeys[];
}

/** A channel's key in one era (GET /channels/{cid}/armour). */
export interface ChannelArmourEra {
  /** The workspace's id there (its people: the workspace's era with that id). */
  workspace_id: string;
  /** The channel's id there. */
  channel_id: string;
  /** The last generation of the channel's own key from the era. */
  generation: number;
}

/** An envelope as its creator sends it. */
export interface NewEnvelope {
  user_id: string;
  sealed: string;
  signature: string;
}

// ---- Calls (docs/calls.md) ----------------------------------------------------

/** A browser tab in a call. */
export interface CallParticipant {
  id: string;
  call_id: string;
  user_id: string;
  joined_at: string;
  /** Publishes its media to the SFU (a call in `sfu` mode). */
  sending: boolean;
}

/**
 * How a call's media flows: peer to peer between every two participants, or
 * through the SFU (Janus), which the server moves a call to past
 * `calls.p2p_max_participants` (never back).
 */
export type CallMode = 'p2p' | 'sfu';

/** A call: `participants` are the ones in it now; `ended_at` null while it goes on. */
export interface Call {
  id: string;
  workspace_id: string;
  title: string;
  started_by: string;
  started_at: string;
  ended_at: string | null;
  mode: CallMode;
  participants: CallParticipant[];
}

/** POST /calls/{cid}/participants: this tab is in. */
export interface CallJoin {
  participant: CallParticipant;
  call: Call;
  /** As RTCPeerConnection takes them (empty unless the server has STUN/TURN configured). */
  ice_servers: RTCIceServer[];
  heartbeat_seconds: number;
}

export type CallSignalKind = 'offer' | 'answer' | 'candidate' | 'bye';

/** The SFU's answer to a participant's offer (POST .../sfu/publish). */
export interface SfuAnswer {
  type: 'answer';
  sdp: string;
}

/** A subscription to another participant's media: the SFU's offer (POST .../sfu/subscriptions). */
export interface SfuSubscription {
  id: string;
  type: 'offer';
  sdp: string;
}

/** An ICE candidate as POST .../sfu/trickle takes it. */
export interface SfuCandidate {
  candidate: string;
  sdpMid?: string;
  sdpMLineIndex?: number;
}

/** `publisher` or a subscription id; no candidates: the end of them. */
export interface SfuTrickle {
  target: string;
  candidates: SfuCandidate[];
}

/** The ephemeral `call.signal` event's data: for participant `to` only. */
export interface CallSignal {
  call_id: string;
  from: string;
  from_user_id: string;
  to: string;
  kind: CallSignalKind;
  data: Record<string, unknown> | null;
}

/** The ephemeral `call.ringing` event's data: someone in a call rings the reader in. */
export interface CallRinging {
  call_id: string;
  workspace_id: string;
  title: string;
  from_user_id: string;
  /** How long it rings (30). */
  ring_seconds: number;
}

/** The ephemeral `call.declined` event's data: `user_id` declined a ring to `call_id`. */
export interface CallDeclined {
  call_id: string;
  user_id: string;
}

// ---- Files (docs/api.md, "Files") -----------------------------------------

export type NodeKind = 'file' | 'folder';

/** A live WebDAV lock covering a node (exclusive; writes by others answer 423). */
export interface NodeLock {
  user_id: string;
  expires_at: string;
}

export interface FileNode {
  id: string;
  workspace_id: string;
  /** null at the workspace's root. */
  parent_id: string | null;
  name: string;
  /** "/a/b"; for trashed nodes, where they were. */
  path: string;
  kind: NodeKind;
  size: number;
  etag: string;
  mtime: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  /** Files only: */
  content_type?: string;
  version?: number;
  sha256?: string;
  /** Trashed nodes only: */
  trashed_at?: string;
  trashed_by?: string;
  /** Present while a lock covers the node. */
  lock?: NodeLock | null;
  /**
   * Armoured workspaces (docs/armoured.md, "Files"): `name` is the entry's
   * name token; its real name is sealed in `sealed_name` by
   * `sealed_name_by`, and a file's current version's key, size and type in
   * `sealed_content` by `sealed_content_by`.
   */
  sealed_name?: string;
  sealed_name_by?: string;
  sealed_content?: string;
  sealed_content_by?: string;
}

export interface FileListing {
  /** The folder listed; the root has an empty id. */
  folder: FileNode;
  /** Folders first. */
  items: FileNode[];
  total: number;
  offset: number;
}

export interface FileVersion {
  number: number;
  size: number;
  sha256: string;
  etag: string;
  created_at: string;
  created_by: string;
  mtime: string;
  current: boolean;
  /** Armoured workspaces: this version's content record, by `created_by`. */
  sealed?: string;
}

export interface FilesUsage {
  used_bytes: number;
  /** null: unlimited. */
  quota_bytes: number | null;
}

export type ShareMode = 'read' | 'upload';

export interface FileShare {
  id: string;
  node_id: string;
  mode: ShareMode;
  has_password: boolean;
  expires_at: string | null;
  max_downloads: number | null;
  downloads: number;
  created_by: string;
  created_at: string;
}

/** POST /files/{fid}/shares: the link is in the answer only. */
export interface CreatedShare extends FileShare {
  token: string;
  url: string;
}

/** GET /s/{token}/info[/path]: what a share link opens, for its public page. */
export interface ShareInfo {
  mode: ShareMode;
  /** What is at the path asked for (the shared item without one). */
  kind: 'file' | 'folder';
  name: string;
  /** The shared item's name. */
  root_name: string;
  /** Files only. */
  size?: number;
  mtime?: string;
  limit_reached: boolean;
  expires_at?: string;
}

export interface ShareItem {
  name: string;
  kind: 'file' | 'folder';
  size: number;
  mtime: string;
}

/** GET /s/{token}[/files/...] as JSON: a folder of a read-only link. */
export interface ShareListing {
  mode: 'read';
  name: string;
  items: ShareItem[];
  total: number;
}

/** PUT /s/{token}/files/{name}: the name the file got (renamed on collision). */
export interface DroppedFile {
  name: string;
  size: number;
}

export interface NewShare {
  mode?: ShareMode;
  password?: string;
  expires_at?: string;
  max_downloads?: number;
}

/** POST /admin/workspaces/import: what came back from an export (docs/export.md). */
export interface ImportResult {
  workspace: Workspace;
  /** Per module, its counts: {chat: {channels, messages, attachments}, files: {folders, files, versions, bytes}}. */
  imported: Record<string, Record<string, number>>;
  /** Members of the archive without an active account here (by e-mail): not added. */
  unmatched_members: string[];
  /** Accounts made, disabled, for members without one (with accounts=create). */
  created_accounts: string[];
  /** Parts of the archive this server has no module for. */
  not_imported: string[];
}

// ---- Tasks (docs/api.md, "Tasks"; docs/tasks.md) ---------------------------

export type TaskStatus = 'todo' | 'doing' | 'done';
/** The board's columns, in order. */
export const TASK_STATUSES: readonly TaskStatus[] = ['todo', 'doing', 'done'];

export interface Task {
  id: string;
  workspace_id: string;
  title: string;
  /** Markdown. */
  description: string;
  status: TaskStatus;
  /** Orders a column (lower first): any number. */
  position: number;
  assignee_ids: string[];
  labels: string[];
  /** An ISO 8601 date ("2026-12-10") or date and time, as it was given; null: none. */
  due: string | null;
  /** The tasks (of the same workspace) this one waits for. */
  blocked_by: string[];
  /** Read only: the tasks that wait for this one. */
  blocks: string[];
  /** One of the tasks it waits for is not done. */
  blocked: boolean;
  created_by: string;
  created_at: string;
  updated_at: string;
  /** Set while the task is done. */
  completed_at: string | null;
  /** Raised by every change (not by comments); the ETag is "v<version>". */
  version: number;
  /** Its checklist, in order. */
  checklist: ChecklistItem[];
  /** How many comments it has. */
  comment_count: number;
  /**
   * In an armoured workspace (docs/armoured.md, "Tasks"; `title`,
   * `description` and `labels` are empty there): its token (16 random
   * bytes, unpadded base64url, never changed), its card (the title,
   * description and labels sealed) and who sealed the card.
   */
  token?: string;
  sealed?: string;
  sealed_by?: string;
}

/** One line of a task's checklist; ticked, it says by whom and when. */
export interface ChecklistItem {
  id: string;
  /** One line, 1–500 bytes (sealed in an armoured workspace). */
  text: string;
  /** Who wrote its text last. */
  text_by?: string;
  done: boolean;
  /** Orders the list (lower first), as on the board: any number. */
  position: number;
  done_by: string | null;
  done_at: string | null;
}

/** POST /tasks/{tid}/checklist: at the end unless `position`. */
export interface NewChecklistItem {
  text: string;
  done?: boolean;
  position?: number;
}

/** PATCH /tasks/{tid}/checklist/{item_id}. */
export type ChecklistItemChange = Partial<NewChecklistItem>;

/** A comment on a task (Markdown): the task's conversation, not its state. */
export interface TaskComment {
  id: string;
  task_id: string;
  author_id: string;
  body: string;
  created_at: string;
  /** Set once its author changed it. */
  edited_at: string | null;
}

/** POST /workspaces/{id}/tasks. */
export interface NewTask {
  title: string;
  description?: string;
  status?: TaskStatus;
  assignee_ids?: string[];
  due?: string;
  labels?: string[];
  blocked_by?: string[];
  position?: number;
  /** Its checklist from the start, in order. */
  checklist?: { text: string; done?: boolean }[];
}

/**
 * PATCH /tasks/{tid}: any field of NewTask but the checklist (changed item
 * by item); `due: null` clears it.
 */
export type TaskChange = Partial<Omit<NewTask, 'due' | 'checklist'>> & { due?: string | null };

/**
 * POST /workspaces/{id}/tasks in an armoured workspace: a new token and the
 * card sealed for it instead of the title, description and labels; the
 * checklist's texts sealed (docs/armoured.md, "Tasks").
 */
export type SealedNewTask = Omit<NewTask, 'title' | 'description' | 'labels'> & {
  token: string;
  sealed: string;
};

/** PATCH /tasks/{tid} in an armoured workspace: a new card instead of the texts. */
export type SealedTaskChange = Omit<TaskChange, 'title' | 'description' | 'labels'> & {
  sealed?: string;
};

// ---- Calendar (docs/calendar.md) ---------------------------------------------

/** What an iCalendar object holds: events (the JSON API edits these), to-dos and journal entries (from CalDAV apps). */
export type CalendarKind = 'event' | 'todo' | 'journal';

/**
 * GET/POST/PATCH answers. Times are instants (UTC, ISO 8601) or, all day,
 * dates ("2026-12-10") with an exclusive end; null for an object without.
 */
export interface CalendarEvent {
  id: string;
  /** Null: the person's own calendar. */
  workspace_id: string | null;
  uid: string;
  kind: CalendarKind;
  title: string;
  description: string;
  location: string;
  start: string | null;
  end: string | null;
  all_day: boolean;
  /** The IANA zone the event keeps its local times in; null: UTC. */
  timezone: string | null;
  /** An RRULE value ("FREQ=WEEKLY;COUNT=10"), or null. */
  rrule: string | null;
  recurring: boolean;
  /** Who invited the attendees (whoever set them first); null: no invitations. */
  organizer: CalendarPerson | null;
  /** The people invited, with their answers to the series (the organizer is not among them). */
  attendees: CalendarAttendee[];
  /**
   * A recurring event's answers to single occurrences, where they differ
   * from the attendee's answer to the series; dropped when the series'
   * times, rule or zone change.
   */
  instance_answers: CalendarInstanceAnswer[];
  /**
   * A recurring event's occurrences changed apart from the series (moved,
   * or their texts), as they are now; dropped when the series' times, rule
   * or zone change.
   */
  changed_occurrences: CalendarChangedOccurrence[];
  /** The original starts of the occurrences cancelled (the series goes on without them). */
  cancelled_occurrences: string[];
  created_by: string;
  created_at: string;
  updated_at: string;
  /** The calendar's change number that wrote it; the ETag is "<version>". */
  version: number;
  /** The subscription it was read from (read only), or null. */
  subscription_id?: string | null;
  /**
   * The reader's own reminders: minutes before each occurrence's start
   * (absent where the server did not read them: lists, armoured events).
   */
  reminders?: number[];
}

/** An attendee's answer to an invitation (iCalendar PARTSTAT, in lower case). */
export type CalendarPartstat = 'needs-action' | 'accepted' | 'declined' | 'tentative';
export const CALENDAR_PARTSTATS: readonly CalendarPartstat[] = [
  'needs-action',
  'accepted',
  'declined',
  'tentative',
];

/** What an invitee answers (POST …/reply, the answer link). */
export type CalendarAnswer = Exclude<CalendarPartstat, 'needs-action'>;

/** An organizer, or an attendee (`name` may be empty). */
export interface CalendarPerson {
  email: string;
  name: string;
  /** An armoured workspace's event: the member's id (its people are members only). */
  user_id?: string;
}

export interface CalendarAttendee extends CalendarPerson {
  partstat: CalendarPartstat;
}

/** An attendee's answer to one occurrence of a recurring event (RFC 5546 instance reply). */
export interface CalendarInstanceAnswer {
  /** The occurrence's original start, as its occurrence's `recurrence_id`. */
  recurrence_id: string;
  email: string;
  partstat: CalendarPartstat;
}

/** One occurrence of a recurring event changed apart: when it is now, and its texts. */
export interface CalendarChangedOccurrence {
  /** Its original start, as its occurrence's `recurrence_id`. */
  recurrence_id: string;
  /** Instants, or dates all day (the end exclusive), as the event's. */
  start: string;
  end: string;
  title: string;
  description: string;
  location: string;
}

/**
 * An attendee in a request: a colleague (someone who shares a workspace
 * with the caller) by id, or anyone by email.
 */
export type CalendarAttendeeRequest = { user_id: string } | { email: string; name?: string };

/** GET/POST /calendar/invitations/{token}: an external attendee's answer link (no account). */
export interface CalendarInvitation {
  event: Pick<
    CalendarEvent,
    | 'title'
    | 'description'
    | 'location'
    | 'start'
    | 'end'
    | 'all_day'
    | 'timezone'
    | 'rrule'
    | 'recurring'
    | 'organizer'
    | 'attendees'
    | 'updated_at'
    | 'version'
  >;
  attendee: { email: string; partstat: CalendarPartstat };
  /**
   * A recurring event's next occurrences (at most 52, from a day ago), each
   * with the attendee's answer to it; empty for a single event.
   */
  occurrences: CalendarInvitationOccurrence[];
}

/** One occurrence on an answer link: when, and the attendee's answer to it. */
export interface CalendarInvitationOccurrence {
  /** What an answer to this occurrence alone names (its original start). */
  recurrence_id: string;
  start: string;
  end: string;
  partstat: CalendarPartstat;
}

/** One instance of an event in a time range (a recurring event has one per date). */
export interface CalendarOccurrence {
  event_id: string;
  workspace_id: string | null;
  kind: CalendarKind;
  title: string;
  location: string;
  start: string | null;
  end: string | null;
  all_day: boolean;
  recurring: boolean;
  /** The instance's original start (ISO) for recurring events, else null. */
  recurrence_id: string | null;
  /** The caller's answer to this occurrence when invited to the event, else null. */
  partstat: CalendarPartstat | null;
  /** The subscription it was read from (read only), or null. */
  subscription_id?: string | null;
}

/**
 * A person's read-only copy of a calendar published elsewhere (an .ics
 * address), read again by the server (docs/calendar.md "Subscriptions").
 */
export interface CalendarSubscription {
  id: string;
  name: string;
  url: string;
  refresh_minutes: number;
  /** The last read that succeeded. */
  refreshed_at: string | null;
  next_refresh_at: string;
  /** The last read's error code (feed_status, unreachable…), or null. */
  error: string | null;
  created_at: string;
}

/** What an .ics file's import did (docs/calendar.md "Import"). */
export interface CalendarImport {
  imported: number;
  /** Events of UIDs the calendar held already: left as they are. */
  existing: number;
  /** Objects the checks refused; the first 20 named. */
  refused: number;
  refusals: { uid: string; reason: string }[];
}

/** GET /me/calendar/subscriptions: `available`, whether this person may subscribe here. */
export interface CalendarSubscriptions {
  available: boolean;
  subscriptions: CalendarSubscription[];
}

/**
 * GET /calendar/freebusy: when one person is taken in the range asked
 * (docs/calendar.md "Free and busy"): merged spans (ISO instants) cut to
 * the range, nothing else of the events.
 */
export interface CalendarFreeBusy {
  user_id: string;
  busy: { start: string; end: string }[];
}

/** POST /workspaces/{id}/calendar/events. */
export interface NewCalendarEvent {
  title: string;
  description?: string;
  location?: string;
  start: string;
  end: string;
  all_day?: boolean;
  timezone?: string | null;
  rrule?: string | null;
  /** The people invited (at most 100): replaces the event's list, [] removes them all. */
  attendees?: CalendarAttendeeRequest[];
  /** The caller's own reminders (at most 5, minutes before the start, 0 to 40,320); [] none. */
  reminders?: number[];
}

/** PATCH /calendar/events/{eid}: any of the fields. */
export type CalendarEventChange = Partial<NewCalendarEvent>;

/**
 * PATCH /calendar/events/{eid} with a `recurrence_id`: what one occurrence
 * of a recurring event changes apart (its zone and all day are the series').
 */
export type CalendarOccurrenceChange = Partial<
  Pick<NewCalendarEvent, 'title' | 'description' | 'location' | 'start' | 'end'>
>;

/**
 * An event of an armoured workspace's calendar (docs/armoured.md,
 * "Calendar"), in answers and calendar.event_* events: every fact of it is
 * in its sealed card, bound to its token.
 */
export interface SealedCalendarEvent {
  id: string;
  workspace_id: string;
  kind: 'event';
  token: string;
  /** The card: "e2e1:g:nonce:ciphertext:signature". */
  sealed: string;
  /** Who sealed the card (whoever changed the event last). */
  sealed_by: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  /** The calendar's change number that wrote it; the ETag is "<version>". */
  version: number;
  /**
   * Who invited the attendees (whoever sent the list last); null: nobody
   * invited. Absent from an older server's events: nobody.
   */
  organizer?: SealedCalendarPerson | null;
  /** The members invited, with their answers to the series (absent: nobody). */
  attendees?: SealedCalendarAttendee[];
}

/** An armoured event's organizer, or an attendee: a member of the workspace. */
export interface SealedCalendarPerson extends CalendarPerson {
  user_id: string;
}

export interface SealedCalendarAttendee extends SealedCalendarPerson {
  /** Their answer to the series. */
  partstat: CalendarPartstat;
  /**
   * Their answers to single occurrences, sealed and signed by them
   * (docs/armoured.md, "Attendees"); absent: none.
   */
  sealed_answers?: string;
  /**
   * The token `sealed_answers` were sealed for when not the event's: the
   * series it was cut from, which its card names (cut_from).
   */
  answers_token?: string;
}

/** An armoured event's attendee in a request: a member who reads the calendar, by id. */
export interface SealedAttendeeRequest {
  user_id: string;
}

/**
 * POST /calendar/events/{eid}/reply in an armoured workspace, one at least:
 * the caller's answer to the series (their answers apart then dropped,
 * unless new ones come with it), and their answers to single occurrences
 * sealed by them (null: none).
 */
export type SealedCalendarReply =
  | { partstat: CalendarAnswer; sealed_answers?: string | null }
  | { partstat?: CalendarAnswer; sealed_answers: string | null };

/** GET /workspaces/{id}/calendar/sealed: a page of the changes after a version. */
export interface SealedCalendarPage {
  events: SealedCalendarEvent[];
  /** Events deleted since, by id. */
  deleted: string[];
  /** Where the next request goes on from (its `after`). */
  version: number;
  /** More to read now. */
  more: boolean;
}

/**
 * POST /workspaces/{id}/calendar/events in an armoured workspace: a new
 * token and its card, and the members it invites (the creator becomes the
 * organizer).
 */
export interface NewSealedCalendarEvent {
  token: string;
  sealed: string;
  attendees?: SealedAttendeeRequest[];
}

/**
 * PATCH /calendar/events/{eid} in an armoured workspace: a new card, the
 * members invited (replacing the list; whoever sends one not empty becomes
 * the organizer), or both. With `following`, the series cut in two: its
 * card (ending before the cut, its people kept) and the new event holding
 * the rest, created with it — its people the series' (their answers to the
 * series kept) unless it names others; the answer is that new event.
 */
export interface SealedCalendarEventChange {
  sealed?: string;
  attendees?: SealedAttendeeRequest[];
  following?: NewSealedCalendarEvent;
}

// ---- Reports (docs/reports.md) -------------------------------------------------

/** One UTC day of a report's activity: the workspace's events, by module ("workspace": members, settings). */
export interface ReportDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  total: number;
  by_module: Record<string, number>;
}

/** One person's tasks in a report: open now, of which overdue, and completed in the period. */
export interface ReportTaskLoad {
  user_id: string;
  open: number;
  overdue: number;
  completed: number;
}

/**
 * The tasks module's part of a report, beside its figures (numbers, shown
 * as such): the board's columns now, and the people with tasks (at most
 * 100, the most open tasks first; `assignees_total` of them in all).
 */
export interface ReportTasks {
  by_status?: { todo: number; doing: number; done: number };
  assignees?: ReportTaskLoad[];
  assignees_total?: number;
  unassigned?: number;
}

/**
 * GET /workspaces/{id}/reports/summary?days=N[&today=YYYY-MM-DD]: the last N
 * days, from midnight UTC N days ago until now. `modules` holds the modules
 * active in the workspace that the caller may read, each with the figures it
 * reports (chat: messages, authors, channels; files: files, bytes,
 * versions_since; tasks: tasks_created, tasks_completed, tasks_open, overdue,
 * due_this_week, unassigned, and ReportTasks; calendar: events…).
 */
export interface ReportSummary {
  workspace_id: string;
  days: number;
  /** ISO instants. */
  since: string;
  until: string;
  members: { total: number; guests: number };
  /** Each module's figures: numbers, and what a module reports besides (ReportTasks). */
  modules: Record<string, Record<string, unknown>>;
  /** One entry per UTC day from `since` to today, zeros included, oldest first. */
  activity: ReportDay[];
}
