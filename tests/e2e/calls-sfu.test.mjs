// Calls through the SFU end to end, in Chromium (French), against a real
// server and a real Janus (run by tests/e2e/calls_sfu.sh, in a private
// network namespace where Janus has 127.1.0.1; the server moves a call to
// Janus past two participants). Three people, each in a browser context of
// their own with Chromium's fake camera and microphone: the owner starts a
// call, a member joins (peer to peer), a second member joins and the call
// moves to the SFU: every page then decodes the two others' video from
// Janus. A mute is seen through the SFU; a member leaves and the others'
// tile of them goes; the last ones leave and the call ends. The scenarios
// run in order and share state. Screenshots: build/e2e/calls-sfu-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertNoConsoleErrors,
  axe,
  enrol,
  env,
  launch,
  metric,
  newContext,
  pageFetch,
  pageOk,
  shot,
  signIn,
} from './lib.mjs';

const WS = 'Équipe chantier nord';
const MATHIS = {
  email: 'mathis@ruche.test',
  name: 'Mathis Roques',
  password: 'Cormoran-Ardoise-5821',
};
const INES = {
  email: 'ines@ruche.test',
  name: 'Inès Garnier',
  password: 'Mouette-Granit-3390',
};
const TITLE = 'Réunion de chantier';
/** Janus's address in the test's network namespace (tests/janus_lib.sh). */
const JANUS = '127.1.0.1';

// As calls.test.mjs: fake devices, permissions granted, ICE over loopback.
const MEDIA_FLAGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--auto-select-desktop-capture-source=Entire screen',
];

// Subscribing to someone whose media is not at Janus yet answers 409
// feed_not_ready, asked again shortly: the browser logs each as an error;
// so are the 404s of ended subscriptions the tests ask to end again.
const EXPECTED = [
  /status of 409 .*\/sfu\/subscriptions\)$/,
  /status of 404 .*\/sfu\/subscriptions\/\d+\)$/,
];

let browser;
let wsId = '';
/** A participant of the owner's made through the API (no browser behind it), and its subscriptions. */
let bare = null;
/** name -> { ctx, page } */
const people = new Map();

const callsUrl = () => `${env.url}/w/${wsId}/calls`;
const page = (who) => people.get(who).page;
const remoteTiles = (p) => p.locator('.call-tile:not(.call-tile--self)');
const tileOf = (p, name) => p.locator('.call-tile:not(.call-tile--self)', { hasText: name });

/** Every RTCPeerConnection the page makes is kept for getStats (window.__pcs). */
async function recordConnections(ctx) {
  await ctx.addInitScript(() => {
    const Real = window.RTCPeerConnection;
    window.__pcs = [];
    window.RTCPeerConnection = class extends Real {
      constructor(...a) {
        super(...a);
        window.__pcs.push(this);
      }
    };
  });
}

/** The page's open connections: what they decode and send (video), their selected pair. */
function connectionStats(p) {
  return p.evaluate(async () => {
    const out = [];
    for (const pc of window.__pcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      const r = { state: pc.connectionState, decoded: 0, encoded: 0, local: null, remote: null };
      const byId = new Map();
      stats.forEach((s) => byId.set(s.id, s));
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') r.decoded += s.framesDecoded ?? 0;
        if (s.type === 'outbound-rtp' && s.kind === 'video') r.encoded += s.framesEncoded ?? 0;
        if (s.type === 'transport' && s.selectedCandidatePairId) {
          const pair = byId.get(s.selectedCandidatePairId);
          const l = pair && byId.get(pair.localCandidateId);
          const rm = pair && byId.get(pair.remoteCandidateId);
          if (l && rm) {
            r.local = { address: l.address, port: l.port };
            r.remote = { address: rm.address, port: rm.port };
          }
        }
      });
      out.push(r);
    }
    return out;
  });
}

/** Polls the page's connections until `check` holds; returns them. */
async function waitForStats(p, what, check, timeout = 30_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const last = await connectionStats(p);
    if (check(last)) return last;
    if (Date.now() > end) throw new Error(`${what}: ${JSON.stringify(last)}`);
    await p.waitForTimeout(200);
  }
}

/** Through the SFU: a publisher and one subscription per other, all to Janus, `others` decoding. */
const throughJanus = (others) => (list) =>
  list.length === others + 1 &&
  list.every((c) => c.state === 'connected' && c.remote?.address === JANUS) &&
  list.filter((c) => c.decoded > 0).length === others &&
  list.filter((c) => c.encoded > 0).length === 1;

/** Every remote tile's video element plays (a size, and its time moves on); how many. */
async function remoteVideosPlay(p) {
  const videos = await remoteTiles(p).locator('video').elementHandles();
  for (const v of videos) {
    await p.waitForFunction((el) => el.videoWidth > 0 && el.readyState >= 2, v, {
      timeout: 20_000,
    });
    const t0 = await v.evaluate((el) => el.currentTime);
    await p.waitForFunction(([el, t]) => el.currentTime > t, [v, t0]);
    assert.equal(await v.evaluate((el) => el.muted), false, 'the remote video plays its sound');
  }
  return videos.length;
}

async function person(who, account) {
  const ctx = await newContext(browser, { bypassCSP: true });
  await recordConnections(ctx);
  const p = await ctx.newPage();
  people.set(who, { ctx, page: p });
  if (account) await enrol(page('owner'), wsId, p, account);
  return p;
}

function noConsoleErrors() {
  for (const [who, { ctx }] of people) assertNoConsoleErrors(ctx, who, EXPECTED);
}

before(async () => {
  browser = await launch({ args: MEDIA_FLAGS });
  const owner = await person('owner');
  await signIn(owner, env.admin.email, env.admin.password);
  wsId = (await pageOk(owner, 'POST', '/workspaces', { json: { name: WS, modules: ['calls'] } }))
    .id;
  await person('mathis', MATHIS);
  await person('ines', INES);
  // The live connections follow the new workspace.
  for (const { page: p } of people.values()) await p.reload();
});

after(async () => {
  await browser?.close();
});

test('two in a call: peer to peer, as before', async () => {
  for (const p of [page('owner'), page('mathis'), page('ines')]) {
    await p.goto(callsUrl());
    await p.getByText('Aucun appel en cours').waitFor();
  }
  const owner = page('owner');
  await owner.getByRole('button', { name: 'Démarrer un appel' }).first().click();
  const dialog = owner.getByRole('dialog', { name: 'Démarrer un appel' });
  await dialog.getByLabel('Titre').fill(TITLE);
  await dialog.getByRole('button', { name: 'Démarrer et rejoindre' }).click();
  await owner.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  await owner.locator('.call-tile--self.call-tile--video').waitFor();

  const mathis = page('mathis');
  const item = mathis.locator('.calls-item', { hasText: TITLE });
  await item.getByRole('button', { name: `Rejoindre ${TITLE}` }).click();
  await tileOf(owner, MATHIS.name).waitFor();
  await tileOf(mathis, env.admin.name).waitFor();
  // One connection each, straight between them (not through Janus).
  for (const p of [owner, mathis]) {
    const [c, ...more] = await waitForStats(p, 'no peer-to-peer video', (l) =>
      l.some((x) => x.state === 'connected' && x.decoded > 0),
    );
    assert.equal(more.length, 0);
    // (The browsers' own candidates include 127.1.0.1 in the test's network: Janus's are its ports.)
    assert.ok(c.remote.port < 20000 || c.remote.port > 20200, `not Janus: ${JSON.stringify(c)}`);
  }
  const call = await pageOk(owner, 'GET', `/workspaces/${wsId}/calls`);
  assert.equal(call[0].mode, 'p2p');
  noConsoleErrors();
});

test('a third joins: the call moves to the SFU, everyone decodes the two others through Janus', async () => {
  const [owner, mathis, ines] = ['owner', 'mathis', 'ines'].map(page);
  const item = ines.locator('.calls-item', { hasText: TITLE });
  await item.getByText('2 personnes dans l’appel', { exact: false }).waitFor();
  await shot(ines, 'calls-sfu-01-list');

  const joinedAt = Date.now();
  await item.getByRole('button', { name: `Rejoindre ${TITLE}` }).click();
  await ines.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  const others = new Map([
    ['owner', [MATHIS.name, INES.name]],
    ['mathis', [env.admin.name, INES.name]],
    ['ines', [env.admin.name, MATHIS.name]],
  ]);
  for (const [who, names] of others) {
    for (const name of names) await tileOf(page(who), name).waitFor();
  }
  // Each page: its publisher and two subscriptions, all with Janus, the two decoding.
  const stats = await Promise.all(
    [...others.keys()].map((who) =>
      waitForStats(page(who), `${who} does not decode both others through Janus`, throughJanus(2)),
    ),
  );
  const allFrames = Date.now() - joinedAt;
  for (const [i, who] of [...others.keys()].entries()) {
    for (const c of stats[i]) {
      assert.equal(c.remote.address, JANUS, `${who}: a pair not with Janus`);
      assert.ok(
        c.remote.port >= 20000 && c.remote.port <= 20200,
        `${who}: Janus port ${c.remote.port}`,
      );
    }
    assert.equal(await remoteVideosPlay(page(who)), 2, `${who}: two remote videos`);
    assert.equal(await remoteTiles(page(who)).locator('.call-tile__status').count(), 0);
  }
  // Frames keep coming.
  const decoded = (l) => l.reduce((n, c) => n + c.decoded, 0);
  const later = await waitForStats(
    owner,
    'frames stop coming (owner)',
    (l) => decoded(l) > decoded(stats[0]) + 10,
  );
  metric('calls_sfu_all_frames_ms', allFrames, {
    participants: 3,
    decoded_owner: decoded(later),
    pair: `${later[0].local?.address}:${later[0].local?.port} <-> ${later[0].remote?.address}:${later[0].remote?.port}`,
  });
  console.log(
    `calls-sfu: every page decodes both others through Janus ${allFrames} ms after the third join`,
  );

  // The server: through the SFU, all three sending.
  const [call] = await pageOk(owner, 'GET', `/workspaces/${wsId}/calls`);
  assert.equal(call.mode, 'sfu');
  assert.deepEqual(
    call.participants.map((p) => p.sending),
    [true, true, true],
  );
  await shot(owner, 'calls-sfu-02-owner');
  await shot(mathis, 'calls-sfu-03-mathis');
  await shot(ines, 'calls-sfu-04-ines');
  const violations = await axe(ines);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  noConsoleErrors();
});

test('a mute is seen through the SFU', async () => {
  const [owner, mathis, ines] = ['owner', 'mathis', 'ines'].map(page);
  await mathis.getByRole('button', { name: 'Couper le micro' }).click();
  await mathis.getByRole('button', { name: 'Activer le micro' }).waitFor();
  for (const p of [owner, ines]) {
    await tileOf(p, MATHIS.name).getByRole('img', { name: 'Micro coupé' }).waitFor();
  }
  await mathis.getByRole('button', { name: 'Activer le micro' }).click();
  for (const p of [owner, ines]) {
    await tileOf(p, MATHIS.name)
      .getByRole('img', { name: 'Micro coupé' })
      .waitFor({ state: 'detached' });
  }
  noConsoleErrors();
});

test('one subscription per person received: a new one ends the one before', async () => {
  const owner = page('owner');
  const [call] = await pageOk(owner, 'GET', `/workspaces/${wsId}/calls`);
  const of = {};
  for (const who of ['mathis', 'ines']) {
    const { id } = await pageOk(page(who), 'GET', '/me');
    of[who] = call.participants.find((p) => p.user_id === id).id;
  }
  const { participant } = await pageOk(owner, 'POST', `/calls/${call.id}/participants`);
  const base = `/calls/${call.id}/participants/${participant.id}/sfu/subscriptions`;
  const subscribe = async (who) =>
    (await pageOk(owner, 'POST', base, { json: { participant_id: of[who] } }, [201])).id;
  const end = async (id) => (await pageFetch(owner, 'DELETE', `${base}/${id}`)).status;
  const toInes = await subscribe('ines');
  const first = await subscribe('mathis');
  const second = await subscribe('mathis');
  assert.notEqual(first, second);
  assert.equal(await end(first), 404, 'the subscription replaced is still there');
  assert.equal(await end(second), 204);
  assert.equal(await end(second), 404);
  bare = { call: call.id, id: participant.id, base, subscribe, end, toInes };
  noConsoleErrors();
});

test('a member leaves: the others’ tile of them goes, and their subscription', async () => {
  const [owner, mathis, ines] = ['owner', 'mathis', 'ines'].map(page);
  await pageOk(owner, 'POST', `/calls/${bare.call}/participants/${bare.id}/heartbeat`);
  await ines.getByRole('button', { name: 'Quitter l’appel' }).click();
  await ines.getByRole('heading', { level: 1, name: 'Appels' }).waitFor();
  for (const p of [owner, mathis]) {
    await tileOf(p, INES.name).waitFor({ state: 'detached' });
    await p
      .locator('[aria-live="polite"]', {
        hasText: `${INES.name} a quitté l’appel`,
      })
      .waitFor();
  }
  // The next subscription of a participant ends its subscriptions to those who left.
  const again = await bare.subscribe('mathis');
  assert.equal(await bare.end(bare.toInes), 404, 'a subscription to one who left is still there');
  assert.equal(await bare.end(again), 204);
  await pageOk(owner, 'DELETE', `/calls/${bare.call}/participants/${bare.id}`);
  for (const p of [owner, mathis]) {
    await p.waitForFunction(
      () => document.querySelectorAll('.call-tile:not(.call-tile--self)').length === 1,
    );
    // A publisher and one subscription left, still decoding.
    await waitForStats(
      p,
      'the subscription to the one who left is still open',
      throughJanus(1),
      10_000,
    );
  }
  assert.equal((await connectionStats(ines)).length, 0, 'the one who left holds no connection');
  await shot(owner, 'calls-sfu-05-ines-left');
  noConsoleErrors();
});

test('the last two leave: the call ends', async () => {
  const [owner, mathis, ines] = ['owner', 'mathis', 'ines'].map(page);
  await mathis.getByRole('button', { name: 'Quitter l’appel' }).click();
  await tileOf(owner, MATHIS.name).waitFor({ state: 'detached' });
  await owner.getByRole('button', { name: 'Quitter l’appel' }).click();
  for (const p of [owner, mathis, ines]) await p.getByText('Aucun appel en cours').waitFor();
  assert.deepEqual(await pageOk(owner, 'GET', `/workspaces/${wsId}/calls`), []);
  await shot(ines, 'calls-sfu-06-ended');
  noConsoleErrors();
});
