// The calls of one workspace while its page is open: the ones going on,
// with who is in each, the caller's right and the workspace's people (for
// names). Live events patch the list (call.started, call.participant_joined,
// call.participant_left, call.ended); a `hello` after a drop of the live
// connection reads it again. Components read it with useSyncExternalStore.
import { api } from '../../api';
import type { Access, Call, CallParticipant, EventFrame, Member } from '../../api';
import { liveEvents } from '../../events';
import { memberDirectory } from '../../workspaces/members';
import { Store } from '../../util/store';
import { moduleAccess } from '../../workspaces';

export interface CallsState {
  /** The caller's right on calls: read joins, write also starts. */
  right: Access;
  archived: boolean;
  rightLoaded: boolean;
  members: readonly Member[];
  /** The calls going on, the newest first. */
  calls: readonly Call[];
  loaded: boolean;
  /** The list could not be read (404: calls are off for the caller). */
  failed: unknown;
}

const INITIAL: CallsState = {
  right: 'read',
  archived: false,
  rightLoaded: false,
  members: [],
  calls: [],
  loaded: false,
  failed: undefined,
};

const CALLS_EVENTS = [
  'call.started',
  'call.participant_joined',
  'call.participant_left',
  'call.ended',
  'member.*',
  'workspace.updated',
  'hello',
];

/** Bursts of events within this time cause one reading. */
export const REFETCH_DELAY_MS = 300;

function isCall(v: unknown): v is Call {
  const c = v as Partial<Call> | null;
  return !!c && typeof c.id === 'string' && Array.isArray(c.participants);
}

function newestFirst(calls: readonly Call[]): Call[] {
  return [...calls].sort((a, b) => (a.started_at < b.started_at ? 1 : -1));
}

export class CallsStore extends Store<CallsState> {
  private readonly unsubscribes: (() => void)[] = [];
  private started = false;
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Calls that ended: an event arriving late does not bring them back. */
  private readonly ended = new Set<string>();

  constructor(
    readonly workspaceId: string,
    readonly me: string,
    private readonly refetchDelayMs = REFETCH_DELAY_MS,
  ) {
    super(INITIAL);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const conn = liveEvents();
    for (const type of CALLS_EVENTS) {
      this.unsubscribes.push(conn.subscribe(type, (e) => this.handleEvent(e)));
    }
    void this.loadRight();
    this.unsubscribes.push(
      memberDirectory().watch(this.workspaceId, () => void this.loadMembers()),
    );
    void this.loadMembers();
    void this.load();
  }

  stop(): void {
    this.started = false;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.unsubscribes.splice(0).forEach((u) => u());
  }

  get canStart(): boolean {
    return this.state.right === 'write' && !this.state.archived;
  }

  async loadRight(): Promise<void> {
    const access = await moduleAccess(this.workspaceId, 'calls');
    this.set({ ...access, rightLoaded: true });
  }

  async loadMembers(): Promise<void> {
    try {
      this.set({ members: await memberDirectory().members(this.workspaceId) });
    } catch {
      // Names fall back to "someone".
    }
  }

  /** Reads the calls going on; only the last reading started is kept. */
  async load(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const g = ++this.generation;
    try {
      const list = await api.calls.list(this.workspaceId);
      if (g !== this.generation) return;
      const calls = (Array.isArray(list) ? list : []).filter(
        (c) => isCall(c) && !c.ended_at && !this.ended.has(c.id),
      );
      this.set({ calls: newestFirst(calls), loaded: true, failed: undefined });
    } catch (e) {
      if (g !== this.generation) return;
      this.set({ loaded: true, failed: e });
    }
  }

  private loadSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load();
    }, this.refetchDelayMs);
  }

  /** Starts a call (write right); the list shows it at once. */
  async startCall(title: string): Promise<Call> {
    const call = await api.calls.start(this.workspaceId, title.trim() || undefined);
    this.upsert(call);
    return call;
  }

  private upsert(call: Call) {
    if (!isCall(call) || call.ended_at || this.ended.has(call.id)) return;
    const others = this.state.calls.filter((c) => c.id !== call.id);
    this.set({ calls: newestFirst([...others, call]) });
  }

  private patch(callId: string, change: (c: Call) => Call): boolean {
    const i = this.state.calls.findIndex((c) => c.id === callId);
    const found = this.state.calls[i];
    if (!found) return false;
    const calls = [...this.state.calls];
    calls[i] = change(found);
    this.set({ calls });
    return true;
  }

  handleEvent(e: EventFrame): void {
    if (e.type === 'hello') {
      // Back after a drop: what was missed is read again.
      if (this.state.loaded) this.loadSoon();
      return;
    }
    if (e.workspace_id !== this.workspaceId) return;
    const d = (e.data ?? {}) as Record<string, unknown>;
    if (e.type.startsWith('member.') || e.type === 'workspace.updated') {
      if (e.type === 'workspace.updated' || d.user_id === this.me) void this.loadRight();
      return;
    }
    const callId = typeof d.call_id === 'string' ? d.call_id : '';
    switch (e.type) {
      case 'call.started':
        if (isCall(e.data)) this.upsert(e.data as unknown as Call);
        break;
      case 'call.participant_joined': {
        const p = d.participant as CallParticipant | undefined;
        if (!p || typeof p.id !== 'string') return;
        const known = this.patch(callId, (c) =>
          c.participants.some((x) => x.id === p.id)
            ? c
            : { ...c, participants: [...c.participants, p] },
        );
        // A call started while the list was being read: read it again.
        if (!known && !this.ended.has(callId)) this.loadSoon();
        break;
      }
      case 'call.participant_left': {
        const id = d.participant_id;
        this.patch(callId, (c) => ({
          ...c,
          participants: c.participants.filter((x) => x.id !== id),
        }));
        break;
      }
      case 'call.ended':
        this.ended.add(callId);
        this.set({ calls: this.state.calls.filter((c) => c.id !== callId) });
        break;
    }
  }
}
