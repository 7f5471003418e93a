// The one live-events connection (GET /api/v1/events upgraded to a
// WebSocket), shared by every screen. Screens subscribe to event types.
//
// Protocol (src/platform/events.cpp):
//  - server -> client: {"type","workspace_id","seq","data"} per frame; first a
//    `hello` frame {user_id, workspaces:[{workspace_id, seq}]}; notices to
//    this person alone (calendar.invited…) have no workspace ("") and no
//    sequence number (0): delivered as they come, never replayed, and no
//    part of any workspace's resume;
//  - client -> server: {"type":"resume","workspace_id":W,"since":N} replays
//    every event of W after N, then the live stream; {"type":"ping"} -> pong.
//
// After a drop the connection comes back with exponential backoff and
// resumes every workspace from the last sequence number it saw, so no event
// is lost and none is delivered twice.
import type { EventFrame } from '../api/types';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'stopped';

/** The part of the WebSocket API the connection uses (a fake one in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

export interface HelloData {
  user_id: string;
  workspaces: { workspace_id: string; seq: number }[];
}

export interface EventConnectionOptions {
  /** ws(s):// URL of the events endpoint. */
  url: string;
  createSocket?: SocketFactory;
  /** First retry delay; doubles up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** 0..1: a retry waits between (1 - jitter) and 1 times its delay. */
  jitter?: number;
  /**
   * After the server closed every connection at once, the retry waits a
   * random time below this, so that thousands of clients do not come back
   * together: spreadMs when the server is going away (1001: the client
   * shows that it is reconnecting), resyncSpreadMs when it asks clients to
   * resume after its link to the other nodes came back (1012: below the
   * banner's grace, so that nobody sees a routine resync).
   */
  spreadMs?: number;
  resyncSpreadMs?: number;
  random?: () => number;
  /** A ping every pingIntervalMs; no frame within pongTimeoutMs after it drops the socket. */
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  /** An attempt failed before the socket opened (the session may have ended). */
  onConnectFailed?: (failures: number) => void;
  /** The server closed for revoked credentials: the connection stops. */
  onRevoked?: () => void;
}

export type EventHandler = (e: EventFrame) => void;

const CLOSE_REVOKED = 4001;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_RESYNC = 1012;
const OPEN = 1;

/** Frames that are not workspace events. */
const CONTROL_TYPES = new Set(['hello', 'error', 'pong']);

/**
 * A notice to this person alone (docs/api.md "Live events": calendar.invited,
 * calendar.answered…): no workspace, no sequence number. Its `data` may name
 * a workspace; the frame belongs to none.
 */
export function isNotice(frame: EventFrame): boolean {
  return (
    !CONTROL_TYPES.has(frame.type) &&
    !frame.workspace_id &&
    !(typeof frame.seq === 'number' && frame.seq > 0)
  );
}

export class EventConnection {
  private readonly o: Required<
    Omit<EventConnectionOptions, 'onConnectFailed' | 'onRevoked' | 'createSocket'>
  > &
    Pick<EventConnectionOptions, 'onConnectFailed' | 'onRevoked'> & { createSocket: SocketFactory };
  private socket: SocketLike | null = null;
  private stateValue: ConnectionState = 'idle';
  private readonly lastSeq = new Map<string, number>();
  private readonly handlers = new Map<string, Set<EventHandler>>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private userIdValue: string | null = null;

  constructor(options: EventConnectionOptions) {
    this.o = {
      url: options.url,
      createSocket: options.createSocket ?? ((url) => new WebSocket(url)),
      initialDelayMs: options.initialDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      jitter: options.jitter ?? 0.3,
      spreadMs: options.spreadMs ?? 5_000,
      resyncSpreadMs: options.resyncSpreadMs ?? 1_000,
      random: options.random ?? Math.random,
      pingIntervalMs: options.pingIntervalMs ?? 25_000,
      pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
      onConnectFailed: options.onConnectFailed,
      onRevoked: options.onRevoked,
    };
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The signed-in user, from the hello frame. */
  get userId(): string | null {
    return this.userIdValue;
  }

  /** The last sequence number seen for a workspace (undefined: not followed). */
  lastSeqOf(workspaceId: string): number | undefined {
    return this.lastSeq.get(workspaceId);
  }

  start(): void {
    if (this.stateValue !== 'idle' && this.stateValue !== 'stopped') return;
    this.failures = 0;
    this.connect('connecting');
  }

  /** Closes for good (sign-out); forgets every sequence number. */
  stop(): void {
    this.clearTimers();
    const s = this.socket;
    this.socket = null;
    if (s) {
      detach(s);
      s.close(1000, 'bye');
    }
    this.lastSeq.clear();
    this.userIdValue = null;
    this.setState('stopped');
  }

  /**
   * Opens a new socket at once and resumes every workspace from where it
   * was. Used after this person created a workspace: the server only adds
   * workspaces to a connection when it opens (or on member.added).
   */
  refresh(): void {
    if (this.stateValue === 'idle' || this.stateValue === 'stopped') return;
    const s = this.socket;
    this.socket = null;
    this.clearTimers();
    if (s) {
      detach(s);
      s.close(1000, 'refresh');
    }
    this.connect('reconnecting');
  }

  /** Retries at once if waiting to reconnect (the browser came back online). */
  reconnectNow(): void {
    if (this.stateValue === 'reconnecting' && this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.connect('reconnecting');
    }
  }

  /**
   * Calls `handler` for each event whose type matches: an exact type
   * ("member.added"), a prefix ("member.*"), or "*" for every event.
   * Control frames are "hello" and "error". Returns the unsubscribe function.
   */
  subscribe(type: string, handler: EventHandler): () => void {
    let set = this.handlers.get(type);
    if (!set) {
      set = new Set();
      this.handlers.set(type, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) this.handlers.delete(type);
    };
  }

  /**
   * Sends a client message ({"type":"chat.typing",...}) when the socket is
   * open; returns false (nothing queued) otherwise: such messages are
   * ephemeral and worthless late.
   */
  send(message: { type: string } & Record<string, unknown>): boolean {
    const s = this.socket;
    if (!s || s.readyState !== OPEN || this.stateValue !== 'open') return false;
    try {
      s.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  onStateChange(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private setState(s: ConnectionState) {
    if (s === this.stateValue) return;
    this.stateValue = s;
    this.stateListeners.forEach((l) => l(s));
  }

  private connect(state: 'connecting' | 'reconnecting') {
    this.setState(state);
    let socket: SocketLike;
    try {
      socket = this.o.createSocket(this.o.url);
    } catch {
      this.scheduleRetry(false);
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      // Resumes may precede the hello frame: the server keeps them.
      for (const [ws, since] of this.lastSeq) {
        socket.send(JSON.stringify({ type: 'resume', workspace_id: ws, since }));
      }
      this.startHeartbeat();
    };
    socket.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data === 'string') this.receive(ev.data);
    };
    socket.onerror = () => {
      // A close event follows.
    };
    socket.onclose = (ev: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clearTimers();
      if (ev.code === CLOSE_REVOKED) {
        this.lastSeq.clear();
        this.setState('stopped');
        this.o.onRevoked?.();
        return;
      }
      const spread =
        ev.code === CLOSE_GOING_AWAY
          ? this.o.spreadMs
          : ev.code === CLOSE_RESYNC
            ? this.o.resyncSpreadMs
            : undefined;
      this.scheduleRetry(
        opened,
        spread === undefined ? undefined : Math.round(spread * this.o.random()),
      );
    };
  }

  private scheduleRetry(opened: boolean, spreadDelay?: number) {
    if (!opened) {
      this.failures += 1;
      this.o.onConnectFailed?.(this.failures);
    }
    // A stop() from onConnectFailed wins.
    if (this.stateValue === 'stopped') return;
    const attempt = opened ? 0 : this.failures - 1;
    const base = Math.min(this.o.maxDelayMs, this.o.initialDelayMs * 2 ** Math.max(0, attempt));
    const delay = spreadDelay ?? Math.round(base * (1 - this.o.jitter * this.o.random()));
    this.setState('reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect('reconnecting');
    }, delay);
  }

  private startHeartbeat() {
    this.pingTimer = setInterval(() => {
      const s = this.socket;
      if (!s || s.readyState !== OPEN) return;
      s.send('{"type":"ping"}');
      if (this.pongTimer === null) {
        this.pongTimer = setTimeout(() => this.dropDeadSocket(), this.o.pongTimeoutMs);
      }
    }, this.o.pingIntervalMs);
  }

  private dropDeadSocket() {
    const s = this.socket;
    if (!s) return;
    this.socket = null;
    detach(s);
    s.close(4000, 'no pong');
    this.clearTimers();
    this.scheduleRetry(true);
  }

  private clearTimers() {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    if (this.pongTimer !== null) clearTimeout(this.pongTimer);
    this.retryTimer = this.pingTimer = this.pongTimer = null;
  }

  private receive(text: string) {
    // Any frame proves the socket is alive.
    if (this.pongTimer !== null) {
      clearTimeout(this.pongTimer);
      this.pongTimer = null;
    }
    let frame: EventFrame;
    try {
      const v: unknown = JSON.parse(text);
      if (!v || typeof v !== 'object' || typeof (v as EventFrame).type !== 'string') return;
      frame = v as EventFrame;
    } catch {
      return;
    }
    if (frame.type === 'pong') return;
    if (frame.type === 'hello') {
      this.onHello(frame.data as unknown as HelloData);
      this.dispatch(frame);
      return;
    }
    if (CONTROL_TYPES.has(frame.type)) {
      this.dispatch(frame);
      return;
    }
    const ws = frame.workspace_id;
    // Only a workspace's sequenced events move its place; unsequenced frames
    // (typing, presence, notices to this person) pass through as they come.
    if (ws && typeof frame.seq === 'number' && frame.seq > 0) {
      const last = this.lastSeq.get(ws);
      // A resume can overlap what was already delivered live.
      if (last !== undefined && frame.seq <= last) return;
      this.lastSeq.set(ws, frame.seq);
    }
    const aboutMe =
      typeof frame.data?.user_id === 'string' && frame.data.user_id === this.userIdValue;
    if (frame.type === 'workspace.deleted' || (frame.type === 'member.removed' && aboutMe)) {
      this.lastSeq.delete(ws);
    }
    this.dispatch(frame);
  }

  private onHello(hello: HelloData) {
    this.userIdValue = typeof hello?.user_id === 'string' ? hello.user_id : null;
    const heads = new Map<string, number>();
    for (const w of Array.isArray(hello?.workspaces) ? hello.workspaces : []) {
      if (typeof w.workspace_id === 'string' && typeof w.seq === 'number') {
        heads.set(w.workspace_id, w.seq);
      }
    }
    // Workspaces we no longer belong to are forgotten; new ones start at their head.
    for (const ws of [...this.lastSeq.keys()]) if (!heads.has(ws)) this.lastSeq.delete(ws);
    for (const [ws, seq] of heads) if (!this.lastSeq.has(ws)) this.lastSeq.set(ws, seq);
    this.failures = 0;
    this.setState('open');
  }

  private dispatch(frame: EventFrame) {
    const call = (key: string) => {
      const set = this.handlers.get(key);
      if (!set) return;
      for (const h of [...set]) {
        try {
          h(frame);
        } catch (e) {
          console.warn('event handler failed', frame.type, e);
        }
      }
    };
    call(frame.type);
    const dot = frame.type.indexOf('.');
    if (dot > 0) call(frame.type.slice(0, dot) + '.*');
    if (!CONTROL_TYPES.has(frame.type)) call('*');
  }
}

function detach(s: SocketLike) {
  s.onopen = s.onmessage = s.onclose = s.onerror = null;
}

/** The events URL of this origin. */
export function eventsUrl(loc: Location = window.location): string {
  return (loc.protocol === 'https:' ? 'wss://' : 'ws://') + loc.host + '/api/v1/events';
}
