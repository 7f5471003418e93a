// The one HTTP client of the web app. Every screen goes through `api`
// (src/api/index.ts); tests build their own with a fake fetch.
//
// Authentication is the HttpOnly session cookie set by POST /auth/login
// (credentials: 'same-origin'); writes carry the CSRF token that the login
// answer gave, under the header it named.
import type {
  AcceptResponse,
  AdminSettings,
  ArmourIdentity,
  ArmourIdentityChange,
  AdminSettingsChange,
  Attachment,
  AuditEntry,
  AuditQuery,
  AdminUsersQuery,
  CalendarAnswer,
  CalendarEvent,
  CalendarEventChange,
  CalendarInvitation,
  CalendarOccurrence,
  CalendarOccurrenceChange,
  CalendarFreeBusy,
  CalendarImport,
  CalendarSubscription,
  CalendarSubscriptions,
  Call,
  CallJoin,
  CallSignalKind,
  SfuAnswer,
  SfuSubscription,
  SfuTrickle,
  Channel,
  ChannelArmour,
  ChannelChange,
  CreatedAppToken,
  CreatedInvitation,
  CreatedShare,
  CredentialInfo,
  DroppedFile,
  DirectoryEntry,
  EventFrame,
  FileListing,
  FileNode,
  FileShare,
  FilesUsage,
  FileVersion,
  ImportResult,
  Invitation,
  InvitationPreview,
  InvitationRequest,
  LoginResponse,
  Me,
  MyInvitation,
  Member,
  MemberChange,
  MemberList,
  Message,
  MessageChange,
  NewCalendarEvent,
  NoticePage,
  NoticeTopic,
  NewSealedCalendarEvent,
  NewChannel,
  NewApproval,
  NewEnvelope,
  NewMessage,
  NewShare,
  PublicSettings,
  ReportSummary,
  SearchQuery,
  SearchResult,
  SetupResponse,
  ShareInfo,
  ShareListing,
  ChecklistItem,
  ChecklistItemChange,
  NewChecklistItem,
  Task,
  TaskChange,
  TaskComment,
  TaskStatus,
  NewTask,
  SealedNewTask,
  SealedTaskChange,
  TotpEnrollment,
  User,
  Workspace,
  WorkspaceArmour,
  SealedCalendarEvent,
  SealedCalendarEventChange,
  SealedCalendarPage,
  SealedCalendarReply,
} from './types';

/** A failed request: the server's `{"error":{code,message}}`, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds, from Retry-After (429). */
  readonly retryAfter: number | undefined;

  constructor(status: number, code: string, message: string, retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

export function isApiError(e: unknown, code?: string): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}

/** Where the CSRF token of the current cookie session is kept. */
export interface CsrfStore {
  get(): { header: string; token: string } | null;
  set(value: { header: string; token: string } | null): void;
}

export function memoryCsrfStore(): CsrfStore {
  let v: { header: string; token: string } | null = null;
  return {
    get: () => v,
    set: (x) => {
      v = x;
    },
  };
}

/** An upload in flight: its answer, and how to stop it. */
export interface Upload<T> {
  done: Promise<T>;
  abort(): void;
}

export interface ApiOptions {
  csrf: CsrfStore;
  fetch?: typeof fetch;
  /** Prefix of every path, '' for same origin. */
  baseUrl?: string;
  /** Uploads with progress (XMLHttpRequest); tests give their own. */
  xhr?: () => XMLHttpRequest;
  /** Called when an authenticated request answers 401: the session ended. */
  onUnauthorized?: (e: ApiError) => void;
}

interface RequestOptions {
  body?: unknown;
  /** 401 is an expected answer (login, setup): do not report the session as ended. */
  anonymous?: boolean;
  signal?: AbortSignal;
  /** More request headers (If-Match). */
  headers?: Record<string, string>;
  /** Outlives the page (fetch keepalive): a call left as the tab closes. */
  keepalive?: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const seg = encodeURIComponent;

/** A page of messages: how many, and before which one (the latest when absent). */
export interface MessagePage {
  limit?: number;
  before?: string;
  signal?: AbortSignal;
}

function pageQuery(o: MessagePage): string {
  const q = new URLSearchParams();
  if (o.limit) q.set('limit', String(o.limit));
  if (o.before) q.set('before', o.before);
  const qs = q.toString();
  return qs ? `?${qs}` : '';
}

/** "?k=v&..." of the fields set (not undefined, not empty); "" when none is. */
function queryOf(o: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return qs ? `?${qs}` : '';
}

export function createApi(options: ApiOptions) {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const base = options.baseUrl ?? '';

  async function request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    return send<T>(method, base + '/api/v1' + path, o, true);
  }

  /**
   * A request whose answer also says, in its ETag, the version of the task
   * it changed (the checklist routes answer an item, or nothing); null
   * when the ETag is missing or not a task's ("v<version>").
   */
  async function versioned<T>(
    method: string,
    path: string,
    o: RequestOptions = {},
  ): Promise<{ value: T; version: number | null }> {
    const { value, res } = await exchange<T>(method, base + '/api/v1' + path, o, true);
    return { value, version: versionOf(res.headers.get('ETag')) };
  }

  /** `url` is complete; `session` sends the CSRF header (API routes, not share links). */
  async function send<T>(
    method: string,
    url: string,
    o: RequestOptions,
    session: boolean,
  ): Promise<T> {
    return (await exchange<T>(method, url, o, session)).value;
  }

  /** The answer's body (parsed) and the answer itself (its headers); an ApiError unless 2xx. */
  async function exchange<T>(
    method: string,
    url: string,
    o: RequestOptions,
    session: boolean,
  ): Promise<{ value: T; res: Response }> {
    const headers: Record<string, string> = { ...o.headers, Accept: 'application/json' };
    let body: string | undefined;
    if (o.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    const csrf = session ? options.csrf.get() : null;
    if (!SAFE_METHODS.has(method) && csrf) headers[csrf.header] = csrf.token;

    let res: Response;
    try {
      res = await doFetch(url, {
        method,
        headers,
        body,
        credentials: 'same-origin',
        signal: o.signal,
        ...(o.keepalive ? { keepalive: true } : {}),
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network', e instanceof Error ? e.message : 'network error');
    }
    if (res.status === 204) return { value: undefined as T, res };
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!res.ok) {
      const err = errorOf(res, parsed);
      if (res.status === 401 && !o.anonymous) options.onUnauthorized?.(err);
      throw err;
    }
    return { value: parsed as T, res };
  }

  /**
   * Raw bytes to `path` with upload progress (fetch cannot report it). The
   * cookie session goes with it (same origin), and the CSRF header.
   */
  function upload<T>(
    path: string,
    file: Blob,
    onProgress?: (sent: number, total: number) => void,
  ): Upload<T> {
    return sendBytes<T>('POST', base + '/api/v1' + path, file, onProgress, true);
  }

  function sendBytes<T>(
    method: string,
    url: string,
    file: Blob,
    onProgress: ((sent: number, total: number) => void) | undefined,
    session: boolean,
  ): Upload<T> {
    const xhr = (options.xhr ?? (() => new XMLHttpRequest()))();
    const done = new Promise<T>((resolve, reject) => {
      xhr.open(method, url);
      xhr.withCredentials = true;
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      const csrf = session ? options.csrf.get() : null;
      if (csrf) xhr.setRequestHeader(csrf.header, csrf.token);
      xhr.upload.onprogress = (e) =>
        onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onload = () => {
        let parsed: unknown;
        try {
          parsed = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
        } catch {
          parsed = undefined;
        }
        if (xhr.status >= 200 && xhr.status < 300) {
          resolve(parsed as T);
          return;
        }
        const headers = new Headers();
        const ra = xhr.getResponseHeader('Retry-After');
        if (ra) headers.set('Retry-After', ra);
        const err = errorOf(new Response(null, { status: xhr.status, headers }), parsed);
        if (xhr.status === 401 && session) options.onUnauthorized?.(err);
        reject(err);
      };
      xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'));
      xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
      xhr.send(file);
    });
    return { done, abort: () => xhr.abort() };
  }

  /** GET of bytes under /api/v1 with the session cookie; an ApiError unless 2xx. */
  async function fetchContent(
    path: string,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    let res: Response;
    try {
      res = await doFetch(`${base}/api/v1${path}`, {
        headers,
        credentials: 'same-origin',
        signal,
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network', e instanceof Error ? e.message : 'network error');
    }
    if (!res.ok) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await res.text());
      } catch {
        parsed = undefined;
      }
      throw errorOf(res, parsed);
    }
    return res;
  }

  const shareBase = (token: string) => `${base}/s/${seg(token)}`;
  const shareUrl = (token: string, path: readonly string[]) =>
    path.length ? `${shareBase(token)}/files/${path.map(seg).join('/')}` : shareBase(token);

  const get = <T>(path: string, o?: RequestOptions) => request<T>('GET', path, o);
  const post = <T>(path: string, body?: unknown, o?: RequestOptions) =>
    request<T>('POST', path, { ...o, body: body ?? {} });
  const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
  const del = (path: string) => request<undefined>('DELETE', path);
  /** If-Match for a version of a task ("v<version>"): 412 precondition_failed when it changed since. */
  const ifVersion = (version?: number) =>
    version === undefined ? undefined : { 'If-Match': `"v${version}"` };
  /** If-Match for a calendar object: its ETag is the calendar's change number, "<version>". */
  const ifCalendarVersion = (version?: number) =>
    version === undefined ? undefined : { 'If-Match': `"${version}"` };
  const range = (from: string, to: string) => `from=${seg(from)}&to=${seg(to)}`;
  /** An invitee's answer: `recurrence_id` only for one occurrence (none: the whole series). */
  const replyBody = (partstat: CalendarAnswer, recurrenceId: string | null) =>
    recurrenceId === null ? { partstat } : { partstat, recurrence_id: recurrenceId };

  return {
    request,

    settings: {
      public: () => get<PublicSettings>('/settings/public', { anonymous: true }),
    },

    setup: {
      status: () => get<{ needed: boolean }>('/setup', { anonymous: true }),
      complete: (b: { token: string; email: string; name: string; password: string }) =>
        post<SetupResponse>('/setup', b, { anonymous: true }),
    },

    auth: {
      login: (b: { email: string; password: string; totp_code?: string }) =>
        post<LoginResponse>('/auth/login', b, { anonymous: true }),
      logout: () => request<undefined>('POST', '/auth/logout', { anonymous: true }),
      /** The cookie session's CSRF token, for a tab opened after the login. */
      session: () =>
        get<{ user: User; csrf_header: string; csrf_token: string }>('/auth/session', {
          anonymous: true,
        }),
    },

    me: {
      get: (o?: RequestOptions) => get<Me>('/me', o),
      /** `notice_email_off` replaces the whole list. */
      update: (b: {
        name?: string;
        locale?: string;
        notice_email?: boolean;
        notice_email_off?: NoticeTopic[];
        reminder_email?: boolean;
        time_zone?: string;
      }) => patch<User>('/me', b),
      changePassword: (b: { current_password: string; new_password: string }) =>
        post<undefined>('/me/password', b),
      totpBegin: () => post<TotpEnrollment>('/me/totp/begin'),
      totpConfirm: (code: string) =>
        post<{ recovery_codes: string[] }>('/me/totp/confirm', { code }),
      totpDisable: (password: string) => post<undefined>('/me/totp/disable', { password }),
      newRecoveryCodes: (password: string) =>
        post<{ recovery_codes: string[] }>('/me/recovery-codes', { password }),
      sessions: () => get<CredentialInfo[]>('/me/sessions'),
      revokeSession: (id: string) => del(`/me/sessions/${seg(id)}`),
      createAppToken: (name: string) => post<CreatedAppToken>('/me/app-tokens', { name }),
      /** One's kept notices, newest first, older than notice `before` when given; `limit` 1..100. */
      notices: (o: { before?: string; limit?: number } = {}) => {
        const q = new URLSearchParams();
        if (o.before) q.set('before', o.before);
        if (o.limit) q.set('limit', String(o.limit));
        const query = q.toString();
        return get<NoticePage>(`/me/notices${query ? `?${query}` : ''}`);
      },
      /** The pending invitations to one's address, newest first. */
      invitations: () => get<MyInvitation[]>('/me/invitations'),
      /** Accepts one of them: one is a member at once. */
      acceptInvitation: (id: string) => post<AcceptResponse>(`/me/invitations/${seg(id)}/accept`),
      /** Declines one of them: closed, "declined" to the workspace's managers. */
      declineInvitation: (id: string) => post<undefined>(`/me/invitations/${seg(id)}/decline`),
      /** Marks read these of one's notices (at most 100), or all; how many stay unread. */
      readNotices: (which: { ids: string[] } | { all: true }) =>
        post<{ unread: number }>('/me/notices/read', which),
    },

    users: {
      search: (q: string) => get<DirectoryEntry[]>(`/users?q=${seg(q)}`),
    },

    workspaces: {
      list: () => get<Workspace[]>('/workspaces'),
      get: (id: string) => get<Workspace>(`/workspaces/${seg(id)}`),
      create: (b: { name: string; description?: string; modules: string[]; armoured?: boolean }) =>
        post<Workspace>('/workspaces', b),
      update: (id: string, b: { name?: string; description?: string; modules?: string[] }) =>
        patch<Workspace>(`/workspaces/${seg(id)}`, b),
      remove: (id: string) => del(`/workspaces/${seg(id)}`),
      archive: (id: string) => post<Workspace>(`/workspaces/${seg(id)}/archive`),
      unarchive: (id: string) => post<Workspace>(`/workspaces/${seg(id)}/unarchive`),
      /** Where a browser downloads the workspace's export (owners and admins; a tar archive). */
      exportUrl: (id: string) => `${base}/api/v1/workspaces/${seg(id)}/export`,
      /** Whether an export would start now: HEAD answers 503 while another runs on the server. */
      exportReady: (id: string) => request<undefined>('HEAD', `/workspaces/${seg(id)}/export`),
      /** The members, sorted by name, as of the workspace's event `seq` (null: not said). */
      members: async (id: string): Promise<MemberList> => {
        const { value, res } = await exchange<Member[]>(
          'GET',
          `${base}/api/v1/workspaces/${seg(id)}/members`,
          {},
          true,
        );
        const seq = Number(res.headers.get('Ruche-Seq') ?? NaN);
        return { members: value, seq: Number.isSafeInteger(seq) ? seq : null };
      },
      changeMember: (id: string, userId: string, b: MemberChange) =>
        patch<Member>(`/workspaces/${seg(id)}/members/${seg(userId)}`, b),
      removeMember: (id: string, userId: string) =>
        del(`/workspaces/${seg(id)}/members/${seg(userId)}`),
      /**
       * A page of the workspace's invitations, newest first: the pending ones
       * or the others (`status`), those before invitation `before`; without
       * `status`, one page with the pending ones first.
       */
      invitations: (
        id: string,
        o: { status?: 'pending' | 'closed'; before?: string; limit?: number } = {},
      ) => {
        const q = new URLSearchParams();
        if (o.status) q.set('status', o.status);
        if (o.before) q.set('before', o.before);
        if (o.limit) q.set('limit', String(o.limit));
        const query = q.toString();
        return get<Invitation[]>(`/workspaces/${seg(id)}/invitations${query ? `?${query}` : ''}`);
      },
      invite: (id: string, b: InvitationRequest) =>
        post<CreatedInvitation>(`/workspaces/${seg(id)}/invitations`, b),
      revokeInvitation: (id: string, invitationId: string) =>
        del(`/workspaces/${seg(id)}/invitations/${seg(invitationId)}`),
      events: (id: string, since: number, limit = 100) =>
        get<EventFrame[]>(`/workspaces/${seg(id)}/events?since=${since}&limit=${limit}`),
    },

    invitations: {
      preview: (token: string) =>
        get<InvitationPreview>(`/invitations/${seg(token)}`, { anonymous: true }),
      /** As a new external person (name + password), or, signed in, with an empty body. */
      accept: (token: string, b?: { name: string; password: string }) =>
        post<AcceptResponse>(`/invitations/${seg(token)}/accept`, b ?? {}, { anonymous: !!b }),
    },

    chat: {
      channels: (ws: string) => get<Channel[]>(`/workspaces/${seg(ws)}/channels`),
      createChannel: (ws: string, b: NewChannel) =>
        post<Channel>(`/workspaces/${seg(ws)}/channels`, b),
      /** The direct conversation with these people (1 to 7 besides the caller). */
      openDirect: (ws: string, userIds: string[]) =>
        post<Channel>(`/workspaces/${seg(ws)}/direct`, { user_ids: userIds }),
      channel: (cid: string) => get<Channel>(`/channels/${seg(cid)}`),
      updateChannel: (cid: string, b: ChannelChange) => patch<Channel>(`/channels/${seg(cid)}`, b),
      join: (cid: string) => post<undefined>(`/channels/${seg(cid)}/join`),
      leave: (cid: string) => post<undefined>(`/channels/${seg(cid)}/leave`),
      members: (cid: string) => get<string[]>(`/channels/${seg(cid)}/members`),
      addMember: (cid: string, userId: string) =>
        post<undefined>(`/channels/${seg(cid)}/members`, { user_id: userId }),
      removeMember: (cid: string, userId: string) =>
        del(`/channels/${seg(cid)}/members/${seg(userId)}`),
      /** Newest first: the channel's roots and the replies also sent to it. */
      messages: (cid: string, o: MessagePage = {}) =>
        get<Message[]>(`/channels/${seg(cid)}/messages${pageQuery(o)}`, { signal: o.signal }),
      post: (cid: string, b: NewMessage) => post<Message>(`/channels/${seg(cid)}/messages`, b),
      pins: (cid: string) => get<Message[]>(`/channels/${seg(cid)}/pins`),
      setMuted: (cid: string, muted: boolean) =>
        request<{ muted: boolean }>('PUT', `/channels/${seg(cid)}/preferences`, {
          body: { muted },
        }),
      markRead: (cid: string, seq?: number) =>
        post<{ last_read_seq: number }>(
          `/channels/${seg(cid)}/read`,
          seq === undefined ? {} : { seq },
        ),
      /** Mark as unread: the read position goes back to just before the message. */
      markUnread: (mid: string) =>
        post<{ channel_id: string; last_read_seq: number }>(`/messages/${seg(mid)}/unread`, {}),
      message: (mid: string) => get<Message>(`/messages/${seg(mid)}`),
      /** The first message, then replies in order: the latest `limit`, or those before `before`. */
      thread: (mid: string, o: MessagePage = {}) =>
        get<Message[]>(`/messages/${seg(mid)}/thread${pageQuery(o)}`, { signal: o.signal }),
      /** Armoured workspaces: the ciphertext, with the mentions beside it. */
      edit: (mid: string, change: MessageChange) => patch<Message>(`/messages/${seg(mid)}`, change),
      remove: (mid: string) => del(`/messages/${seg(mid)}`),
      react: (mid: string, emoji: string) =>
        post<Message>(`/messages/${seg(mid)}/reactions`, { emoji }),
      unreact: (mid: string, emoji: string) =>
        request<Message>('DELETE', `/messages/${seg(mid)}/reactions/${seg(emoji)}`),
      /** Uploads a file to the channel (not posted until a message names it). */
      upload: (
        cid: string,
        file: Blob,
        name: string,
        onProgress?: (sent: number, total: number) => void,
      ) =>
        upload<Attachment>(`/channels/${seg(cid)}/attachments?name=${seg(name)}`, file, onProgress),
      /** Drops one's own upload that was not posted. */
      discardAttachment: (aid: string) => del(`/attachments/${seg(aid)}`),
      /**
       * An attachment's bytes, with the session cookie (armoured workspaces:
       * the ciphertext, opened in the browser).
       */
      attachmentBlob: async (aid: string, o: { signal?: AbortSignal } = {}): Promise<Blob> => {
        const res = await fetchContent(`/attachments/${seg(aid)}`, {}, o.signal);
        return res.blob();
      },
      /** Where an attachment is downloaded; `inline` shows an image in <img>. */
      attachmentUrl: (aid: string, inline = false) =>
        `${base}/api/v1/attachments/${seg(aid)}${inline ? '?inline=1' : ''}`,
      pin: (mid: string) => post<Message>(`/messages/${seg(mid)}/pin`),
      unpin: (mid: string) => request<Message>('DELETE', `/messages/${seg(mid)}/pin`),
    },

    /** Armoured workspaces (docs/armoured.md): identities and key envelopes (workspaces', channels'). */
    armour: {
      /** 404 no_identity until the person makes one. */
      me: () => get<ArmourIdentity>('/me/armour'),
      setMe: (b: ArmourIdentityChange) => request<ArmourIdentity>('PUT', '/me/armour', { body: b }),
      workspace: (ws: string) => get<WorkspaceArmour>(`/workspaces/${seg(ws)}/armour`),
      /** A new generation (current + 1), or envelopes of the current one for members without. */
      addEnvelopes: (ws: string, b: { generation: number; envelopes: NewEnvelope[] }) =>
        post<WorkspaceArmour>(`/workspaces/${seg(ws)}/armour/envelopes`, b),
      /** Members' current keys approved by the caller (docs/armoured.md, "Approvals"). */
      approve: (ws: string, b: { approvals: NewApproval[] }) =>
        post<WorkspaceArmour>(`/workspaces/${seg(ws)}/armour/approvals`, b),
      /**
       * A private channel's or direct conversation's own keys, as a
       * workspace's (409 workspace_key for a public channel).
       */
      channel: (cid: string) => get<ChannelArmour>(`/channels/${seg(cid)}/armour`),
      /** As addEnvelopes, for a channel's own keys (its members only). */
      addChannelEnvelopes: (cid: string, b: { generation: number; envelopes: NewEnvelope[] }) =>
        post<ChannelArmour>(`/channels/${seg(cid)}/armour/envelopes`, b),
    },

    /** A workspace's audio and video calls, peer to peer or through the SFU (docs/calls.md). */
    calls: {
      /** The calls going on, with who is in them. */
      list: (ws: string) => get<Call[]>(`/workspaces/${seg(ws)}/calls`),
      /** Starts a call (write right; 409 too_many_calls); the caller is not in it until it joins. */
      start: (ws: string, title?: string) =>
        post<Call>(`/workspaces/${seg(ws)}/calls`, title ? { title } : {}),
      get: (cid: string) => get<Call>(`/calls/${seg(cid)}`),
      /** This tab joins: 409 call_full, 410 call_ended. */
      join: (cid: string) => post<CallJoin>(`/calls/${seg(cid)}/participants`),
      /** Every heartbeat_seconds; 404 not_in_call once the server counted the tab gone. */
      heartbeat: (cid: string, pid: string) =>
        post<undefined>(`/calls/${seg(cid)}/participants/${seg(pid)}/heartbeat`),
      /** Leaves (the last one out ends the call); `keepalive` as the page goes away. */
      leave: (cid: string, pid: string, o: { keepalive?: boolean } = {}) =>
        request<undefined>('DELETE', `/calls/${seg(cid)}/participants/${seg(pid)}`, o),
      /**
       * Rings members in (1-50, not oneself, who may join the call; those in it
       * already are skipped): each gets `call.ringing` on their own live events.
       * `pid` is the caller's own live participant (404 not_in_call); 400
       * invalid_field for anyone who may not join.
       */
      ring: (cid: string, pid: string, b: { user_ids: readonly string[] }) =>
        request<undefined>('POST', `/calls/${seg(cid)}/participants/${seg(pid)}/ring`, {
          body: b,
        }),
      /** Declines a ring: the people in the call and the caller's other tabs are told (410 call_ended). */
      decline: (cid: string) => request<undefined>('POST', `/calls/${seg(cid)}/decline`),
      /** To one other participant: an offer, an answer, an ICE candidate, or bye (p2p calls). */
      signal: (cid: string, b: { from: string; to: string; kind: CallSignalKind; data: object }) =>
        request<undefined>('POST', `/calls/${seg(cid)}/signals`, { body: b }),
      /**
       * Participant `pid`'s media to the SFU (sfu calls): its offer, the SFU's
       * answer; again to renegotiate. 409 not_sfu, 503 sfu_unavailable, 404
       * sfu_session_gone (publish again) or not_in_call.
       */
      publish: (cid: string, pid: string, b: { sdp: string }) =>
        post<SfuAnswer>(`/calls/${seg(cid)}/participants/${seg(pid)}/sfu/publish`, b),
      /** Receives another participant's media: the SFU's offer (409 feed_not_ready: not yet). */
      subscribe: (cid: string, pid: string, b: { participant_id: string }) =>
        post<SfuSubscription>(`/calls/${seg(cid)}/participants/${seg(pid)}/sfu/subscriptions`, b),
      /** The answer to a subscription's offer. */
      answer: (cid: string, pid: string, sid: string, b: { sdp: string }) =>
        request<undefined>(
          'POST',
          `/calls/${seg(cid)}/participants/${seg(pid)}/sfu/subscriptions/${seg(sid)}/answer`,
          { body: b },
        ),
      unsubscribe: (cid: string, pid: string, sid: string) =>
        request<undefined>(
          'DELETE',
          `/calls/${seg(cid)}/participants/${seg(pid)}/sfu/subscriptions/${seg(sid)}`,
        ),
      /** ICE candidates for the publisher or a subscription (at most 50; none: the end). */
      trickle: (cid: string, pid: string, b: SfuTrickle) =>
        request<undefined>('POST', `/calls/${seg(cid)}/participants/${seg(pid)}/sfu/trickle`, {
          body: b,
        }),
    },

    files: {
      /** A folder's children (the root's when `folder` is empty), folders first. */
      list: (ws: string, folder: string, o: { limit?: number; offset?: number } = {}) => {
        const q = new URLSearchParams();
        if (o.limit) q.set('limit', String(o.limit));
        if (o.offset) q.set('offset', String(o.offset));
        const qs = q.toString() ? `?${q.toString()}` : '';
        return get<FileListing>(
          folder ? `/files/${seg(folder)}/children${qs}` : `/workspaces/${seg(ws)}/files${qs}`,
        );
      },
      node: (fid: string) => get<FileNode>(`/files/${seg(fid)}`),
      byPath: (ws: string, path: string) =>
        get<FileNode>(`/workspaces/${seg(ws)}/files/by-path?path=${seg(path)}`),
      usage: (ws: string) => get<FilesUsage>(`/workspaces/${seg(ws)}/files/usage`),
      /**
       * A page of the trash, newest first: after `before` (the last entry of
       * the page before) when given.
       */
      trash: (ws: string, limit: number, before?: FileNode) =>
        get<FileNode[]>(
          `/workspaces/${seg(ws)}/files/trash${queryOf({
            limit,
            before: before?.trashed_at,
            before_id: before?.trashed_at ? before.id : undefined,
          })}`,
        ),
      /** The person's favorites in the workspace, with their paths, by name. */
      favorites: (ws: string) => get<FileNode[]>(`/workspaces/${seg(ws)}/files/favorites`),
      setFavorite: (fid: string, on: boolean) =>
        request<undefined>(on ? 'PUT' : 'DELETE', `/files/${seg(fid)}/favorite`),
      /** Armoured workspaces: `name` is a new name token, the real one in `sealedName`. */
      createFolder: (ws: string, name: string, parentId: string | null, sealedName?: string) =>
        post<FileNode>(`/workspaces/${seg(ws)}/files/folders`, {
          name,
          ...(parentId ? { parent_id: parentId } : {}),
          ...(sealedName ? { sealed_name: sealedName } : {}),
        }),
      /**
       * Renames and/or moves (`parent_id: null`: to the root); armoured
       * workspaces rename with a new `sealed_name` (the token stays).
       */
      update: (
        fid: string,
        b: { name?: string; parent_id?: string | null; sealed_name?: string },
      ) => patch<FileNode>(`/files/${seg(fid)}`, b),
      /** Beside the original ("… (copy)") unless `parent_id` names a folder (null: the root). */
      copy: (fid: string, b: { name?: string; parent_id?: string | null }) =>
        post<FileNode>(`/files/${seg(fid)}/copy`, b),
      /** To the trash. */
      remove: (fid: string) => del(`/files/${seg(fid)}`),
      /** A trashed node, for good. */
      purge: (fid: string) => del(`/files/${seg(fid)}?purge=1`),
      restore: (fid: string) => post<FileNode>(`/files/${seg(fid)}/restore`),
      versions: (fid: string) => get<FileVersion[]>(`/files/${seg(fid)}/versions`),
      /** Armoured workspaces: with version `n`'s key sealed for the new number. */
      restoreVersion: (fid: string, n: number, sealedContent?: string) =>
        post<FileNode>(
          `/files/${seg(fid)}/versions/${n}/restore`,
          sealedContent ? { sealed_content: sealedContent } : undefined,
        ),
      shares: (fid: string) => get<FileShare[]>(`/files/${seg(fid)}/shares`),
      share: (fid: string, b: NewShare) => post<CreatedShare>(`/files/${seg(fid)}/shares`, b),
      revokeShare: (sid: string) => del(`/shares/${seg(sid)}`),
      /** Where a browser downloads a file (an attachment), or one of its versions. */
      contentUrl: (fid: string, version?: number) =>
        `${base}/api/v1/files/${seg(fid)}${version === undefined ? '' : `/versions/${version}`}/content`,
      /**
       * A file's bytes (or one version's) as a Blob, for previews (the first
       * `maxBytes` only when given, through a Range request); armoured
       * workspaces: the sealed bytes, opened in the browser.
       */
      blob: async (
        fid: string,
        o: { maxBytes?: number; signal?: AbortSignal; version?: number } = {},
      ) => {
        const headers: Record<string, string> = {};
        if (o.maxBytes) headers.Range = `bytes=0-${o.maxBytes - 1}`;
        const version = o.version === undefined ? '' : `/versions/${o.version}`;
        const res = await fetchContent(`/files/${seg(fid)}${version}/content`, headers, o.signal);
        return { blob: await res.blob(), partial: res.status === 206 };
      },
    },

    /** A workspace's tasks (docs/tasks.md). */
    tasks: {
      /** By status (todo, doing, done), then position; `limit` ≤ 1000 (default 500). */
      list: (
        ws: string,
        o: {
          status?: TaskStatus;
          /** A user id, or "me". */
          assignee?: string;
          label?: string;
          limit?: number;
          offset?: number;
          signal?: AbortSignal;
        } = {},
      ) => {
        const q = new URLSearchParams();
        if (o.status) q.set('status', o.status);
        if (o.assignee) q.set('assignee', o.assignee);
        if (o.label) q.set('label', o.label);
        if (o.limit) q.set('limit', String(o.limit));
        if (o.offset) q.set('offset', String(o.offset));
        const qs = q.toString();
        return get<Task[]>(`/workspaces/${seg(ws)}/tasks${qs ? `?${qs}` : ''}`, {
          signal: o.signal,
        });
      },
      get: (tid: string) => get<Task>(`/tasks/${seg(tid)}`),
      /** `SealedNewTask` in an armoured workspace (400 sealed_required for a plain one there). */
      create: (ws: string, b: NewTask | SealedNewTask) =>
        post<Task>(`/workspaces/${seg(ws)}/tasks`, b),
      /** With `version`, only if the task is still at it (412 precondition_failed otherwise). */
      update: (tid: string, b: TaskChange | SealedTaskChange, version?: number) =>
        request<Task>('PATCH', `/tasks/${seg(tid)}`, { body: b, headers: ifVersion(version) }),
      remove: (tid: string, version?: number) =>
        request<undefined>('DELETE', `/tasks/${seg(tid)}`, { headers: ifVersion(version) }),
      /**
       * The caller's tasks in every workspace: the soonest due first (none
       * last); with `due`, only those due in [from, to) (ISO instants).
       */
      mine: (
        o: {
          status?: TaskStatus | readonly TaskStatus[];
          limit?: number;
          due?: { from: string; to: string };
        } = {},
      ) => {
        const q = new URLSearchParams();
        if (o.status?.length)
          q.set('status', typeof o.status === 'string' ? o.status : o.status.join(','));
        if (o.limit) q.set('limit', String(o.limit));
        if (o.due) {
          q.set('due_from', o.due.from);
          q.set('due_to', o.due.to);
        }
        const qs = q.toString();
        return get<Task[]>(`/me/tasks${qs ? `?${qs}` : ''}`);
      },
      /**
       * A task's checklist, item by item (the write right). Each answer says
       * the task's new `version` (its ETag); the whole task comes as
       * `task.updated`. 400 invalid_checklist, 409 checklist_full (100 items).
       */
      checklist: {
        add: (tid: string, b: NewChecklistItem) =>
          versioned<ChecklistItem>('POST', `/tasks/${seg(tid)}/checklist`, { body: b }),
        update: (tid: string, itemId: string, b: ChecklistItemChange) =>
          versioned<ChecklistItem>('PATCH', `/tasks/${seg(tid)}/checklist/${seg(itemId)}`, {
            body: b,
          }),
        remove: (tid: string, itemId: string) =>
          versioned<undefined>('DELETE', `/tasks/${seg(tid)}/checklist/${seg(itemId)}`),
      },
      /** A task's comments, oldest first (writing them: the write right). */
      comments: {
        /** After comment `after` when given; `limit` ≤ 200 (default 100). */
        list: (tid: string, o: { after?: string; limit?: number; signal?: AbortSignal } = {}) => {
          const q = new URLSearchParams();
          if (o.after) q.set('after', o.after);
          if (o.limit) q.set('limit', String(o.limit));
          const qs = q.toString();
          return get<TaskComment[]>(`/tasks/${seg(tid)}/comments${qs ? `?${qs}` : ''}`, {
            signal: o.signal,
          });
        },
        /** 400 invalid_body, 409 too_many_comments. */
        create: (tid: string, body: string) =>
          post<TaskComment>(`/tasks/${seg(tid)}/comments`, { body }),
        /** Its author only (403 not_author). */
        update: (tid: string, cid: string, body: string) =>
          patch<TaskComment>(`/tasks/${seg(tid)}/comments/${seg(cid)}`, { body }),
        /** Its author, or an administrator of the workspace (403 not_author). */
        remove: (tid: string, cid: string) => del(`/tasks/${seg(tid)}/comments/${seg(cid)}`),
      },
    },

    /** Workspace calendars and the person's own (docs/calendar.md). */
    calendar: {
      /** A workspace calendar's occurrences overlapping [from, to) (ISO instants), in start order. */
      occurrences: (ws: string, from: string, to: string, o: { signal?: AbortSignal } = {}) =>
        get<CalendarOccurrence[]>(`/workspaces/${seg(ws)}/calendar/events?${range(from, to)}`, o),
      /** The personal calendar's and every readable workspace calendar's occurrences. */
      mine: (from: string, to: string) =>
        get<CalendarOccurrence[]>(`/me/calendar/events?${range(from, to)}`),
      get: (eid: string) => get<CalendarEvent>(`/calendar/events/${seg(eid)}`),
      /**
       * An .ics file's events added to the workspace's calendar (write
       * right), or with `ws` null to the personal one; 400 invalid_feed,
       * armoured_unsupported; 409 calendar_full; 413; 503 busy.
       */
      importFile: (ws: string | null, file: Blob) =>
        upload<CalendarImport>(
          ws === null ? '/me/calendar/import' : `/workspaces/${seg(ws)}/calendar/import`,
          file,
        ),
      /** The caller's subscriptions to published calendars (docs/calendar.md "Subscriptions"). */
      subscriptions: {
        list: () => get<CalendarSubscriptions>('/me/calendar/subscriptions'),
        /**
         * Made once the address was read: 400 invalid_url, invalid_name,
         * feed_status, invalid_feed; 403 address_refused, egress_disabled;
         * 409 too_many_subscriptions; 413; 429; 503 unreachable.
         */
        create: (b: { url: string; name?: string }) =>
          post<CalendarSubscription>('/me/calendar/subscriptions', b),
        rename: (sid: string, name: string) =>
          patch<CalendarSubscription>(`/me/calendar/subscriptions/${seg(sid)}`, { name }),
        /** Read again now: the create's errors for the read (recorded in `error` too). */
        refresh: (sid: string) =>
          post<CalendarSubscription>(`/me/calendar/subscriptions/${seg(sid)}/refresh`, {}),
        remove: (sid: string) => del(`/me/calendar/subscriptions/${seg(sid)}`),
      },
      /** In the workspace's calendar, or with `ws` null in the personal one. */
      create: (ws: string | null, b: NewCalendarEvent) =>
        post<CalendarEvent>(
          ws === null ? '/me/calendar/events' : `/workspaces/${seg(ws)}/calendar/events`,
          b,
        ),
      /** An armoured workspace's calendar (docs/armoured.md, "Calendar"): events as sealed cards. */
      sealed: {
        /**
         * The events written after the calendar's version `after` (0: all of
         * them) and the ids of those deleted since, at most `limit` (1..1000)
         * of both together; 400 invalid_range for a version never reached.
         */
        list: (ws: string, after: number, limit?: number) =>
          get<SealedCalendarPage>(
            `/workspaces/${seg(ws)}/calendar/sealed?after=${after}${limit ? `&limit=${limit}` : ''}`,
          ),
        get: (eid: string) => get<SealedCalendarEvent>(`/calendar/events/${seg(eid)}`),
        /**
         * 400 invalid_token, invalid_attendees; 409 token_taken; sealed
         * writes' errors (stale_key…).
         */
        create: (ws: string, b: NewSealedCalendarEvent) =>
          post<SealedCalendarEvent>(`/workspaces/${seg(ws)}/calendar/events`, b),
        /**
         * A new card, the members invited, or both (neither: 400
         * sealed_required); with `version`, only if the event is still at it
         * (412). With `following`: the series cut in two, the new event answered.
         */
        update: (eid: string, b: SealedCalendarEventChange, version?: number) =>
          request<SealedCalendarEvent & { series?: SealedCalendarEvent }>(
            'PATCH',
            `/calendar/events/${seg(eid)}`,
            {
              body: b,
              headers: ifCalendarVersion(version),
            },
          ),
        /**
         * The caller's answer to an invitation: to the series, their sealed
         * answers to single occurrences, or both; 403 not_invited, sealed
         * writes' errors (stale_key…). The event answered (its card as it was).
         */
        reply: (eid: string, b: SealedCalendarReply) =>
          post<SealedCalendarEvent>(`/calendar/events/${seg(eid)}/reply`, b),
      },
      /** With `version`, only if the event is still at it (412 precondition_failed otherwise). */
      update: (eid: string, b: CalendarEventChange, version?: number) =>
        request<CalendarEvent>('PATCH', `/calendar/events/${seg(eid)}`, {
          body: b,
          headers: ifCalendarVersion(version),
        }),
      /** The caller's own reminders of an event they see ([] none); the event with them. */
      setReminders: (eid: string, minutes: number[]) =>
        request<CalendarEvent>('PUT', `/calendar/events/${seg(eid)}/reminders`, {
          body: { minutes },
        }),
      remove: (eid: string, version?: number) =>
        request<undefined>('DELETE', `/calendar/events/${seg(eid)}`, {
          headers: ifCalendarVersion(version),
        }),
      /**
       * One occurrence of a recurring event (its `recurrence_id`) changed
       * apart, as `update`: 400 invalid_field (a field of the series'),
       * invalid_recurrence_id, invalid_event (it does not recur),
       * armoured_unsupported; the event changed.
       */
      updateOccurrence: (
        eid: string,
        recurrenceId: string,
        b: CalendarOccurrenceChange,
        version?: number,
      ) =>
        request<CalendarEvent>('PATCH', `/calendar/events/${seg(eid)}`, {
          body: { ...b, recurrence_id: recurrenceId },
          headers: ifCalendarVersion(version),
        }),
      /** One occurrence of a recurring event cancelled, as `remove`: the event goes on without it. */
      cancelOccurrence: (eid: string, recurrenceId: string, version?: number) =>
        request<undefined>(
          'DELETE',
          `/calendar/events/${seg(eid)}?recurrence_id=${seg(recurrenceId)}`,
          { headers: ifCalendarVersion(version) },
        ),
      /**
       * An occurrence of a recurring event and the following ones changed,
       * any field, as `update` (`start`, `end`: that occurrence's new
       * times): the series is cut there, the event keeping those before;
       * the answer is the new event holding the rest (another id), or, from
       * the first occurrence, the event. 400 invalid_scope,
       * invalid_recurrence_id, invalid_event, armoured_unsupported.
       */
      updateFollowing: (
        eid: string,
        recurrenceId: string,
        b: CalendarEventChange,
        version?: number,
      ) =>
        request<CalendarEvent>('PATCH', `/calendar/events/${seg(eid)}`, {
          body: { ...b, recurrence_id: recurrenceId, scope: 'following' },
          headers: ifCalendarVersion(version),
        }),
      /**
       * An occurrence of a recurring event and the following ones deleted,
       * as `remove`: the series ends before it (from the first: the event deleted).
       */
      removeFollowing: (eid: string, recurrenceId: string, version?: number) =>
        request<undefined>(
          'DELETE',
          `/calendar/events/${seg(eid)}?recurrence_id=${seg(recurrenceId)}&scope=following`,
          { headers: ifCalendarVersion(version) },
        ),
      /**
       * The caller's answer to an invitation: to the whole series (every
       * occurrence's answer reset to it), or with `recurrenceId` (an
       * occurrence's `recurrence_id`) to that occurrence alone. 403
       * not_invited, 400 invalid_recurrence_id; the event answered.
       */
      reply: (eid: string, partstat: CalendarAnswer, recurrenceId: string | null = null) =>
        post<CalendarEvent>(
          `/calendar/events/${seg(eid)}/reply`,
          replyBody(partstat, recurrenceId),
        ),
      /**
       * When each of `users` (the caller or colleagues, 1..20) is taken in
       * [from, to) (ISO instants, 62 days at most), in the order asked.
       * 400 invalid_users, invalid_field, invalid_range; 404 for external accounts.
       */
      freeBusy: (
        users: readonly string[],
        from: string,
        to: string,
        o: { signal?: AbortSignal } = {},
      ) =>
        get<CalendarFreeBusy[]>(
          `/calendar/freebusy?users=${users.map((u) => seg(u)).join(',')}&${range(from, to)}`,
          o,
        ),
      /** An external attendee's answer link, without an account (404: no longer valid). */
      invitation: (token: string) =>
        get<CalendarInvitation>(`/calendar/invitations/${seg(token)}`, { anonymous: true }),
      /** As `reply`, by the answer link: the series, or one occurrence (`recurrenceId`). */
      answerInvitation: (
        token: string,
        partstat: CalendarAnswer,
        recurrenceId: string | null = null,
      ) =>
        post<CalendarInvitation>(
          `/calendar/invitations/${seg(token)}`,
          replyBody(partstat, recurrenceId),
          { anonymous: true },
        ),
    },

    /**
     * A workspace's activity report (docs/reports.md): the last `days` days
     * (1..366); `today`, the reader's date (YYYY-MM-DD), tells which tasks
     * due on a day are late.
     */
    reports: {
      summary: (ws: string, days: number, today?: string, o: { signal?: AbortSignal } = {}) =>
        get<ReportSummary>(
          `/workspaces/${seg(ws)}/reports/summary?days=${days}${today ? `&today=${encodeURIComponent(today)}` : ''}`,
          o,
        ),
      /** Where a browser downloads the activity as CSV (`day,module,events`), with the session cookie. */
      activityCsvUrl: (ws: string, days: number) =>
        `${base}/api/v1/workspaces/${seg(ws)}/reports/activity.csv?days=${days}`,
      /** The tasks by person as CSV (`user_id,name,open,overdue,completed`: everyone, not the page's first 100). */
      tasksCsvUrl: (ws: string, days: number, today: string) =>
        `${base}/api/v1/workspaces/${seg(ws)}/reports/tasks.csv?days=${days}&today=${encodeURIComponent(today)}`,
    },

    /**
     * A public share link, as a guest (no session involved). `path` is a
     * location inside a shared folder, as names ([] for the shared item).
     * A password is given once to `unlock`, which answers with a cookie
     * scoped to the link.
     */
    shareLink: {
      /** The shared item, or what is at `path` inside a shared folder. */
      info: (token: string, path: readonly string[] = []) =>
        send<ShareInfo>(
          'GET',
          `${shareBase(token)}/info${path.map((p) => `/${seg(p)}`).join('')}`,
          { anonymous: true },
          false,
        ),
      unlock: (token: string, password: string) =>
        send<{ unlocked: boolean; expires_at?: string }>(
          'POST',
          `${shareBase(token)}/unlock`,
          { body: { password }, anonymous: true },
          false,
        ),
      list: (token: string, path: readonly string[]) =>
        send<ShareListing>('GET', shareUrl(token, path), { anonymous: true }, false),
      /** Where a browser downloads a shared file (counted against the link's limit). */
      downloadUrl: (token: string, path: readonly string[]) =>
        `${shareUrl(token, path)}?download=1`,
      /** Into a drop folder; the server renames the file when the name is taken. */
      drop: (
        token: string,
        file: Blob,
        name: string,
        onProgress?: (sent: number, total: number) => void,
      ) =>
        sendBytes<DroppedFile>(
          'PUT',
          `${shareBase(token)}/files/${seg(name)}`,
          file,
          onProgress,
          false,
        ),
    },

    /** Across modules, among what the caller may read (best first). */
    search: (query: SearchQuery, o: { signal?: AbortSignal } = {}) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) {
        if (v !== undefined && v !== '') q.set(k, String(v));
      }
      return get<{ results: SearchResult[] }>(`/search?${q.toString()}`, o);
    },

    admin: {
      /** Accounts by address, narrowed by `q`; `total`: how many it finds in all. */
      users: async (q: AdminUsersQuery = {}): Promise<{ users: User[]; total: number }> => {
        const { value, res } = await exchange<User[]>(
          'GET',
          `${base}/api/v1/admin/users${queryOf(q)}`,
          {},
          true,
        );
        const total = Number(res.headers.get('X-Total-Count') ?? NaN);
        return { users: value, total: Number.isSafeInteger(total) ? total : value.length };
      },
      createUser: (b: { email: string; name: string; password: string; role?: string }) =>
        post<User>('/admin/users', b),
      updateUser: (id: string, b: { disabled?: boolean; role?: string }) =>
        patch<User>(`/admin/users/${seg(id)}`, b),
      resetPassword: (id: string, password: string) =>
        post<undefined>(`/admin/users/${seg(id)}/reset-password`, { password }),
      settings: () => get<AdminSettings>('/admin/settings'),
      updateSettings: (b: AdminSettingsChange) => patch<AdminSettings>('/admin/settings', b),
      /** Audit entries, newest first, narrowed by `q` (docs/api.md "Administration"). */
      audit: (q: AuditQuery = {}) => get<AuditEntry[]>(`/admin/audit${queryOf(q)}`),
      /** Reads a workspace export back into a new workspace (the caller owns it). */
      importWorkspace: (
        archive: Blob,
        o: { name?: string; createAccounts?: boolean },
        onProgress?: (sent: number, total: number) => void,
      ) => {
        const q = new URLSearchParams();
        if (o.name) q.set('name', o.name);
        if (o.createAccounts) q.set('accounts', 'create');
        const qs = q.toString();
        return upload<ImportResult>(
          `/admin/workspaces/import${qs ? `?${qs}` : ''}`,
          archive,
          onProgress,
        );
      },
    },
  };
}

export type Api = ReturnType<typeof createApi>;

/** A task's version from its ETag ("v12", weak or not); null for anything else. */
export function versionOf(etag: string | null): number | null {
  const m = etag ? /^(?:W\/)?"v(\d+)"$/.exec(etag.trim()) : null;
  return m ? Number(m[1]) : null;
}

function errorOf(res: Response, parsed: unknown): ApiError {
  let code = `http_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  if (parsed && typeof parsed === 'object' && 'error' in parsed) {
    const e = (parsed as { error: unknown }).error;
    if (e && typeof e === 'object') {
      const c = (e as { code?: unknown }).code;
      const m = (e as { message?: unknown }).message;
      if (typeof c === 'string') code = c;
      if (typeof m === 'string') message = m;
    }
  }
  const ra = res.headers.get('Retry-After');
  const retry = ra !== null && /^\d+$/.test(ra) ? Number(ra) : undefined;
  return new ApiError(res.status, code, message, retry);
}
