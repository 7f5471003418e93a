// The channel list of a workspace, as the caller sees it (joined, unread,
// mentions), and how live events change it. Pure functions.
import type { Channel, EventFrame, Member } from '../../../api/types';

export interface ChannelsState {
  byId: Record<string, Channel>;
  loaded: boolean;
}

export const EMPTY_CHANNELS: ChannelsState = { byId: {}, loaded: false };

/** The server caps unread and mention counts at 100 ("99+"). */
export const COUNT_CAP = 100;

export function loadedChannels(list: readonly Channel[]): ChannelsState {
  const byId: Record<string, Channel> = {};
  for (const c of list) byId[c.id] = c;
  return { byId, loaded: true };
}

export function upsertChannel(s: ChannelsState, c: Channel): ChannelsState {
  return { ...s, byId: { ...s.byId, [c.id]: c } };
}

export function removeChannel(s: ChannelsState, id: string): ChannelsState {
  if (!(id in s.byId)) return s;
  const byId = Object.fromEntries(Object.entries(s.byId).filter(([k]) => k !== id));
  return { ...s, byId };
}

function patch(s: ChannelsState, id: string, f: (c: Channel) => Channel): ChannelsState {
  const c = s.byId[id];
  if (!c) return s;
  const next = f(c);
  return next === c ? s : { ...s, byId: { ...s.byId, [id]: next } };
}

export interface ChannelEventContext {
  me: string;
  /**
   * The channel the person is reading right now (open, window focused,
   * scrolled to the end): its new messages are read, not counted.
   */
  reading: string | null;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Applies a chat event to the list. Returns the new state and whether the
 * caller-specific fields of a channel can no longer be derived (then the
 * store asks the server for that channel: GET /channels/{cid}).
 */
export function applyChannelEvent(
  s: ChannelsState,
  e: EventFrame,
  ctx: ChannelEventContext,
): { state: ChannelsState; refresh: string | null } {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const cid = str(d.channel_id);
  switch (e.type) {
    case 'message.created': {
      const seq = typeof d.seq === 'number' ? d.seq : 0;
      const author = str(d.author_id);
      const shown = d.thread_id === null || d.thread_id === undefined || d.in_channel === true;
      const mentions = Array.isArray(d.mentions) ? d.mentions : [];
      const state = patch(s, cid, (c) => {
        const base = {
          ...c,
          last_seq: Math.max(c.last_seq, seq),
          last_message_at: str(d.created_at) || c.last_message_at,
        };
        if (author === ctx.me) {
          // Posting marks the channel read up to one's own message.
          return { ...base, joined: true, unread: 0, mentions: 0, last_read_seq: seq };
        }
        if (!c.joined || ctx.reading === cid) return base;
        const mentioned = mentions.includes(ctx.me) || (!c.muted && mentions.includes('channel'));
        return {
          ...base,
          unread: shown ? Math.min(COUNT_CAP, c.unread + 1) : c.unread,
          mentions: mentioned ? Math.min(COUNT_CAP, c.mentions + 1) : c.mentions,
        };
      });
      return { state, refresh: null };
    }
    case 'channel.read': {
      const at = typeof d.last_read_seq === 'number' ? d.last_read_seq : 0;
      const c = s.byId[cid];
      if (!c) return { state: s, refresh: null };
      if (d.marked_unread === true) {
        // Marked unread (here or in another tab): back to that position; the
        // counts from there are the server's.
        if (at === c.last_read_seq) return { state: s, refresh: null };
        return { state: markedUnread(s, cid, at), refresh: cid };
      }
      if (at <= c.last_read_seq) return { state: s, refresh: null };
      if (at >= c.last_seq) {
        return {
          state: patch(s, cid, (x) => ({ ...x, last_read_seq: at, unread: 0, mentions: 0 })),
          refresh: null,
        };
      }
      // Read part of the way: only the server knows what is left.
      return { state: patch(s, cid, (x) => ({ ...x, last_read_seq: at })), refresh: cid };
    }
    case 'channel.muted':
      return { state: mutedChannel(s, cid, d.muted === true), refresh: null };
    case 'channel.created':
    case 'channel.updated': {
      const id = str(d.id);
      if (!id) return { state: s, refresh: null };
      const data = d as unknown as Channel;
      const old = s.byId[id];
      if (old) {
        // Shared fields from the event; the caller's own ones stay.
        const merged: Channel = {
          ...old,
          name: typeof data.name === 'string' ? data.name : old.name,
          topic: typeof data.topic === 'string' ? data.topic : old.topic,
          archived: typeof data.archived === 'boolean' ? data.archived : old.archived,
          kind: data.kind ?? old.kind,
          member_ids: data.member_ids ?? old.member_ids,
        };
        return { state: upsertChannel(s, merged), refresh: null };
      }
      const joined =
        data.created_by === ctx.me ||
        (Array.isArray(data.member_ids) && data.member_ids.includes(ctx.me)) ||
        data.kind !== 'public';
      const fresh: Channel = {
        ...data,
        joined,
        unread: 0,
        mentions: 0,
        last_read_seq: data.last_seq ?? 0,
      };
      // Who else was added is not in the event: ask.
      return { state: upsertChannel(s, fresh), refresh: id };
    }
    case 'channel.member_added': {
      if (str(d.user_id) !== ctx.me) return { state: s, refresh: null };
      const c = s.byId[cid];
      if (!c) return { state: s, refresh: cid };
      return { state: patch(s, cid, (x) => ({ ...x, joined: true })), refresh: cid };
    }
    case 'channel.member_removed': {
      if (str(d.user_id) !== ctx.me) return { state: s, refresh: null };
      const c = s.byId[cid];
      if (!c) return { state: s, refresh: null };
      if (c.kind !== 'public') return { state: removeChannel(s, cid), refresh: null };
      return {
        state: patch(s, cid, (x) => ({ ...x, joined: false, unread: 0, mentions: 0 })),
        refresh: null,
      };
    }
    default:
      return { state: s, refresh: null };
  }
}

/** The read position moved back to `seq` (mark as unread; the counts come from the server). */
export function markedUnread(s: ChannelsState, id: string, seq: number): ChannelsState {
  return patch(s, id, (c) => (c.last_read_seq === seq ? c : { ...c, last_read_seq: seq }));
}

/** The channel muted or not for the person. */
export function mutedChannel(s: ChannelsState, id: string, muted: boolean): ChannelsState {
  return patch(s, id, (c) => (!!c.muted === muted ? c : { ...c, muted }));
}

/** Marks a channel read up to `seq` (optimistic, before the server answers). */
export function markedRead(s: ChannelsState, id: string, seq: number): ChannelsState {
  return patch(s, id, (c) =>
    c.last_read_seq >= seq && c.unread === 0 && c.mentions === 0
      ? c
      : {
          ...c,
          last_read_seq: Math.max(c.last_read_seq, seq),
          unread: seq >= c.last_seq ? 0 : c.unread,
          mentions: seq >= c.last_seq ? 0 : c.mentions,
        },
  );
}

/** How a channel is named: "général", or for a direct conversation its other people. */
export function channelLabel(
  c: Channel,
  me: string,
  nameOf: (id: string) => string | undefined,
  fallback: string,
): string {
  if (c.kind !== 'direct') return c.name;
  const others = (c.member_ids ?? []).filter((u) => u !== me);
  if (others.length === 0) return nameOf(me) ?? fallback;
  return others.map((u) => nameOf(u) ?? fallback).join(', ');
}

export interface ChannelSections {
  channels: Channel[];
  direct: Channel[];
}

/**
 * The sidebar's order: joined channels by name, then direct conversations,
 * most recent first. Keyboard navigation (Alt+↑/↓) follows it.
 */
export function sidebarSections(
  s: ChannelsState,
  label: (c: Channel) => string,
  locale: string,
): ChannelSections {
  const all = Object.values(s.byId).filter((c) => c.joined);
  const channels = all
    .filter((c) => c.kind !== 'direct')
    .sort(
      (a, b) =>
        Number(a.archived) - Number(b.archived) ||
        a.name.localeCompare(b.name, locale, { sensitivity: 'base' }),
    );
  const direct = all
    .filter((c) => c.kind === 'direct')
    .sort(
      (a, b) =>
        (b.last_message_at ?? b.created_at).localeCompare(a.last_message_at ?? a.created_at) ||
        label(a).localeCompare(label(b), locale),
    );
  return { channels, direct };
}

export function sidebarOrder(sections: ChannelSections): Channel[] {
  return [...sections.channels, ...sections.direct];
}

/** The channel before or after `current` in the sidebar's order (wrapping around). */
export function neighbour(order: readonly Channel[], current: string | null, step: 1 | -1) {
  if (order.length === 0) return null;
  const i = order.findIndex((c) => c.id === current);
  if (i < 0) return step === 1 ? order[0] : order[order.length - 1];
  return order[(i + step + order.length) % order.length] ?? null;
}

/** Members who can use chat (a mention, a direct message, a channel member). */
export function chatPeople(members: readonly Member[]): Member[] {
  return members.filter((m) => (m.rights?.chat ?? 'write') !== 'none');
}
