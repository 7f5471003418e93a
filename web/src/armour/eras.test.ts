// An imported workspace's eras (docs/armoured.md, "Importing an armoured
// archive"): texts and envelopes sealed in the workspace an archive came
// from — its ids, the keys people had there — open and verify here with the
// eras the server gives, and with nothing else; past the eras, the ids here.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ArmourEra, ArmourEraPerson, ArmourMember, ChannelArmourEra } from '../api/types';
import {
  createIdentity,
  decryptMessage,
  encryptMessage,
  newGenerationKey,
  openEnvelope,
  openFileContent,
  openFileName,
  ready,
  sealEnvelope,
  sealFileContent,
  sealFileName,
  type CreatedIdentity,
  type MessageContext,
  type RecordContext,
} from './crypto';
import { NO_ERAS, bindingOf, type Eras } from './eras';
import type { ContentRecord } from './format';

// There: the archive's ids. Here: the import's.
const WS_OLD = '01HZOLDWS00000000000000000';
const WS_THERE = '01HZTHEREWS000000000000000';
const WS = '01HZWORKSPACE0000000000000';
const PUB_THERE = '01HZTHEREPUB00000000000000';
const PUB = '01HZPUBLIC0000000000000000';
const PRIV_OLD = '01HZOLDPRIV000000000000000';
const PRIV_THERE = '01HZTHEREPRIV0000000000000';
const PRIV = '01HZPRIVATE000000000000000';
const OTHER_CH = '01HZOTHERCH000000000000000';
const ALICE_THERE = '01HZTHEREALICE000000000000';
const ALICE = '01HZALICE0000000000000000A';
const BOB_THERE = '01HZTHEREBOB00000000000000';
const BOB = '01HZBOB000000000000000000B';
const TOKEN = 'q5e0VJk3n1Zr7aQmYyH9xA';

/** Alice's keys there (she has others here), Bob's (the same there and here), a stranger's. */
let aliceThere: CreatedIdentity;
let alice: CreatedIdentity;
let bob: CreatedIdentity;
let mallory: CreatedIdentity;
const keys = new Map<number, Uint8Array>();
const channelKeys = new Map<number, Uint8Array>();

beforeAll(async () => {
  await ready();
  aliceThere = createIdentity(ALICE_THERE, 'alice passphrase there');
  alice = createIdentity(ALICE, 'alice passphrase here');
  bob = createIdentity(BOB, 'bob passphrase, both');
  mallory = createIdentity(ALICE_THERE, 'mallory in the middle');
  for (const g of [1, 2, 3]) {
    keys.set(g, newGenerationKey());
    channelKeys.set(g, newGenerationKey());
  }
});

const person = (here: string, there: string, who: CreatedIdentity): ArmourEraPerson => ({
  user_id: here,
  origin_user_id: there,
  box_public: who.box_public,
  sign_public: who.sign_public,
});

const member = (id: string, who: CreatedIdentity): ArmourMember => ({
  user_id: id,
  box_public: who.box_public,
  sign_public: who.sign_public,
});

/** The era of WS_THERE: its workspace key up to generation 2, PRIV's own up to 1. */
const era = (o: Partial<ArmourEra> = {}): ArmourEra => ({
  workspace_id: WS_THERE,
  generation: 2,
  channels: [
    { channel_id: PUB, origin_channel_id: PUB_THERE, generation: 0 },
    { channel_id: PRIV, origin_channel_id: PRIV_THERE, generation: 1 },
  ],
  people: [person(ALICE, ALICE_THERE, aliceThere), person(BOB, BOB_THERE, bob)],
  ...o,
});

const privEra = (o: Partial<ChannelArmourEra> = {}): ChannelArmourEra => ({
  workspace_id: WS_THERE,
  channel_id: PRIV_THERE,
  generation: 1,
  ...o,
});

const eras = (o: Partial<ArmourEra> = {}, channel?: ChannelArmourEra[]): Eras => ({
  workspace: [era(o)],
  ...(channel ? { channel } : {}),
});

describe('bindingOf', () => {
  const two = (): Eras => ({
    workspace: [
      {
        workspace_id: WS_OLD,
        generation: 1,
        channels: [{ channel_id: PRIV, origin_channel_id: PRIV_OLD, generation: 0 }],
        people: [],
      },
      {
        workspace_id: WS_THERE,
        generation: 3,
        channels: [{ channel_id: PRIV, origin_channel_id: PRIV_THERE, generation: 2 }],
        people: [
          {
            ...person(ALICE, ALICE_THERE, aliceThere),
            previous: [
              {
                box_public: mallory.box_public,
                sign_public: mallory.sign_public,
                created_at: '2026-01-01T00:00:00Z',
                replaced_at: '2026-02-01T00:00:00Z',
              },
            ],
          },
        ],
      },
    ],
    channel: [
      { workspace_id: WS_OLD, channel_id: PRIV_OLD, generation: 0 },
      { workspace_id: WS_THERE, channel_id: PRIV_THERE, generation: 2 },
    ],
  });

  it('a generation belongs to the first era whose last generation is as high; past them, here', () => {
    const ws = (g: number) => bindingOf(two(), { workspaceId: WS }, g);
    expect(ws(1)).toMatchObject({ era: true, scope: { workspaceId: WS_OLD } });
    expect(ws(1).channelId(PRIV)).toBe(PRIV_OLD);
    expect(ws(2)).toMatchObject({ era: true, scope: { workspaceId: WS_THERE } });
    expect(ws(3).channelId(PRIV)).toBe(PRIV_THERE);
    expect(ws(4)).toMatchObject({ era: false, scope: { workspaceId: WS } });
    expect(ws(4).channelId(PRIV)).toBe(PRIV);
    expect(ws(4).person(ALICE)).toEqual({ id: ALICE, signKeys: null });
    expect(bindingOf(NO_ERAS, { workspaceId: WS }, 1)).toMatchObject({ era: false });
  });

  it('a channel’s own key: the channel’s eras (one without a key of it skipped)', () => {
    const ch = (g: number) => bindingOf(two(), { workspaceId: WS, channelId: PRIV }, g);
    expect(ch(1)).toMatchObject({
      era: true,
      scope: { workspaceId: WS_THERE, channelId: PRIV_THERE },
    });
    expect(ch(1).channelId(PRIV)).toBe(PRIV_THERE);
    expect(ch(2).era).toBe(true);
    expect(ch(3)).toMatchObject({ era: false, scope: { workspaceId: WS, channelId: PRIV } });
    // Without the channel's eras, its generations are here.
    expect(
      bindingOf({ workspace: two().workspace }, { workspaceId: WS, channelId: PRIV }, 1).era,
    ).toBe(false);
  });

  it('people: their id there and every key the era lists for them; none for a stranger', () => {
    const b = bindingOf(two(), { workspaceId: WS }, 2);
    expect(b.person(ALICE)).toEqual({
      id: ALICE_THERE,
      signKeys: [aliceThere.sign_public, mallory.sign_public],
    });
    expect(b.person(BOB)).toEqual({ id: BOB, signKeys: [] });
    // A channel's era takes its people from the workspace's era of the same id.
    const c = bindingOf(two(), { workspaceId: WS, channelId: PRIV }, 1);
    expect(c.person(ALICE).id).toBe(ALICE_THERE);
  });
});

describe('messages sealed there', () => {
  const ctx = (o: Partial<MessageContext> = {}): MessageContext => ({
    workspaceId: WS,
    channelId: PUB,
    authorId: ALICE,
    key: (g) => keys.get(g),
    channelKey: (g) => channelKeys.get(g),
    // Her keys here: not those she signed with there.
    authorKeys: [alice.sign_public],
    eras: eras(),
    ...o,
  });
  const there = (text: string, g = 1, channel = PUB_THERE) =>
    encryptMessage(
      keys.get(g) as Uint8Array,
      g,
      WS_THERE,
      channel,
      ALICE_THERE,
      text,
      aliceThere.secrets.signSecretKey,
    );

  it('open here with the era’s ids and the author’s keys there, verified', () => {
    expect(decryptMessage(there('avant l’import'), ctx())).toEqual({
      ok: true,
      text: 'avant l’import',
      verified: true,
    });
    expect(decryptMessage(there('génération 2', 2), ctx())).toMatchObject({ ok: true });
    const files = [
      { id: 'A1', name: 'plan.png', type: 'image/png', size: 5, key: new Uint8Array(32).fill(4) },
    ];
    const v2 = encryptMessage(
      keys.get(1) as Uint8Array,
      1,
      WS_THERE,
      PUB_THERE,
      ALICE_THERE,
      'avec pièce',
      aliceThere.secrets.signSecretKey,
      files,
    );
    expect(decryptMessage(v2, ctx())).toEqual({
      ok: true,
      text: 'avec pièce',
      verified: true,
      files,
    });
    // The workspace's key in a private channel (before it had keys of its own there).
    expect(decryptMessage(there('privé', 1, PRIV_THERE), ctx({ channelId: PRIV }))).toMatchObject({
      ok: true,
      verified: true,
    });
  });

  it('do not open without the eras, nor when the era names another channel or person', () => {
    const body = there('lié à ses ids');
    const bad = { ok: false, reason: 'bad_signature' };
    expect(decryptMessage(body, ctx({ eras: undefined }))).toEqual(bad);
    expect(decryptMessage(body, ctx({ eras: NO_ERAS }))).toEqual(bad);
    // Another channel there.
    const moved = eras({
      channels: [{ channel_id: PUB, origin_channel_id: OTHER_CH, generation: 0 }],
    });
    expect(decryptMessage(body, ctx({ eras: moved }))).toEqual(bad);
    // Shown in a channel the era does not map: its id here is not the one signed.
    expect(decryptMessage(body, ctx({ channelId: OTHER_CH }))).toEqual(bad);
    // Another person there (with Alice's keys there: the id is in what she signed).
    const renamed = eras({ people: [person(ALICE, BOB_THERE, aliceThere)] });
    expect(decryptMessage(body, ctx({ eras: renamed }))).toEqual(bad);
    // Someone else's keys for her there.
    const forged = eras({ people: [person(ALICE, ALICE_THERE, mallory)] });
    expect(decryptMessage(body, ctx({ eras: forged }))).toEqual(bad);
    // Her keys here check nothing sealed there, even trusted.
    const noKeys = eras({ people: [person(ALICE, ALICE_THERE, alice)] });
    expect(decryptMessage(body, ctx({ eras: noKeys }))).toEqual(bad);
    // Another workspace there.
    expect(decryptMessage(body, ctx({ eras: eras({ workspace_id: WS_OLD }) }))).toEqual(bad);
    // An author the era does not list: not checked, and her id here is not the one sealed.
    expect(decryptMessage(body, ctx({ eras: eras({ people: [] }) }))).toEqual({
      ok: false,
      reason: 'undecryptable',
    });
  });

  it('a generation past the eras: the ids and keys here', () => {
    const here = encryptMessage(
      keys.get(3) as Uint8Array,
      3,
      WS,
      PUB,
      ALICE,
      'après l’import',
      alice.secrets.signSecretKey,
    );
    expect(decryptMessage(here, ctx())).toEqual({
      ok: true,
      text: 'après l’import',
      verified: true,
    });
    // Ids there under a generation past the eras do not pass.
    expect(decryptMessage(there('trop tard', 3), ctx())).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('a channel’s own key: the channel’s era names its id there', () => {
    const sealed = encryptMessage(
      channelKeys.get(1) as Uint8Array,
      'c1',
      WS_THERE,
      PRIV_THERE,
      ALICE_THERE,
      'entre nous, là-bas',
      aliceThere.secrets.signSecretKey,
    );
    const inPriv = (e: Eras) => ctx({ channelId: PRIV, eras: e });
    expect(decryptMessage(sealed, inPriv(eras({}, [privEra()])))).toEqual({
      ok: true,
      text: 'entre nous, là-bas',
      verified: true,
    });
    const bad = { ok: false, reason: 'bad_signature' };
    expect(decryptMessage(sealed, inPriv(eras()))).toEqual(bad);
    expect(decryptMessage(sealed, inPriv(eras({}, [privEra({ channel_id: OTHER_CH })])))).toEqual(
      bad,
    );
    // Its people are those of the workspace's era with the same id.
    expect(
      decryptMessage(sealed, inPriv(eras({}, [privEra({ workspace_id: WS_OLD })]))),
    ).not.toMatchObject({ ok: true });
    // Past the channel's eras: the ids here.
    const here = encryptMessage(
      channelKeys.get(2) as Uint8Array,
      'c2',
      WS,
      PRIV,
      ALICE,
      'ici',
      alice.secrets.signSecretKey,
    );
    expect(decryptMessage(here, inPriv(eras({}, [privEra()])))).toMatchObject({
      ok: true,
      verified: true,
    });
  });
});

describe('files’ records sealed there', () => {
  const record: ContentRecord = { key: new Uint8Array(32).fill(7), size: 42, type: 'text/plain' };
  const ctx = (o: Partial<RecordContext> = {}): RecordContext => ({
    workspaceId: WS,
    token: TOKEN,
    authorId: ALICE,
    key: (g) => keys.get(g),
    authorKeys: [alice.sign_public],
    eras: eras(),
    ...o,
  });
  const name = () =>
    sealFileName(
      keys.get(2) as Uint8Array,
      2,
      WS_THERE,
      TOKEN,
      ALICE_THERE,
      'Compte rendu.odt',
      aliceThere.secrets.signSecretKey,
    );
  const content = (g = 1, ws = WS_THERE, author = ALICE_THERE, by = aliceThere) =>
    sealFileContent(
      keys.get(g) as Uint8Array,
      g,
      ws,
      TOKEN,
      3,
      author,
      record,
      by.secrets.signSecretKey,
    );

  it('names and content records open here with the era’s ids and keys', () => {
    expect(openFileName(name(), ctx())).toEqual({
      ok: true,
      value: 'Compte rendu.odt',
      verified: true,
    });
    expect(openFileContent(content(), { ...ctx(), number: 3 })).toEqual({
      ok: true,
      value: record,
      verified: true,
    });
  });

  it('do not open without the eras, or when the era names another person', () => {
    const bad = { ok: false, reason: 'bad_signature' };
    expect(openFileName(name(), ctx({ eras: undefined }))).toEqual(bad);
    const renamed = eras({ people: [person(ALICE, BOB_THERE, aliceThere)] });
    expect(openFileName(name(), ctx({ eras: renamed }))).toEqual(bad);
    expect(openFileContent(content(), { ...ctx({ eras: renamed }), number: 3 })).toEqual(bad);
    expect(openFileContent(content(), { ...ctx(), number: 4 })).toEqual(bad);
  });

  it('a record sealed after the import (a restored version): the ids and keys here', () => {
    expect(openFileContent(content(3, WS, ALICE, alice), { ...ctx(), number: 3 })).toMatchObject({
      ok: true,
      verified: true,
    });
  });
});

describe('envelopes sealed there', () => {
  const here = () => [member(ALICE, alice), member(BOB, bob)];
  const key = new Uint8Array(32).fill(9);
  /** Generation g of WS_THERE's key, sealed by Alice there for Bob there (his keys, the same here). */
  const sealedThere = (
    g = 2,
    scope: { workspaceId: string; channelId?: string } = { workspaceId: WS_THERE },
  ) => ({
    generation: g,
    ...sealEnvelope(key, scope, g, member(BOB_THERE, bob), aliceThere.secrets),
    created_by: ALICE,
  });
  const bad = expect.objectContaining({ code: 'bad_signature' });

  it('open for their recipient with his box key here, checked with the era', () => {
    const opened = openEnvelope(
      sealedThere(),
      { workspaceId: WS },
      bob.secrets,
      here(),
      false,
      eras(),
    );
    expect(opened).toEqual(key);
    // Her creator is trusted through the era's keys: not a member here (nor former) is fine.
    expect(
      openEnvelope(sealedThere(), { workspaceId: WS }, bob.secrets, [], false, eras()),
    ).toEqual(key);
  });

  it('are refused without the eras, or when the era names another recipient or creator', () => {
    expect(() =>
      openEnvelope(sealedThere(), { workspaceId: WS }, bob.secrets, here(), true),
    ).toThrow(bad);
    const renamed = eras({
      people: [person(ALICE, ALICE_THERE, aliceThere), person(BOB, ALICE_THERE, bob)],
    });
    expect(() =>
      openEnvelope(sealedThere(), { workspaceId: WS }, bob.secrets, here(), false, renamed),
    ).toThrow(bad);
    const forged = eras({
      people: [person(ALICE, ALICE_THERE, mallory), person(BOB, BOB_THERE, bob)],
    });
    expect(() =>
      openEnvelope(sealedThere(), { workspaceId: WS }, bob.secrets, here(), false, forged),
    ).toThrow(bad);
    // A creator the era does not list is no one there, whatever they are here.
    const unknown = eras({ people: [person(BOB, BOB_THERE, bob)] });
    expect(() =>
      openEnvelope(sealedThere(), { workspaceId: WS }, bob.secrets, here(), false, unknown),
    ).toThrow(expect.objectContaining({ code: 'not_member' }));
    // Past the eras: the ids and current keys here.
    expect(() =>
      openEnvelope(sealedThere(3), { workspaceId: WS }, bob.secrets, here(), true, eras()),
    ).toThrow(bad);
    const sealedHere = {
      generation: 3,
      ...sealEnvelope(key, { workspaceId: WS }, 3, member(BOB, bob), alice.secrets),
      created_by: ALICE,
    };
    expect(
      openEnvelope(sealedHere, { workspaceId: WS }, bob.secrets, here(), false, eras()),
    ).toEqual(key);
  });

  it('a channel’s: the channel’s id there, from its eras', () => {
    const env = sealedThere(1, { workspaceId: WS_THERE, channelId: PRIV_THERE });
    const scope = { workspaceId: WS, channelId: PRIV };
    expect(openEnvelope(env, scope, bob.secrets, here(), false, eras({}, [privEra()]))).toEqual(
      key,
    );
    expect(() =>
      openEnvelope(
        env,
        scope,
        bob.secrets,
        here(),
        false,
        eras({}, [privEra({ channel_id: OTHER_CH })]),
      ),
    ).toThrow(bad);
    // No workspace envelope passes for a channel's, era or not.
    expect(() =>
      openEnvelope(env, { workspaceId: WS }, bob.secrets, here(), false, eras({ generation: 1 })),
    ).toThrow(bad);
  });
});
