// The strings of armoured workspaces (docs/armoured.md) that are signed or
// authenticated, and the parsing of what travels: no libsodium here, so
// that screens can recognise an armoured body or an error without loading
// the crypto chunk. The server builds the same strings to check envelope
// and message signatures with C libsodium: they must match byte for byte.
import { isApiError } from '../api/client';
import type { CalendarAnswer } from '../api/types';
import { MESSAGE_PREFIXES, type MessageVersion } from './body';
import { utf8Length } from '../util/text';

export { MESSAGE_PREFIXES, isEncryptedBody, type MessageVersion } from './body';
export const IDENTITY_PREFIX = 'id1:';

/** Plaintext limit of a message, in UTF-8 bytes (as for every chat message). */
export const MAX_PLAINTEXT_BYTES = 16 * 1024;
/** The whole sealed string, as the server accepts it. */
export const MAX_SEALED_BODY_BYTES = 64 * 1024;
/** The most files a version 2 message describes (the server's attachments per message). */
export const MAX_SEALED_FILES = 10;
/** The name every armoured upload goes under: the real one travels sealed. */
export const SEALED_UPLOAD_NAME = 'attachment';
/** An attachment's key, and the plaintext of each secretstream piece. */
export const FILE_KEY_BYTES = 32;
export const FILE_PIECE_BYTES = 64 * 1024;
const FILE_HEADER_BYTES = 24;
const FILE_PIECE_OVERHEAD = 17;
/** The server's limit per upload (100 MiB, [chat] max_attachment_mb), on the sealed bytes. */
export const MAX_SEALED_FILE_BYTES = 100 * 1024 * 1024;
/**
 * Media types shown as previews (decoded by the browser from a blob: URL).
 * Not SVG: it is a document, with scripts.
 */
export const PREVIEW_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
];
/** The limits the server accepts in a sealed secret (and a browser agrees to spend). */
export const OPSLIMIT_MAX = 10;
export const MEMLIMIT_MIN = 8 * 1024 * 1024;
export const MEMLIMIT_MAX = 1024 * 1024 * 1024;
/**
 * The modules an armoured workspace may have: the others keep contents the
 * server could read (reports) until they encrypt them, and the server
 * refuses them (400 armoured_unsupported).
 */
export const ARMOURED_MODULES: readonly string[] = ['chat', 'calls', 'files', 'tasks', 'calendar'];

/** The shortest armour passphrase the web client lets a person choose. */
export const MIN_PASSPHRASE = 10;

export type ArmourErrorCode =
  /** The passphrase does not open the sealed secret. */
  | 'wrong_passphrase'
  /** A sealed secret, envelope or body that is not in the spec's format. */
  | 'malformed'
  /** An envelope's creator is not a member (with an identity) of the workspace. */
  | 'not_member'
  /** A signature that does not check. */
  | 'bad_signature'
  /** An envelope that does not open with our box key. */
  | 'bad_envelope'
  /** No identity unlocked in this tab. */
  | 'locked'
  /** The workspace key of the current generation is not ours (yet). */
  | 'no_key'
  /** The current key of a private channel or direct conversation is not ours (yet). */
  | 'no_channel_key'
  /** A sealed text that does not open here, which a change would overwrite (a task's card). */
  | 'unreadable'
  /** A message over 16 KiB (or a sealed body over 64 KiB). */
  | 'too_long'
  /** An attachment that does not open: changed, reordered, cut or extended, or not its size. */
  | 'bad_file'
  /** A file whose sealed bytes would exceed the server's limit per upload. */
  | 'file_too_large'
  /** A saved identity file that is not one (format, size, keys), or whose secrets are not its keys'. */
  | 'bad_identity_file'
  /** The crypto code did not load or start (offline, or WebAssembly refused). */
  | 'unavailable';

/** A failure of the armour layer, with a code the screens translate. */
export class ArmourError extends Error {
  readonly code: ArmourErrorCode;
  constructor(code: ArmourErrorCode, message: string = code) {
    super(message);
    this.name = 'ArmourError';
    this.code = code;
  }
}

export function isArmourError(e: unknown, code?: ArmourErrorCode): e is ArmourError {
  return e instanceof ArmourError && (code === undefined || e.code === code);
}

/**
 * Whether the server refused a sealed write because of its key: the key
 * moved on (a member left, another browser made a generation), none was
 * made yet (the workspace's or the channel's), or the text was sealed with
 * the workspace's key where the channel's own is needed. The browser
 * fetches the keys (making the next generation if needed) and seals again.
 */
export function isStaleKey(e: unknown): boolean {
  return (
    isApiError(e, 'stale_key') ||
    isApiError(e, 'key_rotation_required') ||
    isApiError(e, 'no_workspace_key') ||
    isApiError(e, 'no_channel_key') ||
    isApiError(e, 'channel_key_required')
  );
}

/**
 * Whose key generations (docs/armoured.md): a workspace's, or, with
 * `channelId`, the own keys of one of its private channels or direct
 * conversations.
 */
export interface KeyScope {
  workspaceId: string;
  channelId?: string;
}

/**
 * A key reference, `k` in a sealed text: generation g of the workspace's
 * key (the number), or of the channel's own key ("c" g, as "c3"). It is in
 * the additional data as written.
 */
export type KeyRef = number | `c${number}`;

/** The key reference of generation `generation` of `scope`'s key. */
export function keyRef(scope: KeyScope, generation: number): KeyRef {
  return scope.channelId ? `c${generation}` : generation;
}

/** What a key reference names: a generation, of the workspace's key or (`channel`) the channel's. */
export function splitKeyRef(key: KeyRef): { channel: boolean; generation: number } {
  return typeof key === 'number'
    ? { channel: false, generation: key }
    : { channel: true, generation: Number(key.slice(1)) };
}

/** Additional data of the sealed identity secret (public keys as unpadded base64url). */
export function identityAd(userId: string, boxPublic: string, signPublic: string): string {
  return `ruche-armour-identity-v1\n${userId}\n${boxPublic}\n${signPublic}`;
}

/**
 * What the creator of an envelope signs (`sealed` as unpadded base64url): a
 * workspace's, or a channel's, each in a domain of its own so that no
 * envelope passes for the other kind.
 */
export function envelopeSigned(
  scope: KeyScope,
  generation: number,
  recipientId: string,
  sealed: string,
): string {
  const { workspaceId, channelId } = scope;
  return channelId
    ? `ruche-armour-channel-envelope-v1\n${workspaceId}\n${channelId}\n${generation}\n${recipientId}\n${sealed}`
    : `ruche-armour-envelope-v1\n${workspaceId}\n${generation}\n${recipientId}\n${sealed}`;
}

/**
 * What an approver signs (docs/armoured.md, "Approvals"): the approved
 * person's public keys, bound to the workspace.
 */
export function approvalSigned(
  workspaceId: string,
  userId: string,
  boxPublic: string,
  signPublic: string,
): string {
  return `ruche-armour-approval-v1\n${workspaceId}\n${userId}\n${boxPublic}\n${signPublic}`;
}

/** A person's key set as approvals name it: "user\nbox\nsign". */
export function keySetId(m: { user_id: string; box_public: string; sign_public: string }): string {
  return `${m.user_id}\n${m.box_public}\n${m.sign_public}`;
}

/**
 * Additional data of a message: binds it to its workspace, channel, author
 * and key (the reference as written: "3" or "c3"), and to its version (a
 * server that changes the prefix or the reference breaks the tag and the
 * signature).
 */
export function messageAd(
  version: MessageVersion,
  workspaceId: string,
  channelId: string,
  authorId: string,
  key: KeyRef,
): string {
  return `ruche-chat-v${version}\n${workspaceId}\n${channelId}\n${authorId}\n${key}`;
}

/**
 * What the author of a sealed text signs (nonce and ciphertext as unpadded
 * base64url): a message, or a file's name or content record.
 */
export function messageSigned(ad: string, nonce: string, ciphertext: string): string {
  return `${ad}\n${nonce}\n${ciphertext}`;
}

/**
 * Additional data of a file's or folder's name record (docs/armoured.md,
 * "Files"): binds the name to its workspace, its entry's token, its author
 * and key — not to a folder (moving changes the parent, not the record).
 */
export function fileNameAd(
  workspaceId: string,
  token: string,
  authorId: string,
  generation: number,
): string {
  return `ruche-files-name-v1\n${workspaceId}\n${token}\n${authorId}\n${generation}`;
}

/**
 * Additional data of a file version's content record: binds the version's
 * key to its file (the token) and its number, so that no other file's or
 * version's bytes pass for these.
 */
export function fileContentAd(
  workspaceId: string,
  token: string,
  number: number,
  authorId: string,
  generation: number,
): string {
  return `ruche-files-content-v1\n${workspaceId}\n${token}\n${number}\n${authorId}\n${generation}`;
}

/**
 * Additional data of what finishes a sealed upload after a reload, kept in
 * this browser (docs/armoured.md, "Large files"): binds it to its
 * workspace, the person uploading and the upload's URL, so that no kept
 * record passes for another upload's.
 */
export function uploadResumeAd(
  workspaceId: string,
  authorId: string,
  url: string,
  generation: number,
): string {
  return `ruche-upload-resume-v1\n${workspaceId}\n${authorId}\n${url}\n${generation}`;
}

/**
 * What a task's sealed texts are (docs/armoured.md, "Tasks"): its card
 * (title, description and labels), a checklist item's text, a comment.
 * Each kind is a domain of its own, so that none passes for another.
 */
export type TaskTextKind = 'card' | 'item' | 'comment';

/**
 * Additional data of a task's sealed text of `kind`: binds it to its
 * workspace, the task's token, its author and key generation.
 */
export function taskTextAd(
  kind: TaskTextKind,
  workspaceId: string,
  token: string,
  authorId: string,
  generation: number,
): string {
  return `ruche-tasks-${kind}-v1\n${workspaceId}\n${token}\n${authorId}\n${generation}`;
}

/** What a task's card seals: what the server no longer sees of it. */
export interface TaskCard {
  /** One line, 1 to 300 bytes. */
  title: string;
  /** Markdown, at most 20,000 bytes. */
  description: string;
  /** At most 20, each one line of 1 to 40 bytes. */
  labels: string[];
}

/** The limits of docs/tasks.md, in UTF-8 bytes, which a sealed text keeps. */
export const MAX_TASK_TITLE_BYTES = 300;
export const MAX_TASK_DESCRIPTION_BYTES = 20_000;
export const MAX_TASK_LABELS = 20;
export const MAX_TASK_LABEL_BYTES = 40;
export const MAX_TASK_ITEM_BYTES = 500;
export const MAX_TASK_COMMENT_BYTES = 10_000;

// As the server checks a plain task's texts: one line has no C0 control
// character nor DEL; Markdown has no NUL; neither a lone surrogate (no UTF-8 form).
const NOT_ONE_LINE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// eslint-disable-next-line no-control-regex
const NOT_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function isLine(s: string, maxBytes: number): boolean {
  return s.trim() !== '' && !NOT_ONE_LINE.test(s) && utf8Length(s) <= maxBytes;
}

/** A task's title: one line, not blank, at most 300 bytes. */
export function isTaskTitle(s: string): boolean {
  return isLine(s, MAX_TASK_TITLE_BYTES);
}

/** A task's description: Markdown (empty allowed), at most 20,000 bytes. */
export function isTaskDescription(s: string): boolean {
  return !NOT_TEXT.test(s) && utf8Length(s) <= MAX_TASK_DESCRIPTION_BYTES;
}

/** A task's labels: at most 20, each one line of 1 to 40 bytes, not blank. */
export function isTaskLabels(labels: readonly string[]): boolean {
  return labels.length <= MAX_TASK_LABELS && labels.every((l) => isLine(l, MAX_TASK_LABEL_BYTES));
}

/** Whether a sealed text of `kind` may hold `plaintext` (a card: its JSON, see parseTaskCard). */
export function isTaskText(kind: Exclude<TaskTextKind, 'card'>, plaintext: string): boolean {
  return kind === 'item'
    ? isLine(plaintext, MAX_TASK_ITEM_BYTES)
    : plaintext.trim() !== '' &&
        !NOT_TEXT.test(plaintext) &&
        utf8Length(plaintext) <= MAX_TASK_COMMENT_BYTES;
}

/** Whether a card keeps the limits (checked when it is sealed and when it is opened). */
export function isTaskCard(c: TaskCard): boolean {
  return isTaskTitle(c.title) && isTaskDescription(c.description) && isTaskLabels(c.labels);
}

/**
 * A card's plaintext: {"title", "description", "labels"}, in that order.
 * ArmourError 'malformed' for a card over the limits.
 */
export function formatTaskCard(c: TaskCard): string {
  if (!isTaskCard(c)) throw new ArmourError('malformed', 'not a task card');
  return JSON.stringify({ title: c.title, description: c.description, labels: c.labels });
}

/** A sealed text's JSON plaintext, parsed; undefined when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `v` when it is a JSON object (not an array, not null), else null. */
function objectOf(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : null;
}

/**
 * A card's plaintext read back, or null unless it keeps the limits. Its
 * author signed it, but their browser may be broken or hostile: the title
 * must be there; a missing description is empty, missing labels none, a
 * label given twice is shown once; other fields are ignored (a later
 * version's).
 */
export function parseTaskCard(json: string): TaskCard | null {
  const v = objectOf(parseJson(json));
  if (!v) return null;
  const { title, description = '', labels = [] } = v;
  if (typeof title !== 'string' || typeof description !== 'string') return null;
  if (!Array.isArray(labels) || !labels.every((l): l is string => typeof l === 'string'))
    return null;
  const card: TaskCard = { title, description, labels: [...new Set(labels)] };
  return isTaskCard(card) ? card : null;
}

/**
 * Additional data of a calendar event's card (docs/armoured.md,
 * "Calendar"): binds it to its workspace, the event's token, its author
 * and key generation.
 */
export function eventCardAd(
  workspaceId: string,
  token: string,
  authorId: string,
  generation: number,
): string {
  return `ruche-calendar-event-v1\n${workspaceId}\n${token}\n${authorId}\n${generation}`;
}

/**
 * What an event's card seals: every fact of the event, as the plain
 * calendar's event fields mean them (docs/calendar.md).
 */
export interface EventCard {
  /** One line, 1 to 300 bytes. */
  title: string;
  /** At most 20,000 bytes. */
  description: string;
  /** One line (empty allowed), at most 300 bytes. */
  location: string;
  /** An ISO 8601 instant, or (all day) a date "YYYY-MM-DD". */
  start: string;
  /** The same kind as `start`, not before it (all day: after it, exclusive). */
  end: string;
  all_day: boolean;
  /** The zone the event keeps its local hour in (IANA name); null: UTC. */
  timezone: string | null;
  /** A rule of the armoured grammar (parseEventRule), or null. */
  rrule: string | null;
  /**
   * A repeating event's instances cancelled (the series goes on without
   * them): their original starts, of `start`'s kind; none without a rule.
   */
  exdates: string[];
  /** A repeating event's instances changed apart; none without a rule. */
  overrides: EventOverride[];
  /**
   * The tokens of the series this event was cut from ("this and
   * following"), the first series first (at most MAX_CUT_FROM, the latest
   * kept): its attendees' answers apart may still be sealed for one of
   * them (docs/armoured.md, "Attendees"). Absent: none.
   */
  cut_from?: string[];
}

/** The series a card names it was cut from, at most (the latest kept). */
export const MAX_CUT_FROM = 16;

/**
 * One instance of a repeating event changed apart from its series: moved,
 * or with texts of its own (docs/armoured.md, "One occurrence").
 */
export interface EventOverride {
  /** The instance's original start (what the rule makes), of the card's `start` kind. */
  recurrence_id: string;
  /** Its times now, of the same kind, in order (as the card's). */
  start: string;
  end: string;
  /** Its own texts, where they differ from the series' (absent: the series'). */
  title?: string;
  description?: string;
  location?: string;
}

/** Instances cancelled, and instances changed apart, a card holds at most (each). */
export const MAX_EVENT_EXCEPTIONS = 1000;

/** The limits of docs/calendar.md, in UTF-8 bytes, which a card keeps. */
export const MAX_EVENT_TITLE_BYTES = 300;
export const MAX_EVENT_DESCRIPTION_BYTES = 20_000;
export const MAX_EVENT_LOCATION_BYTES = 300;
export const MAX_EVENT_RULE_NUMBER = 1000;
const MAX_EVENT_ZONE_BYTES = 255;

/** How often an armoured event repeats. */
export type EventFrequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';

/**
 * An armoured event's rule: every `interval` days, weeks, months or years,
 * `count` times or while an instance starts no later than `until` (a date
 * "YYYY-MM-DD", or an instant in ms), or for ever.
 */
export interface EventRule {
  freq: EventFrequency;
  interval: number;
  count: number | null;
  until: { date: string } | { instant: number } | null;
}

const EVENT_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EVENT_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
const RULE_NUMBER = /^[1-9][0-9]{0,3}$/;
const RULE_UNTIL = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/;
const FREQUENCIES: readonly string[] = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];

/** Whether y-m-d (h:mi:s) exists on the calendar (no 30 February, no 24:00). */
function existing(y: number, m: number, d: number, h = 0, mi = 0, s = 0): boolean {
  const t = new Date(Date.UTC(y, m - 1, d, h, mi, s));
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === m - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === s
  );
}

/** Whether `s` is a date "YYYY-MM-DD" that exists. */
export function isEventDate(s: string): boolean {
  const m = EVENT_DATE.exec(s);
  return !!m && existing(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** `s` as ms since 1970 when it is an ISO 8601 instant (with Z or an offset), else NaN. */
export function eventInstant(s: string): number {
  const m = EVENT_INSTANT.exec(s);
  if (!m) return NaN;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!existing(y, mo, d, h, mi, sec)) return NaN;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return NaN;
  return Date.parse(s);
}

/**
 * An armoured event's rule read (docs/armoured.md, "Calendar"):
 * FREQ=DAILY|WEEKLY|MONTHLY|YEARLY first, then INTERVAL=1..1000 and one of
 * COUNT=1..1000 or UNTIL=<date or UTC instant>, each at most once; null
 * for anything else (another part, a value out of bounds, a date that does
 * not exist).
 */
export function parseEventRule(rrule: string): EventRule | null {
  const [first, ...rest] = rrule.split(';');
  const freq = /^FREQ=([A-Z]+)$/.exec(first ?? '')?.[1];
  if (!freq || !FREQUENCIES.includes(freq)) return null;
  const rule: EventRule = { freq: freq as EventFrequency, interval: 1, count: null, until: null };
  const seen = new Set<string>();
  for (const part of rest) {
    const [k = '', v = '', ...more] = part.split('=');
    if (more.length || seen.has(k)) return null;
    seen.add(k);
    if (k === 'INTERVAL' || k === 'COUNT') {
      const n = Number(v);
      if (!RULE_NUMBER.test(v) || n > MAX_EVENT_RULE_NUMBER) return null;
      if (k === 'INTERVAL') rule.interval = n;
      else rule.count = n;
    } else if (k === 'UNTIL') {
      const m = RULE_UNTIL.exec(v);
      if (!m) return null;
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (m[4] === undefined) {
        if (!existing(y, mo, d)) return null;
        rule.until = { date: `${m[1]}-${m[2]}-${m[3]}` };
      } else {
        const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6])];
        if (!existing(y, mo, d, h, mi, s)) return null;
        rule.until = { instant: Date.UTC(y, mo - 1, d, h, mi, s) };
      }
    } else {
      return null;
    }
  }
  return rule.count !== null && rule.until !== null ? null : rule;
}

/** A rule written back in the armoured grammar (parseEventRule reads it as it is). */
export function formatEventRule(r: EventRule): string {
  let s = `FREQ=${r.freq}`;
  if (r.interval !== 1) s += `;INTERVAL=${r.interval}`;
  if (r.count !== null) s += `;COUNT=${r.count}`;
  if (r.until && 'date' in r.until) s += `;UNTIL=${r.until.date.replaceAll('-', '')}`;
  else if (r.until)
    s += `;UNTIL=${new Date(r.until.instant).toISOString().replace(/[-:]|\.\d{3}/g, '')}`;
  return s;
}

/** An event's title: one line, not blank, at most 300 bytes. */
export function isEventTitle(s: string): boolean {
  return isLine(s, MAX_EVENT_TITLE_BYTES);
}

/** An event's description: any text (empty allowed), at most 20,000 bytes. */
export function isEventDescription(s: string): boolean {
  return !NOT_TEXT.test(s) && utf8Length(s) <= MAX_EVENT_DESCRIPTION_BYTES;
}

/** An event's place: one line (empty allowed), at most 300 bytes. */
export function isEventLocation(s: string): boolean {
  return s === '' || isLine(s, MAX_EVENT_LOCATION_BYTES);
}

/** A time zone's name as a card holds it: one line without spaces, at most 255 bytes. */
export function isEventZone(s: string): boolean {
  return /^\S+$/.test(s) && !NOT_ONE_LINE.test(s) && utf8Length(s) <= MAX_EVENT_ZONE_BYTES;
}

/** Whether an event's times hold: both dates (all day, end after start) or both instants, in order. */
export function isEventTimes(c: Pick<EventCard, 'start' | 'end' | 'all_day'>): boolean {
  if (c.all_day) return isEventDate(c.start) && isEventDate(c.end) && c.end > c.start;
  const [s, e] = [eventInstant(c.start), eventInstant(c.end)];
  return !Number.isNaN(s) && !Number.isNaN(e) && e >= s;
}

/**
 * A card's time (`start`, an instance's start) as ms since 1970: an
 * instant's, or a date's midnight UTC (all day); NaN when it is not of
 * that kind.
 */
export function eventTimeMs(s: string, allDay: boolean): number {
  if (!allDay) return eventInstant(s);
  return isEventDate(s) ? Date.parse(`${s}T00:00:00Z`) : NaN;
}

/** Whether a card's instances changed apart and cancelled keep the limits, none named twice. */
function isEventExceptions(c: EventCard): boolean {
  const { exdates, overrides } = c;
  if (c.rrule === null) return exdates.length === 0 && overrides.length === 0;
  if (exdates.length > MAX_EVENT_EXCEPTIONS || overrides.length > MAX_EVENT_EXCEPTIONS)
    return false;
  const named = new Set<number>();
  const once = (s: string) => {
    const t = eventTimeMs(s, c.all_day);
    if (Number.isNaN(t) || named.has(t)) return false;
    named.add(t);
    return true;
  };
  return (
    exdates.every(once) &&
    overrides.every(
      (o) =>
        once(o.recurrence_id) &&
        isEventTimes({ start: o.start, end: o.end, all_day: c.all_day }) &&
        (o.title === undefined || isEventTitle(o.title)) &&
        (o.description === undefined || isEventDescription(o.description)) &&
        (o.location === undefined || isEventLocation(o.location)),
    )
  );
}

/** Whether an event card keeps the limits (checked when it is sealed and when it is opened). */
export function isEventCard(c: EventCard): boolean {
  return (
    isEventTitle(c.title) &&
    isEventDescription(c.description) &&
    isEventLocation(c.location) &&
    isEventTimes(c) &&
    (c.timezone === null || isEventZone(c.timezone)) &&
    (c.rrule === null || parseEventRule(c.rrule) !== null) &&
    isEventExceptions(c) &&
    (c.cut_from === undefined ||
      (c.cut_from.length <= MAX_CUT_FROM &&
        new Set(c.cut_from).size === c.cut_from.length &&
        c.cut_from.every(isNameToken)))
  );
}

/**
 * A card's plaintext: {title, description, location, start, end, all_day,
 * timezone, rrule, exdates, overrides, cut_from}, in that order, the last
 * three only when not empty (an override's texts only when its own). ArmourError
 * 'malformed' for a card over the limits.
 */
export function formatEventCard(c: EventCard): string {
  if (!isEventCard(c)) throw new ArmourError('malformed', 'not an event card');
  return JSON.stringify({
    title: c.title,
    description: c.description,
    location: c.location,
    start: c.start,
    end: c.end,
    all_day: c.all_day,
    timezone: c.timezone,
    rrule: c.rrule,
    exdates: c.exdates.length ? c.exdates : undefined,
    overrides: c.overrides.length
      ? c.overrides.map((o) => ({
          recurrence_id: o.recurrence_id,
          start: o.start,
          end: o.end,
          title: o.title,
          description: o.description,
          location: o.location,
        }))
      : undefined,
    cut_from: c.cut_from?.length ? c.cut_from : undefined,
  });
}

/** An override as a card holds it, or null (its texts, when given, strings). */
function parseEventOverride(v: unknown): EventOverride | null {
  const read = objectOf(v);
  if (!read) return null;
  const { recurrence_id, start, end, title, description, location } = read;
  if (![recurrence_id, start, end].every((x) => typeof x === 'string')) return null;
  const o: EventOverride = {
    recurrence_id: recurrence_id as string,
    start: start as string,
    end: end as string,
  };
  for (const [k, x] of [
    ['title', title],
    ['description', description],
    ['location', location],
  ] as const) {
    if (x === undefined) continue;
    if (typeof x !== 'string') return null;
    o[k] = x;
  }
  return o;
}

/**
 * A card's plaintext read back, or null unless it keeps the limits: the
 * title, times and all_day must be there; a missing description or
 * location is empty, a missing zone or rule null, missing exdates,
 * overrides or cut_from none; other fields are ignored (a later version's).
 */
export function parseEventCard(json: string): EventCard | null {
  const o = objectOf(parseJson(json));
  if (!o) return null;
  const { title, description = '', location = '', start, end, all_day } = o;
  const timezone = o.timezone ?? null;
  const rrule = o.rrule ?? null;
  const strings = [title, description, location, start, end];
  if (!strings.every((x): x is string => typeof x === 'string')) return null;
  if (typeof all_day !== 'boolean') return null;
  if (timezone !== null && typeof timezone !== 'string') return null;
  if (rrule !== null && typeof rrule !== 'string') return null;
  const { exdates = [], overrides = [] } = o;
  if (!Array.isArray(exdates) || !exdates.every((x): x is string => typeof x === 'string'))
    return null;
  if (!Array.isArray(overrides)) return null;
  const changed = overrides.map(parseEventOverride);
  if (!changed.every((x): x is EventOverride => x !== null)) return null;
  const { cut_from = [] } = o;
  if (!Array.isArray(cut_from) || !cut_from.every((x): x is string => typeof x === 'string'))
    return null;
  const card: EventCard = {
    title: title as string,
    description: description as string,
    location: location as string,
    start: start as string,
    end: end as string,
    all_day,
    timezone,
    rrule,
    exdates,
    overrides: changed,
  };
  if (cut_from.length) card.cut_from = cut_from;
  return isEventCard(card) ? card : null;
}

/**
 * Additional data of an attendee's answers to single occurrences of an
 * event (docs/armoured.md, "Attendees"): binds them to their workspace,
 * the event's token, the attendee (who seals them) and key generation.
 */
export function eventAnswersAd(
  workspaceId: string,
  token: string,
  attendeeId: string,
  generation: number,
): string {
  return `ruche-calendar-answers-v1\n${workspaceId}\n${token}\n${attendeeId}\n${generation}`;
}

/** An attendee's answer to one occurrence of a repeating event, apart from the series. */
export interface EventAnswer {
  /** The instance's original start, of the card's `start` kind (an instant, or a date all day). */
  recurrence_id: string;
  partstat: CalendarAnswer;
}

/** Answers to single occurrences an attendee seals at most. */
export const MAX_EVENT_ANSWERS = 1000;

const EVENT_ANSWER_PARTSTATS: readonly string[] = ['accepted', 'declined', 'tentative'];

/**
 * Whether answers keep the limits: at most 1,000, each to an instant or a
 * date with one of the three answers, no occurrence named twice (checked
 * when they are sealed and when they are opened).
 */
export function isEventAnswers(answers: readonly EventAnswer[]): boolean {
  if (answers.length > MAX_EVENT_ANSWERS) return false;
  const named = new Set<string | number>();
  return answers.every(({ recurrence_id: r, partstat }) => {
    const at = isEventDate(r) ? r : eventInstant(r);
    if (Number.isNaN(at) || named.has(at) || !EVENT_ANSWER_PARTSTATS.includes(partstat))
      return false;
    named.add(at);
    return true;
  });
}

/**
 * Answers' plaintext: {"answers": [{recurrence_id, partstat}, …]}.
 * ArmourError 'malformed' for answers over the limits.
 */
export function formatEventAnswers(answers: readonly EventAnswer[]): string {
  if (!isEventAnswers(answers)) throw new ArmourError('malformed', 'not answers to occurrences');
  return JSON.stringify({
    answers: answers.map((a) => ({ recurrence_id: a.recurrence_id, partstat: a.partstat })),
  });
}

/**
 * Answers' plaintext read back, or null unless it keeps the limits (the
 * list must be there; other fields are ignored: a later version's).
 */
export function parseEventAnswers(json: string): EventAnswer[] | null {
  const v = objectOf(parseJson(json));
  if (!v) return null;
  const { answers } = v;
  if (!Array.isArray(answers)) return null;
  const read: EventAnswer[] = [];
  for (const a of answers) {
    const o = objectOf(a);
    if (!o) return null;
    const { recurrence_id, partstat } = o;
    if (typeof recurrence_id !== 'string' || typeof partstat !== 'string') return null;
    read.push({ recurrence_id, partstat: partstat as CalendarAnswer });
  }
  return isEventAnswers(read) ? read : null;
}

const B64 = '[A-Za-z0-9_-]+';
const GENERATION = '[1-9][0-9]{0,8}';
const BODY = new RegExp(`^e2e([12]):(c?)(${GENERATION}):(${B64}):(${B64}):(${B64})$`);
const SEALED_SECRET = new RegExp(`^id1:([0-9]{1,2}):([0-9]{1,10}):(${B64}):(${B64}):(${B64})$`);

export interface ParsedBody {
  version: MessageVersion;
  /** The key reference, as written. */
  key: KeyRef;
  nonce: string;
  ciphertext: string;
  signature: string;
}

/** "e2e1:k:nonce:ciphertext:signature" (or e2e2; k is g or "c" g), or null when it is not one. */
export function parseBody(body: string): ParsedBody | null {
  const m = BODY.exec(body);
  if (!m) return null;
  const generation = Number(m[3]);
  return {
    version: m[1] === '2' ? 2 : 1,
    key: m[2] ? `c${generation}` : generation,
    nonce: m[4] ?? '',
    ciphertext: m[5] ?? '',
    signature: m[6] ?? '',
  };
}

export function formatBody(p: ParsedBody): string {
  return `${MESSAGE_PREFIXES[p.version]}${p.key}:${p.nonce}:${p.ciphertext}:${p.signature}`;
}

/**
 * A file as a version 2 message describes it: the attachment's id as the
 * server lists it, and what only the members see (its name, media type,
 * size in bytes and key).
 */
export interface SealedFile {
  id: string;
  name: string;
  type: string;
  size: number;
  key: Uint8Array;
}

/**
 * What opens one version of a file in an armoured workspace, as its content
 * record seals it: the version's own key, and the plaintext's size, media
 * type and modification time (ms since 1970) that the server does not see.
 */
export interface ContentRecord {
  key: Uint8Array;
  size: number;
  type: string;
  mtime?: number;
}

/**
 * What finishes a large sealed upload after a reload, kept in the browser
 * sealed (uploadResumeAd): where it lands (its folder, its token, the file
 * it replaces, as checked when it started), what the queue shows (its name
 * and relative path) and the content record of the bytes sent.
 */
export interface UploadResume {
  name: string;
  /** Relative path shown in the queue ("photos/a.jpg"). */
  path: string;
  /** "" for the root. */
  parentId: string;
  token: string;
  /** The id of the file it makes a new version of; null for a new file. */
  replaces: string | null;
  /** The person chose to replace a file of that name. */
  replace: boolean;
  /** A new version of this file, whatever its name (the versions dialog). */
  versionOf?: string;
  content: ContentRecord;
}

const MEDIA_TYPE = /^[\x20-\x7e]{1,255}$/;

/** Whether a content record may carry `type`: printable ASCII, 1 to 255 characters. */
export function isMediaType(type: string): boolean {
  return MEDIA_TYPE.test(type);
}

/** The media type a content record gives a file: the browser's, or application/octet-stream. */
export function mediaTypeOf(file: Blob): string {
  return isMediaType(file.type) ? file.type : 'application/octet-stream';
}

/** A name token: 16 random bytes, unpadded base64url (22 characters). */
export const NAME_TOKEN_BYTES = 16;
// 128 bits in 22 characters: the last one carries 2 bits (its low 4 are zero).
const NAME_TOKEN = /^[A-Za-z0-9_-]{21}[AQgw]$/;

/** Whether `s` is a name token (a file's or folder's name on the server, armoured). */
export function isNameToken(s: string): boolean {
  return NAME_TOKEN.test(s);
}

/** The longest file or folder name, in UTF-8 bytes. */
export const MAX_FILE_NAME_BYTES = 255;
// C0 and C1 controls and DEL, the separators, and lone surrogates (no UTF-8 form).
const NAME_REFUSED =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f/\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether `name` follows the Files rules, as the server checks plain names:
 * NFC, not empty, no `/`, `\`, NUL or control characters, not `.` or `..`,
 * at most 255 bytes (and no lone surrogate: it has no UTF-8 form). A sealed
 * name is checked when it is sealed and when it is opened.
 */
export function isValidFileName(name: string): boolean {
  if (!name || name === '.' || name === '..' || NAME_REFUSED.test(name)) return false;
  return name.normalize('NFC') === name && utf8Length(name) <= MAX_FILE_NAME_BYTES;
}

/** What a file of `size` bytes takes once sealed: header, pieces and their tags. */
export function sealedFileSize(size: number): number {
  const pieces = Math.max(1, Math.ceil(size / FILE_PIECE_BYTES));
  return FILE_HEADER_BYTES + size + FILE_PIECE_OVERHEAD * pieces;
}

/** Whether the browser draws a preview of a file of this media type. */
export function isPreviewType(type: string): boolean {
  return PREVIEW_TYPES.includes(type);
}

export interface ParsedSecret {
  opslimit: number;
  memlimit: number;
  salt: string;
  nonce: string;
  sealed: string;
}

/**
 * "id1:opslimit:memlimit:salt:nonce:sealed", or null. Limits outside the
 * spec's bounds are refused: a server could otherwise make the browser
 * spend gigabytes of memory on a passphrase.
 */
export function parseSealedSecret(s: string): ParsedSecret | null {
  const m = SEALED_SECRET.exec(s);
  if (!m) return null;
  const opslimit = Number(m[1]);
  const memlimit = Number(m[2]);
  if (opslimit < 1 || opslimit > OPSLIMIT_MAX) return null;
  if (memlimit < MEMLIMIT_MIN || memlimit > MEMLIMIT_MAX) return null;
  return { opslimit, memlimit, salt: m[3] ?? '', nonce: m[4] ?? '', sealed: m[5] ?? '' };
}

export function formatSealedSecret(p: ParsedSecret): string {
  return `${IDENTITY_PREFIX}${p.opslimit}:${p.memlimit}:${p.salt}:${p.nonce}:${p.sealed}`;
}

export { utf8Length };

/**
 * A saved identity (docs/armoured.md, "Saving and bringing your keys"): the
 * server's record of a person's identity, as `GET /me/armour` gives it, with
 * the user id its secret was sealed for (the identity AD binds it) and
 * where and when it was saved. Nothing in it is secret but under the
 * passphrase.
 */
export interface IdentityFile {
  format: typeof IDENTITY_FILE_FORMAT;
  version: typeof IDENTITY_FILE_VERSION;
  user_id: string;
  box_public: string;
  sign_public: string;
  sealed_secret: string;
  /** ISO 8601; shown to help pick the right file. */
  saved_at: string;
  /** The address of the instance it was saved on (`location.origin`). */
  origin: string;
}

export const IDENTITY_FILE_FORMAT = 'ruche-armour-identity';
export const IDENTITY_FILE_VERSION = 1;
/** A saved identity is under 2 KiB: anything much larger is not one. */
export const MAX_IDENTITY_FILE_BYTES = 16 * 1024;
/** A 32-byte key as unpadded base64url: 43 characters, the last one carrying 2 bits. */
const KEY_32 = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const USER_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** As the server accepts a sealed secret. */
const MAX_SEALED_SECRET_CHARS = 1024;

/** The file that saves `userId`'s identity `record`, as written to disk. */
export function formatIdentityFile(
  userId: string,
  record: { box_public: string; sign_public: string; sealed_secret: string },
  savedAt: Date,
  origin: string,
): string {
  const file: IdentityFile = {
    format: IDENTITY_FILE_FORMAT,
    version: IDENTITY_FILE_VERSION,
    user_id: userId,
    box_public: record.box_public,
    sign_public: record.sign_public,
    sealed_secret: record.sealed_secret,
    saved_at: savedAt.toISOString(),
    origin,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** "ruche-cles-<yyyy-mm-dd>.json", the day it is saved (the person's calendar). */
export function identityFileName(savedAt: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${savedAt.getFullYear()}-${two(savedAt.getMonth() + 1)}-${two(savedAt.getDate())}`;
  return `ruche-cles-${day}.json`;
}

/**
 * Reads a saved identity: its size, format and version, a user id, two
 * 32-byte public keys and a sealed secret within the server's bounds.
 * ArmourError 'bad_identity_file' otherwise. Whether the passphrase opens
 * it, and whether its secrets are its keys', is the crypto's to say.
 */
export function parseIdentityFile(text: string): IdentityFile {
  const bad = (why: string) => new ArmourError('bad_identity_file', why);
  if (utf8Length(text) > MAX_IDENTITY_FILE_BYTES) throw bad('too large for a saved identity');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('not an object');
  const o = v as Record<string, unknown>;
  if (o.format !== IDENTITY_FILE_FORMAT) throw bad('not a saved Ruche identity');
  if (o.version !== IDENTITY_FILE_VERSION) throw bad('a version this browser does not read');
  const str = (k: string) => {
    const x = o[k];
    return typeof x === 'string' ? x : '';
  };
  const userId = str('user_id');
  const boxPublic = str('box_public');
  const signPublic = str('sign_public');
  const sealedSecret = str('sealed_secret');
  if (!USER_ID.test(userId)) throw bad('no user id');
  if (!KEY_32.test(boxPublic) || !KEY_32.test(signPublic) || boxPublic === signPublic) {
    throw bad('public keys that are not two 32-byte keys');
  }
  if (sealedSecret.length > MAX_SEALED_SECRET_CHARS || !parseSealedSecret(sealedSecret)) {
    throw bad('not a sealed secret');
  }
  for (const k of ['saved_at', 'origin']) {
    const x = o[k];
    if (x !== undefined && typeof x !== 'string') throw bad(`${k} is not a string`);
  }
  return {
    format: IDENTITY_FILE_FORMAT,
    version: IDENTITY_FILE_VERSION,
    user_id: userId,
    box_public: boxPublic,
    sign_public: signPublic,
    sealed_secret: sealedSecret,
    saved_at: str('saved_at'),
    origin: str('origin'),
  };
}
