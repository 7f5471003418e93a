// A list of messages (a channel's timeline, or a thread) and how live
// events change it. Pure functions: the store applies them, tests check them.
//
// Idempotence: messages are keyed by id (the answer to our own POST and the
// event that follows it are one message); reactions are sets; a thread's
// reply count only grows for replies newer than what the loaded page
// already counted (`syncedSeq`, the channel sequence number the page was
// read at).
import type { EventFrame, Message, Reaction } from '../../../api/types';

export interface Timeline {
  /** Oldest first (by channel sequence number). */
  messages: Message[];
  loaded: boolean;
  /** More messages before the first one (a thread: replies before the first loaded). */
  hasOlder: boolean;
  /** Replies up to this channel sequence number are counted in reply_count. */
  syncedSeq: number;
}

export const EMPTY_TIMELINE: Timeline = {
  messages: [],
  loaded: false,
  hasOlder: true,
  syncedSeq: 0,
};

/** Which messages belong to a list. */
export type Accept = (m: Message) => boolean;

export const inChannel =
  (channelId: string): Accept =>
  (m) =>
    m.channel_id === channelId && (m.thread_id === null || m.in_channel);

export const inThread =
  (rootId: string): Accept =>
  (m) =>
    m.id === rootId || m.thread_id === rootId;

function bySeq(a: Message, b: Message): number {
  return a.seq - b.seq;
}

/** Inserts or replaces (same id) a message, keeping the order. */
export function upsert(list: readonly Message[], m: Message): Message[] {
  const i = list.findIndex((x) => x.id === m.id);
  if (i >= 0) {
    if (list[i] === m) return list as Message[];
    const next = list.slice();
    next[i] = m;
    return next;
  }
  // Usually the newest: append; else binary search for the place.
  const last = list[list.length - 1];
  if (!last || last.seq <= m.seq) return [...list, m];
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid]?.seq ?? 0) <= m.seq) lo = mid + 1;
    else hi = mid;
  }
  return [...list.slice(0, lo), m, ...list.slice(lo)];
}

function ascending(list: readonly Message[]): boolean {
  for (let i = 1; i < list.length; i++)
    if ((list[i] as Message).seq <= (list[i - 1] as Message).seq) return false;
  return true;
}

/**
 * Merges two lists by id (the second wins), oldest first. `b` is a list this
 * module made (ascending, no duplicates). A page that lies wholly before or
 * after it (an older page, the latest one) is joined as is: a page of a long
 * history costs the page, not a sort of the history.
 */
export function merge(a: readonly Message[], b: readonly Message[]): Message[] {
  const aFirst = a[0];
  const aLast = a[a.length - 1];
  const bFirst = b[0];
  const bLast = b[b.length - 1];
  if (!aFirst || !aLast) return b.slice();
  if (bFirst && bLast && ascending(a)) {
    if (aLast.seq < bFirst.seq) return [...a, ...b];
    if (bLast.seq < aFirst.seq) return [...b, ...a];
  }
  const byId = new Map<string, Message>();
  for (const m of a) byId.set(m.id, m);
  for (const m of b) byId.set(m.id, m);
  return [...byId.values()].sort(bySeq);
}

function maxSeq(list: readonly Message[]): number {
  let s = 0;
  for (const m of list) if (m.seq > s) s = m.seq;
  return s;
}

/** The newest page (as the server sends it: newest first). */
export function loadedLatest(
  t: Timeline,
  pageNewestFirst: readonly Message[],
  limit: number,
  accept: Accept,
  channelSeq = 0,
): Timeline {
  const page = pageNewestFirst.filter(accept).reverse();
  // Events that arrived while the page was on its way are kept.
  return {
    messages: merge(page, t.messages),
    loaded: true,
    hasOlder: pageNewestFirst.length >= limit,
    syncedSeq: Math.max(t.syncedSeq, channelSeq, maxSeq(page)),
  };
}

/** An older page (newest first), placed before what is there. */
export function loadedOlder(
  t: Timeline,
  pageNewestFirst: readonly Message[],
  limit: number,
  accept: Accept,
): Timeline {
  const page = pageNewestFirst.filter(accept).reverse();
  return {
    ...t,
    messages: merge(page, t.messages),
    hasOlder: pageNewestFirst.length >= limit,
  };
}

/**
 * A thread's latest page, as the server sends it: the first message, then
 * the latest `limit` replies oldest first. `hasOlder` says replies before the
 * loaded ones are left to load. Reloaded over pages loaded before, it keeps
 * them when it reaches them; when it does not (replies missed in between),
 * the older ones are dropped, to be loaded again, rather than shown with a gap.
 */
export function loadedThread(
  t: Timeline,
  list: readonly Message[],
  limit: number,
  accept: Accept,
): Timeline {
  const page = list.filter(accept);
  const full = list.length - 1 >= limit;
  const firstReply = list[1];
  const lastHad = t.messages[t.messages.length - 1];
  const reaches = !full || (t.loaded && !!firstReply && !!lastHad && lastHad.seq >= firstReply.seq);
  const kept =
    reaches || !firstReply ? t.messages : t.messages.filter((m) => m.seq >= firstReply.seq);
  return {
    messages: merge(page, kept),
    loaded: true,
    hasOlder: full && (!reaches || t.hasOlder),
    syncedSeq: Math.max(t.syncedSeq, maxSeq(page)),
  };
}

/** Replies before the loaded ones (the first message, then `limit` or fewer replies). */
export function loadedOlderReplies(
  t: Timeline,
  list: readonly Message[],
  limit: number,
  accept: Accept,
): Timeline {
  return {
    ...t,
    messages: merge(list.filter(accept), t.messages),
    hasOlder: list.length - 1 >= limit,
  };
}

/** An answer of ours (posted, edited, reacted): the message as the server has it. */
export function upserted(t: Timeline, m: Message, accept: Accept): Timeline {
  if (!accept(m)) return t;
  return { ...t, messages: upsert(t.messages, m) };
}

function mapMessage(t: Timeline, id: string, f: (m: Message) => Message): Timeline {
  const i = t.messages.findIndex((m) => m.id === id);
  if (i < 0) return t;
  const old = t.messages[i] as Message;
  const changed = f(old);
  if (changed === old) return t;
  const messages = t.messages.slice();
  messages[i] = changed;
  return { ...t, messages };
}

export function withReaction(
  reactions: readonly Reaction[],
  emoji: string,
  user: string,
  add: boolean,
): Reaction[] {
  const i = reactions.findIndex((r) => r.emoji === emoji);
  const cur = reactions[i];
  if (add) {
    if (cur?.user_ids.includes(user)) return reactions as Reaction[];
    if (!cur) return [...reactions, { emoji, user_ids: [user] }];
    const next = reactions.slice();
    next[i] = { emoji, user_ids: [...cur.user_ids, user] };
    return next;
  }
  if (!cur || !cur.user_ids.includes(user)) return reactions as Reaction[];
  const users = cur.user_ids.filter((u) => u !== user);
  if (users.length === 0) return reactions.filter((r) => r.emoji !== emoji);
  const next = reactions.slice();
  next[i] = { emoji, user_ids: users };
  return next;
}

function isMessage(d: unknown): d is Message {
  if (!d || typeof d !== 'object') return false;
  const m = d as Partial<Message>;
  return typeof m.id === 'string' && typeof m.channel_id === 'string' && typeof m.seq === 'number';
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Applies one live event of the chat module. */
export function applyEvent(t: Timeline, e: EventFrame, accept: Accept): Timeline {
  const d = e.data as Record<string, unknown> | undefined;
  switch (e.type) {
    case 'message.created': {
      if (!isMessage(d)) return t;
      let next = t;
      if (accept(d)) next = { ...next, messages: upsert(next.messages, d) };
      // A reply: its thread's first message counts it, once.
      if (d.thread_id && d.seq > t.syncedSeq) {
        const at = d.created_at;
        next = mapMessage(next, d.thread_id, (root) => ({
          ...root,
          reply_count: root.reply_count + 1,
          last_reply_at: at,
        }));
      }
      if (d.seq > next.syncedSeq && next.loaded) next = { ...next, syncedSeq: d.seq };
      return next;
    }
    case 'message.updated':
    case 'message.pinned':
    case 'message.unpinned': {
      if (!isMessage(d)) return t;
      return mapMessage(t, d.id, () => d);
    }
    case 'message.deleted': {
      const id = str(d?.id);
      return mapMessage(t, id, (m) =>
        m.deleted
          ? m
          : { ...m, deleted: true, body: '', reactions: [], mentions: [], pinned: false },
      );
    }
    case 'reaction.added':
    case 'reaction.removed': {
      const id = str(d?.message_id);
      const emoji = str(d?.emoji);
      const user = str(d?.user_id);
      if (!emoji || !user) return t;
      return mapMessage(t, id, (m) => {
        const reactions = withReaction(m.reactions, emoji, user, e.type === 'reaction.added');
        return reactions === m.reactions ? m : { ...m, reactions };
      });
    }
    default:
      return t;
  }
}

/** The caller's last message of the list that can still be edited (↑ in an empty composer). */
export function lastOwnMessage(t: Timeline, me: string): Message | undefined {
  for (let i = t.messages.length - 1; i >= 0; i--) {
    const m = t.messages[i] as Message;
    if (m.author_id === me && !m.deleted) return m;
  }
  return undefined;
}
