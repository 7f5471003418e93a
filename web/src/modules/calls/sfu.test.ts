// Calls through the SFU, with fake WebRTC and a fake server playing Janus:
// starting there at the join, the switch from peer to peer (the mesh
// closed, this tab published), subscriptions to whoever sends (at the join,
// at the switch, on call.sending), a feed not ready yet, someone leaving,
// Janus forgetting this tab or being down, requests one at a time,
// candidates in batches with their end, receive-only, the tiles (media,
// connection, what they say is on), the controls, joining again.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FakeCallServer,
  FakeMedia,
  FakePeerConnection,
  FakeStream,
  settle,
  type FakeTransceiver,
} from './fakes.test-util';
import { CallSession, type CallDeps } from './session';
import { CandidateBatch, SerialQueue } from './sfu';

let server: FakeCallServer;

beforeEach(() => {
  server = new FakeCallServer();
  FakePeerConnection.all = [];
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Short delays: the retries happen within a test. */
const QUICK: CallDeps['sfuTiming'] = {
  feedFirstMs: 2,
  feedMaxMs: 8,
  feedGiveUpMs: 40,
  retryFirstMs: 2,
  retryMaxMs: 8,
  stateEveryMs: 0,
};

/** A tab of `user` in the call, joined. */
async function tab(user: string, media: FakeMedia | null = new FakeMedia()) {
  const deps = server.deps(user, media);
  deps.sfuTiming = QUICK;
  const session = new CallSession(server.callId, deps);
  await session.join();
  await settle();
  return { session, deps, media, id: session.getState().participantId ?? '' };
}

/** Settles until `ok()` holds (retries after short real delays). */
async function until(ok: () => boolean, what: string) {
  for (let i = 0; i < 200; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 1));
    await settle(2);
  }
  throw new Error(`never: ${what}`);
}

const fake = (pc: RTCPeerConnection | null) => pc as unknown as FakePeerConnection | null;
const peerIds = (s: CallSession) => s.getState().peers.map((p) => p.id);
const peer = (s: CallSession, id: string) => s.getState().peers.find((p) => p.id === id);
const kindsOf = (s: CallSession, id: string) =>
  ((peer(s, id)?.stream as unknown as FakeStream | null)?.getTracks() ?? []).map((t) => t.kind);
const what = (pid: string) =>
  server.sfuOf(pid).map((r) => (r.arg === undefined ? r.what : `${r.what} ${r.arg}`));

describe('starting through the SFU', () => {
  it('a call already in the SFU at the join: publishes, then subscribes to whoever sends', async () => {
    server.mode = 'sfu';
    const a = await tab('u1');
    expect(a.session.getState()).toMatchObject({ mode: 'sfu', phase: 'joined', peers: [] });
    // One connection, sending: audio and video sendonly, and a data channel.
    const pub = fake(a.session.publisherConnection);
    expect(a.deps.pcs).toEqual([pub]);
    expect(pub?.transceivers.map((t) => [t.kind, t.direction, t.sender.track?.label])).toEqual([
      ['audio', 'sendonly', 'microphone'],
      ['video', 'sendonly', 'camera'],
    ]);
    expect(pub?.channels.map((c) => c.label)).toEqual(['ruche-call']);
    expect(pub?.config.iceServers).toEqual([{ urls: ['stun:turn.example.org:3478'] }]);
    expect(pub?.signalingState).toBe('stable');
    // The offer, then its candidates, then the end of them.
    const sent = server.sfuOf(a.id);
    expect(sent.map((r) => r.what)).toEqual(['publish', 'trickle', 'trickle']);
    expect(JSON.parse(sent[0]?.sdp ?? '{}')).toMatchObject({ kinds: ['audio', 'video'] });
    expect(sent.slice(1).map((r) => [r.arg, r.candidates?.length])).toEqual([
      ['publisher', 1],
      ['publisher', 0],
    ]);
    expect(server.participants[0]?.sending).toBe(true);

    // B joins: B subscribes to A (sending at its join); A to B on call.sending.
    const b = await tab('u2');
    expect(b.session.getState().mode).toBe('sfu');
    expect([...what(b.id)].sort()).toEqual([
      'answer 1',
      'publish',
      'subscribe p01',
      'trickle 1',
      'trickle 1',
      'trickle publisher',
      'trickle publisher',
    ]);
    expect(what(a.id).slice(3)).toEqual(['subscribe p02', 'answer 2', 'trickle 2', 'trickle 2']);
    // Each description before its candidates.
    for (const [desc, target] of [
      ['publish', 'trickle publisher'],
      ['answer 1', 'trickle 1'],
    ] as const) {
      expect(what(b.id).indexOf(desc)).toBeLessThan(what(b.id).indexOf(target));
    }
    expect(server.signals).toEqual([]);
    // Each sees the other's audio and video, from the subscription.
    expect(peerIds(a.session)).toEqual(['p02']);
    expect(kindsOf(a.session, 'p02')).toEqual(['audio', 'video']);
    expect(kindsOf(b.session, 'p01')).toEqual(['audio', 'video']);
    expect(peer(a.session, 'p02')).toMatchObject({ userId: 'u2', hasVideo: true });
    const sub = fake(a.session.connectionWith('p02'));
    expect(sub).not.toBe(pub);
    expect(sub?.transceivers.map((t) => t.direction)).toEqual(['recvonly', 'recvonly']);
    expect(sub?.signalingState).toBe('stable');
    // The tile's connection is the subscription's.
    expect(peer(a.session, 'p02')?.connection).toBe('new');
    sub?.setState('connected');
    expect(peer(a.session, 'p02')?.connection).toBe('connected');
    // Requests never overlapped.
    expect(server.sfuMaxInFlight).toBe(1);
  });

  it('ignores peer-to-peer signals', async () => {
    server.mode = 'sfu';
    const a = await tab('u1');
    server.publish('call.signal', {
      call_id: server.callId,
      from: 'p09',
      from_user_id: 'u9',
      to: a.id,
      kind: 'offer',
      data: { type: 'offer', sdp: '{"pc":9,"kinds":["audio"],"data":true,"ice":0}' },
    });
    await settle();
    expect(a.deps.pcs).toHaveLength(1);
    expect(peerIds(a.session)).toEqual([]);
  });
});

describe('the switch from peer to peer', () => {
  it('a third joins past p2p_max_participants: the mesh closes, everyone goes through the SFU', async () => {
    server.p2pMax = 2;
    const a = await tab('u1');
    const b = await tab('u2');
    const mesh = [fake(a.session.connectionWith('p02')), fake(b.session.connectionWith('p01'))];
    expect(mesh.every((pc) => pc?.signalingState === 'stable')).toBe(true);
    expect(a.session.getState().mode).toBe('p2p');
    const signals = server.signals.length;

    const c = await tab('u3');
    await until(
      () => [a, b, c].every((t) => t.session.getState().peers.every((p) => p.hasVideo)),
      'everyone sees everyone',
    );
    expect(mesh.every((pc) => pc?.closed)).toBe(true);
    // No signal since: no bye, no offer from the newcomer.
    expect(server.signals).toHaveLength(signals);
    for (const t of [a, b, c]) {
      expect(t.session.getState().mode).toBe('sfu');
      expect(server.sfuOf(t.id, 'publish')).toHaveLength(1);
      expect(
        server
          .sfuOf(t.id, 'subscribe')
          .map((r) => r.arg)
          .sort(),
      ).toEqual(['p01', 'p02', 'p03'].filter((p) => p !== t.id));
      expect(t.session.getState().peers).toHaveLength(2);
      for (const p of t.session.getState().peers) {
        expect(kindsOf(t.session, p.id)).toEqual(['audio', 'video']);
      }
      // The publisher and two subscriptions open; the mesh's one closed.
      expect(t.deps.pcs.filter((pc) => !pc.closed)).toHaveLength(3);
    }
    expect(c.deps.pcs).toHaveLength(3);
    expect(server.sfuMaxInFlight).toBe(1);
  });

  it('subscribes at the switch to those whose call.sending came before it', async () => {
    const a = await tab('u1');
    server.addParticipant('p50', 'u5', ['audio']);
    await settle();
    // Their call.sending is not stored: it may come before the call.updated that is.
    server.publish('call.sending', { call_id: server.callId, participant_id: 'p50' });
    await settle();
    expect(server.sfu).toEqual([]);
    server.mode = 'sfu';
    server.publish('call.updated', { call_id: server.callId, mode: 'sfu' });
    await settle();
    expect(what(a.id)).toContain('subscribe p50');
    expect(kindsOf(a.session, 'p50')).toEqual(['audio']);
    expect(peer(a.session, 'p50')?.hasVideo).toBe(false);
  });

  it('a participant not sending has a quiet tile, then their media when they send', async () => {
    server.mode = 'sfu';
    const a = await tab('u1');
    server.addParticipant('p50', 'u5', null);
    await settle();
    expect(peer(a.session, 'p50')).toMatchObject({ connection: 'idle', stream: null });
    expect(what(a.id)).not.toContain('subscribe p50');
    server.participants = server.participants.map((p) =>
      p.id === 'p50' ? { ...p, sending: true } : p,
    );
    server.publish('call.sending', { call_id: server.callId, participant_id: 'p50' });
    await settle();
    expect(kindsOf(a.session, 'p50')).toEqual([]);
    expect(what(a.id)).toContain('subscribe p50');
  });

  it('a call.sending before the participant is known: the call says who they are', async () => {
    server.mode = 'sfu';
    const a = await tab('u1');
    // In the call and sending; their call.participant_joined (stored) has not come yet.
    server.participants.push({
      id: 'p60',
      call_id: server.callId,
      user_id: 'u6',
      joined_at: '',
      sending: true,
    });
    server.publish('call.sending', { call_id: server.callId, participant_id: 'p60' });
    await settle();
    expect(peer(a.session, 'p60')?.userId).toBe('u6');
    expect(what(a.id)).toContain('subscribe p60');
  });
});

describe('subscriptions', () => {
  it('409 feed_not_ready: asked again, later and later, until it is there', async () => {
    server.mode = 'sfu';
    const a = await tab('u1');
    server.feedNotReady.set('p50', 3);
    server.addParticipant('p50', 'u5');
    await until(() => kindsOf(a.session, 'p50').length === 2, 'their media');
    expect(what(a.id).filter((w) => w === 'subscribe p50')).toHaveLength(4);
    expect(what(a.id)).toContain('answer 1');
  });

  it('gives up after a while, and asks again at once when they publish again', async () => {
    server.mode = 'sfu';
    const a = await tab('u1');
    server.feedNotReady.set('p50', 1000);
    server.addParticipant('p50', 'u5');
    await settle(3);
    expect(peer(a.session, 'p50')?.connection).toBe('waiting');
    await until(() => peer(a.session, 'p50')?.connection === 'failed', 'given up');
    const asked = what(a.id).filter((w) => w === 'subscribe p50').length;
    // 2 + 4 + 8 + 8 + ... up to 40 ms.
    expect(asked).toBeGreaterThan(3);
    expect(asked).toBeLessThan(12);
    await new Promise((r) => setTimeout(r, 30));
    expect(what(a.id).filter((w) => w === 'subscribe p50')).toHaveLength(asked);
    server.feedNotReady.set('p50', 0);
    server.publish('call.sending', { call_id: server.callId, participant_id: 'p50' });
    await settle();
    expect(kindsOf(a.session, 'p50')).toEqual(['audio', 'video']);
  });

  it('someone who left: their subscription is deleted, their tile goes', async () => {
    server.mode = 'sfu';
    const a = await tab('u1');
    const b = await tab('u2');
    const c = await tab('u3');
    const toB = fake(a.session.connectionWith('p02'));
    const sid = server.sfuOf(a.id, 'subscribe').findIndex((r) => r.arg === 'p02');
    expect(sid).toBeGreaterThanOrEqual(0);
    await b.session.leave();
    await settle();
    expect(toB?.closed).toBe(true);
    expect(peerIds(a.session)).toEqual(['p03']);
    expect(peerIds(c.session)).toEqual(['p01']);
    expect(a.session.getState().notice).toMatchObject({ kind: 'left', userId: 'u2' });
    const deleted = server.sfuOf(a.id, 'unsubscribe');
    expect(deleted).toHaveLength(1);
    expect(server.sfuOf(a.id, 'answer').map((r) => r.arg)).toContain(deleted[0]?.arg);
    // B's own connections are all closed, and it sent nothing but the DELETE.
    expect(b.deps.pcs.every((pc) => pc.closed)).toBe(true);
    expect(server.signals).toEqual([]);
    expect(server.left.map((l) => l.pid)).toEqual(['p02']);
  });

  it('someone who left while asked for: the late offer is deleted', async () => {
    server.mode = 'sfu';
    const a = await tab('u1');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    server.sfuLatency = () => gate;
    server.addParticipant('p50', 'u5');
    await settle();
    expect(what(a.id).at(-1)).toBe('subscribe p50');
    // Their departure reaches the tab while its request is on its way.
    server.publish('call.participant_left', {
      call_id: server.callId,
      participant_id: 'p50',
      user_id: 'u5',
    });
    await settle();
    expect(peerIds(a.session)).toEqual([]);
    server.sfuLatency = async () => undefined;
    release();
    await settle();
    expect(what(a.id).slice(-2)).toEqual(['subscribe p50', 'unsubscribe 1']);
    expect(a.deps.pcs).toHaveLength(1);
  });

  it('a subscription whose connection fails is made anew', async () => {
    server.mode = 'sfu';
    const a = await tab('u1');
    await tab('u2');
    const first = fake(a.session.connectionWith('p02'));
    first?.setState('failed');
    await settle();
    const second = fake(a.session.connectionWith('p02'));
    expect(first?.closed).toBe(true);
    expect(second).not.toBe(first);
    expect(what(a.id).filter((w) => /^(subscribe|unsubscribe) /.test(w))).toEqual([
      'subscribe p02',
      'unsubscribe 2',
      'subscribe p02',
    ]);
    expect(kindsOf(a.session, 'p02')).toEqual(['audio', 'video']);
  });

  it('what the others say is on comes through the SFU’s data channel', async () => {
    server.mode = 'sfu';
    const a = await tab('u1');
    const b = await tab('u2');
    const sub = fake(a.session.connectionWith('p02'));
    sub?.setState('connected');
    // The subscription opens a channel (Janus relays only to those that have one)...
    expect(sub?.channels.map((c) => c.label)).toEqual(['ruche-call']);
    sub?.receive(JSON.stringify({ type: 'state', mic: false, camera: true, sharing: false }));
    expect(peer(a.session, 'p02')).toMatchObject({ mic: false, camera: true });
    // ...and takes what comes on one Janus opens.
    sub?.relay(JSON.stringify({ type: 'state', mic: false, camera: false, sharing: false }));
    expect(peer(a.session, 'p02')).toMatchObject({ mic: false, camera: false });
    // B's side: its publisher's channel says what is on when it opens, and on changes.
    const pub = fake(b.session.publisherConnection);
    pub?.setState('connected');
    expect(pub?.channels[0]?.lastState()).toEqual({
      type: 'state',
      mic: true,
      camera: true,
      sharing: false,
    });
    await b.session.toggleMic();
    expect(pub?.channels[0]?.lastState()).toMatchObject({ mic: false });
    // Nonsense changes nothing.
    sub?.relay('{"type":"state","mic":1}');
    expect(peer(a.session, 'p02')).toMatchObject({ mic: false });
  });
});

describe('failures', () => {
  it('404 sfu_session_gone: publishes again and subscribes again, on new connections', async () => {
    server.mode = 'sfu';
    const a = await tab('u1', new FakeMedia({ video: false }));
    await tab('u2');
    const pub = fake(a.session.publisherConnection);
    const sub = fake(a.session.connectionWith('p02'));
    const before = server.sfuOf(a.id).length;
    // Janus forgot A; A's next request (the camera turned on: a new kind) finds it out.
    server.sfuForgot.add(a.id);
    if (a.media) a.media.grants.video = true;
    await a.session.toggleCamera();
    await until(() => !!fake(a.session.connectionWith('p02'))?.remoteDescription, 'subscribed');
    await settle();
    expect(pub?.closed).toBe(true);
    expect(sub?.closed).toBe(true);
    const newPub = fake(a.session.publisherConnection);
    expect(newPub).not.toBe(pub);
    expect(newPub?.transceivers.map((t: FakeTransceiver) => t.sender.track?.label)).toEqual([
      'microphone',
      'camera',
    ]);
    const after = server
      .sfuOf(a.id)
      .slice(before)
      .map((r) => (r.what === 'trickle' ? 'trickle' : `${r.what} ${r.arg ?? ''}`.trim()));
    // The publish that found Janus gone, then all anew.
    expect(after.filter((w) => w !== 'trickle').sort()).toEqual([
      'answer 3',
      'publish',
      'publish',
      'subscribe p02',
    ]);
    expect(after[0]).toBe('publish');
    expect(kindsOf(a.session, 'p02')).toEqual(['audio', 'video']);
    // B subscribed to A's new publication (its call.sending) on a new connection too.
    expect(server.sfuOf('p02', 'subscribe').map((r) => r.arg)).toEqual(['p01', 'p01']);
  });

  it('503 sfu_unavailable: said on screen, tried again until the SFU answers', async () => {
    server.mode = 'sfu';
    server.sfuDown = true;
    const a = await tab('u1');
    await until(() => server.sfuOf(a.id, 'publish').length >= 3, 'publish retried');
    expect(a.session.getState()).toMatchObject({ phase: 'joined', sfuDown: true });
    server.sfuDown = false;
    await until(() => fake(a.session.publisherConnection)?.signalingState === 'stable', 'sent');
    expect(a.session.getState().sfuDown).toBe(false);
    expect(server.participants[0]?.sending).toBe(true);
  });

  it('404 not_in_call: joins again, publishes and subscribes again as the new participant', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    server.mode = 'sfu';
    const a = await tab('u1');
    const b = await tab('u2');
    const old = b.deps.pcs.slice();
    server.forgetOnHeartbeat = 'p02';
    await vi.advanceTimersByTimeAsync(10_000);
    await settle();
    expect(b.session.getState()).toMatchObject({
      phase: 'joined',
      participantId: 'p03',
      mode: 'sfu',
    });
    expect(old.every((pc) => pc.closed)).toBe(true);
    expect(what('p03')).toContain('publish');
    expect(what('p03')).toContain('subscribe p01');
    expect(kindsOf(b.session, 'p01')).toEqual(['audio', 'video']);
    expect(peerIds(a.session)).toEqual(['p03']);
    expect(kindsOf(a.session, 'p03')).toEqual(['audio', 'video']);
    await b.session.leave();
    await a.session.leave();
  });

  it('409 not_sfu (a race): nothing is retried', async () => {
    server.mode = 'sfu';
    const a = await tab('u1', new FakeMedia({ video: false }));
    server.mode = 'p2p';
    const n = server.sfuOf(a.id).length;
    if (a.media) a.media.grants.video = true;
    await a.session.toggleCamera();
    await settle();
    expect(
      what(a.id)
        .slice(n)
        .filter((w) => !w.startsWith('trickle')),
    ).toEqual(['publish']);
    expect(a.session.getState().phase).toBe('joined');
  });
});

describe('requests', () => {
  it('go one at a time, in order, however many things happen at once', async () => {
    server.mode = 'sfu';
    server.sfuLatency = () => new Promise((r) => setTimeout(r, 2));
    const tabs: Awaited<ReturnType<typeof tab>>[] = [];
    for (const u of ['u1', 'u2', 'u3', 'u4']) tabs.push(await tab(u));
    server.addParticipant('p50', 'u5');
    server.feedNotReady.set('p50', 2);
    await until(
      () => tabs.every((t) => t.session.getState().peers.every((p) => p.hasVideo)),
      'everyone sees everyone',
    );
    expect(server.sfu.length).toBeGreaterThan(40);
    expect(server.sfuMaxInFlight).toBe(1);
  });

  it('a serial queue runs one task at a time, and goes on after a failure', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    const task = (name: string, fail = false) =>
      q.run(async () => {
        running++;
        expect(running).toBe(1);
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, 1));
        log.push(`end ${name}`);
        running--;
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([task('a'), task('b', true), task('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});

describe('candidates', () => {
  it('go in batches of what gathered within 100 ms, at most 50, then the end of them', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sent: string[][] = [];
    const batch = new CandidateBatch((c) => sent.push(c.map((x) => x.candidate)), 100);
    batch.add({ candidate: 'c0', sdpMid: '0', sdpMLineIndex: 0 });
    // Held until the description is out.
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toEqual([]);
    batch.release();
    batch.add({ candidate: 'c1' });
    await vi.advanceTimersByTimeAsync(60);
    batch.add({ candidate: 'c2' });
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(40);
    expect(sent).toEqual([['c0', 'c1', 'c2']]);
    // An empty line is no candidate.
    batch.add({ candidate: '' });
    for (let i = 0; i < 60; i++) batch.add({ candidate: `d${i}` });
    await vi.advanceTimersByTimeAsync(10);
    // Gathering complete: the rest at once, 50 at most a request, then the end.
    batch.end();
    expect(sent.slice(1).map((b) => b.length)).toEqual([50, 10, 0]);
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toHaveLength(4);
  });

  it('the end of candidates while held goes out with the rest on release', () => {
    const sent: string[][] = [];
    const batch = new CandidateBatch((c) => sent.push(c.map((x) => x.candidate)), 100);
    batch.add({ candidate: 'c0' });
    batch.end();
    expect(sent).toEqual([]);
    batch.release();
    expect(sent).toEqual([['c0'], []]);
  });

  it('through the routes: after the description, sdpMid and index kept, per connection', async () => {
    server.mode = 'sfu';
    const a = await tab('u1');
    const pub = fake(a.session.publisherConnection);
    const n = server.sfuOf(a.id).length;
    pub?.gather('candidate:7 1 udp 1 127.0.0.1 7 typ host');
    pub?.gather('candidate:8 1 udp 1 127.0.0.1 8 typ host');
    pub?.gather(null);
    await settle();
    expect(server.sfuOf(a.id).slice(n)).toEqual([
      {
        pid: a.id,
        what: 'trickle',
        arg: 'publisher',
        candidates: [
          'candidate:7 1 udp 1 127.0.0.1 7 typ host',
          'candidate:8 1 udp 1 127.0.0.1 8 typ host',
        ],
      },
      { pid: a.id, what: 'trickle', arg: 'publisher', candidates: [] },
    ]);
  });
});

describe('what this tab sends', () => {
  it('receive-only: publishes nothing, receives everyone', async () => {
    server.mode = 'sfu';
    const media = new FakeMedia({ audio: false, video: false });
    const a = await tab('u1', media);
    const b = await tab('u2');
    expect(a.session.publisherConnection).toBeNull();
    expect(what(a.id).filter((w) => !w.startsWith('trickle'))).toEqual([
      'subscribe p02',
      'answer 1',
    ]);
    expect(kindsOf(a.session, 'p02')).toEqual(['audio', 'video']);
    expect(server.participants[0]?.sending).toBe(false);
    // The others have a quiet tile for it: no connection to wait for.
    expect(peer(b.session, a.id)).toMatchObject({ connection: 'idle', stream: null });
    // The microphone turned on later: published then.
    media.grants.audio = true;
    await a.session.toggleMic();
    await settle();
    const pub = fake(a.session.publisherConnection);
    expect(pub?.transceivers.map((t) => [t.kind, t.sender.track?.label])).toEqual([
      ['audio', 'microphone'],
    ]);
    expect(server.sfuOf(a.id, 'publish')).toHaveLength(1);
  });

  it('a screen share replaces the video track: no new offer', async () => {
    server.mode = 'sfu';
    const a = await tab('u1');
    const pub = fake(a.session.publisherConnection);
    const video = () => pub?.transceivers.find((t) => t.kind === 'video')?.sender.track?.label;
    await a.session.toggleScreen();
    await settle();
    expect(video()).toBe('screen');
    await a.session.toggleScreen();
    await settle();
    expect(video()).toBe('camera');
    expect(server.sfuOf(a.id, 'publish')).toHaveLength(1);
    expect(pub?.offersMade).toBe(1);
  });

  it('leaving closes every connection to the SFU, and says nothing to anyone', async () => {
    server.mode = 'sfu';
    const a = await tab('u1');
    await tab('u2');
    const n = server.sfu.length;
    await a.session.leave();
    await settle();
    expect(a.deps.pcs.every((pc) => pc.closed)).toBe(true);
    expect(server.signals).toEqual([]);
    expect(server.left).toEqual([{ pid: 'p01', keepalive: true }]);
    // Only B's DELETE of its subscription to A.
    expect(server.sfu.slice(n).map((r) => `${r.pid} ${r.what}`)).toEqual(['p02 unsubscribe']);
  });
});
