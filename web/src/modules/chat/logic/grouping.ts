// The rows of a channel's message list: day separators, the "new messages"
// line, and messages grouped by author (a message right after another one
// of the same person, within a few minutes, shows no name or avatar again).
import type { Message } from '../../../api/types';

export type Row =
  | { kind: 'start'; key: string }
  | { kind: 'day'; key: string; day: string; at: string }
  | { kind: 'new'; key: string }
  | { kind: 'message'; key: string; message: Message; continued: boolean };

export const GROUP_WINDOW_MS = 5 * 60_000;

/** The local calendar day of a time, "2026-11-29". */
export function localDay(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const mm = String(d.getMonth() + 1).padStart(2, '0');
  const dd = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${mm}-${dd}`;
}

export interface RowOptions {
  /** Messages after this channel sequence number (from others) are new. */
  unreadAfterSeq?: number;
  /** The reader: their own messages are never "new". */
  me?: string;
  /** The day of a time (default: the local calendar day). */
  dayOf?: (iso: string) => string;
  groupWindowMs?: number;
  /** Whether to begin with the 'start' row (history edge or loader). */
  withStart?: boolean;
}

/** Whether `m` continues `prev`'s group. */
export function continues(prev: Message | undefined, m: Message, windowMs = GROUP_WINDOW_MS) {
  if (!prev) return false;
  if (prev.author_id !== m.author_id) return false;
  if (prev.deleted || m.deleted) return false;
  // A reply shown in the channel carries its own context line.
  if (m.thread_id || prev.thread_id) return false;
  const gap = Date.parse(m.created_at) - Date.parse(prev.created_at);
  return gap >= 0 && gap <= windowMs;
}

/** Where a run of rows left off: what the next message is compared with. */
interface Carry {
  prev: Message | undefined;
  prevDay: string;
  newPlaced: boolean;
}

function pushRows(
  rows: Row[],
  messages: readonly Message[],
  from: number,
  c: Carry,
  o: RowOptions,
) {
  const dayOf = o.dayOf ?? localDay;
  for (let i = from; i < messages.length; i++) {
    const m = messages[i] as Message;
    const day = dayOf(m.created_at);
    let split = false;
    if (day !== c.prevDay) {
      rows.push({ kind: 'day', key: `day:${day}`, day, at: m.created_at });
      c.prevDay = day;
      split = true;
    }
    if (!c.newPlaced && m.seq > (o.unreadAfterSeq ?? 0) && m.author_id !== o.me) {
      rows.push({ kind: 'new', key: 'new' });
      c.newPlaced = true;
      split = true;
    }
    rows.push({
      kind: 'message',
      key: m.id,
      message: m,
      continued: !split && continues(c.prev, m, o.groupWindowMs),
    });
    c.prev = m;
  }
}

/** Messages (oldest first) -> rows. Keys are stable across calls. */
export function buildRows(messages: readonly Message[], o: RowOptions = {}): Row[] {
  const rows: Row[] = [];
  if (o.withStart ?? true) rows.push({ kind: 'start', key: 'start' });
  pushRows(
    rows,
    messages,
    0,
    { prev: undefined, prevDay: '', newPlaced: o.unreadAfterSeq === undefined },
    o,
  );
  return rows;
}

/** Rows built by extendRows(), with what they were built from. */
export interface BuiltRows {
  messages: readonly Message[];
  options: RowOptions;
  rows: Row[];
}

const sameOptions = (a: RowOptions, b: RowOptions) =>
  a.unreadAfterSeq === b.unreadAfterSeq &&
  a.me === b.me &&
  a.dayOf === b.dayOf &&
  a.groupWindowMs === b.groupWindowMs &&
  (a.withStart ?? true) === (b.withStart ?? true);

/** Whether `list[at..]` holds the very objects of `part`, in order. */
function holdsAt(list: readonly Message[], part: readonly Message[], at: number): boolean {
  for (let i = 0; i < part.length; i++) if (list[at + i] !== part[i]) return false;
  return true;
}

/**
 * The rows of `prev` with a few of its messages replaced by new objects of
 * the same messages (an edit, a reaction, a deletion): each one's row and
 * the grouping of the next; null when more changed than that.
 */
function replaced(prev: BuiltRows, messages: readonly Message[], o: RowOptions): BuiltRows | null {
  const old = prev.messages;
  const changed: number[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as Message;
    const was = old[i] as Message;
    if (m === was) continue;
    // What places a row (its day, the "new" line) must not have moved.
    if (
      m.id !== was.id ||
      m.created_at !== was.created_at ||
      m.seq !== was.seq ||
      m.author_id !== was.author_id ||
      changed.length >= 64
    ) {
      return null;
    }
    changed.push(i);
  }
  const rows = prev.rows.slice();
  let from = 0;
  const patch = (i: number) => {
    const m = messages[i];
    if (!m) return;
    let r = Math.max(from, i);
    while (r < rows.length && rows[r]?.key !== m.id) r++;
    if (r >= rows.length) return;
    from = r;
    const split = rows[r - 1]?.kind !== 'message';
    rows[r] = {
      kind: 'message',
      key: m.id,
      message: m,
      continued: !split && continues(messages[i - 1], m, o.groupWindowMs),
    };
  };
  for (const i of changed) {
    patch(i);
    patch(i + 1);
  }
  return { messages, options: o, rows };
}

/**
 * buildRows(messages, options), reusing `prev` when `messages` is its
 * messages (the same objects) with others added before them (an older page)
 * or after them (new messages): only the added messages and the one at the
 * seam are looked at, so a page of a long history costs the page, not the
 * history; a few messages replaced (edits, reactions) cost those. Anything
 * else is built whole. The rows are the same as buildRows' either way.
 */
export function extendRows(
  prev: BuiltRows | null,
  messages: readonly Message[],
  options: RowOptions = {},
): BuiltRows {
  const whole = (): BuiltRows => ({ messages, options, rows: buildRows(messages, options) });
  if (!prev || !sameOptions(prev.options, options)) return whole();
  const old = prev.messages;
  const added = messages.length - old.length;
  if (added === 0 && messages === old) return prev;
  if (added === 0) return replaced(prev, messages, options) ?? whole();
  if (added < 0 || old.length === 0) return whole();
  if (holdsAt(messages, old, added)) {
    // Older messages before the first one: the rows of the added messages
    // and of the old first one (its day line, the "new" line and its
    // grouping may change), then the old rows after it.
    const head = buildRows(messages.slice(0, added + 1), options);
    const seam = prev.rows.findIndex((r) => r.kind === 'message');
    let tail = prev.rows.slice(seam + 1);
    const headNew = head.some((r) => r.kind === 'new');
    if (headNew) tail = tail.filter((r) => r.kind !== 'new');
    return { messages, options, rows: head.concat(tail) };
  }
  if (holdsAt(messages, old, 0)) {
    // Newer messages after the last one.
    const last = old[old.length - 1] as Message;
    const rows = prev.rows.slice();
    const dayOf = options.dayOf ?? localDay;
    pushRows(
      rows,
      messages,
      old.length,
      {
        prev: last,
        prevDay: dayOf(last.created_at),
        newPlaced: options.unreadAfterSeq === undefined || prev.rows.some((r) => r.kind === 'new'),
      },
      options,
    );
    return { messages, options, rows };
  }
  return whole();
}

/**
 * extendRows() from call to call, for a component that keeps one for its
 * lifetime (what it keeps is derived again from the same messages, so a
 * render React drops changes nothing).
 */
export class RowBuilder {
  private built: BuiltRows | null = null;

  rows(messages: readonly Message[], options: RowOptions = {}): Row[] {
    this.built = extendRows(this.built, messages, options);
    return this.built.rows;
  }
}
