// A call through the SFU (docs/calls.md): this tab's media goes to Janus on
// one RTCPeerConnection (the publisher), each other participant's comes back
// on one of its own (a subscription), all through the server's routes under
// /calls/{cid}/participants/{me}/sfu. CallSession keeps the tiles; this
// keeps the connections and the requests.
//
// - Requests go one at a time, in order (SerialQueue): the server waits on
//   one Janus session per participant for each answer.
// - This tab offers to the SFU (sendonly: the kinds it has; receive-only
//   publishes nothing); the SFU offers each subscription, its own candidates
//   inside its SDP. Ours trickle in batches (CandidateBatch), never before
//   the description they belong to, with an end-of-candidates mark.
// - A new device kind renegotiates (publish again); a screen share or the
//   camera back only replaces the video track.
// - Failures: 409 feed_not_ready (they published, their media is not at the
//   SFU yet): asked again after 250 ms, doubling to 2 s, for 30 s. 503
//   sfu_unavailable and network failures: the request again, later and
//   later, the outage said on screen meanwhile. 404 sfu_session_gone (Janus
//   forgot this tab): publish and subscribe anew, on new connections.
//   409 not_sfu: a race with the switch, nothing to do. not_in_call and
//   call_ended are the session's (join again, or out).
// - The publisher's data channel carries what this tab says is on
//   (microphone, camera, screen); the SFU relays it to every subscription
//   that has a channel open (each opens one). It is said again every few
//   seconds, for those who subscribed since.
import {
  isApiError,
  type ApiError,
  type SfuAnswer,
  type SfuCandidate,
  type SfuSubscription,
  type SfuTrickle,
} from '../../api';

/** The SFU routes (api.calls, or a fake); `pid` is always this tab's participant. */
export interface SfuApi {
  publish(cid: string, pid: string, b: { sdp: string }): Promise<SfuAnswer>;
  subscribe(cid: string, pid: string, b: { participant_id: string }): Promise<SfuSubscription>;
  answer(cid: string, pid: string, sid: string, b: { sdp: string }): Promise<unknown>;
  unsubscribe(cid: string, pid: string, sid: string): Promise<unknown>;
  trickle(cid: string, pid: string, b: SfuTrickle): Promise<unknown>;
}

export type SfuConnectionState = RTCPeerConnectionState | 'waiting';

/** What the link needs from the session, and tells it. */
export interface SfuHost {
  /** What this tab sends now (the video: the screen while shared); nothing: receive-only. */
  outgoing(): {
    audio: MediaStreamTrack | null;
    video: MediaStreamTrack | null;
    stream: MediaStream | null;
  };
  /** What this tab says is on (one JSON message), for the data channel. */
  stateMessage(): string;
  /** A track of a participant's subscription arrived. */
  track(pid: string, track: MediaStreamTrack): void;
  /** A participant's subscription is gone (made anew): no media until the next one's. */
  cleared(pid: string): void;
  /** A participant's subscription: waiting (asked for), then its connection's state. */
  connection(pid: string, state: SfuConnectionState): void;
  /** What a participant says over its data channel (relayed by the SFU). */
  message(pid: string, data: unknown): void;
  /** The SFU cannot be reached (503 sfu_unavailable), or can again. */
  unavailable(down: boolean): void;
  /** not_in_call, call_ended: this tab is out of the call as the server sees it. */
  lost(e: ApiError): void;
}

export interface SfuTiming {
  /** Candidates gathered within this time go in one request. */
  batchMs: number;
  /** feed_not_ready: asked again after this, doubling up to feedMaxMs, for feedGiveUpMs. */
  feedFirstMs: number;
  feedMaxMs: number;
  feedGiveUpMs: number;
  /** sfu_unavailable, network: again after this, doubling up to retryMaxMs. */
  retryFirstMs: number;
  retryMaxMs: number;
  /** What this tab says is on, said again this often (0: only on changes). */
  stateEveryMs: number;
}

export const SFU_TIMING: SfuTiming = {
  batchMs: 100,
  feedFirstMs: 250,
  feedMaxMs: 2_000,
  feedGiveUpMs: 30_000,
  retryFirstMs: 1_000,
  retryMaxMs: 16_000,
  stateEveryMs: 3_000,
};

/** The most candidates one trickle request takes (the server's limit). */
const MAX_CANDIDATES = 50;

/** The publisher's data channel (Janus relays it under this label). */
const STATE_LABEL = 'ruche-call';

function warn(what: string, e: unknown) {
  console.warn(`call (sfu): ${what}`, e);
}

/** A request queued before Janus forgot this tab (or before the link closed): not sent. */
class Superseded extends Error {
  constructor() {
    super('superseded');
    this.name = 'Superseded';
  }
}

/** Runs tasks one at a time, in the order given; one failing does not stop the next. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

function sfuCandidate(c: RTCIceCandidateInit): SfuCandidate | null {
  if (typeof c.candidate !== 'string' || c.candidate === '') return null;
  const out: SfuCandidate = { candidate: c.candidate };
  if (typeof c.sdpMid === 'string') out.sdpMid = c.sdpMid;
  if (typeof c.sdpMLineIndex === 'number') out.sdpMLineIndex = c.sdpMLineIndex;
  return out;
}

/**
 * One connection's ICE candidates on their way to the SFU. Held until
 * `release` (its description has gone out), then sent in batches: what has
 * gathered within `everyMs` (at most 50 a request) and, when gathering
 * completes (`end`), the rest at once and an empty batch, the end of them.
 */
export class CandidateBatch {
  private list: SfuCandidate[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private held = true;
  private ended = false;

  constructor(
    private readonly send: (candidates: SfuCandidate[]) => void,
    private readonly everyMs: number,
  ) {}

  add(c: RTCIceCandidateInit): void {
    const candidate = sfuCandidate(c);
    if (!candidate) return;
    // Gathering again (an ICE restart): another end will come.
    this.ended = false;
    this.list.push(candidate);
    this.schedule();
  }

  /** Gathering is complete. */
  end(): void {
    this.ended = true;
    if (!this.held) this.flush();
  }

  /** Until `release`, nothing goes out (a new description is being made). */
  hold(): void {
    this.held = true;
    this.stopTimer();
  }

  /** The description went out: the candidates follow it. */
  release(): void {
    this.held = false;
    if (this.ended) this.flush();
    else this.schedule();
  }

  close(): void {
    this.stopTimer();
    this.list = [];
    this.held = true;
  }

  private schedule() {
    if (this.held || this.timer !== null || this.list.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.everyMs);
  }

  private stopTimer() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private flush() {
    this.stopTimer();
    while (this.list.length > 0) this.send(this.list.splice(0, MAX_CANDIDATES));
    if (this.ended) {
      this.ended = false;
      this.send([]);
    }
  }
}

interface Subscription {
  pid: string;
  /** The server's id for it, once the SFU offered. */
  id: string | null;
  pc: RTCPeerConnection | null;
  batch: CandidateBatch | null;
  /**
   * asking: a request on its way; waiting: their media is not at the SFU
   * yet, asked again later; live: answered; failed: given up, until they
   * publish again.
   */
  phase: 'asking' | 'waiting' | 'live' | 'failed';
  timer: ReturnType<typeof setTimeout> | null;
  delayMs: number;
  waitedMs: number;
}

export interface SfuLinkDeps {
  api: SfuApi;
  createPeerConnection(config: RTCConfiguration): RTCPeerConnection;
  iceServers: RTCIceServer[];
  timing?: Partial<SfuTiming>;
}

/**
 * This tab's connections to the SFU in one call, as participant `me`.
 * `start` publishes and subscribes; the session then says who sends
 * (`sending`), who left (`remove`), what this tab sends (`tracksChanged`,
 * `stateChanged`); `close` drops every connection (leaving the call
 * releases the SFU's side on the server).
 */
export class SfuLink {
  private readonly queue = new SerialQueue();
  private readonly subs = new Map<string, Subscription>();
  private readonly timing: SfuTiming;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private pub: RTCPeerConnection | null = null;
  private pubBatch: CandidateBatch | null = null;
  private pubChannel: RTCDataChannel | null = null;
  private pubAudio: RTCRtpTransceiver | null = null;
  private pubVideo: RTCRtpTransceiver | null = null;
  /** Something to (re)negotiate: a new connection, a new kind, an ICE restart, a failed publish. */
  private pubDirty = false;
  private publishing: Promise<void> | null = null;
  private publishAgain = false;
  /** Bumped when Janus forgot this tab: what was queued before is not sent. */
  private generation = 0;
  private closed = false;
  private down = false;
  private retryMs: number;
  private restarts = 0;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private stateTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly callId: string,
    readonly me: string,
    private readonly deps: SfuLinkDeps,
    private readonly host: SfuHost,
  ) {
    this.timing = { ...SFU_TIMING, ...deps.timing };
    this.retryMs = this.timing.retryFirstMs;
  }

  /** Publishes what this tab has, and subscribes to those already sending. */
  start(sending: Iterable<string>): void {
    this.publish();
    for (const pid of sending) this.subscribe(pid);
    if (this.timing.stateEveryMs > 0) {
      this.stateTimer = setInterval(() => this.stateChanged(), this.timing.stateEveryMs);
    }
  }

  /** The connection sending this tab's media (null: nothing published). */
  get publisher(): RTCPeerConnection | null {
    return this.pub;
  }

  /** The connection receiving a participant's media. */
  connectionOf(pid: string): RTCPeerConnection | null {
    return this.subs.get(pid)?.pc ?? null;
  }

  /** Everything dropped: connections, timers, what was queued. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
    if (this.stateTimer !== null) clearInterval(this.stateTimer);
    this.stateTimer = this.restartTimer = null;
    this.closePublisher();
    for (const sub of this.subs.values()) this.closeSubscription(sub);
    this.subs.clear();
  }

  // ---- requests ------------------------------------------------------------

  /** A request after the ones before it; dropped if Janus forgot this tab meanwhile. */
  private request<T>(call: (api: SfuApi) => Promise<T>): Promise<T> {
    const generation = this.generation;
    return this.queue.run(async () => {
      if (this.closed || generation !== this.generation) throw new Superseded();
      const answer = await call(this.deps.api);
      this.retryMs = this.timing.retryFirstMs;
      if (this.down) {
        this.down = false;
        this.host.unavailable(false);
      }
      return answer;
    });
  }

  /** What a failed request means; `again` repeats it when it may work later. */
  private failed(e: unknown, again: () => void): void {
    if (this.closed || e instanceof Superseded) return;
    if (isApiError(e, 'not_sfu')) return;
    if (isApiError(e, 'sfu_session_gone')) {
      this.restart();
      return;
    }
    if (isApiError(e, 'not_in_call') || (isApiError(e) && e.status === 410)) {
      this.host.lost(e);
      return;
    }
    if (isApiError(e) && (e.status === 0 || e.status === 429 || e.status >= 500)) {
      if (e.code === 'sfu_unavailable' && !this.down) {
        this.down = true;
        this.host.unavailable(true);
      }
      const delay = this.retryMs;
      this.retryMs = Math.min(delay * 2, this.timing.retryMaxMs);
      this.later(delay, again);
      return;
    }
    warn('a request', e);
  }

  private later(ms: number, f: () => void): ReturnType<typeof setTimeout> {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) f();
    }, ms);
    this.timers.add(t);
    return t;
  }

  private cancel(t: ReturnType<typeof setTimeout> | null) {
    if (t === null) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  private trickle(target: string, candidates: SfuCandidate[]) {
    this.request((api) => api.trickle(this.callId, this.me, { target, candidates })).catch(
      (e: unknown) => {
        // A lost candidate is no reason to retry: ICE fails, and that is handled.
        if (isApiError(e, 'sfu_session_gone') || isApiError(e, 'not_in_call')) {
          this.failed(e, () => undefined);
        } else if (!isApiError(e) && !(e instanceof Superseded)) {
          warn('candidates', e);
        }
      },
    );
  }

  /**
   * Janus forgot this tab (404 sfu_session_gone): what was queued is
   * dropped, every connection made anew. Again soon after: later and later.
   */
  private restart(): void {
    if (this.closed || this.restartTimer !== null) return;
    const delay =
      this.restarts === 0
        ? 0
        : Math.min(this.timing.retryFirstMs * 2 ** (this.restarts - 1), this.timing.retryMaxMs);
    this.restarts++;
    this.restartTimer = this.later(delay, () => {
      this.restartTimer = null;
      this.generation++;
      const wanted = [...this.subs.keys()];
      this.closePublisher();
      for (const sub of this.subs.values()) {
        this.closeSubscription(sub);
        this.host.cleared(sub.pid);
      }
      this.subs.clear();
      this.publish();
      for (const pid of wanted) this.subscribe(pid);
    });
  }

  // ---- publishing ----------------------------------------------------------

  /** Sends this tab's media, or renegotiates it; runs once more if asked during a run. */
  publish(): void {
    if (this.closed) return;
    if (this.publishing) {
      this.publishAgain = true;
      return;
    }
    this.publishing = (async () => {
      do {
        this.publishAgain = false;
        await this.negotiate();
      } while (this.publishAgain && !this.closed);
    })()
      .catch((e: unknown) => warn('publishing', e))
      .finally(() => {
        this.publishing = null;
      });
  }

  /** The tracks this tab sends changed: the same senders take them; a new kind renegotiates. */
  tracksChanged(): void {
    if (this.closed) return;
    const { audio, video } = this.host.outgoing();
    let added = false;
    for (const [t, track] of [
      [this.pubAudio, audio],
      [this.pubVideo, video],
    ] as const) {
      if (t) {
        if (t.sender.track !== track) {
          t.sender.replaceTrack(track).catch((e: unknown) => warn('a track', e));
        }
      } else if (track) {
        added = true;
      }
    }
    if (added) this.publish();
  }

  /** What this tab says is on, to every subscriber (through the SFU). */
  stateChanged(): void {
    const ch = this.pubChannel;
    if (this.closed || !ch || ch.readyState !== 'open') return;
    try {
      ch.send(this.host.stateMessage());
    } catch (e) {
      warn('the state', e);
    }
  }

  private openPublisher(): RTCPeerConnection {
    const pc = this.deps.createPeerConnection({ iceServers: this.deps.iceServers });
    const batch = new CandidateBatch((c) => this.trickle('publisher', c), this.timing.batchMs);
    this.pub = pc;
    this.pubBatch = batch;
    this.pubDirty = true;
    const channel = pc.createDataChannel(STATE_LABEL);
    this.pubChannel = channel;
    channel.onopen = () => this.stateChanged();
    pc.onicecandidate = (e: RTCPeerConnectionIceEvent) => {
      if (e.candidate) batch.add(e.candidate.toJSON());
      else batch.end();
    };
    pc.onconnectionstatechange = () => {
      // A path lost (a network change): new candidates, through a new offer.
      if (this.pub !== pc || pc.connectionState !== 'failed') return;
      pc.restartIce();
      this.pubDirty = true;
      this.publish();
    };
    return pc;
  }

  private closePublisher() {
    const pc = this.pub;
    this.pubBatch?.close();
    this.pub = this.pubBatch = this.pubChannel = this.pubAudio = this.pubVideo = null;
    if (!pc) return;
    pc.onicecandidate = pc.onconnectionstatechange = null;
    try {
      pc.close();
    } catch (e) {
      warn('closing the publisher', e);
    }
  }

  /** One offer to the SFU and its answer, when something is to be negotiated. */
  private async negotiate(): Promise<void> {
    const { audio, video, stream } = this.host.outgoing();
    // Receive-only: nothing to publish (until a device is turned on).
    if (!this.pub && !audio && !video) return;
    const pc = this.pub ?? this.openPublisher();
    const streams = stream ? [stream] : [];
    if (!this.pubAudio && audio) {
      this.pubAudio = pc.addTransceiver(audio, { direction: 'sendonly', streams });
      this.pubDirty = true;
    }
    if (!this.pubVideo && video) {
      this.pubVideo = pc.addTransceiver(video, { direction: 'sendonly', streams });
      this.pubDirty = true;
    }
    if (!this.pubDirty) return;
    this.pubDirty = false;
    const batch = this.pubBatch;
    batch?.hold();
    let sent: Promise<SfuAnswer>;
    try {
      await pc.setLocalDescription();
      const offer = pc.localDescription;
      if (this.pub !== pc || !offer) return;
      sent = this.request((api) => api.publish(this.callId, this.me, { sdp: offer.sdp }));
    } catch (e) {
      if (this.pub === pc) warn('an offer', e);
      return;
    } finally {
      if (this.pub === pc) batch?.release();
    }
    let answer: SfuAnswer;
    try {
      answer = await sent;
    } catch (e) {
      if (this.pub !== pc) return;
      this.failed(e, () => {
        if (this.pub !== pc) return;
        this.pubDirty = true;
        this.publish();
      });
      return;
    }
    if (this.pub !== pc) return;
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
      this.restarts = 0;
    } catch (e) {
      warn('the answer', e);
    }
  }

  // ---- subscriptions -------------------------------------------------------

  /** Receives a participant's media (nothing more while a subscription to them exists). */
  subscribe(pid: string): void {
    if (this.closed || pid === this.me || this.subs.has(pid)) return;
    const sub: Subscription = {
      pid,
      id: null,
      pc: null,
      batch: null,
      phase: 'asking',
      timer: null,
      delayMs: this.timing.feedFirstMs,
      waitedMs: 0,
    };
    this.subs.set(pid, sub);
    this.host.connection(pid, 'waiting');
    void this.ask(sub);
  }

  /**
   * A participant (re)published (call.sending). Not subscribed: subscribes.
   * Waiting for their media: asks now. Subscribed, or given up: anew (their
   * media changed: another kind, or a new feed after the SFU forgot them).
   */
  sending(pid: string): void {
    if (this.closed || pid === this.me) return;
    const sub = this.subs.get(pid);
    if (!sub) {
      this.subscribe(pid);
    } else if (sub.phase === 'waiting') {
      this.cancel(sub.timer);
      sub.timer = null;
      sub.phase = 'asking';
      void this.ask(sub);
    } else if (sub.phase !== 'asking') {
      this.resubscribe(pid);
    }
  }

  /** A participant left: their subscription goes (the SFU's side too, best effort). */
  remove(pid: string): void {
    const sub = this.subs.get(pid);
    if (!sub) return;
    this.subs.delete(pid);
    this.closeSubscription(sub);
    this.unsubscribe(sub.id);
  }

  private resubscribe(pid: string) {
    this.remove(pid);
    this.host.cleared(pid);
    this.subscribe(pid);
  }

  private unsubscribe(id: string | null) {
    if (id === null || this.closed) return;
    this.request((api) => api.unsubscribe(this.callId, this.me, id)).catch(() => undefined);
  }

  private closeSubscription(sub: Subscription) {
    this.cancel(sub.timer);
    sub.timer = null;
    sub.batch?.close();
    const pc = sub.pc;
    sub.pc = null;
    if (!pc) return;
    pc.onicecandidate = pc.ontrack = pc.ondatachannel = pc.onconnectionstatechange = null;
    try {
      pc.close();
    } catch (e) {
      warn('closing a subscription', e);
    }
  }

  private async ask(sub: Subscription): Promise<void> {
    const { pid } = sub;
    let offer: SfuSubscription;
    try {
      offer = await this.request((api) =>
        api.subscribe(this.callId, this.me, { participant_id: pid }),
      );
    } catch (e) {
      if (this.subs.get(pid) !== sub) return;
      if (isApiError(e, 'feed_not_ready')) {
        this.waitForFeed(sub);
      } else if (isApiError(e, 'no_participant')) {
        // Gone: their departure removes the tile.
        this.subs.delete(pid);
      } else {
        this.failed(e, () => {
          if (this.subs.get(pid) === sub) void this.ask(sub);
        });
      }
      return;
    }
    if (this.subs.get(pid) !== sub) {
      // Dropped meanwhile (they left): the SFU's side goes too.
      this.unsubscribe(offer.id);
      return;
    }
    sub.id = offer.id;
    await this.accept(sub, offer);
  }

  /** Their media is not at the SFU yet: asked again a little later, for a while. */
  private waitForFeed(sub: Subscription) {
    if (sub.waitedMs >= this.timing.feedGiveUpMs) {
      sub.phase = 'failed';
      this.host.connection(sub.pid, 'failed');
      return;
    }
    sub.phase = 'waiting';
    const delay = sub.delayMs;
    sub.waitedMs += delay;
    sub.delayMs = Math.min(delay * 2, this.timing.feedMaxMs);
    sub.timer = this.later(delay, () => {
      sub.timer = null;
      if (this.subs.get(sub.pid) !== sub || sub.phase !== 'waiting') return;
      sub.phase = 'asking';
      void this.ask(sub);
    });
  }

  /** The SFU's offer: a receiving connection, its answer, its candidates after. */
  private async accept(sub: Subscription, offer: SfuSubscription): Promise<void> {
    const { pid } = sub;
    const id = offer.id;
    const pc = this.deps.createPeerConnection({ iceServers: this.deps.iceServers });
    const batch = new CandidateBatch((c) => this.trickle(id, c), this.timing.batchMs);
    sub.pc = pc;
    sub.batch = batch;
    const current = () => this.subs.get(pid) === sub && sub.pc === pc;
    pc.onicecandidate = (e: RTCPeerConnectionIceEvent) => {
      if (e.candidate) batch.add(e.candidate.toJSON());
      else batch.end();
    };
    pc.ontrack = (e: RTCTrackEvent) => {
      if (current()) this.host.track(pid, e.track);
    };
    const listen = (channel: RTCDataChannel) => {
      channel.onmessage = (m: MessageEvent) => {
        if (current()) this.host.message(pid, m.data);
      };
    };
    pc.ondatachannel = (e: RTCDataChannelEvent) => listen(e.channel);
    pc.onconnectionstatechange = () => {
      if (!current()) return;
      this.host.connection(pid, pc.connectionState);
      if (pc.connectionState === 'failed') this.resubscribe(pid);
    };
    this.host.connection(pid, pc.connectionState ?? 'new');
    let answer: RTCSessionDescription | null;
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
      await pc.setLocalDescription();
      answer = pc.localDescription;
      if (!answer) throw new Error('no answer');
      // Janus relays a publisher's data only once a channel is open on the
      // subscription: this one (answered with the offer's data section).
      listen(pc.createDataChannel(STATE_LABEL));
    } catch (e) {
      if (!current()) return;
      warn(`the offer for ${pid}`, e);
      sub.phase = 'failed';
      this.host.connection(pid, 'failed');
      return;
    }
    if (!current()) return;
    const sdp = answer.sdp;
    const sent = this.request((api) => api.answer(this.callId, this.me, id, { sdp }));
    batch.release();
    try {
      await sent;
    } catch (e) {
      if (!current()) return;
      if (isApiError(e, 'no_subscription')) this.resubscribe(pid);
      else
        this.failed(e, () => {
          if (current()) this.resubscribe(pid);
        });
      return;
    }
    if (!current()) return;
    sub.phase = 'live';
    this.restarts = 0;
  }
}
