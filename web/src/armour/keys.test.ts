// The key manager against a fake server that follows docs/armoured.md:
// generations, envelopes checked with their creator's signature, stale
// workspaces after a departure, conflicts between browsers.
import sodium from 'libsodium-wrappers-sumo';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import type {
  ArmourApproval,
  ArmourEnvelope,
  ArmourEra,
  ArmourKeys,
  ArmourMember,
  ChannelArmourEra,
  EventFrame,
  NewApproval,
  NewEnvelope,
} from '../api/types';
import { liveEvents } from '../events';
import {
  checkApprovals,
  createIdentity,
  encryptMessage,
  ready,
  signApproval,
  sealEnvelope,
  sealFileContent,
  sealFileName,
  type CreatedIdentity,
  type IdentitySecrets,
} from './crypto';
import { approvalSigned, envelopeSigned, keySetId, type KeyScope } from './format';
import type { IdentitySource, KeysApi } from './keyring';
import { MAX_CHANNEL_KEYRINGS, WorkspaceKeys } from './keys';
import { TrustStore } from './trust';

const WS = '01HZWORKSPACE0000000000000';
const CH = '01HZCHANNEL000000000000000';
const ALICE = '01HZALICE0000000000000000A';
const BOB = '01HZBOB000000000000000000B';
const CAROL = '01HZCAROL0000000000000000C';
const MALLORY = '01HZMALLORY00000000000000M';

const unb64 = (s: string) => sodium.from_base64(s, sodium.base64_variants.URLSAFE_NO_PADDING);

/** The keys of one scope (docs/armoured.md): a workspace's, or a channel's own (`channels`). */
class FakeServer {
  constructor(readonly scope: KeyScope = { workspaceId: WS }) {}
  generation = 0;
  rotationRequired = false;
  readonly identities = new Map<string, ArmourMember>();
  readonly members = new Set<string>();
  /** Everyone who was a member once: only they can have made an envelope here. */
  readonly everMembers = new Set<string>();
  /** generation -> recipient -> envelope */
  readonly envelopes = new Map<number, Map<string, ArmourEnvelope>>();
  posts = 0;
  gets = 0;
  /** Reads of channels' keys through this workspace's API (public ones included). */
  channelGets = 0;
  /** The workspace's private channels and direct conversations; any other channel is public. */
  readonly channels = new Map<string, FakeServer>();
  /** An imported workspace's eras (GET /workspaces/{id}/armour's). */
  eras: ArmourEra[] = [];
  /** A channel's key in each era (GET /channels/{cid}/armour's). */
  channelEras: ChannelArmourEra[] = [];
  /** The workspace's approvals (docs/armoured.md, "Approvals"); a channel reads its workspace's. */
  approvals: ArmourApproval[] = [];
  /** A channel's workspace (its approvals apply). */
  workspace: FakeServer | null = null;

  /** A channel with keys of its own, and its members (with their identities). */
  channel(cid: string, ...members: [string, CreatedIdentity][]): FakeServer {
    const c = new FakeServer({ workspaceId: WS, channelId: cid });
    c.workspace = this;
    for (const [id, who] of members) c.join(id, who);
    this.channels.set(cid, c);
    return c;
  }

  private channelOf(cid: string): FakeServer {
    const c = this.channels.get(cid);
    if (!c) throw new ApiError(409, 'workspace_key', '');
    return c;
  }

  join(id: string, who?: CreatedIdentity) {
    this.members.add(id);
    this.everMembers.add(id);
    if (who) this.setIdentity(id, who);
  }

  setIdentity(id: string, who: CreatedIdentity) {
    const old = this.identities.get(id);
    this.identities.set(id, {
      user_id: id,
      box_public: who.box_public,
      sign_public: who.sign_public,
      previous: old
        ? [
            ...(old.previous ?? []),
            {
              box_public: old.box_public,
              sign_public: old.sign_public,
              created_at: '2026-12-01T10:00:00.000Z',
              replaced_at: '2026-12-01T11:00:00.000Z',
            },
          ]
        : [],
    });
    for (const g of this.envelopes.values()) g.delete(id);
    // Keys that sealed the current generation are gone, or nobody holds it
    // any more: it needs the next one.
    const current = this.envelopes.get(this.generation);
    if (
      old &&
      current &&
      ([...current.values()].some((e) => e.created_by === id) || current.size === 0)
    ) {
      this.rotationRequired = true;
    }
  }

  leave(id: string) {
    this.members.delete(id);
    this.rotationRequired = true;
  }

  private withIdentity(): ArmourMember[] {
    return [...this.identities.values()].filter((m) => this.members.has(m.user_id));
  }

  /** Once anchored, whether `m`'s current keys are approved (as the real server keeps them). */
  private admitted(m: ArmourMember): boolean {
    const list = (this.workspace ?? this).approvals;
    return list.length === 0 || list.some((a) => keySetId(a) === keySetId(m));
  }

  /** POST …/armour/approvals, with the real server's rules. */
  approve(caller: string, list: NewApproval[]) {
    this.posts++;
    const me = this.identities.get(caller);
    if (!me || !this.members.has(caller)) throw new ApiError(403, 'no_identity', '');
    for (const a of list) {
      const ok = sodium.crypto_sign_verify_detached(
        unb64(a.signature),
        approvalSigned(WS, a.user_id, a.box_public, a.sign_public),
        unb64(me.sign_public),
      );
      if (!ok) throw new ApiError(400, 'bad_signature', '');
    }
    const members = this.withIdentity();
    const approved = members.filter((m) => this.approvals.length > 0 && this.admitted(m));
    if (!approved.some((m) => m.user_id === caller)) {
      if (approved.length > 0 || !list.some((a) => keySetId(a) === keySetId(me))) {
        throw new ApiError(403, 'not_approved', '');
      }
    }
    for (const a of list) {
      const m = members.find((x) => x.user_id === a.user_id);
      if (!m) throw new ApiError(400, 'invalid_approval', '');
      if (keySetId(m) !== keySetId(a)) throw new ApiError(409, 'keys_changed', '');
    }
    for (const a of list) {
      if (this.approvals.some((x) => keySetId(x) === keySetId(a))) continue;
      this.approvals.push({ ...a, approved_by: caller, created_at: '2026-12-03T10:00:00.000Z' });
    }
    return this.view(caller);
  }

  view(caller: string): ArmourKeys {
    this.gets++;
    if (!this.members.has(caller)) throw new ApiError(404, 'not_found', '');
    const members = this.withIdentity();
    const current = this.envelopes.get(this.generation) ?? new Map();
    const envelopes: ArmourEnvelope[] = [];
    for (const g of this.envelopes.values()) {
      const e = g.get(caller);
      if (e) envelopes.push(e);
    }
    const holders = new Set<string>();
    for (const g of this.envelopes.values()) {
      for (const [id, e] of g) {
        holders.add(id);
        if (this.everMembers.has(e.created_by)) holders.add(e.created_by);
      }
    }
    const anchored = (this.workspace ?? this).approvals.length > 0;
    return {
      generation: this.generation,
      rotation_required: this.rotationRequired,
      pending: anchored ? members.filter((m) => !this.admitted(m)).map((m) => m.user_id) : [],
      ...(this.workspace ? {} : { approvals: [...this.approvals] }),
      members,
      former: [...this.identities.values()].filter(
        (m) => holders.has(m.user_id) && !this.members.has(m.user_id),
      ),
      missing: this.generation
        ? members.filter((m) => !current.has(m.user_id) && this.admitted(m)).map((m) => m.user_id)
        : [],
      envelopes,
    };
  }

  add(caller: string, b: { generation: number; envelopes: NewEnvelope[] }) {
    this.posts++;
    const creator = this.identities.get(caller);
    if (!creator || !this.members.has(caller)) throw new ApiError(403, 'forbidden', '');
    for (const e of b.envelopes) {
      const ok = sodium.crypto_sign_verify_detached(
        unb64(e.signature),
        envelopeSigned(this.scope, b.generation, e.user_id, e.sealed),
        unb64(creator.sign_public),
      );
      if (!ok) throw new ApiError(400, 'bad_signature', '');
    }
    for (const e of b.envelopes) {
      const m = this.identities.get(e.user_id);
      if (m && !this.admitted(m)) throw new ApiError(409, 'not_approved', '');
    }
    const stored = (e: NewEnvelope): ArmourEnvelope => ({
      generation: b.generation,
      sealed: e.sealed,
      signature: e.signature,
      created_by: caller,
    });
    if (b.generation === this.generation + 1) {
      const covered = new Set(b.envelopes.map((e) => e.user_id));
      if (this.withIdentity().some((m) => !covered.has(m.user_id) && this.admitted(m))) {
        throw new ApiError(400, 'envelopes_incomplete', '');
      }
      this.envelopes.set(b.generation, new Map(b.envelopes.map((e) => [e.user_id, stored(e)])));
      this.generation = b.generation;
      this.rotationRequired = false;
    } else if (b.generation === this.generation && b.generation > 0) {
      const current = this.envelopes.get(b.generation) ?? new Map<string, ArmourEnvelope>();
      if (!current.has(caller)) throw new ApiError(403, 'key_not_held', '');
      for (const e of b.envelopes)
        if (current.has(e.user_id)) throw new ApiError(409, 'generation_conflict', '');
      for (const e of b.envelopes) current.set(e.user_id, stored(e));
    } else {
      throw new ApiError(409, 'generation_conflict', '');
    }
    return this.view(caller);
  }

  /** One person's API, answering after a turn of the event loop like a real server. */
  api(caller: string): KeysApi {
    const later = <T>(f: () => T) =>
      new Promise<T>((resolve, reject) =>
        setTimeout(() => {
          try {
            resolve(f());
          } catch (e) {
            reject(e);
          }
        }, 0),
      );
    const inChannel = (cid: string, f: (c: FakeServer) => ArmourKeys) => {
      const c = this.channelOf(cid);
      return { ...f(c), eras: c.channelEras };
    };
    return {
      workspace: () => later(() => ({ ...this.view(caller), eras: this.eras })),
      addEnvelopes: (_ws, b) => later(() => ({ ...this.add(caller, b), eras: this.eras })),
      approve: (_ws, b) => later(() => ({ ...this.approve(caller, b.approvals), eras: this.eras })),
      channel: (cid) =>
        later(() => {
          this.channelGets++;
          return inChannel(cid, (c) => c.view(caller));
        }),
      addChannelEnvelopes: (cid, b) => later(() => inChannel(cid, (c) => c.add(caller, b))),
    };
  }
}

function unlocked(s: IdentitySecrets | null): IdentitySource {
  return { secrets: () => s, subscribe: () => () => undefined };
}

let alice: CreatedIdentity;
let bob: CreatedIdentity;
let carol: CreatedIdentity;
let mallory: CreatedIdentity;

beforeAll(async () => {
  await ready();
  alice = createIdentity(ALICE, 'alice passphrase');
  bob = createIdentity(BOB, 'bob passphrase!!');
  carol = createIdentity(CAROL, 'carol passphrase');
  mallory = createIdentity(MALLORY, 'mallory passphrase');
});

afterEach(() => {
  vi.restoreAllMocks();
});

function manager(server: FakeServer, id: string, who: CreatedIdentity) {
  return new WorkspaceKeys(WS, id, server.api(id), unlocked(who.secrets), new TrustStore(id, null));
}

/**
 * Alice and Bob in a workspace: Alice's browser made generation 1,
 * anchored the workspace and approved Bob's keys; Bob's synchronised.
 */
async function aliceAndBob() {
  const server = new FakeServer();
  server.join(ALICE, alice);
  server.join(BOB, bob);
  const a = manager(server, ALICE, alice);
  await a.sync();
  await a.approve(BOB);
  const b = manager(server, BOB, bob);
  await b.sync();
  return { server, a, b };
}

const message = (id: string, body: string, author: string) => ({
  id,
  body,
  channel_id: CH,
  author_id: author,
});

describe('workspace keys', () => {
  it('the first member makes generation 1; a newcomer gets it from a member', async () => {
    const server = new FakeServer();
    server.join(ALICE, alice);
    const a = manager(server, ALICE, alice);
    await a.sync();
    expect(a.getState()).toMatchObject({ status: 'ready', generation: 1, held: [1] });
    const body = await a.encrypt(CH, 'Bonjour secret 42');
    expect(body).toMatch(/^e2e1:1:/);

    // Her browser anchored the workspace: her own keys, approved by herself.
    expect(server.approvals).toMatchObject([{ user_id: ALICE, approved_by: ALICE }]);
    expect(a.getState()).toMatchObject({ anchored: true, pending: [], newAnchors: [] });

    // Bob joins: no envelope for him yet, he cannot write.
    server.join(BOB, bob);
    const b = manager(server, BOB, bob);
    await b.sync();
    expect(b.getState()).toMatchObject({
      status: 'ready',
      generation: 1,
      held: [],
      pending: [BOB],
    });
    await expect(b.encrypt(CH, 'x')).rejects.toMatchObject({ code: 'no_key' });
    expect(b.show(message('m1', body, ALICE))).toEqual({ kind: 'unreadable' });

    // Alice's browser (armour.changed) gives him nothing until she approves his keys.
    await a.sync();
    expect(a.getState().pending).toEqual([BOB]);
    expect(server.envelopes.get(1)?.has(BOB)).toBe(false);
    await a.approve(BOB);
    expect(a.getState()).toMatchObject({ pending: [], verified: [BOB] });
    expect(server.view(BOB).missing).toEqual([]);
    await b.sync();
    expect(b.getState().pending).toEqual([]);
    expect(b.getState().held).toEqual([1]);
    expect(b.show(message('m1', body, ALICE))).toEqual({
      kind: 'text',
      text: 'Bonjour secret 42',
      verified: true,
    });
  });

  it('a message with files is sealed as version 2, and shows its files', async () => {
    const { a, b } = await aliceAndBob();
    const files = [
      { id: 'A1', name: 'plan.png', type: 'image/png', size: 5, key: new Uint8Array(32).fill(4) },
    ];
    const body = await a.encrypt(CH, 'le plan', files);
    expect(body).toMatch(/^e2e2:1:/);
    expect(b.show(message('m9', body, ALICE))).toEqual({
      kind: 'text',
      text: 'le plan',
      verified: true,
      files,
    });
    // The author's own answer is remembered with its files.
    a.remember(message('m9', body, ALICE), 'le plan', files);
    expect(a.show(message('m9', body, ALICE))).toMatchObject({ files });
    // A body sealed without files shows none.
    expect(b.show(message('m10', await a.encrypt(CH, 'texte'), ALICE))).not.toHaveProperty('files');
  });

  it('after a departure, the next generation is sealed for those who stay', async () => {
    const server = new FakeServer();
    server.join(ALICE, alice);
    server.join(BOB, bob);
    server.join(CAROL, carol);
    const a = manager(server, ALICE, alice);
    const b = manager(server, BOB, bob);
    await a.sync();
    await a.approve(BOB);
    await a.approve(CAROL);
    await b.sync();
    const old = await b.encrypt(CH, 'avant le départ');

    server.leave(CAROL);
    // armour.changed: Alice's browser makes the next generation.
    await a.sync();
    const body = await a.encrypt(CH, 'après le départ');
    expect(body).toMatch(/^e2e1:2:/);
    expect(server.generation).toBe(2);
    expect([...(server.envelopes.get(2)?.keys() ?? [])].sort()).toEqual([ALICE, BOB].sort());
    await b.sync();
    expect(b.getState().held).toEqual([1, 2]);
    expect(b.show(message('m2', body, ALICE))).toMatchObject({ text: 'après le départ' });
    // History stays readable.
    expect(a.show(message('m1', old, BOB))).toMatchObject({ text: 'avant le départ' });
  });

  it('a fresh browser still opens what someone who left sealed and wrote', async () => {
    const server = new FakeServer();
    server.join(CAROL, carol);
    const c = manager(server, CAROL, carol);
    await c.sync(); // Carol makes generation 1
    server.join(ALICE, alice);
    await c.approve(ALICE); // and seals it for Alice
    const body = await c.encrypt(CH, 'écrit par Carol');
    server.leave(CAROL);
    // A browser that never saw Carol as a member.
    const a = manager(server, ALICE, alice);
    await a.sync();
    expect(a.getState()).toMatchObject({ held: [1, 2], rejected: 0 });
    expect(a.show(message('m4', body, CAROL))).toEqual({
      kind: 'text',
      text: 'écrit par Carol',
      verified: true,
    });
  });

  it('what someone signed before they replaced their keys still reads, but is not written with', async () => {
    const server = new FakeServer();
    server.join(BOB, bob);
    server.join(ALICE, alice);
    server.join(CAROL, carol);
    const b = manager(server, BOB, bob);
    await b.sync(); // Bob makes generation 1
    await b.approve(ALICE); // and seals it for the others
    await b.approve(CAROL);
    const body = await b.encrypt(CH, 'écrit avant');
    // He forgets his passphrase: new keys; the server keeps the old public ones.
    const bobAgain = createIdentity(BOB, 'bob new passphrase');
    server.setIdentity(BOB, bobAgain);
    expect(server.view(CAROL).rotation_required).toBe(true);

    // A server that says so: Carol's fresh browser reads generation 1 with
    // his previous key and makes generation 2 from current keys to write.
    const c = manager(server, CAROL, carol);
    await c.sync();
    expect(c.getState()).toMatchObject({ held: [1, 2], rejected: 0, generation: 2 });
    expect(c.show(message('m8', body, BOB))).toEqual({
      kind: 'text',
      text: 'écrit avant',
      verified: true,
    });
    expect(await c.encrypt(CH, 'après')).toMatch(/^e2e1:2:/);

    // A server that hides it: generation 1 still reads, but no one writes with it.
    server.generation = 1;
    server.envelopes.delete(2);
    server.rotationRequired = false;
    const a = manager(server, ALICE, alice);
    await a.sync();
    expect(a.getState()).toMatchObject({ held: [1], rejected: 0 });
    expect(a.show(message('m8', body, BOB))).toMatchObject({ kind: 'text', verified: true });
    await expect(a.encrypt(CH, 'x')).rejects.toMatchObject({ code: 'no_key' });
  });

  it('two browsers rotating at once: one wins, the other takes its key', async () => {
    const server = new FakeServer();
    server.join(ALICE, alice);
    server.join(BOB, bob);
    server.join(CAROL, carol);
    const a = manager(server, ALICE, alice);
    const b = manager(server, BOB, bob);
    await a.sync();
    await a.approve(BOB);
    await a.approve(CAROL);
    await b.sync();
    server.leave(CAROL);
    await Promise.all([a.sync(), b.sync()]);
    expect(server.generation).toBe(2);
    expect(a.getState()).toMatchObject({ generation: 2, held: [1, 2], rotationRequired: false });
    expect(b.getState()).toMatchObject({ generation: 2, held: [1, 2], rotationRequired: false });
    const body = await b.encrypt(CH, 'même clé');
    expect(a.show(message('m3', body, BOB))).toMatchObject({ text: 'même clé' });
  });

  it('refuses an envelope made by a non-member', async () => {
    const server = new FakeServer();
    server.join(ALICE, alice);
    const a = manager(server, ALICE, alice);
    await a.sync();
    // The server slips in a generation 2 "made" by Mallory, who is not a member.
    server.identities.set(MALLORY, {
      user_id: MALLORY,
      box_public: mallory.box_public,
      sign_public: mallory.sign_public,
    });
    const key = new Uint8Array(32).fill(1);
    const sealed = sodium.to_base64(
      sodium.crypto_box_seal(key, unb64(alice.box_public)),
      sodium.base64_variants.URLSAFE_NO_PADDING,
    );
    const signature = sodium.to_base64(
      sodium.crypto_sign_detached(
        envelopeSigned({ workspaceId: WS }, 2, ALICE, sealed),
        mallory.secrets.signSecretKey,
      ),
      sodium.base64_variants.URLSAFE_NO_PADDING,
    );
    server.envelopes.set(
      2,
      new Map([[ALICE, { generation: 2, sealed, signature, created_by: MALLORY }]]),
    );
    server.generation = 2;
    await a.sync();
    expect(a.getState()).toMatchObject({ held: [1], rejected: 1 });
  });

  it('warns when a member’s keys change, until the reader accepts them', async () => {
    const { server, a, b } = await aliceAndBob();
    const before = await b.encrypt(CH, 'avant');
    expect(a.getState().changed).toEqual([]);

    // Bob forgot his passphrase: new keys, his envelopes dropped.
    const bob2 = createIdentity(BOB, 'a new passphrase');
    server.setIdentity(BOB, bob2);
    await a.sync();
    expect(a.getState()).toMatchObject({ changed: [BOB], pending: [BOB] });
    expect(server.view(BOB).envelopes).toHaveLength(0); // new keys wait for an approval
    a.acceptKeys(BOB);
    expect(a.getState().changed).toEqual([]);
    await a.approve(BOB);
    expect(server.view(BOB).envelopes).toHaveLength(1); // Alice sealed generation 1 again for him
    // His message signed with his old key still verifies here.
    expect(a.show(message('m4', before, BOB))).toMatchObject({ text: 'avant', verified: true });
  });

  it('keeps verified marks for the exact keys: a change drops them, accepting does not verify', async () => {
    const server = new FakeServer();
    server.join(ALICE, alice);
    server.join(BOB, bob);
    server.join(CAROL, carol);
    const a = manager(server, ALICE, alice);
    await a.sync();
    expect(a.getState().verified).toEqual([]);
    expect(a.ownKeys()).toEqual({ box_public: alice.box_public, sign_public: alice.sign_public });
    a.verifyKeys(BOB);
    a.verifyKeys(ALICE); // one's own keys are not for verifying
    expect(a.getState().verified).toEqual([BOB]);
    a.verifyKeys(CAROL);
    a.unverifyKeys(CAROL);
    expect(a.getState().verified).toEqual([BOB]);

    // Bob makes new keys: the mark does not follow them.
    const bob2 = createIdentity(BOB, 'a new passphrase');
    server.setIdentity(BOB, bob2);
    await a.sync();
    expect(a.getState()).toMatchObject({ changed: [BOB], verified: [] });
    a.acceptKeys(BOB);
    expect(a.getState()).toMatchObject({ changed: [], verified: [] });
    // Compared in person: verified.
    a.verifyKeys(BOB);
    expect(a.getState()).toMatchObject({ changed: [], verified: [BOB] });

    // Verifying changed keys (compared in person) trusts them as well.
    const carol2 = createIdentity(CAROL, 'carol has new keys');
    server.setIdentity(CAROL, carol2);
    await a.sync();
    expect(a.getState().changed).toEqual([CAROL]);
    a.verifyKeys(CAROL);
    expect(a.getState()).toMatchObject({ changed: [], verified: [BOB, CAROL] });
    await a.sync();
    expect(a.getState()).toMatchObject({ changed: [], verified: [BOB, CAROL] });
  });

  it('shows a forged or tampered message as a bad signature, not as text', async () => {
    const { a, b } = await aliceAndBob();
    const body = await b.encrypt(CH, 'signé par Bob');
    // Attributed to Alice by the server:
    expect(a.show(message('m5', body, ALICE))).toEqual({ kind: 'bad_signature' });
    // A plaintext body slipped into an armoured workspace:
    expect(a.show(message('m6', 'Bonjour en clair', BOB))).toEqual({ kind: 'bad_signature' });
    // Deleted: empty.
    expect(a.show({ ...message('m7', '', BOB), deleted: true })).toEqual({
      kind: 'plain',
      text: '',
    });
  });

  it('without an unlocked identity, does nothing and refuses to encrypt', async () => {
    const server = new FakeServer();
    server.join(ALICE, alice);
    const a = new WorkspaceKeys(
      WS,
      ALICE,
      server.api(ALICE),
      unlocked(null),
      new TrustStore(ALICE, null),
    );
    await a.sync();
    expect(a.getState().status).toBe('idle');
    expect(server.posts).toBe(0);
    await expect(a.encrypt(CH, 'x')).rejects.toMatchObject({ code: 'locked' });
  });
});

describe('approvals (docs/armoured.md, "Approvals")', () => {
  /** An approval of `m`'s keys signed by `signer`, as the server would list it. */
  const approval = (m: ArmourMember, by: string, signer: CreatedIdentity): ArmourApproval => ({
    ...signApproval(WS, m, signer.secrets),
    approved_by: by,
    created_at: '2026-12-03T10:00:00.000Z',
  });

  it('an account the server adds, or approves itself, gets no key', async () => {
    const server = new FakeServer();
    server.join(ALICE, alice);
    const a = manager(server, ALICE, alice);
    await a.sync();
    // Mallory, listed by the server, with an "approval by Alice" he signed himself.
    server.join(MALLORY, mallory);
    const m = server.identities.get(MALLORY);
    if (!m) throw new Error('no identity');
    server.approvals.push(approval(m, ALICE, mallory));
    expect(server.view(ALICE).missing).toEqual([MALLORY]); // the server's word
    await a.sync();
    expect(a.getState()).toMatchObject({ pending: [MALLORY], newAnchors: [] });
    expect(server.envelopes.get(1)?.has(MALLORY)).toBe(false);
    // Nor does a new generation include him.
    server.rotationRequired = true;
    await a.sync();
    expect(server.generation).toBe(1); // refused by a server that counts him: not sealed for him
    expect(server.envelopes.get(1)?.has(MALLORY)).toBe(false);
  });

  it('a new anchor is not followed until the reader accepts it; a fresh browser follows what it first sees', async () => {
    const { server, a, b } = await aliceAndBob();
    // The server lists Mallory anchoring the workspace too (his own keys, signed by him).
    server.join(MALLORY, mallory);
    const m = server.identities.get(MALLORY);
    if (!m) throw new Error('no identity');
    server.approvals.push(approval(m, MALLORY, mallory));
    await a.sync();
    expect(a.getState()).toMatchObject({
      pending: [MALLORY],
      newAnchors: [`${MALLORY}\n${m.sign_public}`],
    });
    expect(server.envelopes.get(1)?.has(MALLORY)).toBe(false);
    // Bob's browser saw the workspace anchored by Alice first: it does not follow Mallory either.
    await b.sync();
    expect(b.getState().pending).toEqual([MALLORY]);
    // A browser that first sees both follows both (trust on first use).
    const fresh = new TrustStore(BOB, null);
    const b2 = new WorkspaceKeys(WS, BOB, server.api(BOB), unlocked(bob.secrets), fresh);
    await b2.sync();
    expect(b2.getState()).toMatchObject({ pending: [], newAnchors: [] });
    // Alice checked with Mallory: she follows his anchor, and her browser seals him the key.
    await a.acceptAnchors();
    expect(server.envelopes.get(1)?.has(MALLORY)).toBe(true);
    expect(a.getState()).toMatchObject({ pending: [], newAnchors: [] });
  });

  it('approvals chain through keys replaced since; new keys wait for a member', async () => {
    const { server, b } = await aliceAndBob();
    // Alice makes new keys: pending until Bob approves them.
    const alice2 = createIdentity(ALICE, 'alice new passphrase');
    server.setIdentity(ALICE, alice2);
    await b.sync();
    expect(b.getState().pending).toEqual([ALICE]);
    await b.approve(ALICE);
    // Carol, approved by Alice's new keys: a chain anchor -> Bob -> Alice (new) -> Carol.
    server.join(CAROL, carol);
    const a2 = new WorkspaceKeys(
      WS,
      ALICE,
      server.api(ALICE),
      unlocked(alice2.secrets),
      new TrustStore(ALICE, null),
    );
    await a2.sync();
    await a2.approve(CAROL);
    const c = manager(server, CAROL, carol);
    await c.sync();
    expect(c.getState()).toMatchObject({ pending: [], held: [2] });
    // An approval signed with keys nobody approved admits no one.
    const approvals = [...server.approvals];
    const fake = approvals.map((x) =>
      x.user_id === CAROL
        ? approval(server.identities.get(CAROL) as ArmourMember, ALICE, mallory)
        : x,
    );
    const view = checkApprovals(WS, fake, null);
    expect(view.approved.has(keySetId(server.identities.get(CAROL) as ArmourMember))).toBe(false);
    expect(view.approved.has(keySetId(server.identities.get(BOB) as ArmourMember))).toBe(true);
  });

  it('a member alone whose approved keys are gone anchors the workspace again, once', async () => {
    const server = new FakeServer();
    server.join(ALICE, alice);
    server.join(BOB, bob);
    const trust = new TrustStore(ALICE, null); // her browser's, kept across her new keys
    const a = new WorkspaceKeys(WS, ALICE, server.api(ALICE), unlocked(alice.secrets), trust);
    await a.sync();
    // She forgets her passphrase; Bob's keys were never approved.
    const alice2 = createIdentity(ALICE, 'alice new passphrase');
    server.setIdentity(ALICE, alice2);
    const a2 = new WorkspaceKeys(WS, ALICE, server.api(ALICE), unlocked(alice2.secrets), trust);
    await a2.sync();
    expect(server.approvals.map((x) => [x.user_id, x.approved_by, x.sign_public])).toEqual([
      [ALICE, ALICE, alice.sign_public],
      [ALICE, ALICE, alice2.sign_public],
    ]);
    expect(a2.getState()).toMatchObject({
      pending: [BOB],
      newAnchors: [],
      generation: 2,
      held: [2],
    });
    // Bob's browser, which knew neither, follows both; his keys wait.
    const b = manager(server, BOB, bob);
    await b.sync();
    expect(b.getState()).toMatchObject({ pending: [BOB], newAnchors: [] });
    // Once anchored again, nothing more: Bob's browser cannot anchor (his keys wait for hers).
    const posts = server.posts;
    await a2.sync();
    await b.sync();
    expect(server.posts).toBe(posts);
  });

  it('a private channel’s key goes to members the workspace approved', async () => {
    const server = new FakeServer();
    server.join(ALICE, alice);
    server.join(BOB, bob);
    const channel = server.channel('01HZPRIVATE000000000000000', [ALICE, alice], [BOB, bob]);
    const a = manager(server, ALICE, alice);
    a.followChannels(() => 'private');
    await a.sync();
    const ring = a.channelKeys('01HZPRIVATE000000000000000');
    await ring.sync();
    expect(ring.getState().pending).toEqual([BOB]);
    expect([...(channel.envelopes.get(1)?.keys() ?? [])]).toEqual([ALICE]);
    await a.approve(BOB);
    await ring.sync();
    expect(ring.getState().pending).toEqual([]);
    expect([...(channel.envelopes.get(1)?.keys() ?? [])].sort()).toEqual([ALICE, BOB].sort());
  });
});

describe('channel keys', () => {
  const PRIV = '01HZPRIVATE000000000000000';
  const PUB = '01HZPUBLIC0000000000000000';
  const kinds = (cid: string) => (cid === PRIV ? 'private' : cid === PUB ? 'public' : undefined);
  const inPriv = (id: string, body: string, author: string) => ({
    ...message(id, body, author),
    channel_id: PRIV,
  });

  /** Alice, Bob and Carol in the workspace (generation 1 made); Alice and Bob in PRIV. */
  async function setUp() {
    const server = new FakeServer();
    server.join(ALICE, alice);
    server.join(BOB, bob);
    server.join(CAROL, carol);
    const channel = server.channel(PRIV, [ALICE, alice], [BOB, bob]);
    const a = manager(server, ALICE, alice);
    const b = manager(server, BOB, bob);
    a.followChannels(kinds);
    b.followChannels(kinds);
    await a.sync();
    await a.approve(BOB);
    await a.approve(CAROL);
    await b.sync();
    return { server, channel, a, b };
  }

  it('the first member to write makes generation 1, for the channel’s members only', async () => {
    const { server, channel, a, b } = await setUp();
    expect(channel.generation).toBe(0);
    const body = await a.encrypt(PRIV, 'entre nous');
    expect(body).toMatch(/^e2e1:c1:/);
    expect(channel.generation).toBe(1);
    expect([...(channel.envelopes.get(1)?.keys() ?? [])].sort()).toEqual([ALICE, BOB].sort());
    // Bob's browser: pending while his channel keys load, then the text.
    expect(b.show(inPriv('m1', body, ALICE))).toEqual({ kind: 'pending' });
    await b.channelKeys(PRIV).sync();
    expect(b.show(inPriv('m1', body, ALICE))).toEqual({
      kind: 'text',
      text: 'entre nous',
      verified: true,
    });
    // Carol, a member of the workspace but not of the channel, holds the workspace's key only.
    const c = manager(server, CAROL, carol);
    c.followChannels(kinds);
    await c.sync();
    expect(c.getState().held).toEqual([1]);
    await c.channelKeys(PRIV).sync(); // not hers: the server keeps them (404)
    expect(c.show(inPriv('m1', body, ALICE))).toEqual({ kind: 'unreadable' });
    // The public channels still use the workspace's key.
    expect(await a.encrypt(PUB, 'pour tous')).toMatch(/^e2e1:1:/);
  });

  it('opens what the channel held before it had keys of its own with the workspace’s', async () => {
    const { a, b } = await setUp();
    const wsKey = a.key(1);
    if (!wsKey) throw new Error('no workspace key');
    const old = encryptMessage(wsKey, 1, WS, PRIV, ALICE, 'avant', alice.secrets.signSecretKey);
    expect(b.show(inPriv('m0', old, ALICE))).toEqual({
      kind: 'text',
      text: 'avant',
      verified: true,
    });
  });

  it('a "c" reference in a public channel does not open, and asks the server nothing', async () => {
    const { server, a, b } = await setUp();
    await a.encrypt(PRIV, 'x');
    const channelKey = a.channelKeys(PRIV).key(1);
    if (!channelKey) throw new Error('no channel key');
    const moved = encryptMessage(
      channelKey,
      'c1',
      WS,
      PUB,
      ALICE,
      'x',
      alice.secrets.signSecretKey,
    );
    const gets = server.channelGets;
    expect(b.show({ ...message('m2', moved, ALICE), channel_id: PUB })).toEqual({
      kind: 'unreadable',
    });
    await new Promise((r) => setTimeout(r, 20)); // what a new channel's keys would fetch
    expect(server.channelGets).toBe(gets);
  });

  it('seals the current generation for a member added, and rotates after a departure', async () => {
    const { server, channel, a } = await setUp();
    await a.encrypt(PRIV, 'g1');
    channel.join(CAROL, carol);
    const ring = a.channelKeys(PRIV);
    await ring.sync(); // armour.changed of the channel
    expect(ring.getState()).toMatchObject({ generation: 1, missing: [] });
    expect(channel.envelopes.get(1)?.has(CAROL)).toBe(true);
    const c = manager(server, CAROL, carol);
    c.followChannels(kinds);
    await c.channelKeys(PRIV).sync();
    expect(c.channelKeys(PRIV).getState().held).toEqual([1]);

    // Bob leaves the channel: the next generation, without him.
    channel.leave(BOB);
    await ring.sync();
    expect(channel.generation).toBe(2);
    expect([...(channel.envelopes.get(2)?.keys() ?? [])].sort()).toEqual([ALICE, CAROL].sort());
    expect(await a.encrypt(PRIV, 'sans Bob')).toMatch(/^e2e1:c2:/);
  });

  it('after no_channel_key, key_rotation_required or stale_key, refresh brings the channel’s keys', async () => {
    const { channel, a } = await setUp();
    await a.refresh(PRIV, new ApiError(409, 'no_channel_key', ''));
    expect(channel.generation).toBe(1);
    channel.leave(BOB);
    await a.refresh(PRIV, new ApiError(409, 'key_rotation_required', ''));
    expect(channel.generation).toBe(2);
    expect(a.getState().generation).toBe(1); // the workspace's did not move
    expect(await a.encrypt(PRIV, 'x')).toMatch(/^e2e1:c2:/);
  });

  it('channel_key_required: the channel’s own key from then on, whatever the list said', async () => {
    const { server, a } = await setUp();
    a.followChannels(() => 'public'); // a list that is wrong
    expect(await a.encrypt(PRIV, 'x')).toMatch(/^e2e1:1:/);
    await a.refresh(PRIV, new ApiError(409, 'channel_key_required', ''));
    expect(await a.encrypt(PRIV, 'y')).toMatch(/^e2e1:c1:/);
    expect(server.channels.get(PRIV)?.generation).toBe(1);
  });

  it('without the channel’s kind, asks the server (409 workspace_key: a public channel)', async () => {
    const { server, a } = await setUp();
    a.followChannels(() => undefined);
    expect(await a.encrypt(PUB, 'public')).toMatch(/^e2e1:1:/);
    expect(server.channelGets).toBe(1); // 409 workspace_key
    expect(await a.encrypt(PRIV, 'privé')).toMatch(/^e2e1:c1:/);
    const gets = server.channelGets;
    expect(await a.encrypt(PUB, 'encore')).toMatch(/^e2e1:1:/); // known now
    expect(server.channelGets).toBe(gets);
  });

  it('follows armour.changed: a channel’s for its keys, the workspace’s for all', async () => {
    const handlers = new Map<string, (e: EventFrame) => void>();
    vi.spyOn(liveEvents(), 'subscribe').mockImplementation((type, h) => {
      handlers.set(type, h);
      return () => undefined;
    });
    const { server, channel, a } = await setUp();
    a.start();
    await a.sync();
    await a.encrypt(PRIV, 'g1');
    const fire = (data: Record<string, unknown>) =>
      handlers.get('armour.changed')?.({
        type: 'armour.changed',
        workspace_id: WS,
        seq: 1,
        data,
      });
    // A channel's event: its keys only.
    channel.join(CAROL, carol);
    const wsGets = server.gets;
    fire({ channel_id: PRIV, generation: 1, rotation_required: false });
    await vi.waitFor(() => expect(channel.envelopes.get(1)?.has(CAROL)).toBe(true));
    expect(server.gets).toBe(wsGets);

    // Bob makes a new identity: announced once, on the workspace; once
    // Alice approves it, her browser seals him the workspace's key and the
    // channel's again.
    const bob2 = createIdentity(BOB, 'bob has new keys');
    server.setIdentity(BOB, bob2);
    channel.setIdentity(BOB, bob2);
    expect(channel.envelopes.get(1)?.has(BOB)).toBe(false);
    fire({ generation: 1, rotation_required: false });
    await vi.waitFor(() => expect(a.getState().pending).toEqual([BOB]));
    expect(server.envelopes.get(1)?.has(BOB)).toBe(false);
    await a.approve(BOB);
    await vi.waitFor(() => {
      expect(server.envelopes.get(1)?.has(BOB)).toBe(true);
      expect(channel.envelopes.get(1)?.has(BOB)).toBe(true);
    });
    a.dispose();
  });

  it('keeps a bounded number of channels’ keys; showing a message never lets one go', async () => {
    const { server, a } = await setUp();
    const ids = Array.from(
      { length: MAX_CHANNEL_KEYRINGS },
      (_, i) => `01HZMANY00000000000000${String(i).padStart(4, '0')}`,
    );
    const rings = ids.map((id) => a.channelKeys(id));
    await Promise.all(rings.map((r) => r.sync()));
    const gets = server.channelGets;
    // A channel message of another channel: no room, nothing fetched, not readable here.
    const other = encryptMessage(
      new Uint8Array(32),
      'c1',
      WS,
      PRIV,
      ALICE,
      'x',
      alice.secrets.signSecretKey,
    );
    expect(a.show(inPriv('m9', other, ALICE))).toEqual({ kind: 'unreadable' });
    await new Promise((r) => setTimeout(r, 20)); // what a new channel's keys would fetch
    expect(server.channelGets).toBe(gets);
    // Opening that channel lets the least recently used go (its keys wiped).
    a.channelKeys(PRIV);
    expect(a.channelKeys(ids[MAX_CHANNEL_KEYRINGS - 1] ?? '')).toBe(rings.at(-1));
    expect(a.channelKeys(ids[0] ?? '')).not.toBe(rings[0]);
  });
});

describe('an imported workspace (docs/armoured.md, "Importing an armoured archive")', () => {
  // The archive's ids; Alice has other keys here than there, Bob the same.
  const WS_THERE = '01HZTHEREWS000000000000000';
  const CH_THERE = '01HZTHERECH000000000000000';
  const PRIV = '01HZPRIVATE000000000000000';
  const PRIV_THERE = '01HZTHEREPRIV0000000000000';
  const ALICE_THERE = '01HZTHEREALICE000000000000';
  const BOB_THERE = '01HZTHEREBOB00000000000000';
  const TOKEN = 'q5e0VJk3n1Zr7aQmYyH9xA';
  const kinds = (cid: string) => (cid === PRIV ? 'private' : 'public');
  let aliceThere: CreatedIdentity;
  const there = (id: string, who: CreatedIdentity): ArmourMember => ({
    user_id: id,
    box_public: who.box_public,
    sign_public: who.sign_public,
  });
  const wsKey = new Uint8Array(32).fill(11);
  const privKey = new Uint8Array(32).fill(12);

  beforeAll(() => {
    aliceThere = createIdentity(ALICE_THERE, 'alice passphrase there');
  });

  /**
   * What an import leaves: generation 1 of the workspace's key and of PRIV's
   * from the archive (sealed there by Alice for Bob, stale here), the era,
   * and texts sealed there.
   */
  function imported() {
    const server = new FakeServer();
    server.join(ALICE, alice);
    server.join(BOB, bob);
    const channel = server.channel(PRIV, [ALICE, alice], [BOB, bob]);
    server.eras = [
      {
        workspace_id: WS_THERE,
        generation: 1,
        channels: [
          { channel_id: CH, origin_channel_id: CH_THERE, generation: 0 },
          { channel_id: PRIV, origin_channel_id: PRIV_THERE, generation: 1 },
        ],
        people: [
          { ...there(ALICE, aliceThere), origin_user_id: ALICE_THERE },
          { ...there(BOB, bob), origin_user_id: BOB_THERE },
        ],
      },
    ];
    channel.channelEras = [{ workspace_id: WS_THERE, channel_id: PRIV_THERE, generation: 1 }];
    const envelope = (key: Uint8Array, scope: KeyScope): ArmourEnvelope => ({
      generation: 1,
      ...sealEnvelope(key, scope, 1, there(BOB_THERE, bob), aliceThere.secrets),
      created_by: ALICE,
    });
    for (const [s, key, scope] of [
      [server, wsKey, { workspaceId: WS_THERE }],
      [channel, privKey, { workspaceId: WS_THERE, channelId: PRIV_THERE }],
    ] as const) {
      s.envelopes.set(1, new Map([[BOB, envelope(key, scope)]]));
      s.generation = 1;
      s.rotationRequired = true;
    }
    const sign = aliceThere.secrets.signSecretKey;
    const texts = {
      message: encryptMessage(wsKey, 1, WS_THERE, CH_THERE, ALICE_THERE, 'là-bas', sign),
      private: encryptMessage(privKey, 'c1', WS_THERE, PRIV_THERE, ALICE_THERE, 'entre nous', sign),
      name: sealFileName(wsKey, 1, WS_THERE, TOKEN, ALICE_THERE, 'Plan.pdf', sign),
      content: sealFileContent(wsKey, 1, WS_THERE, TOKEN, 2, ALICE_THERE, record, sign),
    };
    const b = manager(server, BOB, bob);
    b.followChannels(kinds);
    return { server, channel, b, texts };
  }
  const record = { key: new Uint8Array(32).fill(3), size: 7, type: 'application/pdf' };

  it('opens what was sealed there with the era, then makes the next generation here', async () => {
    const { server, b, texts } = imported();
    await b.sync();
    // Generation 1 held for reading; generation 2 made by Bob's browser,
    // which anchored the workspace here: for him, then for Alice once he
    // approves her keys here (her envelope there was for other keys).
    expect(b.getState()).toMatchObject({
      held: [1, 2],
      generation: 2,
      rejected: 0,
      pending: [ALICE],
    });
    expect(server.generation).toBe(2);
    expect([...(server.envelopes.get(2)?.keys() ?? [])]).toEqual([BOB]);
    await b.approve(ALICE);
    expect([...(server.envelopes.get(2)?.keys() ?? [])].sort()).toEqual([ALICE, BOB].sort());
    expect(b.show(message('m1', texts.message, ALICE))).toEqual({
      kind: 'text',
      text: 'là-bas',
      verified: true,
    });
    expect(b.openName(TOKEN, texts.name, ALICE)).toEqual({
      kind: 'open',
      value: 'Plan.pdf',
      verified: true,
    });
    expect(b.openContent(TOKEN, 2, texts.content, ALICE)).toEqual({
      kind: 'open',
      value: record,
      verified: true,
    });
    // Attributed to Bob here, it was not his there.
    expect(b.show(message('m2', texts.message, BOB))).toEqual({ kind: 'bad_signature' });
    // What is new is sealed under generation 2, with the ids here, and reads for Alice.
    const body = await b.encrypt(CH, 'ici');
    expect(body).toMatch(/^e2e1:2:/);
    const a = manager(server, ALICE, alice);
    await a.sync();
    expect(a.getState().held).toEqual([2]);
    expect(a.show(message('m3', body, BOB))).toEqual({ kind: 'text', text: 'ici', verified: true });
    expect(await b.sealName(TOKEN, 'Plan v2.pdf')).toMatch(/^e2e1:2:/);
  });

  it('a channel’s own key: its era’s envelope and texts, then the next generation here', async () => {
    const { channel, b, texts } = imported();
    await b.sync();
    const ring = b.channelKeys(PRIV);
    await ring.sync();
    expect(ring.getState()).toMatchObject({ held: [1, 2], generation: 2, rejected: 0 });
    expect(channel.generation).toBe(2);
    const inPriv = (id: string, body: string) => ({
      ...message(id, body, ALICE),
      channel_id: PRIV,
    });
    expect(b.show(inPriv('p1', texts.private))).toEqual({
      kind: 'text',
      text: 'entre nous',
      verified: true,
    });
    expect(await b.encrypt(PRIV, 'ici')).toMatch(/^e2e1:c2:/);
  });

  it('a channel synchronised before the workspace waits for the workspace’s eras', async () => {
    const { b, texts } = imported();
    const ring = b.channelKeys(PRIV);
    await ring.sync();
    expect(ring.getState()).toMatchObject({ held: [1, 2], rejected: 0 });
    expect(b.show({ ...message('p1', texts.private, ALICE), channel_id: PRIV })).toMatchObject({
      kind: 'text',
      verified: true,
    });
  });

  it('era keys are not trusted as a member’s keys here, and raise no changed-keys warning', async () => {
    const { b } = imported();
    await b.sync();
    expect(b.getState().changed).toEqual([]);
    expect(b.trust.signKeys(ALICE)).toEqual([alice.sign_public]);
    expect(b.trust.verification(there(ALICE, alice))).toBe('unverified');
  });

  it('refuses an era envelope the era does not vouch for; never writes under an imported generation', async () => {
    const { server, b } = imported();
    // The server says Bob was someone else there: the envelope names Bob there.
    const people = server.eras[0]?.people ?? [];
    server.eras = [
      {
        ...(server.eras[0] as ArmourEra),
        people: people.map((p) => (p.user_id === BOB ? { ...p, origin_user_id: ALICE_THERE } : p)),
      },
    ];
    // And does not say that the imported generation is stale.
    server.rotationRequired = false;
    await b.sync();
    expect(b.getState()).toMatchObject({ rejected: 1, held: [2], generation: 2 });
  });
});
