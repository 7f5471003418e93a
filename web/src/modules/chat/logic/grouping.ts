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

/** Messages (oldest first) -> rows. Keys are stable across calls. */
export function buildRows(messages: readonly Message[], o: RowOptions = {}): Row[] {
  const dayOf = o.dayOf ?? localDay;
  const rows: Row[] = [];
  if (o.withStart ?? true) rows.push({ kind: 'start', key: 'start' });
  let prev: Message | undefined;
  let prevDay = '';
  let newPlaced = o.unreadAfterSeq === undefined;
  for (const m of messages) {
    const day = dayOf(m.created_at);
    let split = false;
    if (day !== prevDay) {
      rows.push({ kind: 'day', key: `day:${day}`, day, at: m.created_at });
      prevDay = day;
      split = true;
    }
    if (!newPlaced && m.seq > (o.unreadAfterSeq ?? 0) && m.author_id !== o.me) {
      rows.push({ kind: 'new', key: 'new' });
      newPlaced = true;
      split = true;
    }
    rows.push({
      kind: 'message',
      key: m.id,
      message: m,
      continued: !split && continues(prev, m, o.groupWindowMs),
    });
    prev = m;
  }
  return rows;
}
