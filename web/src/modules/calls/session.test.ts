// A tab in a call, with fake WebRTC and a fake server relaying the
// signals to every tab: the media asked for and what is left when some is
// refused, the newcomer's offers, perfect negotiation when both sides offer
// at once, candidates that come early, signals meant for someone else,
// the heartbeat joining again, leaving (the button, the page going away,
// a join still in flight), participants leaving, and the controls.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api';
import {
  FakeCallServer,
  FakeMedia,
  FakePeerConnection,
  FakeStream,
  settle,
  type FakeTransceiver,
} from './fakes.test-util';
import { CallSession } from './session';

let server: FakeCallServer;

beforeEach(() => {
  server = new FakeCallServer();
  FakePeerConnection.all = [];
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A tab of `user` in the call, joined. */
async function tab(user: string, media: FakeMedia | null = new FakeMedia()) {
  const deps = server.deps(user, media);
  const session = new CallSession(server.callId, deps);
  await session.join();
  await settle();
  return { session, deps, media };
}

const fake = (pc: RTCPeerConnection | null) => pc as unknown as FakePeerConnection | null;
const peerIds = (s: CallSession) => s.getState().peers.map((p) => p.id);
const senders = (pc: FakePeerConnection | null | undefined) =>
  (pc?.transceivers ?? []).map((t: FakeTransceiver) => [t.kind, t.sender.track?.label ?? null]);

describe('joining', () => {
  it('asks for the camera and microphone, then joins: in the call, heartbeat running', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { session, media } = await tab('u1');
    expect(media?.asked).toHaveLength(1);
    expect(media?.asked[0]).toMatchObject({ audio: expect.any(Object), video: expect.any(Object) });
    const s = session.getState();
    expect(s).toMatchObject({
      phase: 'joined',
      participantId: 'p01',
      media: 'audio-video',
      mediaNote: null,
      mic: true,
      camera: true,
      sharing: false,
      peers: [],
    });
    expect((s.selfView as unknown as FakeStream).getTracks().map((t) => t.label)).toEqual([
      'camera',
    ]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.heartbeats).toEqual(['p01']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.heartbeats).toEqual(['p01', 'p01']);
    await session.leave();
  });

  it('joins with the microphone alone when the camera is refused or missing', async () => {
    const { session } = await tab('u1', new FakeMedia({ video: false }));
    expect(session.getState()).toMatchObject({
      phase: 'joined',
      media: 'audio',
      mediaNote: 'no_camera',
      mic: true,
      camera: false,
      hasCamera: false,
      selfView: null,
    });
  });

  it('joins receive-only when nothing is allowed, and says so', async () => {
    const media = new FakeMedia({ audio: false, video: false });
    const { session } = await tab('u1', media);
    expect(media.asked.map((c) => Object.keys(c).sort().join('+'))).toEqual([
      'audio+video',
      'audio',
      'video',
    ]);
    expect(session.getState()).toMatchObject({
      phase: 'joined',
      media: 'none',
      mediaNote: 'receive_only',
      mic: false,
      camera: false,
    });
  });

  it('joins receive-only when the page has no media devices (not https)', async () => {
    const { session } = await tab('u1', null);
    expect(session.getState()).toMatchObject({ phase: 'joined', mediaNote: 'unsupported' });
  });

  it('says when the call is full or has ended, and releases the camera', async () => {
    server.full = true;
    const media = new FakeMedia();
    const { session } = await tab('u1', media);
    expect(session.getState()).toMatchObject({ phase: 'failed', failure: 'call_full' });
    expect(media.tracks.every((t) => t.readyState === 'ended')).toBe(true);
    expect(server.subscribers('call.signal')).toBe(0);

    server.full = false;
    server.ended = true;
    const again = await tab('u1');
    expect(again.session.getState()).toMatchObject({ phase: 'failed', failure: 'call_ended' });
  });

  it('says when the call cannot be reached', async () => {
    const deps = server.deps('u1');
    deps.api.join = async () => {
      throw new ApiError(0, 'network', 'offline');
    };
    const s = new CallSession(server.callId, deps);
    await s.join();
    expect(s.getState()).toMatchObject({ phase: 'failed', failure: 'network' });
  });
});

describe('connecting', () => {
  it('the newcomer offers to the one already in, who answers; tracks both ways', async () => {
    const a = await tab('u1');
    const b = await tab('u2');
    // B (the newcomer) made the connection and the offer; A answered.
    expect(b.deps.pcs).toHaveLength(1);
    expect(a.deps.pcs).toHaveLength(1);
    const pcA = a.deps.pcs[0];
    const pcB = b.deps.pcs[0];
    expect(pcB?.offersMade).toBe(1);
    expect(pcA?.offersMade).toBe(0);
    expect(server.signals.filter((s) => s.kind === 'offer').map((s) => [s.from, s.to])).toEqual([
      ['p02', 'p01'],
    ]);
    expect(server.signals.filter((s) => s.kind === 'answer').map((s) => [s.from, s.to])).toEqual([
      ['p01', 'p02'],
    ]);
    expect([pcA?.signalingState, pcB?.signalingState]).toEqual(['stable', 'stable']);
    // Each side's description went out before its candidates.
    const first = (from: string) => server.signals.find((s) => s.from === from)?.kind;
    expect([first('p02'), first('p01')]).toEqual(['offer', 'answer']);
    // The ICE servers the join gave.
    expect(pcB?.config.iceServers).toEqual([{ urls: ['stun:turn.example.org:3478'] }]);
    // Candidates trickled and were taken by the other side.
    expect(pcA?.candidates.length).toBeGreaterThan(0);
    expect(pcB?.candidates.length).toBeGreaterThan(0);
    // Both send their microphone and camera; the answerer on the offer's transceivers.
    expect(senders(pcB)).toEqual([
      ['audio', 'microphone'],
      ['video', 'camera'],
    ]);
    expect(senders(pcA)).toEqual([
      ['audio', 'microphone'],
      ['video', 'camera'],
    ]);
    expect(pcA?.transceivers.map((t) => t.direction)).toEqual(['sendrecv', 'sendrecv']);
    // A negotiated data channel on both sides, the same id.
    expect(pcA?.channels[0]?.init).toEqual({ negotiated: true, id: 0 });
    expect(pcB?.channels[0]?.init).toEqual({ negotiated: true, id: 0 });
    // Each sees the other, with their audio and video.
    expect(peerIds(a.session)).toEqual(['p02']);
    expect(peerIds(b.session)).toEqual(['p01']);
    const seen = a.session.getState().peers[0];
    expect(seen?.userId).toBe('u2');
    expect((seen?.stream as unknown as FakeStream).getTracks().map((t) => t.kind)).toEqual([
      'audio',
      'video',
    ]);
    expect(seen?.hasVideo).toBe(true);
    pcA?.connect();
    expect(a.session.getState().peers[0]?.connection).toBe('connected');
  });

  it('a third offers to both; the first two keep their one connection', async () => {
    const a = await tab('u1');
    const b = await tab('u2');
    const c = await tab('u3');
    expect(a.deps.pcs).toHaveLength(2);
    expect(b.deps.pcs).toHaveLength(2);
    expect(c.deps.pcs).toHaveLength(2);
    const offers = server.signals.filter((s) => s.kind === 'offer').map((s) => `${s.from}>${s.to}`);
    expect(offers.sort()).toEqual(['p02>p01', 'p03>p01', 'p03>p02']);
    for (const t of [a, b, c]) {
      expect(t.deps.pcs.every((pc) => pc.signalingState === 'stable')).toBe(true);
      expect(t.session.getState().peers).toHaveLength(2);
    }
    expect(peerIds(c.session)).toEqual(['p01', 'p02']);
  });

  it('handles only the signals addressed to this tab', async () => {
    const a = await tab('u1');
    const b = await tab('u2');
    const pcA = fake(a.session.connectionWith('p02'));
    const before = pcA?.candidates.length ?? 0;
    const emit = (data: Record<string, unknown>) => server.publish('call.signal', data);
    const candidate = { candidate: 'candidate:9 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' };
    // For another participant (the person's other tab), another call, from itself.
    emit({
      call_id: server.callId,
      from: 'p02',
      from_user_id: 'u2',
      to: 'p99',
      kind: 'candidate',
      data: candidate,
    });
    emit({
      call_id: 'other',
      from: 'p02',
      from_user_id: 'u2',
      to: 'p01',
      kind: 'candidate',
      data: candidate,
    });
    emit({
      call_id: server.callId,
      from: 'p01',
      from_user_id: 'u1',
      to: 'p01',
      kind: 'offer',
      data: {},
    });
    // A kind that does not exist; a bye meant for someone else.
    emit({
      call_id: server.callId,
      from: 'p02',
      from_user_id: 'u2',
      to: 'p01',
      kind: 'hug',
      data: {},
    });
    emit({
      call_id: server.callId,
      from: 'p02',
      from_user_id: 'u2',
      to: 'p77',
      kind: 'bye',
      data: {},
    });
    await settle();
    expect(pcA?.candidates.length).toBe(before);
    expect(a.deps.pcs).toHaveLength(1);
    expect(peerIds(a.session)).toEqual(['p02']);
    expect(peerIds(b.session)).toEqual(['p01']);

    // Addressed to A: taken.
    emit({
      call_id: server.callId,
      from: 'p02',
      from_user_id: 'u2',
      to: 'p01',
      kind: 'candidate',
      data: candidate,
    });
    await settle();
    expect(pcA?.candidates.length).toBe(before + 1);
  });

  it('keeps candidates that come before the description until it is there', async () => {
    const a = await tab('u1');
    const deps = server.deps('u2');
    // B's offer is delayed; its candidates are not.
    const realSignal = deps.api.signal;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    deps.api.signal = async (cid, b) => {
      if (b.kind === 'offer') await gate;
      return realSignal(cid, b);
    };
    const b = new CallSession(server.callId, deps);
    // Sent in order per peer: the candidate waits behind the offer on B's side...
    await b.join();
    await settle();
    expect(a.deps.pcs).toHaveLength(0);
    // ...so make one arrive first anyway, straight from the server.
    server.publish('call.signal', {
      call_id: server.callId,
      from: 'p02',
      from_user_id: 'u2',
      to: 'p01',
      kind: 'candidate',
      data: { candidate: 'candidate:early', sdpMid: '0' },
    });
    await settle();
    // A candidate alone does not start a connection.
    expect(a.deps.pcs).toHaveLength(0);
    release();
    await settle();
    const pcA = a.deps.pcs[0];
    expect(pcA?.signalingState).toBe('stable');
    // The early one was added once the offer was in, then B's own trickled ones.
    const added = pcA?.candidates.map((c) => c.candidate) ?? [];
    expect(added[0]).toBe('candidate:early');
    expect(added.length).toBeGreaterThan(1);
  });

  it('perfect negotiation: both offer at once, the polite one (larger id) gives way', async () => {
    const a = await tab('u1');
    const b = await tab('u2');
    const pcA = fake(a.session.connectionWith('p02'));
    const pcB = fake(b.session.connectionWith('p01'));
    const offersA = pcA?.offersMade ?? 0;
    const offersB = pcB?.offersMade ?? 0;
    // Both need to negotiate at the same moment (an ICE restart each): two offers cross.
    pcA?.restartIce();
    pcB?.restartIce();
    pcA?.onnegotiationneeded?.();
    pcB?.onnegotiationneeded?.();
    await settle();
    expect(pcA?.offersMade).toBe(offersA + 1);
    expect(pcB?.offersMade).toBe(offersB + 1);
    // B (p02 > p01) is polite: it rolled its offer back and answered A's.
    expect(pcB?.rollbacks).toBe(1);
    expect(pcA?.rollbacks).toBe(0);
    // No deadlock: both stable, nothing left waiting.
    expect([pcA?.signalingState, pcB?.signalingState]).toEqual(['stable', 'stable']);
    // Both warned nothing more than the ignored offer's candidates, and still connected.
    expect(peerIds(a.session)).toEqual(['p02']);
    expect(peerIds(b.session)).toEqual(['p01']);
  });

  it('an ICE failure restarts ICE (a new offer)', async () => {
    await tab('u1');
    const b = await tab('u2');
    const pcB = fake(b.session.connectionWith('p01'));
    const offers = pcB?.offersMade ?? 0;
    if (pcB) pcB.iceConnectionState = 'failed';
    pcB?.oniceconnectionstatechange?.();
    await settle();
    expect(pcB?.offersMade).toBe(offers + 1);
    expect(pcB?.signalingState).toBe('stable');
  });
});

describe('participants leaving', () => {
  it('drops the connection and the tile of one who left (event) or said bye', async () => {
    const a = await tab('u1');
    const b = await tab('u2');
    const c = await tab('u3');
    const toB = fake(a.session.connectionWith('p02'));
    // B's tab goes away (closed: its keepalive DELETE): everyone is told.
    b.session.leaveOnUnload();
    await settle();
    expect(toB?.closed).toBe(true);
    expect(peerIds(a.session)).toEqual(['p03']);
    expect(peerIds(c.session)).toEqual(['p01']);
    expect(a.session.getState().notice).toMatchObject({ kind: 'left', userId: 'u2' });
    // A late signal of B's does not bring it back.
    server.publish('call.signal', {
      call_id: server.callId,
      from: 'p02',
      from_user_id: 'u2',
      to: 'p01',
      kind: 'offer',
      data: { type: 'offer', sdp: '{"pc":1,"kinds":[],"data":true,"ice":0}' },
    });
    await settle();
    expect(peerIds(a.session)).toEqual(['p03']);

    // C says bye: A drops it at once.
    const toC = fake(a.session.connectionWith('p03'));
    server.publish('call.signal', {
      call_id: server.callId,
      from: 'p03',
      from_user_id: 'u3',
      to: 'p01',
      kind: 'bye',
      data: {},
    });
    await settle();
    expect(toC?.closed).toBe(true);
    expect(peerIds(a.session)).toEqual([]);
  });

  it('shows a newcomer as soon as they join, connecting until their offer', async () => {
    const a = await tab('u1');
    server.publish('call.participant_joined', {
      call_id: server.callId,
      participant: { id: 'p07', call_id: server.callId, user_id: 'u7', joined_at: '' },
    });
    await settle();
    expect(a.session.getState().peers).toMatchObject([
      { id: 'p07', userId: 'u7', connection: 'waiting' },
    ]);
    expect(a.session.getState().notice).toMatchObject({ kind: 'joined', userId: 'u7' });
    expect(a.deps.pcs).toHaveLength(0);
  });

  it('the call ending puts the tab out', async () => {
    const a = await tab('u1');
    server.publish('call.ended', { call_id: server.callId });
    await settle();
    expect(a.session.getState()).toMatchObject({ phase: 'failed', failure: 'call_ended' });
  });
});

describe('the heartbeat', () => {
  it('joins again on 404 not_in_call, and connects anew', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const a = await tab('u1');
    const b = await tab('u2');
    const old = fake(b.session.connectionWith('p01'));
    // A laptop asleep: the server counted B gone.
    server.forgetOnHeartbeat = 'p02';
    await vi.advanceTimersByTimeAsync(10_000);
    await settle();
    // B's heartbeat got not_in_call: B joined again.
    expect(b.deps.api.joins).toBe(2);
    expect(b.session.getState()).toMatchObject({ phase: 'joined', participantId: 'p03' });
    expect(old?.closed).toBe(true);
    // A dropped p02 and took p03's offer.
    expect(peerIds(a.session)).toEqual(['p03']);
    expect(peerIds(b.session)).toEqual(['p01']);
    expect(fake(a.session.connectionWith('p03'))?.signalingState).toBe('stable');
    // The heartbeat goes on with the new id.
    server.heartbeats = [];
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.heartbeats.sort()).toEqual(['p01', 'p03']);
    await b.session.leave();
    await a.session.leave();
  });

  it('joining again through a network failure tries again a heartbeat later', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    // Someone else stays in (their tab does not answer): the call goes on.
    server.participants.push({
      id: 'p00',
      call_id: server.callId,
      user_id: 'u9',
      joined_at: '',
      sending: false,
    });
    const deps = server.deps('u1');
    const s = new CallSession(server.callId, deps);
    const joining = s.join();
    await vi.advanceTimersByTimeAsync(0);
    await joining;
    const realJoin = deps.api.join;
    let offline = true;
    deps.api.join = async (cid) => {
      if (offline) throw new ApiError(0, 'network', 'offline');
      return realJoin(cid);
    };
    server.forgetOnHeartbeat = 'p01';
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.getState()).toMatchObject({ phase: 'joined', rejoining: true, participantId: null });
    offline = false;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.getState()).toMatchObject({ phase: 'joined', rejoining: false });
    expect(s.getState().participantId).toMatch(/^p0[2-9]$/);
    await s.leave();
  });

  it('a call gone for good (410 on the new join) puts the tab out', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const a = await tab('u1');
    server.forgetOnHeartbeat = 'p01';
    await vi.advanceTimersByTimeAsync(10_000);
    await settle();
    // A was the last one: its removal ended the call, so joining again is refused.
    expect(a.session.getState()).toMatchObject({ phase: 'failed', failure: 'call_ended' });
  });
});

describe('leaving', () => {
  it('says bye to each peer, then leaves; everything is released', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const media = new FakeMedia();
    const a = await tab('u1', media);
    const b = await tab('u2');
    const pc = fake(a.session.connectionWith('p02'));
    await a.session.leave();
    expect(server.signals.filter((s) => s.kind === 'bye')).toEqual([
      { from: 'p01', to: 'p02', kind: 'bye', data: {} },
    ]);
    expect(server.left).toEqual([{ pid: 'p01', keepalive: true }]);
    expect(pc?.closed).toBe(true);
    expect(media.tracks.every((t) => t.readyState === 'ended')).toBe(true);
    expect(a.session.getState()).toMatchObject({ phase: 'left', peers: [], selfView: null });
    // No more heartbeats, no more events handled.
    server.heartbeats = [];
    await vi.advanceTimersByTimeAsync(30_000);
    expect(server.heartbeats).toEqual(['p02', 'p02', 'p02']);
    await settle();
    expect(peerIds(b.session)).toEqual([]);
    // Leaving twice does nothing more.
    await a.session.leave();
    expect(server.left).toHaveLength(1);
  });

  it('leaving waits for a signal on its way and drops those queued behind it', async () => {
    const a = await tab('u1');
    await tab('u2');
    const pc = fake(a.session.connectionWith('p02'));
    // The next signal from this tab hangs until let go.
    let letGo: () => void = () => {};
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    const signal = a.deps.api.signal.bind(a.deps.api);
    const sent: string[] = [];
    a.deps.api.signal = async (cid, b) => {
      sent.push(b.kind);
      if (sent.length === 1) await gate;
      return signal(cid, b);
    };
    pc?.gather('candidate:7 1 udp 1 127.0.0.1 40007 typ host');
    pc?.gather('candidate:8 1 udp 1 127.0.0.1 40008 typ host');
    await settle();
    const leaving = a.session.leave();
    await settle();
    expect(server.left).toEqual([]); // the DELETE waits for the candidate on its way
    letGo();
    await leaving;
    expect(server.left).toEqual([{ pid: 'p01', keepalive: true }]);
    // The one on its way, then the bye; the candidate queued behind it never went.
    expect(sent).toEqual(['candidate', 'bye']);
  });

  it('the page going away while leaving waits for its byes: the DELETE goes at once, once', async () => {
    const a = await tab('u1');
    await tab('u2');
    let letGo: () => void = () => {};
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    const signal = a.deps.api.signal.bind(a.deps.api);
    a.deps.api.signal = async (cid, b) => {
      await gate;
      return signal(cid, b);
    };
    const leaving = a.session.leave();
    await settle();
    expect(server.left).toEqual([]); // the bye is on its way
    a.session.leaveOnUnload(); // a reload: the bye's answer would never come
    await settle();
    expect(server.left).toEqual([{ pid: 'p01', keepalive: true }]);
    letGo();
    await leaving;
    expect(server.left).toHaveLength(1);
  });

  it('leaves with a keepalive request as the page goes away', async () => {
    const a = await tab('u1');
    a.session.leaveOnUnload();
    await settle();
    expect(server.left).toEqual([{ pid: 'p01', keepalive: true }]);
    expect(a.session.getState().phase).toBe('left');
  });

  it('left while the join was on its way: out again as soon as it is in', async () => {
    const deps = server.deps('u1');
    const realJoin = deps.api.join;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    deps.api.join = async (cid) => {
      await gate;
      return realJoin(cid);
    };
    const s = new CallSession(server.callId, deps);
    const joining = s.join();
    await settle();
    await s.leave();
    release();
    await joining;
    await settle();
    expect(server.participants).toEqual([]);
    expect(server.left.map((l) => l.pid)).toEqual(['p01']);
    expect(deps.media?.tracks.every((t) => t.readyState === 'ended')).toBe(true);
  });

  it('left while the browser asked for the camera: never joins, the camera released', async () => {
    const deps = server.deps('u1');
    const s = new CallSession(server.callId, deps);
    const joining = s.join();
    await s.leave();
    await joining;
    await settle();
    expect(deps.api.joins).toBe(0);
    expect(deps.media?.tracks.every((t) => t.readyState === 'ended')).toBe(true);
  });
});

describe('the controls', () => {
  it('mutes and turns the camera off without renegotiating; the others are told', async () => {
    const a = await tab('u1');
    const b = await tab('u2');
    const pcA = fake(a.session.connectionWith('p02'));
    const pcB = fake(b.session.connectionWith('p01'));
    pcA?.connect();
    pcB?.connect();
    const offers = pcB?.offersMade;
    await a.session.toggleMic();
    expect(a.session.getState()).toMatchObject({ mic: false, camera: true });
    expect(a.media?.tracks.find((t) => t.kind === 'audio')?.enabled).toBe(false);
    expect(pcA?.channels[0]?.lastState()).toEqual({
      type: 'state',
      mic: false,
      camera: true,
      sharing: false,
    });
    // What A's channel sent reaches B's side of it.
    pcB?.receive(pcA?.channels[0]?.sent.at(-1));
    expect(b.session.getState().peers[0]).toMatchObject({ mic: false, camera: true });
    await a.session.toggleCamera();
    pcB?.receive(pcA?.channels[0]?.sent.at(-1));
    expect(b.session.getState().peers[0]).toMatchObject({ mic: false, camera: false });
    await a.session.toggleMic();
    expect(a.session.getState().mic).toBe(true);
    await settle();
    expect(pcB?.offersMade).toBe(offers);
    // Nonsense on the channel changes nothing.
    pcB?.receive('{"type":"state","mic":"yes"}');
    pcB?.receive('not json');
    expect(b.session.getState().peers[0]).toMatchObject({ mic: false, camera: false });
  });

  it('shares the screen on every connection, and goes back to the camera when it ends', async () => {
    const a = await tab('u1');
    await tab('u2');
    await tab('u3');
    const video = () =>
      [...a.deps.pcs].map(
        (pc) => pc.transceivers.find((t) => t.kind === 'video')?.sender.track?.label,
      );
    expect(video()).toEqual(['camera', 'camera']);
    await a.session.toggleScreen();
    await settle();
    expect(video()).toEqual(['screen', 'screen']);
    expect(a.session.getState()).toMatchObject({ sharing: true });
    expect((a.session.getState().selfView as unknown as FakeStream).getTracks()[0]?.label).toBe(
      'screen',
    );
    // The browser's own "Stop sharing".
    const screen = a.media?.tracks.find((t) => t.label === 'screen');
    screen?.end();
    await settle();
    expect(video()).toEqual(['camera', 'camera']);
    expect(a.session.getState().sharing).toBe(false);
    // Again, and stopped from the button.
    await a.session.toggleScreen();
    await a.session.toggleScreen();
    await settle();
    expect(video()).toEqual(['camera', 'camera']);
    expect(
      a.media?.tracks.filter((t) => t.label === 'screen').every((t) => t.readyState === 'ended'),
    ).toBe(true);
  });

  it('says when the screen cannot be shared', async () => {
    const a = await tab('u1', new FakeMedia({ screen: false }));
    await a.session.toggleScreen();
    expect(a.session.getState()).toMatchObject({ sharing: false, deviceError: 'screen' });
    a.session.dismissDeviceError();
    expect(a.session.getState().deviceError).toBeNull();
  });

  it('a receive-only tab turns the microphone on later: every connection sends it', async () => {
    const media = new FakeMedia({ audio: false, video: false });
    const a = await tab('u1', media);
    await tab('u2');
    expect(senders(fake(a.session.connectionWith('p02')))).toEqual([
      ['audio', null],
      ['video', null],
    ]);
    await a.session.toggleMic();
    expect(a.session.getState()).toMatchObject({ deviceError: 'microphone', mic: false });
    media.grants.audio = true;
    await a.session.toggleMic();
    await settle();
    expect(a.session.getState()).toMatchObject({
      deviceError: null,
      mic: true,
      media: 'audio',
      mediaNote: 'no_camera',
    });
    expect(senders(fake(a.session.connectionWith('p02')))).toEqual([
      ['audio', 'microphone'],
      ['video', null],
    ]);
  });

  it('shows who speaks, from the audio levels', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const deps = server.deps('u1');
    deps.levelsEveryMs = 500;
    const a = new CallSession(server.callId, deps);
    await a.join();
    await settle();
    await tab('u2');
    const pc = fake(a.connectionWith('p02'));
    pc?.connect();
    pc?.stats.set('in', { type: 'inbound-rtp', kind: 'audio', audioLevel: 0.3 });
    pc?.stats.set('src', { type: 'media-source', kind: 'audio', audioLevel: 0.2 });
    await vi.advanceTimersByTimeAsync(500);
    expect(a.getState().peers[0]?.speaking).toBe(true);
    expect(a.getState().speaking).toBe(true);
    pc?.stats.set('in', { type: 'inbound-rtp', kind: 'audio', audioLevel: 0.001 });
    await vi.advanceTimersByTimeAsync(500);
    expect(a.getState().peers[0]?.speaking).toBe(false);
    await a.leave();
  });
});

describe('ringing', () => {
  it('rings from this tab’s participant, once in; not before, not after leaving', async () => {
    const deps = server.deps('u1', new FakeMedia());
    const session = new CallSession(server.callId, deps);
    await expect(session.ring(['u2'])).rejects.toThrow('not in the call');
    await session.join();
    await settle();
    await session.ring(['u2', 'u3']);
    await session.ring([]);
    expect(server.rings).toEqual([{ pid: 'p01', user_ids: ['u2', 'u3'] }]);
    await session.leave();
    await expect(session.ring(['u2'])).rejects.toThrow('not in the call');
    expect(server.rings).toHaveLength(1);
  });

  it('passes the server’s refusal on', async () => {
    const { session } = await tab('u1');
    server.participants = [];
    await expect(session.ring(['u2'])).rejects.toMatchObject({ code: 'not_in_call' });
    await session.leave();
  });
});
