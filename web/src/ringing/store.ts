// Incoming calls, app-wide: the `call.ringing` events of the person's own
// live connection (docs/api.md, "Calls"), each ringing until one of:
// - declined here (decline: POST /calls/{cid}/decline, which tells the
//   people in the call);
// - declined in another tab of theirs (`call.declined` with their user id);
// - joined, here (accept) or in any tab (`call.participant_joined` whose
//   participant is them);
// - the call ended (`call.ended`);
// - `ring_seconds` passed (30);
// and, as the events that would say so may have been missed during a drop
// of the live connection, a `hello` checks each call still ringing (ended,
// or joined meanwhile: stopped). Leaving the workspace stops its rings.
// Several rings at once are kept, the newest first. A ring shows once the
// caller's name is known (one read of the workspace's members), so that
// what is said of it is said once and whole.
import { api, isApiError, type Call, type CallRinging, type EventFrame, type Member } from '../api';
import { liveEvents } from '../events';
import { memberDirectory } from '../workspaces/members';
import { Store } from '../util/store';

export interface Ring {
  callId: string;
  workspaceId: string;
  /** The call's title ('' when it has none). */
  title: string;
  fromUserId: string;
  /** The caller's name; null when it could not be read. */
  fromName: string | null;
  /** When it stops ringing by itself (Date.now() time, ms). */
  until: number;
  /** Each ring (and each ring again of the same call) its own number. */
  n: number;
}

export interface RingingState {
  /** The calls ringing, the newest first. */
  rings: readonly Ring[];
}

/** What the store needs from the server (api, or a fake). */
export interface RingingApi {
  members(workspaceId: string): Promise<Member[]>;
  decline(callId: string): Promise<unknown>;
  get(callId: string): Promise<Call>;
}

export interface RingingDeps {
  api: RingingApi;
  events: { subscribe(type: string, handler: (e: EventFrame) => void): () => void };
  now(): number;
}

export function defaultRingingDeps(): RingingDeps {
  return {
    api: {
      members: (ws) => memberDirectory().members(ws),
      decline: (cid) => api.calls.decline(cid),
      get: (cid) => api.calls.get(cid),
    },
    events: liveEvents(),
    now: () => Date.now(),
  };
}

/** How long a ring lasts when the event does not say (the server's 30 s), and at most. */
export const DEFAULT_RING_SECONDS = 30;
const MAX_RING_SECONDS = 120;

const EVENTS = [
  'call.ringing',
  'call.declined',
  'call.participant_joined',
  'call.ended',
  'member.removed',
  'workspace.deleted',
  'hello',
];

function ringingOf(d: Record<string, unknown>, frameWorkspace: string): CallRinging | null {
  const id = d.call_id;
  const from = d.from_user_id;
  if (typeof id !== 'string' || !id || typeof from !== 'string') return null;
  const ws = typeof d.workspace_id === 'string' && d.workspace_id ? d.workspace_id : frameWorkspace;
  if (!ws) return null;
  const seconds = Number(d.ring_seconds);
  return {
    call_id: id,
    workspace_id: ws,
    title: typeof d.title === 'string' ? d.title : '',
    from_user_id: from,
    ring_seconds:
      Number.isFinite(seconds) && seconds > 0
        ? Math.min(seconds, MAX_RING_SECONDS)
        : DEFAULT_RING_SECONDS,
  };
}

export class RingingStore extends Store<RingingState> {
  private readonly unsubscribes: (() => void)[] = [];
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Rings waiting for their caller's name: the latest one per call, and its workspace. */
  private readonly pending = new Map<string, { n: number; workspaceId: string }>();
  private counter = 0;

  constructor(
    readonly me: string,
    private readonly deps: RingingDeps = defaultRingingDeps(),
  ) {
    super({ rings: [] });
  }

  start(): void {
    if (this.unsubscribes.length > 0) return;
    for (const type of EVENTS) {
      this.unsubscribes.push(this.deps.events.subscribe(type, (e) => this.handleEvent(e)));
    }
  }

  /** Stops listening and ringing. */
  stop(): void {
    this.unsubscribes.splice(0).forEach((u) => u());
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
    this.pending.clear();
    if (this.state.rings.length > 0) this.set({ rings: [] });
  }

  ringOf(callId: string): Ring | undefined {
    return this.state.rings.find((r) => r.callId === callId);
  }

  /**
   * Declines: it stops ringing at once, and the server tells the people in
   * the call (and this person's other tabs). A failure (the call ended
   * meanwhile, the network) changes nothing here.
   */
  decline(callId: string): void {
    if (!this.ringOf(callId) && !this.pending.has(callId)) return;
    this.end(callId);
    this.deps.api.decline(callId).catch(() => undefined);
  }

  /** Answers: it stops ringing; the caller opens the call (handoff.openCall). */
  accept(callId: string): Ring | undefined {
    const ring = this.ringOf(callId);
    this.end(callId);
    return ring;
  }

  handleEvent(e: EventFrame): void {
    const d = (e.data ?? {}) as Record<string, unknown>;
    switch (e.type) {
      case 'call.ringing': {
        const r = ringingOf(d, e.workspace_id);
        if (r) void this.ring(r);
        return;
      }
      case 'call.declined':
        if (d.user_id === this.me && typeof d.call_id === 'string') this.end(d.call_id);
        return;
      case 'call.participant_joined': {
        const p = d.participant as { user_id?: unknown } | undefined;
        if (p?.user_id === this.me && typeof d.call_id === 'string') this.end(d.call_id);
        return;
      }
      case 'call.ended':
        if (typeof d.call_id === 'string') this.end(d.call_id);
        return;
      case 'member.removed':
        if (d.user_id === this.me) this.endWorkspace(e.workspace_id);
        return;
      case 'workspace.deleted':
        this.endWorkspace(e.workspace_id);
        return;
      case 'hello':
        this.recheck();
        return;
    }
  }

  private async ring(r: CallRinging): Promise<void> {
    const received = this.deps.now();
    const n = ++this.counter;
    this.pending.set(r.call_id, { n, workspaceId: r.workspace_id });
    const fromName = await this.nameOf(r.workspace_id, r.from_user_id);
    // Stopped meanwhile, or rung again (the later one wins).
    if (this.pending.get(r.call_id)?.n !== n) return;
    this.pending.delete(r.call_id);
    const until = received + r.ring_seconds * 1000;
    const left = until - this.deps.now();
    if (left <= 0) return;
    const ring: Ring = {
      callId: r.call_id,
      workspaceId: r.workspace_id,
      title: r.title,
      fromUserId: r.from_user_id,
      fromName,
      until,
      n,
    };
    this.clearTimer(r.call_id);
    this.timers.set(
      r.call_id,
      setTimeout(() => this.end(r.call_id), left),
    );
    this.set({ rings: [ring, ...this.state.rings.filter((x) => x.callId !== r.call_id)] });
  }

  private async nameOf(workspaceId: string, userId: string): Promise<string | null> {
    try {
      const members = await this.deps.api.members(workspaceId);
      return members.find((m) => m.user_id === userId)?.name ?? null;
    } catch {
      return null;
    }
  }

  /** Back after a drop of the live connection: the calls that ended or were joined meanwhile stop. */
  private recheck(): void {
    for (const ring of this.state.rings) {
      const { callId, n } = ring;
      this.deps.api.get(callId).then(
        (call) => {
          const stillThisRing = this.ringOf(callId)?.n === n;
          if (!stillThisRing) return;
          if (call.ended_at || call.participants?.some((p) => p.user_id === this.me)) {
            this.end(callId);
          }
        },
        (e: unknown) => {
          // Gone (404, 410): nothing to join any more. Out of reach: it rings on, for its time.
          const gone = isApiError(e) && (e.status === 404 || e.status === 410);
          if (gone && this.ringOf(callId)?.n === n) this.end(callId);
        },
      );
    }
  }

  private clearTimer(callId: string) {
    const t = this.timers.get(callId);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(callId);
  }

  private end(callId: string): void {
    this.pending.delete(callId);
    this.clearTimer(callId);
    if (!this.ringOf(callId)) return;
    this.set({ rings: this.state.rings.filter((r) => r.callId !== callId) });
  }

  private endWorkspace(workspaceId: string): void {
    for (const [callId, p] of [...this.pending]) {
      if (p.workspaceId === workspaceId) this.pending.delete(callId);
    }
    this.state.rings
      .filter((r) => r.workspaceId === workspaceId)
      .forEach((r) => this.end(r.callId));
  }
}
