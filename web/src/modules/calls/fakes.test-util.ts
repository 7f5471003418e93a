// Fakes for the calls' tests (jsdom has no WebRTC): media tracks and
// streams, a media provider that grants what the test says, a peer
// connection that follows the offer/answer state machine (implicit
// rollback, transceivers from the offer, trickled candidates then the end
// of them, a negotiated data channel, one the other side opens), and a call
// server that relays signals as events to every tab subscribed (as a
// person's tabs all get theirs), so that each tab must pick its own. The
// server also plays the SFU: it moves the call there past `p2pMax`, answers
// publications, offers subscriptions, and can be down, forget a tab, or
// have a feed not ready yet; it records every SFU request and how many of
// a participant's were in flight at once.
import {
  ApiError,
  type Call,
  type CallJoin,
  type CallMode,
  type CallParticipant,
  type EventFrame,
  type SfuSubscription,
} from '../../api';
import type { CallApi, CallDeps, MediaProvider } from './session';

let counter = 0;

export class FakeTrack {
  readonly id = `track-${++counter}`;
  enabled = true;
  readyState: 'live' | 'ended' = 'live';
  contentHint = '';
  onended: (() => void) | null = null;
  constructor(
    readonly kind: 'audio' | 'video',
    readonly label: string = kind,
  ) {}
  stop() {
    this.readyState = 'ended';
  }
  /** As the browser's "Stop sharing" does. */
  end() {
    this.readyState = 'ended';
    this.onended?.();
  }
}

export class FakeStream {
  readonly id = `stream-${++counter}`;
  constructor(readonly tracks: FakeTrack[]) {}
  getTracks() {
    return [...this.tracks];
  }
  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === 'video');
  }
}

const asStream = (s: FakeStream) => s as unknown as MediaStream;

/** What the browser grants: the microphone, the camera, a screen. */
export interface Grants {
  audio: boolean;
  video: boolean;
  screen: boolean;
}

export class FakeMedia implements MediaProvider {
  asked: MediaStreamConstraints[] = [];
  /** Every track handed out, to check they are stopped. */
  tracks: FakeTrack[] = [];
  grants: Grants;
  constructor(grants: Partial<Grants> = {}) {
    this.grants = { audio: true, video: true, screen: true, ...grants };
  }
  async getUserMedia(c: MediaStreamConstraints): Promise<MediaStream> {
    this.asked.push(c);
    if ((c.audio && !this.grants.audio) || (c.video && !this.grants.video)) {
      throw new DOMException('Permission denied', 'NotAllowedError');
    }
    const tracks: FakeTrack[] = [];
    if (c.audio) tracks.push(new FakeTrack('audio', 'microphone'));
    if (c.video) tracks.push(new FakeTrack('video', 'camera'));
    this.tracks.push(...tracks);
    return asStream(new FakeStream(tracks));
  }
  async getDisplayMedia(): Promise<MediaStream> {
    if (!this.grants.screen) throw new DOMException('Permission denied', 'NotAllowedError');
    const t = new FakeTrack('video', 'screen');
    this.tracks.push(t);
    return asStream(new FakeStream([t]));
  }
}

export class FakeSender {
  constructor(public track: FakeTrack | null) {}
  replaced: (FakeTrack | null)[] = [];
  async replaceTrack(t: FakeTrack | null) {
    this.track = t;
    this.replaced.push(t);
  }
}

export class FakeTransceiver {
  mid: string | null = null;
  readonly sender: FakeSender;
  readonly receiver: { track: FakeTrack };
  tracked = false;
  constructor(
    readonly kind: 'audio' | 'video',
    track: FakeTrack | null,
    public direction: RTCRtpTransceiverDirection,
  ) {
    this.sender = new FakeSender(track);
    this.receiver = { track: new FakeTrack(kind, `remote ${kind}`) };
  }
}

export class FakeChannel {
  readyState: RTCDataChannelState = 'connecting';
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  constructor(
    readonly label: string,
    readonly init: RTCDataChannelInit | undefined,
  ) {}
  send(s: string) {
    if (this.readyState !== 'open') throw new DOMException('not open', 'InvalidStateError');
    this.sent.push(s);
  }
  close() {
    this.readyState = 'closed';
  }
  open() {
    this.readyState = 'open';
    this.onopen?.();
  }
  /** What the peer last said about itself. */
  lastState(): unknown {
    const last = this.sent[this.sent.length - 1];
    return last === undefined ? undefined : JSON.parse(last);
  }
}

interface FakeSdp {
  pc: number;
  kinds: ('audio' | 'video')[];
  data: boolean;
  ice: number;
}

type Desc = { type: RTCSdpType; sdp: string };

let pcCounter = 0;

const invalid = (m: string) => new DOMException(m, 'InvalidStateError');

export class FakePeerConnection {
  static all: FakePeerConnection[] = [];
  readonly n = ++pcCounter;
  signalingState: RTCSignalingState = 'stable';
  connectionState: RTCPeerConnectionState = 'new';
  iceConnectionState: RTCIceConnectionState = 'new';
  localDescription: Desc | null = null;
  remoteDescription: Desc | null = null;
  private currentLocal: Desc | null = null;
  transceivers: FakeTransceiver[] = [];
  channels: FakeChannel[] = [];
  candidates: RTCIceCandidateInit[] = [];
  offersMade = 0;
  rollbacks = 0;
  closed = false;
  stats = new Map<string, Record<string, unknown>>();
  private dataNegotiated = false;
  private restart = 0;
  private restartNegotiated = 0;
  private queued = false;
  /** Operations in flight (the spec's operations chain): negotiation waits for them. */
  private ops = 0;
  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: ((e: { candidate: { toJSON(): RTCIceCandidateInit } | null }) => void) | null =
    null;
  ontrack: ((e: { track: FakeTrack; streams: FakeStream[] }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;
  ondatachannel: ((e: { channel: FakeChannel }) => void) | null = null;
  /** The channel the other side opened (an SFU relaying a publisher's). */
  remoteChannel: FakeChannel | null = null;

  constructor(readonly config: RTCConfiguration) {
    FakePeerConnection.all.push(this);
  }

  addTransceiver(trackOrKind: FakeTrack | 'audio' | 'video', init?: RTCRtpTransceiverInit) {
    const track = typeof trackOrKind === 'string' ? null : trackOrKind;
    const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind.kind;
    const t = new FakeTransceiver(kind, track, init?.direction ?? 'sendrecv');
    this.transceivers.push(t);
    this.needNegotiation();
    return t;
  }

  createDataChannel(label: string, init?: RTCDataChannelInit) {
    const c = new FakeChannel(label, init);
    this.channels.push(c);
    this.needNegotiation();
    return c;
  }

  getTransceivers() {
    return [...this.transceivers];
  }

  restartIce() {
    this.restart++;
    this.needNegotiation();
  }

  private needsNegotiation(): boolean {
    return (
      this.transceivers.some((t) => t.mid === null) ||
      (this.channels.length > 0 && !this.dataNegotiated) ||
      this.restart > this.restartNegotiated
    );
  }

  /**
   * As the browser: a task that fires negotiationneeded when nothing is in
   * flight, the state is stable and something is not negotiated yet.
   */
  private needNegotiation() {
    if (this.queued || this.ops > 0) return;
    this.queued = true;
    setTimeout(() => {
      this.queued = false;
      if (this.closed || this.ops > 0 || this.signalingState !== 'stable') return;
      if (this.needsNegotiation()) this.onnegotiationneeded?.();
    }, 0);
  }

  /** An operation on the chain: when the last one ends, negotiation is looked at again. */
  private async op<T>(f: () => Promise<T>): Promise<T> {
    this.ops++;
    try {
      return await f();
    } finally {
      this.ops--;
      if (this.ops === 0 && !this.closed && this.needsNegotiation()) this.needNegotiation();
    }
  }

  private sdp(): string {
    const s: FakeSdp = {
      pc: this.n,
      kinds: this.transceivers.map((t) => t.kind),
      data: this.channels.length > 0,
      ice: this.restart,
    };
    return JSON.stringify(s);
  }

  private negotiated() {
    this.transceivers.forEach((t, i) => (t.mid ??= String(i)));
    if (this.channels.length) this.dataNegotiated = true;
    this.restartNegotiated = this.restart;
    this.currentLocal = this.localDescription;
    this.fireTracks();
  }

  private fireTracks() {
    for (const t of this.transceivers) {
      if (t.tracked) continue;
      t.tracked = true;
      this.ontrack?.({ track: t.receiver.track, streams: [] });
    }
  }

  private trickle() {
    const candidate: RTCIceCandidateInit = {
      candidate: `candidate:${this.n} 1 udp 1 127.0.0.1 ${40000 + this.n} typ host`,
      sdpMid: '0',
      sdpMLineIndex: 0,
    };
    queueMicrotask(() => {
      if (!this.closed) this.onicecandidate?.({ candidate: { toJSON: () => candidate } });
    });
    // Gathering complete, a task later.
    setTimeout(() => {
      if (!this.closed) this.onicecandidate?.({ candidate: null });
    }, 0);
  }

  /** A candidate gathered now (as the browser's onicecandidate). */
  gather(candidate: string | null) {
    this.onicecandidate?.({
      candidate:
        candidate === null
          ? null
          : { toJSON: () => ({ candidate, sdpMid: '0', sdpMLineIndex: 0 }) },
    });
  }

  setLocalDescription(d?: Desc): Promise<void> {
    return this.op(() => this.sld(d));
  }

  setRemoteDescription(d: Desc): Promise<void> {
    return this.op(() => this.srd(d));
  }

  addIceCandidate(c: RTCIceCandidateInit): Promise<void> {
    return this.op(async () => {
      await Promise.resolve();
      if (!this.remoteDescription) throw invalid('no remote description');
      this.candidates.push(c);
    });
  }

  private async sld(d?: Desc): Promise<void> {
    await Promise.resolve();
    if (this.closed) throw invalid('closed');
    const type =
      d?.type ?? (this.signalingState === 'have-remote-offer' ? 'answer' : ('offer' as RTCSdpType));
    if (type === 'offer') {
      if (this.signalingState !== 'stable' && this.signalingState !== 'have-local-offer') {
        throw invalid(`offer in ${this.signalingState}`);
      }
      this.offersMade++;
      this.localDescription = { type: 'offer', sdp: this.sdp() };
      this.signalingState = 'have-local-offer';
    } else {
      if (this.signalingState !== 'have-remote-offer')
        throw invalid(`answer in ${this.signalingState}`);
      this.localDescription = { type: 'answer', sdp: this.sdp() };
      this.signalingState = 'stable';
      this.negotiated();
    }
    this.trickle();
  }

  private async srd(d: Desc): Promise<void> {
    await Promise.resolve();
    if (this.closed) throw invalid('closed');
    const remote = JSON.parse(d.sdp) as FakeSdp;
    if (d.type === 'offer') {
      if (this.signalingState === 'have-local-offer') {
        // Implicit rollback (the polite side of a collision).
        this.rollbacks++;
        this.localDescription = this.currentLocal;
        this.signalingState = 'stable';
      } else if (this.signalingState !== 'stable') {
        throw invalid(`offer in ${this.signalingState}`);
      }
      remote.kinds.forEach((kind, i) => {
        if (!this.transceivers[i])
          this.transceivers.push(new FakeTransceiver(kind, null, 'recvonly'));
      });
      this.remoteDescription = d;
      this.signalingState = 'have-remote-offer';
      this.fireTracks();
    } else if (d.type === 'answer') {
      if (this.signalingState !== 'have-local-offer')
        throw invalid(`answer in ${this.signalingState}`);
      this.remoteDescription = d;
      this.signalingState = 'stable';
      this.negotiated();
    }
  }

  async getStats() {
    return new Map(this.stats);
  }

  close() {
    this.closed = true;
    this.signalingState = 'closed';
    this.connectionState = 'closed';
  }

  /** ICE and DTLS done: connected, the data channel open. */
  connect() {
    this.connectionState = 'connected';
    this.iceConnectionState = 'connected';
    this.onconnectionstatechange?.();
    this.channels.forEach((c) => c.open());
  }

  /** The remote side of the data channel says something. */
  receive(data: unknown) {
    this.channels.forEach((c) => c.onmessage?.({ data }));
  }

  /** Something over a channel the other side opens (the first time: ondatachannel). */
  relay(data: unknown) {
    if (!this.remoteChannel) {
      this.remoteChannel = new FakeChannel('ruche-call', undefined);
      this.remoteChannel.readyState = 'open';
      this.ondatachannel?.({ channel: this.remoteChannel });
    }
    this.remoteChannel.onmessage?.({ data });
  }

  /** The connection's state changes (ICE and DTLS). */
  setState(state: RTCPeerConnectionState) {
    this.connectionState = state;
    if (state === 'connected') this.iceConnectionState = 'connected';
    this.onconnectionstatechange?.();
    if (state === 'connected') this.channels.forEach((c) => c.readyState !== 'open' && c.open());
  }
}

/** One request to the fake SFU routes. */
export interface SfuRequest {
  pid: string;
  what: 'publish' | 'subscribe' | 'answer' | 'unsubscribe' | 'trickle';
  /** subscribe: whom; answer, unsubscribe: the subscription; trickle: the target. */
  arg?: string;
  /** trickle: the candidates' lines. */
  candidates?: string[];
  sdp?: string;
}

type Handler = (e: EventFrame) => void;

const WS = 'w1';

/**
 * One call on a fake server, with its live events going to every
 * subscriber. Participant ids are p01, p02... in join order (the later, the
 * larger: the polite side).
 */
export class FakeCallServer {
  readonly callId = 'c1';
  participants: CallParticipant[] = [];
  ended = false;
  full = false;
  private n = 0;
  private readonly handlers = new Map<string, Set<Handler>>();
  signals: { from: string; to: string; kind: string; data: object }[] = [];
  left: { pid: string; keepalive: boolean }[] = [];
  /** Every ring asked for: from which participant, whom. */
  rings: { pid: string; user_ids: string[] }[] = [];
  heartbeats: string[] = [];
  /** This participant's next heartbeat finds it gone (the server counted the tab gone). */
  forgetOnHeartbeat: string | null = null;
  mode: CallMode = 'p2p';
  /** Past this many participants, a join moves the call to the SFU (null: never). */
  p2pMax: number | null = null;
  /** Every SFU request, in the order they came (refused ones too). */
  sfu: SfuRequest[] = [];
  /** The most SFU requests of one participant in flight at once. */
  sfuMaxInFlight = 0;
  private readonly sfuInFlight = new Map<string, number>();
  /** Janus unreachable: every SFU request answers 503 sfu_unavailable. */
  sfuDown = false;
  /** Janus forgot these participants: their next SFU request answers 404 sfu_session_gone. */
  sfuForgot = new Set<string>();
  /** A participant's media is not at the SFU for this many more subscription attempts. */
  feedNotReady = new Map<string, number>();
  /** How long an SFU request takes (a few microtasks unless a test says otherwise). */
  sfuLatency: () => Promise<void> = async () => {
    for (let i = 0; i < 3; i++) await Promise.resolve();
  };
  /** What each participant publishes (the kinds of its last offer). */
  private readonly published = new Map<string, ('audio' | 'video')[]>();
  private readonly subscriptions = new Map<string, { owner: string; of: string }>();
  private subscriptionIds = 0;

  events = {
    subscribe: (type: string, h: Handler) => {
      let set = this.handlers.get(type);
      if (!set) {
        set = new Set();
        this.handlers.set(type, set);
      }
      set.add(h);
      return () => set.delete(h);
    },
  };

  subscribers(type: string): number {
    return this.handlers.get(type)?.size ?? 0;
  }

  /** An event to every tab, after the current work (as over a socket). */
  publish(type: string, data: Record<string, unknown>) {
    const frame: EventFrame = { type, workspace_id: WS, seq: 0, data };
    queueMicrotask(() => this.handlers.get(type)?.forEach((h) => h(frame)));
  }

  call(): Call {
    return {
      id: this.callId,
      workspace_id: WS,
      title: 'Point',
      started_by: 'u1',
      started_at: '2026-12-10T09:00:00Z',
      ended_at: this.ended ? '2026-12-10T10:00:00Z' : null,
      mode: this.mode,
      participants: [...this.participants],
    };
  }

  private present(pid: string) {
    return this.participants.some((p) => p.id === pid);
  }

  /** The server's answers for a person (their user id). */
  api(userId: string): CallApi & { joins: number } {
    const api = {
      joins: 0,
      join: async (cid: string): Promise<CallJoin> => {
        await Promise.resolve();
        if (cid !== this.callId) throw new ApiError(404, 'not_found', 'no such call');
        if (this.ended) throw new ApiError(410, 'call_ended', 'ended');
        if (this.full) throw new ApiError(409, 'call_full', 'full');
        api.joins++;
        const me: CallParticipant = {
          id: `p${String(++this.n).padStart(2, '0')}`,
          call_id: cid,
          user_id: userId,
          joined_at: '2026-12-10T09:00:00Z',
          sending: false,
        };
        this.participants.push(me);
        if (this.p2pMax !== null && this.mode === 'p2p' && this.participants.length > this.p2pMax) {
          this.mode = 'sfu';
          this.publish('call.updated', { call_id: cid, mode: 'sfu' });
        }
        this.publish('call.participant_joined', { call_id: cid, participant: me });
        return {
          participant: me,
          call: this.call(),
          ice_servers: [{ urls: ['stun:turn.example.org:3478'] }],
          heartbeat_seconds: 10,
        };
      },
      get: async () => this.call(),
      heartbeat: async (_cid: string, pid: string) => {
        this.heartbeats.push(pid);
        if (this.forgetOnHeartbeat === pid) {
          this.forgetOnHeartbeat = null;
          this.remove(pid);
        }
        if (!this.present(pid)) throw new ApiError(404, 'not_in_call', 'join again');
        return undefined;
      },
      leave: async (_cid: string, pid: string, o: { keepalive?: boolean } = {}) => {
        this.left.push({ pid, keepalive: !!o.keepalive });
        if (!this.present(pid)) throw new ApiError(404, 'not_in_call', 'not in it');
        this.remove(pid);
        return undefined;
      },
      signal: async (
        cid: string,
        b: { from: string; to: string; kind: string; data: object },
      ): Promise<undefined> => {
        await Promise.resolve();
        if (!this.present(b.from)) throw new ApiError(404, 'not_in_call', 'join again');
        if (!this.present(b.to)) throw new ApiError(404, 'no_participant', 'gone');
        this.signals.push(b);
        this.publish('call.signal', { call_id: cid, from_user_id: userId, ...b });
        return undefined;
      },
      ring: async (_cid: string, pid: string, b: { user_ids: readonly string[] }) => {
        await Promise.resolve();
        if (!this.present(pid)) throw new ApiError(404, 'not_in_call', 'join again');
        this.rings.push({ pid, user_ids: [...b.user_ids] });
        return undefined;
      },
      publish: (_cid: string, pid: string, b: { sdp: string }) =>
        this.sfuRequest({ pid, what: 'publish', sdp: b.sdp }, () => {
          const offer = JSON.parse(b.sdp) as FakeSdp;
          this.published.set(pid, offer.kinds);
          this.participants = this.participants.map((p) =>
            p.id === pid ? { ...p, sending: true } : p,
          );
          this.publish('call.sending', { call_id: this.callId, participant_id: pid });
          const answer: FakeSdp = { pc: 0, kinds: offer.kinds, data: offer.data, ice: 0 };
          return { type: 'answer' as const, sdp: JSON.stringify(answer) };
        }),
      subscribe: (_cid: string, pid: string, b: { participant_id: string }) =>
        this.sfuRequest({ pid, what: 'subscribe', arg: b.participant_id }, (): SfuSubscription => {
          const of = this.participants.find((p) => p.id === b.participant_id);
          if (!of) throw new ApiError(404, 'no_participant', 'gone');
          const notReady = this.feedNotReady.get(of.id) ?? 0;
          if (!of.sending || notReady > 0) {
            if (notReady > 0) this.feedNotReady.set(of.id, notReady - 1);
            throw new ApiError(409, 'feed_not_ready', 'not sending yet');
          }
          const id = String(++this.subscriptionIds);
          this.subscriptions.set(id, { owner: pid, of: of.id });
          const offer: FakeSdp = {
            pc: 1000 + this.subscriptionIds,
            kinds: this.published.get(of.id) ?? [],
            data: true,
            ice: 0,
          };
          return { id, type: 'offer', sdp: JSON.stringify(offer) };
        }),
      answer: (_cid: string, pid: string, sid: string, b: { sdp: string }) =>
        this.sfuRequest({ pid, what: 'answer', arg: sid, sdp: b.sdp }, () => {
          this.subscription(pid, sid);
          return undefined;
        }),
      unsubscribe: (_cid: string, pid: string, sid: string) =>
        this.sfuRequest({ pid, what: 'unsubscribe', arg: sid }, () => {
          this.subscription(pid, sid);
          this.subscriptions.delete(sid);
          return undefined;
        }),
      trickle: (
        _cid: string,
        pid: string,
        b: { target: string; candidates: { candidate: string }[] },
      ) =>
        this.sfuRequest(
          { pid, what: 'trickle', arg: b.target, candidates: b.candidates.map((c) => c.candidate) },
          () => {
            if (b.target !== 'publisher') this.subscription(pid, b.target);
            return undefined;
          },
        ),
    };
    return api;
  }

  /** A request to the SFU routes, with the checks every one of them makes. */
  private async sfuRequest<T>(r: SfuRequest, answer: () => T): Promise<T> {
    this.sfu.push(r);
    const n = (this.sfuInFlight.get(r.pid) ?? 0) + 1;
    this.sfuInFlight.set(r.pid, n);
    this.sfuMaxInFlight = Math.max(this.sfuMaxInFlight, n);
    try {
      await this.sfuLatency();
      if (!this.present(r.pid)) throw new ApiError(404, 'not_in_call', 'join again');
      if (this.mode !== 'sfu') throw new ApiError(409, 'not_sfu', 'peer to peer');
      if (this.sfuDown) throw new ApiError(503, 'sfu_unavailable', 'Janus is down');
      if (this.sfuForgot.delete(r.pid)) throw new ApiError(404, 'sfu_session_gone', 'forgot');
      return answer();
    } finally {
      this.sfuInFlight.set(r.pid, (this.sfuInFlight.get(r.pid) ?? 1) - 1);
    }
  }

  private subscription(pid: string, sid: string) {
    if (this.subscriptions.get(sid)?.owner !== pid) {
      throw new ApiError(404, 'no_subscription', 'no such subscription');
    }
  }

  /**
   * A participant whose tab is not simulated, in the call from now on:
   * publishing `kinds` to the SFU, or nothing (null).
   */
  addParticipant(
    id: string,
    userId: string,
    kinds: ('audio' | 'video')[] | null = ['audio', 'video'],
  ): CallParticipant {
    const p: CallParticipant = {
      id,
      call_id: this.callId,
      user_id: userId,
      joined_at: '2026-12-10T09:00:00Z',
      sending: kinds !== null,
    };
    this.participants.push(p);
    if (kinds) this.published.set(id, kinds);
    this.publish('call.participant_joined', { call_id: this.callId, participant: p });
    return p;
  }

  /** A participant's SFU requests of a kind, in order. */
  sfuOf(pid: string, what?: SfuRequest['what']): SfuRequest[] {
    return this.sfu.filter((r) => r.pid === pid && (!what || r.what === what));
  }

  /** A participant gone: the others are told; the last one out ends the call. */
  remove(pid: string) {
    const p = this.participants.find((x) => x.id === pid);
    if (!p) return;
    this.participants = this.participants.filter((x) => x.id !== pid);
    this.publish('call.participant_left', {
      call_id: this.callId,
      participant_id: pid,
      user_id: p.user_id,
    });
    if (this.participants.length === 0) {
      this.ended = true;
      this.publish('call.ended', { call_id: this.callId });
    }
  }

  /** A person's tab: the server's answers, fake WebRTC and media. */
  deps(
    userId: string,
    media: FakeMedia | null = new FakeMedia(),
  ): CallDeps & {
    api: ReturnType<FakeCallServer['api']>;
    pcs: FakePeerConnection[];
    media: FakeMedia | null;
  } {
    const pcs: FakePeerConnection[] = [];
    return {
      api: this.api(userId),
      events: this.events,
      media,
      pcs,
      createPeerConnection: (config) => {
        const pc = new FakePeerConnection(config);
        pcs.push(pc);
        return pc as unknown as RTCPeerConnection;
      },
      newStream: (tracks) => asStream(new FakeStream(tracks as unknown as FakeTrack[])),
      levelsEveryMs: 0,
    };
  }
}

/** Lets every pending promise, microtask and 0 ms timer run. */
export async function settle(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}
