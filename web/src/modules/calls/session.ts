// One browser tab in one call (docs/calls.md): its camera and microphone,
// one RTCPeerConnection per other participant, the signalling through the
// server, the heartbeat, and leaving. Components read it with
// useSyncExternalStore (subscribe / getState).
//
// - Joining: the media first (camera and microphone; the microphone alone
//   when the camera is refused or missing; nothing: receive-only), then
//   POST /calls/{cid}/participants. The newcomer offers to everyone already
//   in the call; they answer.
// - Negotiation is "perfect negotiation" (W3C WebRTC, §10.8): either side
//   may offer at any time (an ICE restart, say); when both do at once, the
//   polite one (the larger participant id) rolls its offer back and answers.
//   ICE candidates trickle; the ones that arrive before the description they
//   belong to wait for it.
// - Signals go out one at a time per peer (the server relays them in the
//   order it gets them) and come in as `call.signal` events: only those
//   addressed to this tab's participant are handled (a person's other tabs
//   get them too).
// - Every connection sends audio and video on two transceivers set up once:
//   mute and camera off disable the track, a screen share replaces the video
//   track (replaceTrack), so none of them renegotiates. A negotiated data
//   channel tells the others what is on (microphone, camera, screen).
// - A heartbeat every heartbeat_seconds; a 404 not_in_call (the server
//   counted this tab gone: a laptop asleep) joins again. Leaving sends `bye`
//   to each peer, then DELETE; as the page goes away, a keepalive DELETE.
// - Past calls.p2p_max_participants the server moves the call to the SFU
//   (call.mode "sfu" at the join, or a call.updated event): every peer
//   connection closes and the media goes through Janus instead (sfu.ts),
//   for good. The tiles stay; their media comes from the participant's
//   subscription once they send (call.sending, or `sending` in the call).
//
// Nothing here touches the DOM or the real WebRTC API directly: the peer
// connection factory, the media provider and the streams come in `deps`, so
// that the rules are tested with fakes (vitest has no WebRTC).
import {
  isApiError,
  type ApiError,
  type CallJoin,
  type CallMode,
  type CallParticipant,
  type CallSignal,
  type CallSignalKind,
  type Call,
  type EventFrame,
} from '../../api';
import { Store } from '../../util/store';
import { SfuLink, type SfuApi, type SfuHost, type SfuTiming } from './sfu';
import {
  AUDIO_CONSTRAINTS,
  MEDIA_ATTEMPTS,
  SPEAKING_LEVEL,
  VIDEO_CONSTRAINTS,
  isForMe,
  isPolite,
  offerTargets,
  type MediaMode,
} from './logic/rules';

/** The server calls a session makes (api.calls, or a fake). */
export interface CallApi extends SfuApi {
  join(cid: string): Promise<CallJoin>;
  get(cid: string): Promise<Call>;
  heartbeat(cid: string, pid: string): Promise<unknown>;
  leave(cid: string, pid: string, o?: { keepalive?: boolean }): Promise<unknown>;
  signal(
    cid: string,
    b: { from: string; to: string; kind: CallSignalKind; data: object },
  ): Promise<unknown>;
  ring(cid: string, pid: string, b: { user_ids: readonly string[] }): Promise<unknown>;
}

/** Where the camera, microphone and screen come from (navigator.mediaDevices). */
export interface MediaProvider {
  getUserMedia(c: MediaStreamConstraints): Promise<MediaStream>;
  /** Absent: the browser cannot share a screen. */
  getDisplayMedia?(c: DisplayMediaStreamOptions): Promise<MediaStream>;
}

export interface CallDeps {
  api: CallApi;
  /** The live events (liveEvents()). */
  events: { subscribe(type: string, handler: (e: EventFrame) => void): () => void };
  createPeerConnection(config: RTCConfiguration): RTCPeerConnection;
  /** null: no media devices at all (an insecure page, an old browser). */
  media: MediaProvider | null;
  newStream(tracks: MediaStreamTrack[]): MediaStream;
  /** How often remote audio levels are read for the speaking indicator (0: never). */
  levelsEveryMs?: number;
  /** The SFU link's delays (tests make them short). */
  sfuTiming?: Partial<SfuTiming>;
}

export type CallPhase = 'joining' | 'joined' | 'left' | 'failed';

/** Why the tab is out of the call: full, ended, not there (or not for this person), network... */
export type CallFailure = 'call_full' | 'call_ended' | 'not_found' | 'network' | 'other';

/** What the media the tab sends lacks, and why. */
export type MediaNote = 'no_camera' | 'no_microphone' | 'receive_only' | 'unsupported' | null;

/**
 * waiting: no connection yet (p2p: their offer is on its way; sfu: their
 * media asked for); idle (sfu): they send nothing (yet), nothing to connect.
 */
export type PeerConnectionState = RTCPeerConnectionState | 'waiting' | 'idle';

/** Another participant as the screen shows them. */
export interface PeerView {
  id: string;
  userId: string;
  /** Their audio and video (null until a track arrives). */
  stream: MediaStream | null;
  hasVideo: boolean;
  connection: PeerConnectionState;
  /** What they say is on (assumed on until they say). */
  mic: boolean;
  camera: boolean;
  sharing: boolean;
  speaking: boolean;
}

export interface CallState {
  phase: CallPhase;
  failure: CallFailure | null;
  /** This tab's participant id once in. */
  participantId: string | null;
  /** Joining again after the server counted this tab gone. */
  rejoining: boolean;
  /** Peer to peer, or through the SFU (from the call; never back). */
  mode: CallMode;
  /** The SFU cannot be reached (its requests are retried meanwhile). */
  sfuDown: boolean;
  media: MediaMode;
  mediaNote: MediaNote;
  /** The self view: the camera, or the screen shared (null: nothing to show). */
  selfView: MediaStream | null;
  hasMic: boolean;
  hasCamera: boolean;
  mic: boolean;
  camera: boolean;
  sharing: boolean;
  speaking: boolean;
  /** A device or the screen could not be had when asked for. */
  deviceError: 'microphone' | 'camera' | 'screen' | null;
  peers: readonly PeerView[];
  /** The last arrival or departure, for screen readers. */
  notice: { kind: 'joined' | 'left'; userId: string; n: number } | null;
}

const INITIAL: CallState = {
  phase: 'joining',
  failure: null,
  participantId: null,
  rejoining: false,
  mode: 'p2p',
  sfuDown: false,
  media: 'none',
  mediaNote: null,
  selfView: null,
  hasMic: false,
  hasCamera: false,
  mic: false,
  camera: false,
  sharing: false,
  speaking: false,
  deviceError: null,
  peers: [],
  notice: null,
};

/** The data channel both sides create (negotiated: no extra round trip). */
const STATE_CHANNEL = { label: 'ruche-call', id: 0 };

interface PeerState {
  type: 'state';
  mic: boolean;
  camera: boolean;
  sharing: boolean;
}

interface Peer {
  id: string;
  userId: string;
  pc: RTCPeerConnection | null;
  polite: boolean;
  makingOffer: boolean;
  ignoreOffer: boolean;
  audio: RTCRtpTransceiver | null;
  video: RTCRtpTransceiver | null;
  channel: RTCDataChannel | null;
  tracks: MediaStreamTrack[];
  /** Candidates that came before the remote description. */
  pending: RTCIceCandidateInit[];
  /**
   * A local description is being made: our candidates wait until it is sent
   * (the other side needs the description first).
   */
  describing: boolean;
  held: RTCIceCandidateInit[];
  /** Incoming signals, handled one after the other. */
  inbox: Promise<void>;
  /** Outgoing signals, sent one after the other. */
  outbox: Promise<void>;
  view: PeerView;
}

function failureOf(e: unknown): CallFailure {
  if (isApiError(e, 'call_full')) return 'call_full';
  if (isApiError(e, 'call_ended') || (isApiError(e) && e.status === 410)) return 'call_ended';
  if (isApiError(e) && (e.status === 404 || e.status === 403)) return 'not_found';
  if (isApiError(e) && e.status === 0) return 'network';
  return 'other';
}

function isPeerState(v: unknown): v is PeerState {
  const s = v as Partial<PeerState> | null;
  return (
    !!s &&
    s.type === 'state' &&
    typeof s.mic === 'boolean' &&
    typeof s.camera === 'boolean' &&
    typeof s.sharing === 'boolean'
  );
}

function warn(what: string, e: unknown) {
  console.warn(`call: ${what}`, e);
}

export class CallSession extends Store<CallState> {
  private readonly peers = new Map<string, Peer>();
  /** Participants who left: a late signal of theirs does not bring them back. */
  private readonly gone = new Set<string>();
  private me: CallParticipant | null = null;
  private iceServers: RTCIceServer[] = [];
  private heartbeatMs = 10_000;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private levelsTimer: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly unsubscribes: (() => void)[] = [];
  /** Events that came while this tab's participant id was not known yet. */
  private early: EventFrame[] = [];
  private local: MediaStream | null = null;
  private audioTrack: MediaStreamTrack | null = null;
  private cameraTrack: MediaStreamTrack | null = null;
  private screenTrack: MediaStreamTrack | null = null;
  /** Left (or failed): everything after is ignored. */
  private over = false;
  /** Whose DELETE leave() or leaveOnUnload() is yet to send (teardown forgets `me`). */
  private leaving: CallParticipant | null = null;
  private started = false;
  private rejoining: Promise<void> | null = null;
  private notices = 0;
  private mode: CallMode = 'p2p';
  /** The connections through the SFU (sfu mode, once in). */
  private sfu: SfuLink | null = null;
  /** Participants known to publish to the SFU (`sending`, call.sending). */
  private readonly sending = new Set<string>();

  constructor(
    readonly callId: string,
    private readonly deps: CallDeps,
  ) {
    super(INITIAL);
  }

  /** Whether the browser can share a screen. */
  get canShare(): boolean {
    return typeof this.deps.media?.getDisplayMedia === 'function';
  }

  /** This tab's connection with a participant: peer to peer, or its subscription (sfu). */
  connectionWith(participantId: string): RTCPeerConnection | null {
    return this.peers.get(participantId)?.pc ?? this.sfu?.connectionOf(participantId) ?? null;
  }

  /** The connection sending this tab's media to the SFU (null: none). */
  get publisherConnection(): RTCPeerConnection | null {
    return this.sfu?.publisher ?? null;
  }

  // ---- joining -------------------------------------------------------------

  /** Asks for the media, then joins; the outcome is in the state (phase, failure). */
  async join(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const ev = this.deps.events;
    for (const type of [
      'call.signal',
      'call.participant_joined',
      'call.participant_left',
      'call.ended',
      'call.updated',
      'call.sending',
    ]) {
      this.unsubscribes.push(ev.subscribe(type, (e) => this.onEvent(e)));
    }
    this.unsubscribes.push(ev.subscribe('hello', () => void this.resync()));
    await this.acquireMedia();
    if (this.over) return;
    await this.enterCall();
  }

  private async acquireMedia(): Promise<void> {
    const media = this.deps.media;
    if (!media) {
      this.set({ media: 'none', mediaNote: 'unsupported' });
      return;
    }
    for (const attempt of MEDIA_ATTEMPTS) {
      let stream: MediaStream;
      try {
        stream = await media.getUserMedia(attempt.constraints);
      } catch {
        continue;
      }
      if (this.over) {
        stream.getTracks().forEach((t) => t.stop());
        return;
      }
      this.local = stream;
      this.audioTrack = stream.getAudioTracks()[0] ?? null;
      this.cameraTrack = stream.getVideoTracks()[0] ?? null;
      const mode: MediaMode =
        this.audioTrack && this.cameraTrack
          ? 'audio-video'
          : this.audioTrack
            ? 'audio'
            : this.cameraTrack
              ? 'video'
              : 'none';
      const note: MediaNote =
        mode === 'audio-video'
          ? null
          : mode === 'audio'
            ? 'no_camera'
            : mode === 'video'
              ? 'no_microphone'
              : 'receive_only';
      this.set({ media: mode, mediaNote: note });
      this.localChanged(false);
      return;
    }
    this.set({ media: 'none', mediaNote: 'receive_only' });
  }

  /**
   * POST /participants, then offers to everyone already in (p2p), or
   * publishes to the SFU and subscribes to those sending (sfu). Joining
   * again (`again`) through a network failure tries once more a heartbeat
   * later.
   */
  private async enterCall(again = false): Promise<void> {
    let joined: CallJoin;
    try {
      joined = await this.deps.api.join(this.callId);
    } catch (e) {
      const failure = failureOf(e);
      if (again && failure === 'network' && !this.over) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          void this.enterCall(true);
        }, this.heartbeatMs);
        return;
      }
      this.fail(failure);
      return;
    }
    if (this.over) {
      // Left meanwhile: out again at once.
      void this.deps.api.leave(this.callId, joined.participant.id).catch(() => undefined);
      return;
    }
    this.me = joined.participant;
    this.iceServers = Array.isArray(joined.ice_servers) ? joined.ice_servers : [];
    const beat = Number(joined.heartbeat_seconds);
    this.heartbeatMs = (Number.isFinite(beat) && beat >= 1 ? beat : 10) * 1000;
    if (joined.call.mode === 'sfu') this.mode = 'sfu';
    this.set({
      phase: 'joined',
      participantId: joined.participant.id,
      rejoining: false,
      mode: this.mode,
    });
    const others = offerTargets(joined.call.participants ?? [], joined.participant.id);
    this.noteSending(others);
    for (const p of others) {
      if (this.gone.has(p.id)) continue;
      const peer = this.ensurePeer(p.id, p.user_id);
      if (this.mode === 'p2p' && !peer.pc) this.connect(peer, true);
    }
    this.emitPeers();
    if (this.mode === 'sfu') this.startSfu();
    const early = this.early;
    this.early = [];
    early.forEach((e) => this.onEvent(e));
    this.startTimers();
  }

  private startTimers() {
    this.stopTimers();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.heartbeatMs);
    const every = this.deps.levelsEveryMs ?? 500;
    if (every > 0) this.levelsTimer = setInterval(() => void this.readLevels(), every);
  }

  private stopTimers() {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    if (this.levelsTimer !== null) clearInterval(this.levelsTimer);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.heartbeatTimer = this.levelsTimer = this.retryTimer = null;
  }

  /** Says the tab is still there; counted gone (404 not_in_call): joins again. */
  async heartbeat(): Promise<void> {
    const me = this.me;
    if (!me || this.over || this.rejoining) return;
    try {
      await this.deps.api.heartbeat(this.callId, me.id);
    } catch (e) {
      if (this.over || this.me !== me) return;
      if (isApiError(e, 'not_in_call')) await this.rejoin();
      else if (isApiError(e) && (e.status === 404 || e.status === 410)) this.fail(failureOf(e));
      // A network failure: the next beat tries again (the server waits 30 s).
    }
  }

  /** Joins again as a new participant: every connection is made anew. */
  rejoin(): Promise<void> {
    if (this.over) return Promise.resolve();
    this.rejoining ??= (async () => {
      this.stopTimers();
      this.sfu?.close();
      this.sfu = null;
      for (const peer of this.peers.values()) this.closePeer(peer);
      this.peers.clear();
      this.me = null;
      this.set({ rejoining: true, participantId: null, peers: [] });
      await this.enterCall(true);
    })().finally(() => {
      this.rejoining = null;
    });
    return this.rejoining;
  }

  /** Back after a drop of the live connection (signals may have been lost): checks the call. */
  private async resync(): Promise<void> {
    const me = this.me;
    if (!me || this.over || this.rejoining) return;
    let call: Call;
    try {
      call = await this.deps.api.get(this.callId);
    } catch (e) {
      if (!this.over && isApiError(e) && e.status === 404) this.fail('not_found');
      return;
    }
    if (this.over || this.me !== me) return;
    if (call.ended_at) {
      this.fail('call_ended');
      return;
    }
    const participants = call.participants ?? [];
    const present = new Set(participants.map((p) => p.id));
    if (!present.has(me.id)) {
      await this.rejoin();
      return;
    }
    for (const id of [...this.peers.keys()]) if (!present.has(id)) this.drop(id);
    const others = offerTargets(participants, me.id);
    this.noteSending(others);
    if (call.mode === 'sfu') this.switchToSfu();
    if (this.mode !== 'sfu') return;
    // Through the SFU nobody offers: whoever the events missed gets a tile here.
    for (const p of others) {
      if (this.gone.has(p.id) || this.peers.has(p.id)) continue;
      this.ensurePeer(p.id, p.user_id);
      this.emitPeers();
    }
    for (const id of this.peers.keys()) if (this.sending.has(id)) this.sfu?.subscribe(id);
  }

  // ---- through the SFU -----------------------------------------------------

  private noteSending(participants: readonly CallParticipant[]) {
    for (const p of participants) if (p.sending) this.sending.add(p.id);
  }

  /** The call moved to the SFU (call.updated): the peer connections go, the tiles stay. */
  private switchToSfu() {
    if (this.mode === 'sfu') return;
    this.mode = 'sfu';
    for (const peer of this.peers.values()) {
      this.closePeer(peer);
      peer.audio = peer.video = peer.channel = null;
      peer.tracks = [];
      peer.pending = [];
      peer.held = [];
      peer.describing = peer.makingOffer = peer.ignoreOffer = false;
      peer.view = { ...peer.view, stream: null, hasVideo: false, connection: 'idle' };
    }
    this.set({ mode: 'sfu' });
    this.emitPeers();
    this.startSfu();
  }

  /** Publishes this tab's media and subscribes to everyone known to send. */
  private startSfu() {
    const me = this.me;
    if (!me || this.over) return;
    this.sfu?.close();
    const link: SfuLink = new SfuLink(
      this.callId,
      me.id,
      {
        api: this.deps.api,
        createPeerConnection: (c) => this.deps.createPeerConnection(c),
        iceServers: this.iceServers,
        timing: this.deps.sfuTiming,
      },
      this.sfuHost(() => this.sfu === link),
    );
    this.sfu = link;
    link.start([...this.peers.keys()].filter((id) => this.sending.has(id)));
  }

  /** What the SFU link tells this session, while `current()` (it is the session's link). */
  private sfuHost(current: () => boolean): SfuHost {
    const peerOf = (pid: string) => (current() ? this.peers.get(pid) : undefined);
    return {
      outgoing: () => ({
        audio: this.audioTrack,
        video: this.outgoingVideo(),
        stream: this.local,
      }),
      stateMessage: () => JSON.stringify(this.peerState()),
      track: (pid, track) => {
        const peer = peerOf(pid);
        if (peer) this.addRemoteTrack(peer, track);
      },
      cleared: (pid) => {
        const peer = peerOf(pid);
        if (!peer) return;
        peer.tracks = [];
        this.updatePeer(peer, { stream: null, hasVideo: false });
      },
      connection: (pid, connection) => {
        const peer = peerOf(pid);
        if (peer) this.updatePeer(peer, { connection });
      },
      message: (pid, data) => {
        const peer = peerOf(pid);
        if (peer) this.onPeerMessage(peer, data);
      },
      unavailable: (down) => {
        if (current()) this.set({ sfuDown: down });
      },
      lost: (e: ApiError) => {
        if (!current()) return;
        if (isApiError(e, 'not_in_call')) void this.rejoin();
        else this.fail(failureOf(e));
      },
    };
  }

  // ---- ringing -------------------------------------------------------------

  /**
   * Rings members in (their open tabs ring: call.ringing), from this tab's
   * participant. Rejects when the tab is not in the call (yet, or any more)
   * and with the server's refusal (ApiError: invalid_field, not_in_call).
   */
  async ring(userIds: readonly string[]): Promise<void> {
    const me = this.me;
    if (!me || this.over) throw new Error('not in the call');
    if (userIds.length === 0) return;
    await this.deps.api.ring(this.callId, me.id, { user_ids: userIds });
  }

  // ---- leaving -------------------------------------------------------------

  /**
   * Leaves: `bye` to each peer, every connection closed, the media released,
   * DELETE. The DELETE is a keepalive request, and the page going away while
   * the byes are still on their way sends it at once (leaveOnUnload): leaving
   * then reloading must not leave this tab's participant in the call.
   */
  async leave(): Promise<void> {
    if (this.over) return;
    this.over = true;
    const me = this.me;
    // Through the SFU there is nobody to say bye to: the server tells everyone.
    // Signals already on their way go first (those queued behind them are
    // dropped, this.over): a signal reaching the server after the DELETE
    // would be refused.
    const sending = [...this.peers.values()].map((p) => p.outbox);
    const byes =
      me && this.mode === 'p2p'
        ? [...this.peers.keys()].map((to) =>
            this.deps.api
              .signal(this.callId, { from: me.id, to, kind: 'bye', data: {} })
              .catch(() => undefined),
          )
        : [];
    this.leaving = me;
    this.teardown();
    this.set({ phase: 'left' });
    if (!me) return;
    await Promise.all([...byes, ...sending]);
    await this.sendLeave();
  }

  /**
   * The page is going away: a DELETE that outlives it (fetch keepalive),
   * nothing awaited — also when leave() is still waiting for its byes.
   */
  leaveOnUnload(): void {
    if (!this.over) {
      this.over = true;
      this.leaving = this.me;
      this.teardown();
      this.set({ phase: 'left' });
    }
    void this.sendLeave();
  }

  /** This tab's participant out of the call, once. */
  private sendLeave(): Promise<unknown> {
    const me = this.leaving;
    if (!me) return Promise.resolve();
    this.leaving = null;
    return this.deps.api.leave(this.callId, me.id, { keepalive: true }).catch(() => undefined);
  }

  private fail(failure: CallFailure) {
    if (this.over) return;
    this.over = true;
    this.teardown();
    this.set({ phase: 'failed', failure });
  }

  private teardown() {
    this.stopTimers();
    this.unsubscribes.splice(0).forEach((u) => u());
    this.sfu?.close();
    this.sfu = null;
    for (const peer of this.peers.values()) this.closePeer(peer);
    this.peers.clear();
    for (const t of [this.audioTrack, this.cameraTrack, this.screenTrack]) t?.stop();
    this.local = null;
    this.audioTrack = this.cameraTrack = this.screenTrack = null;
    this.me = null;
    this.early = [];
    this.set({
      peers: [],
      selfView: null,
      mic: false,
      camera: false,
      sharing: false,
      speaking: false,
      rejoining: false,
      sfuDown: false,
    });
  }

  // ---- events --------------------------------------------------------------

  private onEvent(e: EventFrame) {
    if (this.over) return;
    const d = (e.data ?? {}) as Record<string, unknown>;
    if (d.call_id !== this.callId) return;
    const me = this.me;
    if (!me) {
      // Our id comes with the join's answer: what is for us waits for it.
      if (this.early.length < 200) this.early.push(e);
      return;
    }
    switch (e.type) {
      case 'call.signal':
        // Peer to peer only: through the SFU, a late signal of the mesh means nothing.
        if (this.mode === 'p2p') this.onSignal(d as unknown as CallSignal, me.id);
        break;
      case 'call.participant_joined': {
        const p = d.participant as CallParticipant | undefined;
        if (!p || typeof p.id !== 'string' || p.id === me.id || this.gone.has(p.id)) return;
        if (this.peers.has(p.id)) return;
        // p2p: they offer to us (newcomers offer); sfu: their media once they send.
        // A tile waits for them meanwhile.
        this.ensurePeer(p.id, String(p.user_id ?? ''));
        this.notice('joined', String(p.user_id ?? ''));
        this.emitPeers();
        if (p.sending) this.sending.add(p.id);
        if (this.mode === 'sfu' && this.sending.has(p.id)) this.sfu?.subscribe(p.id);
        break;
      }
      case 'call.updated':
        if (d.mode === 'sfu') this.switchToSfu();
        break;
      case 'call.sending': {
        const id = d.participant_id;
        if (typeof id !== 'string' || id === me.id || this.gone.has(id)) return;
        this.sending.add(id);
        if (this.mode !== 'sfu') return;
        // Before their arrival's event (it is stored, this one is not): the call says who.
        if (this.peers.has(id)) this.sfu?.sending(id);
        else void this.resync();
        break;
      }
      case 'call.participant_left': {
        const id = d.participant_id;
        if (typeof id !== 'string') return;
        if (id === me.id) void this.rejoin();
        else this.drop(id);
        break;
      }
      case 'call.ended':
        this.fail('call_ended');
        break;
    }
  }

  private onSignal(s: CallSignal, me: string) {
    if (!isForMe(s, this.callId, me) || this.gone.has(s.from)) return;
    if (s.kind === 'bye') {
      this.drop(s.from);
      return;
    }
    let peer = this.peers.get(s.from);
    if (!peer) {
      // Only an offer starts a connection (a late candidate of a closed one does not).
      if (s.kind !== 'offer') return;
      peer = this.ensurePeer(s.from, s.from_user_id);
      this.emitPeers();
    }
    const p = peer;
    p.inbox = p.inbox
      .then(() => this.handleSignal(p, s))
      .catch((e: unknown) => warn(`${s.kind} from ${s.from}`, e));
  }

  private async handleSignal(peer: Peer, s: CallSignal): Promise<void> {
    if (this.over || this.mode !== 'p2p' || this.peers.get(peer.id) !== peer) return;
    const data = (s.data ?? {}) as Record<string, unknown>;
    if (s.kind === 'candidate') {
      const c = data as RTCIceCandidateInit;
      const pc = peer.pc;
      if (!pc || !pc.remoteDescription) {
        peer.pending.push(c);
        return;
      }
      try {
        await pc.addIceCandidate(c);
      } catch (e) {
        if (!peer.ignoreOffer) throw e;
      }
      return;
    }
    const type = data.type;
    const sdp = data.sdp;
    if ((type !== 'offer' && type !== 'answer') || typeof sdp !== 'string' || type !== s.kind) {
      return;
    }
    if (!peer.pc) {
      if (type !== 'offer') return;
      this.connect(peer, false);
    }
    const pc = peer.pc;
    if (!pc) return;
    const collision = type === 'offer' && (peer.makingOffer || pc.signalingState !== 'stable');
    peer.ignoreOffer = !peer.polite && collision;
    if (peer.ignoreOffer) return;
    // An answer that comes when no offer of ours waits for one (a stale one): nothing to do.
    if (type === 'answer' && pc.signalingState !== 'have-local-offer') return;
    // Polite and colliding: setRemoteDescription rolls our own offer back.
    await pc.setRemoteDescription({ type, sdp });
    if (type === 'offer') {
      this.attachTracks(peer);
      peer.describing = true;
      try {
        await pc.setLocalDescription();
        const answer = pc.localDescription;
        if (answer) this.send(peer, 'answer', { type: answer.type, sdp: answer.sdp });
      } finally {
        this.releaseCandidates(peer);
      }
    }
    const pending = peer.pending.splice(0);
    for (const c of pending) {
      try {
        await pc.addIceCandidate(c);
      } catch (e) {
        warn('a candidate', e);
      }
    }
  }

  // ---- peers ---------------------------------------------------------------

  private ensurePeer(id: string, userId: string): Peer {
    let peer = this.peers.get(id);
    if (peer) return peer;
    peer = {
      id,
      userId,
      pc: null,
      polite: isPolite(this.me?.id ?? '', id),
      makingOffer: false,
      ignoreOffer: false,
      audio: null,
      video: null,
      channel: null,
      tracks: [],
      pending: [],
      describing: false,
      held: [],
      inbox: Promise.resolve(),
      outbox: Promise.resolve(),
      view: {
        id,
        userId,
        stream: null,
        hasVideo: false,
        connection: this.mode === 'sfu' ? 'idle' : 'waiting',
        mic: true,
        camera: true,
        sharing: false,
        speaking: false,
      },
    };
    this.peers.set(id, peer);
    return peer;
  }

  /**
   * The connection with a peer. The offerer (the newcomer) sets up the audio
   * and video transceivers, which makes the offer; the answerer takes the
   * ones the offer brings (attachTracks).
   */
  private connect(peer: Peer, offerer: boolean) {
    const pc = this.deps.createPeerConnection({ iceServers: this.iceServers });
    peer.pc = pc;
    const channel = pc.createDataChannel(STATE_CHANNEL.label, {
      negotiated: true,
      id: STATE_CHANNEL.id,
    });
    peer.channel = channel;
    channel.onopen = () => this.sendState(peer);
    channel.onmessage = (e: MessageEvent) => this.onPeerMessage(peer, e.data);
    if (offerer) {
      const streams = this.local ? [this.local] : [];
      peer.audio = pc.addTransceiver(this.audioTrack ?? 'audio', {
        direction: 'sendrecv',
        streams,
      });
      peer.video = pc.addTransceiver(this.outgoingVideo() ?? 'video', {
        direction: 'sendrecv',
        streams,
      });
    }
    pc.onnegotiationneeded = () => void this.negotiate(peer);
    pc.onicecandidate = (e: RTCPeerConnectionIceEvent) => {
      if (!e.candidate) return;
      const c = e.candidate.toJSON();
      if (peer.describing) peer.held.push(c);
      else this.send(peer, 'candidate', c);
    };
    pc.ontrack = (e: RTCTrackEvent) => this.addRemoteTrack(peer, e.track);
    pc.onconnectionstatechange = () => {
      if (this.peers.get(peer.id) !== peer) return;
      this.updatePeer(peer, { connection: pc.connectionState });
    };
    pc.oniceconnectionstatechange = () => {
      // A path lost (a network change): new candidates, through a new offer.
      if (pc.iceConnectionState === 'failed' && this.peers.get(peer.id) === peer) pc.restartIce();
    };
    this.updatePeer(peer, { connection: pc.connectionState ?? 'new' });
  }

  /** Makes and sends an offer (perfect negotiation: the offer in flight is marked). */
  private async negotiate(peer: Peer): Promise<void> {
    const pc = peer.pc;
    if (!pc || this.over) return;
    try {
      peer.makingOffer = true;
      peer.describing = true;
      await pc.setLocalDescription();
      const offer = pc.localDescription;
      if (offer && offer.type === 'offer' && this.peers.get(peer.id) === peer) {
        this.send(peer, 'offer', { type: offer.type, sdp: offer.sdp });
      }
    } catch (e) {
      warn(`an offer to ${peer.id}`, e);
    } finally {
      peer.makingOffer = false;
      this.releaseCandidates(peer);
    }
  }

  /** The description is out: the candidates gathered meanwhile follow it. */
  private releaseCandidates(peer: Peer) {
    peer.describing = false;
    for (const c of peer.held.splice(0)) this.send(peer, 'candidate', c);
  }

  /** The answerer's side: our tracks on the transceivers the offer brought, both ways. */
  private attachTracks(peer: Peer) {
    const pc = peer.pc;
    if (!pc) return;
    for (const t of pc.getTransceivers()) {
      const kind = t.receiver.track?.kind;
      if (kind === 'audio' && !peer.audio) peer.audio = t;
      if (kind === 'video' && !peer.video) peer.video = t;
    }
    const wanted: [RTCRtpTransceiver | null, MediaStreamTrack | null][] = [
      [peer.audio, this.audioTrack],
      [peer.video, this.outgoingVideo()],
    ];
    for (const [t, track] of wanted) {
      if (!t || t.direction === 'stopped') continue;
      if (t.direction !== 'sendrecv') t.direction = 'sendrecv';
      if (t.sender.track !== track) {
        t.sender.replaceTrack(track).catch((e: unknown) => warn('a track', e));
      }
    }
  }

  private addRemoteTrack(peer: Peer, track: MediaStreamTrack) {
    if (this.peers.get(peer.id) !== peer || peer.tracks.includes(track)) return;
    peer.tracks = [...peer.tracks.filter((t) => t.kind !== track.kind), track];
    this.updatePeer(peer, {
      stream: this.deps.newStream(peer.tracks),
      hasVideo: peer.tracks.some((t) => t.kind === 'video'),
    });
  }

  private onPeerMessage(peer: Peer, raw: unknown) {
    if (typeof raw !== 'string' || raw.length > 1024) return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      return;
    }
    if (!isPeerState(v)) return;
    this.updatePeer(peer, {
      mic: v.mic,
      camera: v.camera,
      sharing: v.sharing,
      speaking: v.mic && peer.view.speaking,
    });
  }

  /** A signal to a peer, after the ones before it (the server relays them in that order). */
  private send(peer: Peer, kind: CallSignalKind, data: object) {
    const me = this.me;
    if (!me || this.over) return;
    peer.outbox = peer.outbox
      // Not once we left: the server no longer knows us in the call (a 404).
      .then(() =>
        this.over
          ? undefined
          : this.deps.api.signal(this.callId, { from: me.id, to: peer.id, kind, data }),
      )
      .then(
        () => undefined,
        (e: unknown) => {
          // They left (no_participant), or we did: the events say so.
          if (!isApiError(e)) warn(`a ${kind} to ${peer.id}`, e);
        },
      );
  }

  /** A participant left (an event, or their bye): their connection and tile go. */
  private drop(id: string) {
    this.gone.add(id);
    this.sending.delete(id);
    this.sfu?.remove(id);
    const peer = this.peers.get(id);
    if (!peer) return;
    this.closePeer(peer);
    this.peers.delete(id);
    this.notice('left', peer.userId);
    this.emitPeers();
  }

  private closePeer(peer: Peer) {
    const pc = peer.pc;
    peer.pc = null;
    if (!pc) return;
    pc.onnegotiationneeded = pc.onicecandidate = pc.ontrack = null;
    pc.onconnectionstatechange = pc.oniceconnectionstatechange = null;
    try {
      peer.channel?.close();
      pc.close();
    } catch (e) {
      warn('closing a connection', e);
    }
  }

  private updatePeer(peer: Peer, update: Partial<PeerView>) {
    peer.view = { ...peer.view, ...update };
    if (this.peers.get(peer.id) === peer) this.emitPeers();
  }

  private emitPeers() {
    this.set({ peers: [...this.peers.values()].map((p) => p.view) });
  }

  private notice(kind: 'joined' | 'left', userId: string) {
    this.set({ notice: { kind, userId, n: ++this.notices } });
  }

  // ---- what this tab sends -------------------------------------------------

  /** The video every connection sends: the screen while shared, else the camera. */
  private outgoingVideo(): MediaStreamTrack | null {
    return this.screenTrack ?? this.cameraTrack;
  }

  /** The state follows the tracks; the others are told (and the senders updated when `senders`). */
  private localChanged(senders = true) {
    const video = this.outgoingVideo();
    if (senders && this.sfu) {
      this.sfu.tracksChanged();
    } else if (senders) {
      for (const peer of this.peers.values()) {
        for (const [t, track] of [
          [peer.audio, this.audioTrack],
          [peer.video, video],
        ] as const) {
          if (t && t.direction !== 'stopped' && t.sender.track !== track) {
            t.sender.replaceTrack(track).catch((e: unknown) => warn('a track', e));
          }
        }
      }
    }
    const selfTrack = video;
    const current = this.state.selfView?.getVideoTracks()[0] ?? null;
    this.set({
      hasMic: !!this.audioTrack,
      hasCamera: !!this.cameraTrack,
      mic: !!this.audioTrack?.enabled,
      camera: !!this.cameraTrack?.enabled,
      sharing: !!this.screenTrack,
      speaking: this.state.speaking && !!this.audioTrack?.enabled,
      selfView:
        selfTrack === current
          ? this.state.selfView
          : selfTrack
            ? this.deps.newStream([selfTrack])
            : null,
    });
    for (const peer of this.peers.values()) this.sendState(peer);
    this.sfu?.stateChanged();
  }

  /** What this tab says is on. */
  private peerState(): PeerState {
    return {
      type: 'state',
      mic: !!this.audioTrack?.enabled,
      camera: !!this.cameraTrack?.enabled,
      sharing: !!this.screenTrack,
    };
  }

  private sendState(peer: Peer) {
    const ch = peer.channel;
    if (!ch || ch.readyState !== 'open') return;
    try {
      ch.send(JSON.stringify(this.peerState()));
    } catch (e) {
      warn('the state', e);
    }
  }

  /** Mutes or unmutes the microphone (asks for one when the tab has none). */
  async toggleMic(): Promise<void> {
    if (this.over) return;
    if (!this.audioTrack) {
      await this.acquire('audio');
      return;
    }
    this.audioTrack.enabled = !this.audioTrack.enabled;
    this.localChanged(false);
  }

  /** Turns the camera off or on (asks for one when the tab has none). */
  async toggleCamera(): Promise<void> {
    if (this.over) return;
    if (!this.cameraTrack) {
      await this.acquire('video');
      return;
    }
    this.cameraTrack.enabled = !this.cameraTrack.enabled;
    this.localChanged(false);
  }

  /** A device asked for after joining without it: every connection gets its track. */
  private async acquire(kind: 'audio' | 'video'): Promise<void> {
    const media = this.deps.media;
    const what = kind === 'audio' ? 'microphone' : 'camera';
    if (!media) {
      this.set({ deviceError: what });
      return;
    }
    let stream: MediaStream;
    try {
      stream = await media.getUserMedia(
        kind === 'audio' ? { audio: AUDIO_CONSTRAINTS } : { video: VIDEO_CONSTRAINTS },
      );
    } catch {
      this.set({ deviceError: what });
      return;
    }
    const track = (kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks())[0];
    if (!track) return;
    if (this.over) {
      track.stop();
      return;
    }
    if (kind === 'audio') this.audioTrack = track;
    else this.cameraTrack = track;
    const mode: MediaMode =
      this.audioTrack && this.cameraTrack ? 'audio-video' : this.audioTrack ? 'audio' : 'video';
    this.set({
      deviceError: null,
      media: mode,
      mediaNote: mode === 'audio-video' ? null : mode === 'audio' ? 'no_camera' : 'no_microphone',
    });
    this.localChanged();
  }

  /** Shares a screen (or a window) instead of the camera; again: back to the camera. */
  async toggleScreen(): Promise<void> {
    if (this.over) return;
    if (this.screenTrack) {
      this.stopSharing();
      return;
    }
    const media = this.deps.media;
    if (!media?.getDisplayMedia) {
      this.set({ deviceError: 'screen' });
      return;
    }
    let stream: MediaStream;
    try {
      stream = await media.getDisplayMedia({ video: true, audio: false });
    } catch {
      // Cancelled or refused.
      this.set({ deviceError: 'screen' });
      return;
    }
    const track = stream.getVideoTracks()[0];
    stream.getAudioTracks().forEach((t) => t.stop());
    if (!track) return;
    if (this.over || this.screenTrack) {
      track.stop();
      return;
    }
    if ('contentHint' in track) track.contentHint = 'detail';
    // The browser's own "Stop sharing" ends the track: back to the camera.
    track.onended = () => {
      if (this.screenTrack === track) this.stopSharing();
    };
    this.screenTrack = track;
    this.set({ deviceError: null });
    this.localChanged();
  }

  private stopSharing() {
    const t = this.screenTrack;
    this.screenTrack = null;
    if (t) {
      t.onended = null;
      t.stop();
    }
    this.localChanged();
  }

  /** The device error said: gone. */
  dismissDeviceError(): void {
    this.set({ deviceError: null });
  }

  // ---- who speaks ----------------------------------------------------------

  private async readLevels(): Promise<void> {
    let mine = 0;
    const publisher = this.sfu?.publisher;
    if (publisher?.connectionState === 'connected') {
      try {
        const stats = await publisher.getStats();
        stats.forEach((r: { type?: string; kind?: string; audioLevel?: unknown }) => {
          if (r.type === 'media-source' && r.kind === 'audio' && typeof r.audioLevel === 'number')
            mine = Math.max(mine, r.audioLevel);
        });
      } catch {
        // Closed meanwhile.
      }
    }
    for (const peer of [...this.peers.values()]) {
      const pc = this.connectionWith(peer.id);
      if (!pc || pc.connectionState !== 'connected') continue;
      let theirs = 0;
      try {
        const stats = await pc.getStats();
        stats.forEach((r: { type?: string; kind?: string; audioLevel?: unknown }) => {
          if (r.kind !== 'audio' || typeof r.audioLevel !== 'number') return;
          if (r.type === 'inbound-rtp') theirs = Math.max(theirs, r.audioLevel);
          if (r.type === 'media-source') mine = Math.max(mine, r.audioLevel);
        });
      } catch {
        continue;
      }
      if (this.over || this.peers.get(peer.id) !== peer) continue;
      const speaking = peer.view.mic && theirs > SPEAKING_LEVEL;
      if (speaking !== peer.view.speaking) this.updatePeer(peer, { speaking });
    }
    if (this.over) return;
    const speaking = !!this.audioTrack?.enabled && mine > SPEAKING_LEVEL;
    if (speaking !== this.state.speaking) this.set({ speaking });
  }
}

/** The browser's WebRTC and media devices. */
export function browserCallDeps(api: CallApi, events: CallDeps['events']): CallDeps {
  const devices = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  return {
    api,
    events,
    createPeerConnection: (config) => new RTCPeerConnection(config),
    media:
      devices && typeof devices.getUserMedia === 'function'
        ? {
            getUserMedia: (c) => devices.getUserMedia(c),
            getDisplayMedia:
              typeof devices.getDisplayMedia === 'function'
                ? (c) => devices.getDisplayMedia(c)
                : undefined,
          }
        : null,
    newStream: (tracks) => new MediaStream(tracks),
  };
}
