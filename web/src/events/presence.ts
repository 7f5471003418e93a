// Presence of the people the screens show. The server sends a person's
// changes only to connections that asked for them (presence.subscribe, one
// set per connection, at most 500 ids, replaced by each message), so this
// tracker gathers what every mounted component wants for the current
// workspace, sends the union once per burst, and sends it again after a
// reconnection. It also tells the server when this tab has been hidden for
// a while ("away") and when it is back.
import type { EventFrame } from '../api/types';

export type PresenceStatus = 'online' | 'away' | 'offline';

export const MAX_WATCHED = 500;
const FLUSH_DELAY_MS = 50;
export const AWAY_AFTER_MS = 120_000;

type Send = (message: { type: string } & Record<string, unknown>) => boolean;
type Timer = ReturnType<typeof setTimeout>;

export class PresenceTracker {
  private workspace: string | null = null;
  private readonly wanted = new Map<string, number>(); // user id -> how many components
  private readonly status = new Map<string, PresenceStatus>();
  private readonly listeners = new Set<() => void>();
  private flushTimer: Timer | null = null;
  private awayTimer: Timer | null = null;
  private saidAway = false;

  constructor(
    private readonly send: Send,
    private readonly setTimer: (f: () => void, ms: number) => Timer = (f, ms) => setTimeout(f, ms),
    private readonly clearTimer: (t: Timer) => void = (t) => clearTimeout(t),
  ) {}

  /** Follows `userId` in `workspaceId` until the returned function is called. */
  want(workspaceId: string, userId: string): () => void {
    if (this.workspace !== workspaceId) {
      this.workspace = workspaceId;
      this.wanted.clear();
      this.status.clear();
    }
    this.wanted.set(userId, (this.wanted.get(userId) ?? 0) + 1);
    this.scheduleFlush();
    return () => {
      if (this.workspace !== workspaceId) return;
      const n = (this.wanted.get(userId) ?? 0) - 1;
      if (n > 0) this.wanted.set(userId, n);
      else this.wanted.delete(userId);
    };
  }

  get(userId: string): PresenceStatus {
    return this.status.get(userId) ?? 'offline';
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Frames from the events connection: presence.state, presence.changed, hello. */
  onFrame(e: EventFrame): void {
    if (e.type === 'hello') {
      // A new connection follows nobody yet.
      this.saidAway = false;
      if (this.workspace && this.wanted.size > 0) this.flush();
      return;
    }
    if (e.workspace_id !== this.workspace) return;
    const data = e.data as Record<string, unknown> | null;
    if (e.type === 'presence.state') {
      const users = (data?.users ?? {}) as Record<string, unknown>;
      this.status.clear();
      for (const [id, s] of Object.entries(users))
        if (s === 'online' || s === 'away') this.status.set(id, s);
      this.notify();
    } else if (e.type === 'presence.changed') {
      const id = data?.user_id;
      const s = data?.status;
      if (typeof id === 'string' && (s === 'online' || s === 'away' || s === 'offline')) {
        this.status.set(id, s);
        this.notify();
      }
    }
  }

  /** The tab was hidden (away after AWAY_AFTER_MS) or shown (back at once). */
  visibilityChanged(hidden: boolean): void {
    if (this.awayTimer) {
      this.clearTimer(this.awayTimer);
      this.awayTimer = null;
    }
    if (hidden) {
      this.awayTimer = this.setTimer(() => {
        this.awayTimer = null;
        if (this.send({ type: 'presence', status: 'away' })) this.saidAway = true;
      }, AWAY_AFTER_MS);
    } else if (this.saidAway) {
      if (this.send({ type: 'presence', status: 'online' })) this.saidAway = false;
    }
  }

  private scheduleFlush() {
    if (this.flushTimer) return;
    this.flushTimer = this.setTimer(() => {
      this.flushTimer = null;
      this.flush();
    }, FLUSH_DELAY_MS);
  }

  private flush() {
    if (!this.workspace) return;
    const ids = [...this.wanted.keys()].sort().slice(0, MAX_WATCHED);
    this.send({ type: 'presence.subscribe', workspace_id: this.workspace, user_ids: ids });
  }

  private notify() {
    for (const l of this.listeners) l();
  }
}
