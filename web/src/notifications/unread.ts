// Unread counts per workspace and per module: events received on the live
// connection while the person was not looking at that workspace (or
// module). Kept in localStorage per user so a reload does not lose them.
//
// Chat is counted per channel, and only for news: messages from others
// (not reactions, edits, typing or one's own messages); a channel read in
// another tab (channel.read) or left drops to zero. While the chat screen of a
// workspace is open it knows the exact counts (the server's) and hands them
// over with setChatCounts.
import { useSyncExternalStore } from 'react';
import type { EventFrame } from '../api/types';
import { moduleOfEvent } from '../events/modules';

export interface UnreadCounts {
  /** Everything unread in the workspace. */
  total: number;
  /** Unread workspace-level events (members, settings...). */
  general: number;
  modules: Record<string, number>;
}

/** What is stored per workspace. */
interface Raw {
  general: number;
  /** Event counts of the modules other than chat. */
  modules: Record<string, number>;
  /** Chat: unread messages per channel id ('' when the event did not say). */
  channels: Record<string, number>;
  /** Chat: the channels the person muted (not counted; @channel does not notify). */
  muted?: string[];
}

type State = Record<string, UnreadCounts>;

const EMPTY: UnreadCounts = { total: 0, general: 0, modules: {} };
const EMPTY_RAW: Raw = { general: 0, modules: {}, channels: {} };

function derive(r: Raw): UnreadCounts {
  const modules = { ...r.modules };
  const chat = Object.values(r.channels).reduce((a, b) => a + b, 0);
  if (chat > 0) modules.chat = chat;
  else delete modules.chat;
  const total = r.general + Object.values(modules).reduce((a, b) => a + b, 0);
  return { total, general: r.general, modules };
}

/** Events that are bookkeeping rather than news. */
const IGNORED = new Set(['hello', 'error', 'pong', 'workspace.deleted']);

/** Reads what an older version stored ({total, general, modules}) too. */
function parseStored(raw: string): Record<string, Raw> {
  const v: unknown = JSON.parse(raw);
  const out: Record<string, Raw> = {};
  if (!v || typeof v !== 'object') return out;
  for (const [ws, x] of Object.entries(v as Record<string, Partial<Raw>>)) {
    if (!x || typeof x !== 'object') continue;
    const modules = { ...(x.modules ?? {}) };
    const channels = { ...(x.channels ?? {}) };
    if (!x.channels && typeof modules.chat === 'number') channels[''] = modules.chat;
    delete modules.chat;
    const muted = Array.isArray(x.muted) ? x.muted.filter((id) => typeof id === 'string') : [];
    out[ws] = { general: Number(x.general) || 0, modules, channels, muted };
  }
  return out;
}

export class UnreadStore {
  private raw: Record<string, Raw> = {};
  private state: State = {};
  private readonly listeners = new Set<() => void>();
  private viewing: { workspace: string | null; module: string | null } = {
    workspace: null,
    module: null,
  };
  private key: string | null = null;
  private userId: string | null = null;
  /** Workspaces whose chat screen is open and keeps the chat counts itself. */
  private readonly chatOwners = new Map<string, number>();
  private readonly storage: Storage | null;

  constructor(
    storage: Storage | null = typeof window !== 'undefined' ? window.localStorage : null,
  ) {
    this.storage = storage;
  }

  /** Switches to a user's counts (null: signed out). */
  setUser(userId: string | null): void {
    this.userId = userId;
    this.key = userId ? `ruche.unread.${userId}` : null;
    this.raw = {};
    if (this.key && this.storage) {
      try {
        const stored = this.storage.getItem(this.key);
        if (stored) this.raw = parseStored(stored);
      } catch {
        this.raw = {};
      }
    }
    this.rebuild();
    this.emit();
  }

  /** What the person is looking at; its counts are cleared. */
  setViewing(workspace: string | null, module: string | null): void {
    this.viewing = { workspace, module };
    if (workspace) this.markSeen(workspace, module);
  }

  record(e: EventFrame): void {
    if (IGNORED.has(e.type) || !e.workspace_id) return;
    // Ephemeral events (typing) are not news.
    if (typeof e.seq !== 'number' || e.seq <= 0) return;
    const ws = e.workspace_id;
    const mod = moduleOfEvent(e.type, e.data, e.module);
    if (mod === 'chat') {
      this.recordChat(e);
      return;
    }
    if (this.viewing.workspace === ws && (mod === null || this.viewing.module === mod)) return;
    const cur = this.raw[ws] ?? EMPTY_RAW;
    const modules = { ...cur.modules };
    if (mod) modules[mod] = (modules[mod] ?? 0) + 1;
    this.put(ws, { ...cur, general: cur.general + (mod ? 0 : 1), modules });
  }

  private recordChat(e: EventFrame): void {
    const ws = e.workspace_id;
    const d = e.data ?? {};
    const channel = typeof d.channel_id === 'string' ? d.channel_id : '';
    const cur = this.raw[ws] ?? EMPTY_RAW;
    if (e.type === 'channel.muted') {
      // Heard even while the chat screen is open: it is the person's own choice.
      const muted = new Set(cur.muted ?? []);
      if (d.muted === true) muted.add(channel);
      else muted.delete(channel);
      const channels = Object.fromEntries(
        Object.entries(cur.channels).filter(([id]) => id !== channel || d.muted !== true),
      );
      this.put(ws, { ...cur, channels, muted: [...muted] });
      return;
    }
    if (this.chatOwners.has(ws)) return;
    // Read in another tab, or left (the person is no longer in it).
    const left = e.type === 'channel.member_removed' && !!this.userId && d.user_id === this.userId;
    if (e.type === 'channel.read' || left) {
      if (!cur.channels[channel]) return;
      const channels = Object.fromEntries(
        Object.entries(cur.channels).filter(([id]) => id !== channel),
      );
      this.put(ws, { ...cur, channels });
      return;
    }
    if (e.type !== 'message.created') return;
    if (this.userId && d.author_id === this.userId) return;
    if (d.in_channel === false) return;
    if (cur.muted?.includes(channel)) return;
    if (this.viewing.workspace === ws && this.viewing.module === 'chat') return;
    const channels = { ...cur.channels, [channel]: (cur.channels[channel] ?? 0) + 1 };
    this.put(ws, { ...cur, channels });
  }

  /**
   * The chat screen of `workspace` is open: it keeps the chat counts (see
   * setChatCounts) until the returned function is called.
   */
  claimChat(workspace: string): () => void {
    this.chatOwners.set(workspace, (this.chatOwners.get(workspace) ?? 0) + 1);
    return () => {
      const n = (this.chatOwners.get(workspace) ?? 1) - 1;
      if (n <= 0) this.chatOwners.delete(workspace);
      else this.chatOwners.set(workspace, n);
    };
  }

  /**
   * The exact unread messages per channel of a workspace (from the server),
   * and the channels the person muted, which are not counted.
   */
  setChatCounts(
    workspace: string,
    counts: Record<string, number>,
    muted: readonly string[] = [],
  ): void {
    const cur = this.raw[workspace] ?? EMPTY_RAW;
    const channels: Record<string, number> = {};
    for (const [id, n] of Object.entries(counts))
      if (n > 0 && !muted.includes(id)) channels[id] = n;
    const sameCounts =
      Object.keys(channels).length === Object.keys(cur.channels).length &&
      Object.entries(channels).every(([id, n]) => cur.channels[id] === n);
    const was = cur.muted ?? [];
    const sameMuted = was.length === muted.length && muted.every((id) => was.includes(id));
    if (sameCounts && sameMuted) return;
    this.put(workspace, { ...cur, channels, muted: [...muted] });
  }

  /** Whether the person muted this channel (as far as this browser knows). */
  isMuted(workspace: string, channel: string): boolean {
    return this.raw[workspace]?.muted?.includes(channel) ?? false;
  }

  /**
   * The person opened a workspace page: its workspace-level news is seen,
   * and so is the module's when the page is a module. Chat counts messages,
   * not visits: an open chat screen keeps them (it reads channels).
   */
  markSeen(workspace: string, module: string | null = null): void {
    const cur = this.raw[workspace];
    if (!cur) return;
    const clearChat = module === 'chat' && !this.chatOwners.has(workspace);
    const clearModule = module !== null && module !== 'chat' && !!cur.modules[module];
    if (cur.general === 0 && !clearModule && !(clearChat && Object.keys(cur.channels).length)) {
      return;
    }
    const modules = Object.fromEntries(Object.entries(cur.modules).filter(([m]) => m !== module));
    this.put(workspace, { ...cur, general: 0, modules, channels: clearChat ? {} : cur.channels });
  }

  forget(workspace: string): void {
    if (!(workspace in this.raw)) return;
    this.raw = Object.fromEntries(Object.entries(this.raw).filter(([ws]) => ws !== workspace));
    this.rebuild();
    this.persist();
    this.emit();
  }

  get(workspace: string): UnreadCounts {
    return this.state[workspace] ?? EMPTY;
  }

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  snapshot = (): State => this.state;

  private put(ws: string, r: Raw) {
    this.raw = { ...this.raw, [ws]: r };
    this.state = { ...this.state, [ws]: derive(r) };
    this.persist();
    this.emit();
  }

  private rebuild() {
    this.state = Object.fromEntries(Object.entries(this.raw).map(([ws, r]) => [ws, derive(r)]));
  }

  private persist() {
    if (!this.key || !this.storage) return;
    try {
      this.storage.setItem(this.key, JSON.stringify(this.raw));
    } catch {
      // Quota: counts stay in memory.
    }
  }

  private emit() {
    this.listeners.forEach((l) => l());
  }
}

export const unread = new UnreadStore();

export function useUnread(workspace: string): UnreadCounts {
  const state = useSyncExternalStore(unread.subscribe, unread.snapshot);
  return state[workspace] ?? EMPTY;
}
