// Unread counts per workspace and per module: events received on the live
// connection while the person was not looking at that workspace (or
// module). Kept in localStorage per user so a reload does not lose them.
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

type State = Record<string, UnreadCounts>;

const EMPTY: UnreadCounts = { total: 0, general: 0, modules: {} };

function counts(general: number, modules: Record<string, number>): UnreadCounts {
  return { general, modules, total: general + Object.values(modules).reduce((a, b) => a + b, 0) };
}

/** Events that are bookkeeping rather than news. */
const IGNORED = new Set(['hello', 'error', 'pong', 'workspace.deleted']);

export class UnreadStore {
  private state: State = {};
  private readonly listeners = new Set<() => void>();
  private viewing: { workspace: string | null; module: string | null } = {
    workspace: null,
    module: null,
  };
  private key: string | null = null;
  private readonly storage: Storage | null;

  constructor(
    storage: Storage | null = typeof window !== 'undefined' ? window.localStorage : null,
  ) {
    this.storage = storage;
  }

  /** Switches to a user's counts (null: signed out). */
  setUser(userId: string | null): void {
    this.key = userId ? `ruche.unread.${userId}` : null;
    this.state = {};
    if (this.key && this.storage) {
      try {
        const raw = this.storage.getItem(this.key);
        if (raw) this.state = JSON.parse(raw) as State;
      } catch {
        this.state = {};
      }
    }
    this.emit();
  }

  /** What the person is looking at; its counts are cleared. */
  setViewing(workspace: string | null, module: string | null): void {
    this.viewing = { workspace, module };
    if (workspace) this.markSeen(workspace, module);
  }

  record(e: EventFrame): void {
    if (IGNORED.has(e.type) || !e.workspace_id) return;
    const ws = e.workspace_id;
    const mod = moduleOfEvent(e.type, e.data);
    if (this.viewing.workspace === ws && (mod === null || this.viewing.module === mod)) return;
    const cur = this.state[ws] ?? EMPTY;
    const modules = { ...cur.modules };
    if (mod) modules[mod] = (modules[mod] ?? 0) + 1;
    this.state = { ...this.state, [ws]: counts(cur.general + (mod ? 0 : 1), modules) };
    this.persist();
    this.emit();
  }

  /**
   * The person opened a workspace page: its workspace-level news is seen,
   * and so is the module's when the page is a module.
   */
  markSeen(workspace: string, module: string | null = null): void {
    const cur = this.state[workspace];
    if (!cur) return;
    if (cur.general === 0 && (!module || !cur.modules[module])) return;
    const modules = Object.fromEntries(Object.entries(cur.modules).filter(([m]) => m !== module));
    this.state = { ...this.state, [workspace]: counts(0, modules) };
    this.persist();
    this.emit();
  }

  forget(workspace: string): void {
    if (!(workspace in this.state)) return;
    this.state = Object.fromEntries(Object.entries(this.state).filter(([ws]) => ws !== workspace));
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

  private persist() {
    if (!this.key || !this.storage) return;
    try {
      this.storage.setItem(this.key, JSON.stringify(this.state));
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
