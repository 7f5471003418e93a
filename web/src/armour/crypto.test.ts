import sodium from 'libsodium-wrappers-sumo';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ArmourMember } from '../api/types';
import {
  createIdentity,
  decryptMessage,
  gatherSignatures,
  encryptMessage,
  newNameToken,
  newGenerationKey,
  openEnvelope,
  openEventAnswers,
  openFileContent,
  openFileName,
  openUploadResume,
  ready,
  rememberChecked,
  rememberVerified,
  sealEnvelope,
  sealEventAnswers,
  sealFileContent,
  sealFileName,
  sealUploadResume,
  unlockIdentity,
  verifiedTagsKey,
  type CreatedIdentity,
  type Decrypted,
  type MessageContext,
  type RecordContext,
  type ResumeContext,
} from './crypto';
import {
  MAX_EVENT_ANSWERS,
  envelopeSigned,
  eventAnswersAd,
  eventCardAd,
  fileContentAd,
  fileNameAd,
  identityAd,
  isNameToken,
  isValidFileName,
  isArmourError,
  keyRef,
  messageAd,
  messageSigned,
  parseBody,
  parseSealedSecret,
  sealedFileSize,
  splitKeyRef,
  uploadResumeAd,
  type ContentRecord,
  type EventAnswer,
  type KeyRef,
  type SealedFile,
  type UploadResume,
} from './format';
import { concatBytes, openBytes, sealBytes } from '../test/sealedBytes';

const WS = '01HZWORKSPACE0000000000000';
const CH = '01HZCHANNEL000000000000000';
const OTHER_CH = '01HZCHANNEL000000000000001';
const ALICE = '01HZALICE0000000000000000A';
const BOB = '01HZBOB000000000000000000B';
const MALLORY = '01HZMALLORY00000000000000M';
/** The workspace's keys (envelopes signed in the workspace's domain). */
const IN_WS = { workspaceId: WS };

const URLSAFE = () => sodium.base64_variants.URLSAFE_NO_PADDING;
const b64 = (b: Uint8Array) => sodium.to_base64(b, URLSAFE());
const unb64 = (s: string) => sodium.from_base64(s, URLSAFE());

let alice: CreatedIdentity;
let bob: CreatedIdentity;
let mallory: CreatedIdentity;

const member = (id: string, who: CreatedIdentity): ArmourMember => ({
  user_id: id,
  box_public: who.box_public,
  sign_public: who.sign_public,
});

beforeAll(async () => {
  await ready();
  alice = createIdentity(ALICE, 'correct horse battery');
  bob = createIdentity(BOB, 'another long passphrase');
  mallory = createIdentity(MALLORY, 'mallory is in the middle');
});

/** Flips one character of an unpadded base64url string (keeps it valid base64url). */
function flip(s: string, at = 5): string {
  const c = s[at] === 'A' ? 'B' : 'A';
  return s.slice(0, at) + c + s.slice(at + 1);
}

/**
 * A sealed text (`e2e<version>:k:nonce:ciphertext:signature`) opened by hand,
 * as docs/armoured.md describes it, apart from the code under test: a 24-byte
 * nonce, a 64-byte Ed25519 signature by `signPublic` over
 * `${ad}\n${nonce}\n${ciphertext}` that verifies, and a ciphertext that opens
 * under `key` with `ad` as additional data. Returns the plaintext.
 */
function openChecked(body: string, ad: string, key: Uint8Array, signPublic: string): string {
  const p = parseBody(body);
  expect(p).not.toBeNull();
  if (!p) throw new Error('unparsed');
  expect(unb64(p.nonce)).toHaveLength(24);
  expect(unb64(p.signature)).toHaveLength(64);
  expect(
    sodium.crypto_sign_verify_detached(
      unb64(p.signature),
      `${ad}\n${p.nonce}\n${p.ciphertext}`,
      unb64(signPublic),
    ),
  ).toBe(true);
  return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
    null,
    unb64(p.ciphertext),
    ad,
    unb64(p.nonce),
    key,
    'text',
  );
}

/**
 * A sealed text (`e2e<version>:1:…`) around any plaintext, under `ad` and
 * generation 1's `key`, signed by Alice: what a broken browser could send.
 */
function sealedByAlice(
  version: 1 | 2,
  key: Uint8Array,
  ad: string,
  plaintext: string | Uint8Array,
): string {
  const nonce = sodium.randombytes_buf(24);
  const ct = b64(
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key),
  );
  const sig = b64(
    sodium.crypto_sign_detached(messageSigned(ad, b64(nonce), ct), alice.secrets.signSecretKey),
  );
  return `e2e${version}:1:${b64(nonce)}:${ct}:${sig}`;
}

describe('the strings that are signed or authenticated (known answers)', () => {
  it('are exactly those of docs/armoured.md', () => {
    expect(identityAd('U1', 'BOXPUB', 'SIGNPUB')).toBe(
      'ruche-armour-identity-v1\nU1\nBOXPUB\nSIGNPUB',
    );
    expect(envelopeSigned({ workspaceId: 'W1' }, 3, 'U2', 'SEALED_b64-x')).toBe(
      'ruche-armour-envelope-v1\nW1\n3\nU2\nSEALED_b64-x',
    );
    expect(messageAd(1, 'W1', 'C1', 'U3', 12)).toBe('ruche-chat-v1\nW1\nC1\nU3\n12');
    expect(messageAd(2, 'W1', 'C1', 'U3', 12)).toBe('ruche-chat-v2\nW1\nC1\nU3\n12');
    expect(messageSigned('ruche-chat-v1\nW1\nC1\nU3\n12', 'NONCE', 'CT')).toBe(
      'ruche-chat-v1\nW1\nC1\nU3\n12\nNONCE\nCT',
    );
    expect(eventAnswersAd('W1', 'TOK', 'U4', 5)).toBe('ruche-calendar-answers-v1\nW1\nTOK\nU4\n5');
  });

  it('a fixed message vector (seeded keys, fixed nonce) opens and verifies', () => {
    // The same vector can be checked by the server's C libsodium.
    const seed = new Uint8Array(32).fill(7);
    const signer = sodium.crypto_sign_seed_keypair(seed);
    const key = new Uint8Array(32).fill(42);
    const nonce = new Uint8Array(24).fill(9);
    const ad = `ruche-chat-v1\n${WS}\n${CH}\n${ALICE}\n1`;
    const ct = b64(
      sodium.crypto_aead_xchacha20poly1305_ietf_encrypt('Bonjour', ad, null, nonce, key),
    );
    const signed = `${ad}\n${b64(nonce)}\n${ct}`;
    const sig = b64(sodium.crypto_sign_detached(signed, signer.privateKey));
    const body = `e2e1:1:${b64(nonce)}:${ct}:${sig}`;
    expect(b64(signer.publicKey)).toBe('6kpsY-KcUgq-9VB7Ey7F-ZVHdq6-vnuSQh7qaRRG0iw');
    expect(body).toBe(
      'e2e1:1:CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ:9WXBF1dDg-zBt0QdBMQteJTZzp4JSm8:' +
        'Sm-XNaXGZHP4nZEtsjeyZ8lwAFm8nJl6ep_ACQkgFO9BPmJKGYWjV4mnBJri3tfUtz2xv84UruHd3rHEyg2CCw',
    );
    const r = decryptMessage(body, {
      workspaceId: WS,
      channelId: CH,
      authorId: ALICE,
      key: (g) => (g === 1 ? key : undefined),
      authorKeys: [b64(signer.publicKey)],
    });
    expect(r).toEqual({ ok: true, text: 'Bonjour', verified: true });
  });

  it('a fixed envelope signature vector (seeded key)', () => {
    const signer = sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(7));
    const signed = envelopeSigned(IN_WS, 1, BOB, 'c2VhbGVk');
    const sig = b64(sodium.crypto_sign_detached(signed, signer.privateKey));
    expect(sig).toBe(
      'k7hsh7AQqM7erZm0bAhoFLN_uH4EeVU0je8jxOKwTnGt091Cva_upmP_1YVMSfMGPHlBA7WRmb9BDcpMBZi-CA',
    );
  });

  it('seals the identity secret under the identity AD, with the interactive Argon2id limits', () => {
    const p = parseSealedSecret(alice.sealed_secret);
    expect(p).not.toBeNull();
    if (!p) return;
    expect(alice.sealed_secret.startsWith(`id1:2:${64 * 1024 * 1024}:`)).toBe(true);
    expect(p.opslimit).toBe(sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE);
    expect(p.memlimit).toBe(sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE);
    const key = sodium.crypto_pwhash(
      32,
      'correct horse battery',
      unb64(p.salt),
      p.opslimit,
      p.memlimit,
      sodium.crypto_pwhash_ALG_ARGON2ID13,
    );
    const plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      unb64(p.sealed),
      `ruche-armour-identity-v1\n${ALICE}\n${alice.box_public}\n${alice.sign_public}`,
      unb64(p.nonce),
      key,
    );
    expect(plain.length).toBe(32 + 64);
    expect(b64(plain.slice(0, 32))).toBe(b64(alice.secrets.boxSecretKey));
    expect(b64(plain.slice(32))).toBe(b64(alice.secrets.signSecretKey));
    // Unpadded base64url everywhere.
    for (const s of [alice.box_public, alice.sign_public, p.salt, p.nonce, p.sealed]) {
      expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    expect(unb64(alice.box_public)).toHaveLength(32);
    expect(unb64(alice.sign_public)).toHaveLength(32);
  });

  it('signs an envelope over the envelope string', () => {
    const key = newGenerationKey();
    const env = sealEnvelope(key, IN_WS, 4, member(BOB, bob), alice.secrets);
    expect(env.user_id).toBe(BOB);
    const signed = `ruche-armour-envelope-v1\n${WS}\n4\n${BOB}\n${env.sealed}`;
    expect(
      sodium.crypto_sign_verify_detached(unb64(env.signature), signed, unb64(alice.sign_public)),
    ).toBe(true);
    const opened = sodium.crypto_box_seal_open(
      unb64(env.sealed),
      unb64(bob.box_public),
      bob.secrets.boxSecretKey,
    );
    expect(b64(opened)).toBe(b64(key));
  });

  it('encrypts a message under the message AD and signs AD, nonce and ciphertext', () => {
    const key = newGenerationKey();
    const body = encryptMessage(
      key,
      2,
      WS,
      CH,
      ALICE,
      'Bonjour secret 42',
      alice.secrets.signSecretKey,
    );
    expect(body.startsWith('e2e1:2:')).toBe(true);
    expect(body).not.toContain('secret');
    const ad = `ruche-chat-v1\n${WS}\n${CH}\n${ALICE}\n2`;
    expect(openChecked(body, ad, key, alice.sign_public)).toBe('Bonjour secret 42');
  });
});

describe('identity', () => {
  it('unlocks with the passphrase, on any device (from the record)', () => {
    const record = {
      box_public: alice.box_public,
      sign_public: alice.sign_public,
      sealed_secret: alice.sealed_secret,
    };
    const s = unlockIdentity(ALICE, record, 'correct horse battery');
    expect(b64(s.boxSecretKey)).toBe(b64(alice.secrets.boxSecretKey));
    expect(b64(s.signSecretKey)).toBe(b64(alice.secrets.signSecretKey));
    expect(s.boxPublic).toBe(alice.box_public);
    expect(s.signPublic).toBe(alice.sign_public);
  });

  it('refuses a wrong passphrase with a clear error', () => {
    let error: unknown;
    try {
      unlockIdentity(ALICE, alice, 'correct horse battery!');
    } catch (e) {
      error = e;
    }
    expect(isArmourError(error, 'wrong_passphrase')).toBe(true);
  });

  it('refuses a record whose public keys or owner were swapped', () => {
    const swapped = { ...alice, sign_public: bob.sign_public };
    expect(() => unlockIdentity(ALICE, swapped, 'correct horse battery')).toThrow(
      expect.objectContaining({ code: 'wrong_passphrase' }),
    );
    expect(() => unlockIdentity(BOB, alice, 'correct horse battery')).toThrow(
      expect.objectContaining({ code: 'wrong_passphrase' }),
    );
  });

  it('refuses malformed records and limits out of bounds', () => {
    expect(() => unlockIdentity(ALICE, { ...alice, sealed_secret: 'nope' }, 'x')).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
    const huge = alice.sealed_secret.replace(/^id1:2:\d+:/, `id1:2:${4 * 1024 * 1024 * 1024}:`);
    expect(() => unlockIdentity(ALICE, { ...alice, sealed_secret: huge }, 'x')).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
    const slow = alice.sealed_secret.replace(/^id1:2:/, 'id1:11:');
    expect(() => unlockIdentity(ALICE, { ...alice, sealed_secret: slow }, 'x')).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
  });
});

describe('envelopes', () => {
  const members = () => [member(ALICE, alice), member(BOB, bob)];

  it('round trip: a member seals a generation for another', () => {
    const key = newGenerationKey();
    const env = sealEnvelope(key, IN_WS, 1, member(BOB, bob), alice.secrets);
    const opened = openEnvelope(
      { generation: 1, sealed: env.sealed, signature: env.signature, created_by: ALICE },
      IN_WS,
      bob.secrets,
      members(),
    );
    expect(b64(opened)).toBe(b64(key));
    // A Map of members works too.
    const map = new Map(members().map((m) => [m.user_id, m]));
    expect(
      b64(
        openEnvelope(
          { generation: 1, sealed: env.sealed, signature: env.signature, created_by: ALICE },
          IN_WS,
          bob.secrets,
          map,
        ),
      ),
    ).toBe(b64(key));
  });

  it('refuses an envelope from a non-member', () => {
    const key = newGenerationKey();
    const env = sealEnvelope(key, IN_WS, 1, member(BOB, bob), mallory.secrets);
    expect(() =>
      openEnvelope({ generation: 1, ...env, created_by: MALLORY }, IN_WS, bob.secrets, members()),
    ).toThrow(expect.objectContaining({ code: 'not_member' }));
  });

  it('refuses an envelope attributed to a member who did not sign it', () => {
    const key = newGenerationKey();
    const env = sealEnvelope(key, IN_WS, 1, member(BOB, bob), mallory.secrets);
    expect(() =>
      openEnvelope({ generation: 1, ...env, created_by: ALICE }, IN_WS, bob.secrets, members()),
    ).toThrow(expect.objectContaining({ code: 'bad_signature' }));
  });

  it('refuses an envelope moved to another generation, workspace or person', () => {
    const key = newGenerationKey();
    const env = sealEnvelope(key, IN_WS, 1, member(BOB, bob), alice.secrets);
    const e = { ...env, created_by: ALICE };
    expect(() => openEnvelope({ ...e, generation: 2 }, IN_WS, bob.secrets, members())).toThrow(
      expect.objectContaining({ code: 'bad_signature' }),
    );
    expect(() =>
      openEnvelope(
        { ...e, generation: 1 },
        { workspaceId: '01HZWORKSPACE0000000000001' },
        bob.secrets,
        members(),
      ),
    ).toThrow(expect.objectContaining({ code: 'bad_signature' }));
    // Alice opening Bob's envelope: it names Bob.
    expect(() => openEnvelope({ ...e, generation: 1 }, IN_WS, alice.secrets, members())).toThrow(
      expect.objectContaining({ code: 'bad_signature' }),
    );
  });

  it('refuses a tampered sealed key or signature', () => {
    const key = newGenerationKey();
    const env = sealEnvelope(key, IN_WS, 1, member(BOB, bob), alice.secrets);
    expect(() =>
      openEnvelope(
        { generation: 1, ...env, sealed: flip(env.sealed), created_by: ALICE },
        IN_WS,
        bob.secrets,
        members(),
      ),
    ).toThrow(expect.objectContaining({ code: 'bad_signature' }));
    expect(() =>
      openEnvelope(
        { generation: 1, ...env, signature: flip(env.signature), created_by: ALICE },
        IN_WS,
        bob.secrets,
        members(),
      ),
    ).toThrow(expect.objectContaining({ code: 'bad_signature' }));
  });
});

describe('messages', () => {
  const key1 = () => keys.get(1);
  const keys = new Map<number, Uint8Array>();
  beforeAll(() => {
    keys.set(1, newGenerationKey());
    keys.set(2, newGenerationKey());
  });
  const ctx = (o: Partial<MessageContext> = {}): MessageContext => ({
    workspaceId: WS,
    channelId: CH,
    authorId: ALICE,
    key: (g) => keys.get(g),
    authorKeys: [alice.sign_public],
    ...o,
  });
  const post = (text: string, g = 1, channel = CH, author = ALICE, by = alice) =>
    encryptMessage(
      keys.get(g) ?? new Uint8Array(32),
      g,
      WS,
      channel,
      author,
      text,
      by.secrets.signSecretKey,
    );

  it('round trip, Markdown and mentions included', () => {
    const text = `<@${BOB}> **urgent** : ça marche ✓ 🎉`;
    expect(decryptMessage(post(text), ctx())).toEqual({ ok: true, text, verified: true });
    expect(decryptMessage(post('gen 2', 2), ctx())).toEqual({
      ok: true,
      text: 'gen 2',
      verified: true,
    });
    expect(key1()).toBeDefined();
  });

  it('says when the key generation is not held', () => {
    const body = post('later', 2);
    expect(decryptMessage(body, ctx({ key: (g) => (g === 1 ? key1() : undefined) }))).toEqual({
      ok: false,
      reason: 'no_key',
    });
  });

  it('refuses a tampered ciphertext, nonce or signature', () => {
    const p = parseBody(post('Bonjour secret 42'));
    if (!p) throw new Error('unparsed');
    const body = (q: Partial<typeof p>) =>
      `e2e1:${q.key ?? p.key}:${q.nonce ?? p.nonce}:${q.ciphertext ?? p.ciphertext}:${q.signature ?? p.signature}`;
    for (const tampered of [
      body({ ciphertext: flip(p.ciphertext) }),
      body({ nonce: flip(p.nonce) }),
      body({ signature: flip(p.signature) }),
      body({ key: 2 }),
    ]) {
      expect(decryptMessage(tampered, ctx())).toEqual({ ok: false, reason: 'bad_signature' });
    }
  });

  it('refuses a message moved to another channel or attributed to another author', () => {
    const body = post('Bonjour secret 42');
    expect(decryptMessage(body, ctx({ channelId: OTHER_CH }))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(decryptMessage(body, ctx({ authorId: BOB, authorKeys: [bob.sign_public] }))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a message a key holder forged in another member’s name', () => {
    // Mallory holds the key and signs with her own key, as if Alice wrote it.
    const forged = post('Je démissionne', 1, CH, ALICE, mallory);
    expect(decryptMessage(forged, ctx())).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('checks an author against each of their known keys (a replaced identity)', () => {
    const body = post('avant');
    expect(decryptMessage(body, ctx({ authorKeys: [bob.sign_public, alice.sign_public] }))).toEqual(
      { ok: true, text: 'avant', verified: true },
    );
  });

  it('shows a message unverified when the author’s key is unknown', () => {
    expect(decryptMessage(post('ancien'), ctx({ authorKeys: [] }))).toEqual({
      ok: true,
      text: 'ancien',
      verified: false,
    });
  });

  it('refuses what is not an armoured body', () => {
    expect(decryptMessage('hello', ctx())).toEqual({ ok: false, reason: 'malformed' });
    expect(decryptMessage('e2e1:0:a:b:c', ctx())).toEqual({ ok: false, reason: 'malformed' });
    expect(decryptMessage('e2e1:1:a:b:c', ctx())).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a text over 16 KiB', () => {
    expect(() => post('é'.repeat(8193))).toThrow(expect.objectContaining({ code: 'too_long' }));
    expect(decryptMessage(post('a'.repeat(16 * 1024)), ctx())).toMatchObject({ ok: true });
  });
});

describe('signatures checked once (docs/armoured.md, "Signatures checked once")', () => {
  let k: Uint8Array = new Uint8Array(32);
  beforeAll(() => {
    k = newGenerationKey();
  });
  const ctx = (o: Partial<MessageContext> = {}): MessageContext => ({
    workspaceId: WS,
    channelId: CH,
    authorId: ALICE,
    key: () => k,
    authorKeys: [alice.sign_public],
    ...o,
  });
  const post = (text: string) =>
    encryptMessage(k, 1, WS, CH, ALICE, text, alice.secrets.signSecretKey);
  /** Tags kept in memory, as verified.ts keeps them between reloads. */
  const tagsOf = (set: Set<string>) => ({
    has: (t: string) => set.has(t),
    add: (t: string) => void set.add(t),
  });
  /** The tag `tagKey` gives a text's signature by Alice (what crypto.ts computes). */
  const tagOf = (tagKey: Uint8Array, body: string) => {
    const p = parseBody(body);
    if (!p) throw new Error('unparsed');
    const signed = messageSigned(messageAd(1, WS, CH, ALICE, p.key), p.nonce, p.ciphertext);
    return b64(
      sodium.crypto_generichash(
        16,
        concatBytes(unb64(alice.sign_public), unb64(p.signature), sodium.from_string(signed)),
        tagKey,
      ),
    );
  };
  afterEach(() => {
    rememberVerified(null, null);
    vi.restoreAllMocks();
  });

  it('verifies a text once: opened again, its tag says it checked', () => {
    const verify = vi.spyOn(sodium, 'crypto_sign_verify_detached');
    const tags = new Set<string>();
    const { key } = verifiedTagsKey(bob.secrets);
    rememberVerified(key.slice(), tagsOf(tags));
    const body = post('relu deux fois');
    for (let i = 0; i < 3; i++)
      expect(decryptMessage(body, ctx())).toEqual({
        ok: true,
        text: 'relu deux fois',
        verified: true,
      });
    expect(verify).toHaveBeenCalledTimes(1);
    expect([...tags]).toEqual([tagOf(key, body)]);
    // Without tags remembered, each opening verifies.
    rememberVerified(null, null);
    decryptMessage(body, ctx());
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('checks again what its tags do not name: another text under a signature seen, another author, a tag made without the key', () => {
    const tags = new Set<string>();
    const bobs = verifiedTagsKey(bob.secrets);
    const mallorys = verifiedTagsKey(mallory.secrets);
    expect(bobs.id).not.toBe(mallorys.id);
    expect(verifiedTagsKey(bob.secrets).id).toBe(bobs.id);
    rememberVerified(bobs.key.slice(), tagsOf(tags));
    const body = post('signé une fois');
    expect(decryptMessage(body, ctx())).toMatchObject({ ok: true, verified: true });
    const p = parseBody(body);
    const other = parseBody(post('autre texte'));
    if (!p || !other) throw new Error('unparsed');
    // The server puts another ciphertext under the signature seen checking: refused.
    const swapped = `e2e1:${p.key}:${other.nonce}:${other.ciphertext}:${p.signature}`;
    expect(decryptMessage(swapped, ctx())).toEqual({ ok: false, reason: 'bad_signature' });
    // Said to be Mallory's: her key does not check it, whatever was remembered of Alice's.
    expect(decryptMessage(body, ctx({ authorKeys: [mallory.sign_public] }))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    // A tag for the swapped text made with another key (all a stranger
    // writing to the browser's storage can make) names nothing: checked, refused.
    tags.add(tagOf(mallorys.key, swapped));
    const verify = vi.spyOn(sodium, 'crypto_sign_verify_detached');
    expect(decryptMessage(swapped, ctx())).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify).toHaveBeenCalledTimes(1);
  });

  // Signatures checked elsewhere first (a first visit's: gatherSignatures, rememberChecked).
  const remember = (set: Set<string>, secrets = bob.secrets) =>
    rememberVerified(verifiedTagsKey(secrets).key, tagsOf(set));
  /** What a worker answers: each gathered signature checked here. */
  const checked = (g: ReturnType<typeof gatherSignatures>) =>
    g.checks.map((c) => sodium.crypto_sign_verify_detached(c.signature, c.signed, c.pk));

  it('gathers each signature not yet remembered once, opening none of those; once checked they open without a second check, even while gathering', () => {
    const tags = new Set<string>();
    remember(tags);
    const [one, two, three] = ['un', 'deux', 'trois'].map(post) as [string, string, string];
    const bodies = [one, two, three];
    const forged = (() => {
      const p = parseBody(one);
      const other = parseBody(two);
      if (!p || !other) throw new Error('unparsed');
      return `e2e1:${p.key}:${other.nonce}:${other.ciphertext}:${p.signature}`;
    })();
    const decrypt = vi.spyOn(sodium, 'crypto_aead_xchacha20poly1305_ietf_decrypt');
    const seen: Decrypted[] = [];
    const g = gatherSignatures([...bodies, one, forged, 'e2e1:pas un texte'], (b) =>
      seen.push(decryptMessage(b, ctx())),
    );
    expect(decrypt).not.toHaveBeenCalled();
    expect(seen.every((d) => !d.ok)).toBe(true);
    // Not signed by anyone known here: nothing to check; it opens, unverified.
    const keyless = gatherSignatures([post('sans clé')], (b) =>
      seen.push(decryptMessage(b, ctx({ authorKeys: [] }))),
    );
    expect(keyless.checks).toEqual([]);
    expect(seen.at(-1)).toEqual({ ok: true, text: 'sans clé', verified: false });
    expect(g.checks).toHaveLength(4);
    // Which text gathered which: the one seen twice and the unparsed one, none.
    expect(g.ends).toEqual([1, 2, 3, 3, 4, 4]);
    expect(new Set(g.checks.map((c) => c.tag)).size).toBe(4);
    expect(tags.size).toBe(0);

    const ok = checked(g);
    expect(ok).toEqual([true, true, true, false]);
    // Answered in parts (one a worker's message): each part from where it starts.
    rememberChecked(g, ok.slice(0, 2));
    expect(tags.size).toBe(2);
    rememberChecked(g, ok.slice(2), 2);
    expect(tags.size).toBe(3);
    // Opened now: known by their tags, not verified again; the forged one still refused.
    const verify = vi.spyOn(sodium, 'crypto_sign_verify_detached');
    expect(bodies.map((b) => decryptMessage(b, ctx()))).toEqual(
      ['un', 'deux', 'trois'].map((text) => ({ ok: true, text, verified: true })),
    );
    expect(verify).not.toHaveBeenCalled();
    expect(decryptMessage(forged, ctx())).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify).toHaveBeenCalledTimes(1);
    // Gathered again (a return visit): nothing left to check, and what is
    // known opens meanwhile, once.
    const again: Decrypted[] = [];
    const regathered = gatherSignatures(bodies, (b) => again.push(decryptMessage(b, ctx())));
    expect(regathered.checks).toEqual([]);
    expect(again.map((d) => d.ok && d.verified && d.text)).toEqual(['un', 'deux', 'trois']);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('remembers nothing said to check once the tags changed hands, and gathers nothing without tags', () => {
    const bobs = new Set<string>();
    remember(bobs);
    const g = gatherSignatures([post('avant')], (b) => decryptMessage(b, ctx()));
    expect(g.checks).toHaveLength(1);
    // Signed out, then Mallory's tab: what was gathered for Bob's tags is not hers.
    const mallorys = new Set<string>();
    remember(mallorys, mallory.secrets);
    rememberChecked(g, [true]);
    expect(bobs.size + mallorys.size).toBe(0);
    rememberVerified(null, null);
    const none = gatherSignatures([post('sans mémoire')], (b) => decryptMessage(b, ctx()));
    expect(none).toEqual({ checks: [], ends: [], under: null });
    rememberChecked(none, [true]);
    // Outside a gathering, texts open as ever.
    expect(decryptMessage(post('ouvert'), ctx())).toMatchObject({ ok: true, verified: true });
  });
});

describe('messages with attachments (version 2)', () => {
  const key = new Uint8Array(32).fill(1);
  const ctx = (o: Partial<MessageContext> = {}): MessageContext => ({
    workspaceId: WS,
    channelId: CH,
    authorId: ALICE,
    key: (g) => (g === 1 ? key : undefined),
    authorKeys: [alice.sign_public],
    ...o,
  });
  const file = (n: number, o: Partial<SealedFile> = {}): SealedFile => ({
    id: `01HZATTACHMENT00000000000${n}`,
    name: `plan ${n}.png`,
    type: 'image/png',
    size: 1000 * n,
    key: new Uint8Array(32).fill(n),
    ...o,
  });
  const post = (text: string, files: SealedFile[]) =>
    encryptMessage(key, 1, WS, CH, ALICE, text, alice.secrets.signSecretKey, files);
  /** A version 2 body around any plaintext, signed by Alice (what a broken browser could send). */
  const sealRaw = (plaintext: string) =>
    sealedByAlice(2, key, messageAd(2, WS, CH, ALICE, 1), plaintext);
  const entry = (o: Record<string, unknown> = {}) => ({
    id: '01HZATTACHMENT000000000001',
    name: 'a.txt',
    type: 'text/plain',
    size: 3,
    key: b64(new Uint8Array(32).fill(3)),
    ...o,
  });

  it('round trip: the text and the files, keys included', () => {
    const files = [file(1), file(2, { name: 'compte rendu ✓.txt', type: '' })];
    const body = post('Le **plan**', files);
    expect(body.startsWith('e2e2:1:')).toBe(true);
    expect(body).not.toContain('plan');
    expect(decryptMessage(body, ctx())).toEqual({
      ok: true,
      text: 'Le **plan**',
      verified: true,
      files,
    });
    // Files without text, and an edit that keeps an empty list.
    expect(decryptMessage(post('', [file(3)]), ctx())).toMatchObject({ ok: true, text: '' });
    expect(decryptMessage(post('x', []), ctx())).toEqual({
      ok: true,
      text: 'x',
      verified: true,
      files: [],
    });
  });

  it('seals the spec’s JSON under the version 2 AD, and signs it', () => {
    const body = post('Bonjour', [file(1)]);
    expect(parseBody(body)?.version).toBe(2);
    const ad = `ruche-chat-v2\n${WS}\n${CH}\n${ALICE}\n1`;
    const plain = openChecked(body, ad, key, alice.sign_public);
    expect(JSON.parse(plain)).toEqual({
      text: 'Bonjour',
      files: [
        {
          id: '01HZATTACHMENT000000000001',
          name: 'plan 1.png',
          type: 'image/png',
          size: 1000,
          key: b64(new Uint8Array(32).fill(1)),
        },
      ],
    });
  });

  it('a body whose version was rewritten does not open (tag and signature)', () => {
    const v2 = post('deux', [file(1)]);
    const v1 = encryptMessage(
      key,
      1,
      WS,
      CH,
      ALICE,
      '{"text":"un","files":[]}',
      alice.secrets.signSecretKey,
    );
    const as1 = v2.replace(/^e2e2:/, 'e2e1:');
    const as2 = v1.replace(/^e2e1:/, 'e2e2:');
    expect(decryptMessage(as1, ctx())).toEqual({ ok: false, reason: 'bad_signature' });
    expect(decryptMessage(as2, ctx())).toEqual({ ok: false, reason: 'bad_signature' });
    // Without the author's key (unverified), the AD still refuses it.
    expect(decryptMessage(as1, ctx({ authorKeys: [] }))).toEqual({
      ok: false,
      reason: 'undecryptable',
    });
    expect(decryptMessage(as2, ctx({ authorKeys: [] }))).toEqual({
      ok: false,
      reason: 'undecryptable',
    });
  });

  it('refuses a tampered version 2 body, or one moved to another channel', () => {
    const body = post('deux', [file(1)]);
    const p = parseBody(body);
    if (!p) throw new Error('unparsed');
    const at = (q: Partial<typeof p>) =>
      `e2e2:${q.key ?? p.key}:${q.nonce ?? p.nonce}:${q.ciphertext ?? p.ciphertext}:${q.signature ?? p.signature}`;
    for (const tampered of [
      at({ ciphertext: flip(p.ciphertext) }),
      at({ nonce: flip(p.nonce) }),
      at({ signature: flip(p.signature) }),
    ]) {
      expect(decryptMessage(tampered, ctx())).toEqual({ ok: false, reason: 'bad_signature' });
    }
    expect(decryptMessage(body, ctx({ channelId: OTHER_CH }))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('opens a well-formed payload sealed by hand, unknown fields ignored', () => {
    const body = sealRaw(JSON.stringify({ text: 'ok', files: [entry({ extra: 1 })], v: 3 }));
    expect(decryptMessage(body, ctx())).toEqual({
      ok: true,
      text: 'ok',
      verified: true,
      files: [
        {
          id: '01HZATTACHMENT000000000001',
          name: 'a.txt',
          type: 'text/plain',
          size: 3,
          key: new Uint8Array(32).fill(3),
        },
      ],
    });
  });

  it('refuses a payload that is not the spec’s JSON, as a message that cannot be read', () => {
    const files11 = Array.from({ length: 11 }, (_, i) =>
      entry({ id: `01HZATTACHMENT0000000000${String(i).padStart(2, '0')}` }),
    );
    const bad: unknown[] = [
      'not json',
      '"a string"',
      '[]',
      'null',
      { files: [] },
      { text: 3, files: [] },
      { text: 'a'.repeat(16 * 1024 + 1), files: [] },
      { text: 'x' },
      { text: 'x', files: {} },
      { text: 'x', files: files11 },
      { text: 'x', files: [null] },
      { text: 'x', files: ['a'] },
      { text: 'x', files: [entry({ id: undefined })] },
      { text: 'x', files: [entry({ id: '' })] },
      { text: 'x', files: [entry({ id: 7 })] },
      { text: 'x', files: [entry(), entry()] },
      { text: 'x', files: [entry({ name: '' })] },
      { text: 'x', files: [entry({ name: ['a'] })] },
      { text: 'x', files: [entry({ type: null })] },
      { text: 'x', files: [entry({ size: -1 })] },
      { text: 'x', files: [entry({ size: 1.5 })] },
      { text: 'x', files: [entry({ size: '3' })] },
      { text: 'x', files: [entry({ size: 2 ** 53 })] },
      { text: 'x', files: [entry({ key: b64(new Uint8Array(31)) })] },
      { text: 'x', files: [entry({ key: b64(new Uint8Array(33)) })] },
      { text: 'x', files: [entry({ key: 'not base64url!' })] },
      { text: 'x', files: [entry({ key: 12 })] },
    ];
    for (const payload of bad) {
      const body = sealRaw(typeof payload === 'string' ? payload : JSON.stringify(payload));
      expect(decryptMessage(body, ctx()), JSON.stringify(payload).slice(0, 80)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
    // The limits themselves are fine: 10 files, 16 KiB of text.
    const ten = files11.slice(0, 10);
    expect(
      decryptMessage(sealRaw(JSON.stringify({ text: 'é'.repeat(8192), files: ten })), ctx()),
    ).toMatchObject({ ok: true });
  });

  it('refuses to seal more than 10 files, a bad key, or more than 64 KiB', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => file(i));
    expect(() => post('x', eleven)).toThrow(expect.objectContaining({ code: 'malformed' }));
    expect(() => post('x', [file(1, { key: new Uint8Array(31) })])).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
    expect(() => post('é'.repeat(8193), [file(1)])).toThrow(
      expect.objectContaining({ code: 'too_long' }),
    );
    // 16 KiB of control characters: JSON escapes each in six bytes.
    expect(() => post('\u0001'.repeat(16 * 1024), [file(1)])).toThrow(
      expect.objectContaining({ code: 'too_long' }),
    );
    expect(decryptMessage(post('a'.repeat(16 * 1024), [file(1)]), ctx())).toMatchObject({
      ok: true,
    });
  });
});

describe('files: name and content records', () => {
  const TOKEN = 'q5e0VJk3n1Zr7aQmYyH9xA';
  const OTHER_TOKEN = 'AAAAAAAAAAAAAAAAAAAAAA';
  const keys = new Map<number, Uint8Array>([
    [1, new Uint8Array(32).fill(11)],
    [2, new Uint8Array(32).fill(12)],
  ]);
  const ctx = (o: Partial<RecordContext> = {}): RecordContext => ({
    workspaceId: WS,
    token: TOKEN,
    authorId: ALICE,
    key: (g) => keys.get(g),
    authorKeys: [alice.sign_public],
    ...o,
  });
  const name = (text: string, o: { g?: number; token?: string; by?: CreatedIdentity } = {}) =>
    sealFileName(
      keys.get(o.g ?? 1) ?? new Uint8Array(32),
      o.g ?? 1,
      WS,
      o.token ?? TOKEN,
      ALICE,
      text,
      (o.by ?? alice).secrets.signSecretKey,
    );
  const record = (o: Partial<ContentRecord> = {}): ContentRecord => ({
    key: new Uint8Array(32).fill(5),
    size: 70000,
    type: 'text/plain; charset=utf-8',
    mtime: 1764590400000,
    ...o,
  });
  const content = (r: ContentRecord, number = 3, g = 1) =>
    sealFileContent(
      keys.get(g) ?? new Uint8Array(32),
      g,
      WS,
      TOKEN,
      number,
      ALICE,
      r,
      alice.secrets.signSecretKey,
    );
  /** A version 1 text under the content AD, signed by Alice, around any plaintext. */
  const sealRaw = (plaintext: string, number = 3) =>
    sealedByAlice(
      1,
      keys.get(1) as Uint8Array,
      fileContentAd(WS, TOKEN, number, ALICE, 1),
      plaintext,
    );

  it('the strings are those of docs/armoured.md', () => {
    expect(fileNameAd('W1', TOKEN, 'U1', 3)).toBe(`ruche-files-name-v1\nW1\n${TOKEN}\nU1\n3`);
    expect(fileContentAd('W1', TOKEN, 7, 'U1', 3)).toBe(
      `ruche-files-content-v1\nW1\n${TOKEN}\n7\nU1\n3`,
    );
  });

  it('name tokens: 16 random bytes, unpadded base64url', () => {
    const a = newNameToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(unb64(a)).toHaveLength(16);
    expect(isNameToken(a)).toBe(true);
    expect(newNameToken()).not.toBe(a);
    for (const bad of [
      '',
      'AAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAB',
      'AAAAAAAAAAAAAAAAAAAA+A',
      'été.txt',
    ])
      expect(isNameToken(bad), bad).toBe(false);
  });

  it('a name: round trip, sealed as a version 1 text under its own AD', () => {
    for (const text of ['Compte rendu ✓.txt', 'été', 'a'.repeat(255), '.config', 'é'.repeat(127)]) {
      const sealed = name(text);
      expect(sealed.startsWith('e2e1:1:')).toBe(true);
      expect(openFileName(sealed, ctx())).toEqual({ ok: true, value: text, verified: true });
    }
    const ad = `ruche-files-name-v1\n${WS}\n${TOKEN}\n${ALICE}\n1`;
    expect(openChecked(name('plan.pdf'), ad, keys.get(1) as Uint8Array, alice.sign_public)).toBe(
      'plan.pdf',
    );
  });

  it('a name moved to another entry, workspace, author or generation does not open', () => {
    const sealed = name('Budget 2026.ods');
    const bad = { ok: false, reason: 'bad_signature' };
    expect(openFileName(sealed, ctx({ token: OTHER_TOKEN }))).toEqual(bad);
    expect(openFileName(sealed, ctx({ workspaceId: OTHER_CH }))).toEqual(bad);
    expect(openFileName(sealed, ctx({ authorId: BOB, authorKeys: [bob.sign_public] }))).toEqual(
      bad,
    );
    // Forged by a key holder in Alice's name.
    expect(openFileName(name('x', { by: mallory }), ctx())).toEqual(bad);
    const p = parseBody(sealed);
    if (!p) throw new Error('unparsed');
    const body = (q: Partial<typeof p>) =>
      `e2e1:${q.key ?? p.key}:${q.nonce ?? p.nonce}:${q.ciphertext ?? p.ciphertext}:${q.signature ?? p.signature}`;
    for (const tampered of [
      body({ key: 2 }),
      body({ ciphertext: flip(p.ciphertext) }),
      body({ nonce: flip(p.nonce) }),
      body({ signature: flip(p.signature) }),
    ]) {
      expect(openFileName(tampered, ctx())).toEqual(bad);
    }
    // Signed, but sealed under another key than the generation it names.
    expect(openFileName(sealed, ctx({ key: () => new Uint8Array(32).fill(99) }))).toEqual({
      ok: false,
      reason: 'undecryptable',
    });
    expect(
      openFileName(name('x', { g: 2 }), ctx({ key: (g) => (g === 1 ? keys.get(1) : undefined) })),
    ).toEqual({
      ok: false,
      reason: 'no_key',
    });
    // Not a version 1 text.
    expect(openFileName(sealed.replace(/^e2e1/, 'e2e2'), ctx())).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(openFileName('Budget 2026.ods', ctx())).toEqual({ ok: false, reason: 'malformed' });
  });

  it('checks the author with each of their known keys, and unverified when none is known', () => {
    const sealed = name('avant.txt');
    expect(openFileName(sealed, ctx({ authorKeys: [bob.sign_public, alice.sign_public] }))).toEqual(
      { ok: true, value: 'avant.txt', verified: true },
    );
    expect(openFileName(sealed, ctx({ authorKeys: [] }))).toEqual({
      ok: true,
      value: 'avant.txt',
      verified: false,
    });
  });

  it('refuses to seal, and to open, a name the Files rules refuse', () => {
    const bad = [
      '',
      '.',
      '..',
      'a/b',
      'a\\b',
      'a\u0000b',
      'a\nb',
      '\u007f',
      '\u0085',
      'e\u0301t\u00e9',
      'a'.repeat(256),
      'é'.repeat(128),
    ];
    /** A name record around any bytes, signed by Alice (what a broken browser could send). */
    const nameRaw = (plain: string | Uint8Array) =>
      sealedByAlice(1, keys.get(1) as Uint8Array, fileNameAd(WS, TOKEN, ALICE, 1), plain);
    for (const text of [...bad, '\ud800x']) {
      expect(isValidFileName(text), JSON.stringify(text)).toBe(false);
      expect(() => name(text), JSON.stringify(text)).toThrow(
        expect.objectContaining({ code: 'malformed' }),
      );
    }
    // Sealed by a broken browser: not opened either.
    for (const text of bad) {
      expect(openFileName(nameRaw(text), ctx()), JSON.stringify(text)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
    // Bytes that are not UTF-8 are no name.
    expect(openFileName(nameRaw(new Uint8Array([0x61, 0xff, 0x62])), ctx())).toMatchObject({
      ok: false,
    });
    expect(openFileName(nameRaw('bon nom.txt'), ctx())).toMatchObject({ ok: true });
    expect(() => name('ok.txt', { token: 'not-a-token' })).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
  });

  it('a content record: round trip, the spec’s JSON in its order', () => {
    const r = record();
    const sealed = content(r);
    expect(openFileContent(sealed, { ...ctx(), number: 3 })).toEqual({
      ok: true,
      value: r,
      verified: true,
    });
    const plain = openChecked(
      sealed,
      `ruche-files-content-v1\n${WS}\n${TOKEN}\n3\n${ALICE}\n1`,
      keys.get(1) as Uint8Array,
      alice.sign_public,
    );
    expect(plain).toBe(
      `{"key":"${b64(new Uint8Array(32).fill(5))}","size":70000,"type":"text/plain; charset=utf-8","mtime":1764590400000}`,
    );
    // mtime is optional.
    const bare = record({ mtime: undefined });
    delete bare.mtime;
    expect(openFileContent(content(bare, 1), { ...ctx(), number: 1 })).toEqual({
      ok: true,
      value: bare,
      verified: true,
    });
  });

  it('a content record moved to another version, file, author or generation does not open', () => {
    const sealed = content(record(), 3);
    const bad = { ok: false, reason: 'bad_signature' };
    expect(openFileContent(sealed, { ...ctx(), number: 4 })).toEqual(bad);
    expect(openFileContent(sealed, { ...ctx(), number: 2 })).toEqual(bad);
    expect(openFileContent(sealed, { ...ctx({ token: OTHER_TOKEN }), number: 3 })).toEqual(bad);
    expect(openFileContent(sealed, { ...ctx({ workspaceId: OTHER_CH }), number: 3 })).toEqual(bad);
    expect(
      openFileContent(sealed, {
        ...ctx({ authorId: BOB, authorKeys: [bob.sign_public] }),
        number: 3,
      }),
    ).toEqual(bad);
    // A name record is not a content record (another domain), nor the other way round.
    expect(openFileContent(name('a.txt'), { ...ctx(), number: 3 })).toEqual(bad);
    expect(openFileName(sealed, ctx())).toEqual(bad);
    const p = parseBody(sealed);
    if (!p) throw new Error('unparsed');
    expect(
      openFileContent(`e2e1:2:${p.nonce}:${p.ciphertext}:${p.signature}`, { ...ctx(), number: 3 }),
    ).toEqual(bad);
    expect(
      openFileContent(`e2e1:1:${p.nonce}:${flip(p.ciphertext)}:${p.signature}`, {
        ...ctx(),
        number: 3,
      }),
    ).toEqual(bad);
    expect(
      openFileContent(`e2e1:1:${p.nonce}:${p.ciphertext}:${flip(p.signature, 9)}`, {
        ...ctx(),
        number: 3,
      }),
    ).toEqual(bad);
  });

  it('refuses to seal a record that is not one, and to open a plaintext that is not the spec’s JSON', () => {
    for (const r of [
      record({ key: new Uint8Array(31) }),
      record({ size: -1 }),
      record({ size: 1.5 }),
      record({ type: '' }),
      record({ type: 'text/plain\n' }),
      record({ type: 'image/pngé' }),
      record({ mtime: -3 }),
    ]) {
      expect(() => content(r)).toThrow(expect.objectContaining({ code: 'malformed' }));
    }
    expect(() => content(record(), 0)).toThrow(expect.objectContaining({ code: 'malformed' }));
    const k = b64(new Uint8Array(32).fill(5));
    const bad: unknown[] = [
      'not json',
      '[]',
      'null',
      { size: 1, type: 'a/b' },
      { key: k, type: 'a/b' },
      { key: k, size: 1 },
      { key: k, size: 1, type: 'a/b', extra: true },
      { key: k, size: '1', type: 'a/b' },
      { key: k, size: 2 ** 53, type: 'a/b' },
      { key: k, size: 1, type: 7 },
      { key: k, size: 1, type: '' },
      { key: k, size: 1, type: 'a/b', mtime: 'today' },
      { key: k, size: 1, type: 'a/b', mtime: null },
      { key: b64(new Uint8Array(33)), size: 1, type: 'a/b' },
      { key: 'not base64url!', size: 1, type: 'a/b' },
    ];
    for (const payload of bad) {
      const body = sealRaw(typeof payload === 'string' ? payload : JSON.stringify(payload));
      expect(openFileContent(body, { ...ctx(), number: 3 }), JSON.stringify(payload)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
    expect(
      openFileContent(sealRaw(JSON.stringify({ key: k, size: 0, type: 'a/b', mtime: 0 })), {
        ...ctx(),
        number: 3,
      }),
    ).toMatchObject({ ok: true });
  });

  it('a record by someone who replaced their keys since still opens with their previous key', () => {
    const sealed = content(record(), 2);
    // As the key manager lists them: current (new) keys first, then the replaced ones.
    const authorKeys = [mallory.sign_public, alice.sign_public];
    expect(openFileContent(sealed, { ...ctx({ authorKeys }), number: 2 })).toMatchObject({
      ok: true,
      verified: true,
    });
    expect(
      openFileContent(sealed, { ...ctx({ authorKeys: [mallory.sign_public] }), number: 2 }),
    ).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });
});

describe('calendar: an attendee’s answers to single occurrences (docs/armoured.md, "Attendees")', () => {
  const TOKEN = 'q5e0VJk3n1Zr7aQmYyH9xA';
  const OTHER_TOKEN = 'AAAAAAAAAAAAAAAAAAAAAA';
  const key = new Uint8Array(32).fill(21);
  /** Alice, the attendee, opening her own answers (or, with `o`, someone else's). */
  const ctx = (o: Partial<RecordContext> = {}): RecordContext => ({
    workspaceId: WS,
    token: TOKEN,
    authorId: ALICE,
    key: (g) => (g === 1 ? key : undefined),
    authorKeys: [alice.sign_public],
    ...o,
  });
  const ANSWERS: EventAnswer[] = [
    { recurrence_id: '2027-03-08T09:00:00.000Z', partstat: 'declined' },
    { recurrence_id: '2027-03-15T09:00:00.000Z', partstat: 'tentative' },
  ];
  const seal = (
    answers: readonly EventAnswer[],
    o: { token?: string; by?: CreatedIdentity } = {},
  ) =>
    sealEventAnswers(
      key,
      1,
      WS,
      o.token ?? TOKEN,
      ALICE,
      answers,
      (o.by ?? alice).secrets.signSecretKey,
    );
  /** A version 1 text under the answers' AD (or `ad`), signed by Alice, around any plaintext. */
  const sealRaw = (plaintext: string, ad = eventAnswersAd(WS, TOKEN, ALICE, 1)) =>
    sealedByAlice(1, key, ad, plaintext);
  const day = (n: number) => new Date(Date.UTC(2027, 0, 1) + n * 86_400_000).toISOString();
  const many = (n: number): EventAnswer[] =>
    Array.from({ length: n }, (_, i) => ({ recurrence_id: day(i), partstat: 'accepted' }));

  it('round trip: the spec’s JSON sealed by the attendee under the answers’ AD', () => {
    const sealed = seal(ANSWERS);
    expect(sealed.startsWith('e2e1:1:')).toBe(true);
    expect(openEventAnswers(sealed, ctx())).toEqual({ ok: true, value: ANSWERS, verified: true });
    const ad = `ruche-calendar-answers-v1\n${WS}\n${TOKEN}\n${ALICE}\n1`;
    expect(openChecked(sealed, ad, key, alice.sign_public)).toBe(
      '{"answers":[{"recurrence_id":"2027-03-08T09:00:00.000Z","partstat":"declined"},' +
        '{"recurrence_id":"2027-03-15T09:00:00.000Z","partstat":"tentative"}]}',
    );
    // All day: dates; none at all; other fields (a later version's) ignored.
    const dates: EventAnswer[] = [{ recurrence_id: '2027-03-08', partstat: 'accepted' }];
    expect(openEventAnswers(seal(dates), ctx())).toMatchObject({ ok: true, value: dates });
    expect(openEventAnswers(seal([]), ctx())).toMatchObject({ ok: true, value: [] });
    const later = sealRaw(JSON.stringify({ answers: dates, note: 'x' }));
    expect(openEventAnswers(later, ctx())).toMatchObject({ ok: true, value: dates });
  });

  it('does not open for another event or attendee, forged, or under a card’s domain', () => {
    const bad = { ok: false, reason: 'bad_signature' };
    const sealed = seal(ANSWERS);
    expect(openEventAnswers(sealed, ctx({ token: OTHER_TOKEN }))).toEqual(bad);
    expect(openEventAnswers(sealed, ctx({ authorId: BOB, authorKeys: [bob.sign_public] }))).toEqual(
      bad,
    );
    // Signed by a key holder in Alice's name.
    expect(openEventAnswers(seal(ANSWERS, { by: mallory }), ctx())).toEqual(bad);
    // The same JSON sealed as the event's card (another domain).
    const card = sealRaw(JSON.stringify({ answers: ANSWERS }), eventCardAd(WS, TOKEN, ALICE, 1));
    expect(openEventAnswers(card, ctx())).toEqual(bad);
    const p = parseBody(sealed);
    if (!p) throw new Error('unparsed');
    expect(openEventAnswers(sealed.replace(p.ciphertext, flip(p.ciphertext)), ctx())).toEqual(bad);
    expect(openEventAnswers(sealed.replace(/^e2e1/, 'e2e2'), ctx())).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('keeps the limits sealing and opening: 1,000 at most, no occurrence twice, the three answers', () => {
    expect(openEventAnswers(seal(many(MAX_EVENT_ANSWERS)), ctx())).toMatchObject({ ok: true });
    const refused: unknown[] = [
      many(MAX_EVENT_ANSWERS + 1),
      // The same instant however written, or the same date.
      [...ANSWERS, { recurrence_id: '2027-03-08T10:00:00+01:00', partstat: 'accepted' }],
      [...ANSWERS, { recurrence_id: '2027-03-08T09:00:00.000Z', partstat: 'accepted' }],
      [
        { recurrence_id: '2027-03-08', partstat: 'accepted' },
        { recurrence_id: '2027-03-08', partstat: 'declined' },
      ],
      [{ recurrence_id: '2027-03-08T09:00:00.000Z', partstat: 'needs-action' }],
      [{ recurrence_id: '2027-02-30', partstat: 'accepted' }],
      [{ recurrence_id: 'next monday', partstat: 'accepted' }],
    ];
    for (const answers of refused) {
      expect(() => seal(answers as EventAnswer[])).toThrow(
        expect.objectContaining({ code: 'malformed' }),
      );
      expect(openEventAnswers(sealRaw(JSON.stringify({ answers })), ctx())).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
    for (const plaintext of ['not json', '[]', '{}', '{"answers":[1]}', '{"answers":{}}'])
      expect(openEventAnswers(sealRaw(plaintext), ctx())).toEqual({
        ok: false,
        reason: 'malformed',
      });
    expect(() => seal(ANSWERS, { token: 'not a token' })).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
  });
});

describe('resumable uploads kept in the browser (docs/armoured.md, "Large files")', () => {
  const URL = '/api/v1/uploads/01HZUPLOAD00000000000000001';
  const OTHER_URL = '/api/v1/uploads/01HZUPLOAD00000000000000002';
  const TOKEN = 'q5e0VJk3n1Zr7aQmYyH9xA';
  const keys = new Map<number, Uint8Array>([
    [1, new Uint8Array(32).fill(21)],
    [2, new Uint8Array(32).fill(22)],
  ]);
  const kept = (o: Partial<UploadResume> = {}): UploadResume => ({
    name: 'Relevé de comptes.pdf',
    path: 'banque/Relevé de comptes.pdf',
    parentId: '01HZFOLDER0000000000000001',
    token: TOKEN,
    replaces: null,
    replace: false,
    content: {
      key: new Uint8Array(32).fill(5),
      size: 9_437_307,
      type: 'application/pdf',
      mtime: 1764590400000,
    },
    ...o,
  });
  const seal = (r = kept(), o: { url?: string; g?: number; ws?: string; by?: string } = {}) =>
    sealUploadResume(
      keys.get(o.g ?? 2) as Uint8Array,
      o.g ?? 2,
      o.ws ?? WS,
      o.by ?? ALICE,
      o.url ?? URL,
      r,
      alice.secrets.signSecretKey,
    );
  const ctx = (o: Partial<ResumeContext> = {}): ResumeContext => ({
    workspaceId: WS,
    authorId: ALICE,
    url: URL,
    key: (g) => keys.get(g),
    authorKeys: [alice.sign_public],
    ...o,
  });

  it('the additional data names the purpose, the workspace, the person and the URL', () => {
    expect(uploadResumeAd('W1', 'U1', '/api/v1/uploads/X', 3)).toBe(
      'ruche-upload-resume-v1\nW1\nU1\n/api/v1/uploads/X\n3',
    );
  });

  it('seals the record, content key included, never in clear; opens it for that upload only', () => {
    const r = kept({ replaces: 'f9', replace: true, versionOf: 'f9' });
    const sealed = seal(r);
    expect(sealed.startsWith('e2e1:2:')).toBe(true);
    for (const clear of ['Relevé', 'banque', TOKEN, b64(r.content.key), 'application/pdf'])
      expect(sealed.includes(clear), clear).toBe(false);
    // As the spec says: a sealed text under that AD, signed by its author.
    const json = JSON.parse(
      openChecked(
        sealed,
        uploadResumeAd(WS, ALICE, URL, 2),
        keys.get(2) as Uint8Array,
        alice.sign_public,
      ),
    ) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'name',
      'path',
      'parent_id',
      'token',
      'replaces',
      'replace',
      'version_of',
      'content',
    ]);
    expect(openUploadResume(sealed, ctx())).toEqual({ ok: true, value: r, verified: true });
    // A new file, without version_of.
    expect(openUploadResume(seal(), ctx())).toEqual({ ok: true, value: kept(), verified: true });
  });

  it('does not open for another workspace, person or upload URL, nor changed', () => {
    const sealed = seal();
    // Both bind it: the signature (over the additional data) and the tag, checked alone.
    const refused = (c: ResumeContext) => [
      openUploadResume(sealed, c),
      openUploadResume(sealed, { ...c, authorKeys: [] }),
    ];
    const both = [
      { ok: false, reason: 'bad_signature' },
      { ok: false, reason: 'undecryptable' },
    ];
    expect(refused(ctx({ workspaceId: OTHER_CH }))).toEqual(both);
    expect(refused(ctx({ url: OTHER_URL }))).toEqual(both);
    expect(refused(ctx({ authorId: BOB }))).toEqual(both);
    // Swapped between two records: each opens for its own URL only.
    const other = seal(kept(), { url: OTHER_URL });
    expect(openUploadResume(other, ctx())).toEqual(both[0]);
    expect(openUploadResume(other, ctx({ authorKeys: [] }))).toEqual(both[1]);
    expect(openUploadResume(other, ctx({ url: OTHER_URL })).ok).toBe(true);
    // Signed by someone else's key: not ours.
    expect(openUploadResume(sealed, ctx({ authorKeys: [mallory.sign_public] }))).toEqual(both[0]);
    const p = parseBody(sealed);
    if (!p) throw new Error('unparsed');
    expect(
      openUploadResume(
        `e2e1:2:${p.nonce}:${flip(p.ciphertext)}:${p.signature}`,
        ctx({ authorKeys: [] }),
      ),
    ).toEqual(both[1]);
    // Under another generation than the one it names.
    expect(openUploadResume(`e2e1:1:${p.nonce}:${p.ciphertext}:${p.signature}`, ctx())).toEqual(
      both[0],
    );
    // The keys gone (a new identity): it does not open.
    expect(openUploadResume(sealed, ctx({ key: () => undefined }))).toEqual({
      ok: false,
      reason: 'no_key',
    });
    expect(openUploadResume(`e2e2:2:${p.nonce}:${p.ciphertext}:${p.signature}`, ctx())).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('refuses what is not exactly a kept record, sealing and opening', () => {
    expect(() => seal(kept({ name: 'a/b' }))).toThrow(/not a valid file name/);
    expect(() => seal(kept({ token: 'not a token' }))).toThrow(/not a name token/);
    expect(() => seal(kept({ content: { key: new Uint8Array(3), size: 1, type: 'a/b' } }))).toThrow(
      /not a content record/,
    );
    const key = keys.get(2) as Uint8Array;
    const ad = uploadResumeAd(WS, ALICE, URL, 2);
    const good = JSON.parse(openChecked(seal(), ad, key, alice.sign_public)) as Record<
      string,
      unknown
    >;
    for (const payload of [
      { ...good, extra: 1 },
      { ...good, name: '..' },
      { ...good, token: 'short' },
      { ...good, replaces: 7 },
      { ...good, replace: 'no' },
      { ...good, content: { ...(good.content as object), key: 'AAAA' } },
      { ...good, content: { ...(good.content as object), secret: 1 } },
    ]) {
      const nonce = sodium.randombytes_buf(24);
      const ct = b64(
        sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
          JSON.stringify(payload),
          ad,
          null,
          nonce,
          key,
        ),
      );
      const sig = b64(
        sodium.crypto_sign_detached(messageSigned(ad, b64(nonce), ct), alice.secrets.signSecretKey),
      );
      expect(
        openUploadResume(`e2e1:2:${b64(nonce)}:${ct}:${sig}`, ctx()),
        JSON.stringify(payload),
      ).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});

describe('attachment contents', () => {
  const bytes = (n: number, seed = 0) => new Uint8Array(n).map((_, i) => (i * 31 + seed) % 256);
  const PIECE = 64 * 1024;
  const { TAG_MESSAGE, TAG_FINAL } = {
    TAG_MESSAGE: 0,
    TAG_FINAL: 3,
  };
  /** A stream of chosen pieces and tags, with libsodium's own push. */
  const stream = (key: Uint8Array, pieces: [Uint8Array, number][]) => {
    const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
    return concatBytes(
      header,
      ...pieces.map(([m, tag]) =>
        sodium.crypto_secretstream_xchacha20poly1305_push(state, m, null, tag),
      ),
    );
  };
  const refuses = (f: () => Promise<unknown>) =>
    expect(f()).rejects.toMatchObject({ code: 'bad_file' });

  it('takes 24 + s + 17 per 64 KiB piece (at least one)', () => {
    expect(TAG_MESSAGE).toBe(sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    expect(TAG_FINAL).toBe(sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL);
    expect(sealedFileSize(0)).toBe(41);
    expect(sealedFileSize(1)).toBe(42);
    expect(sealedFileSize(PIECE)).toBe(24 + PIECE + 17);
    expect(sealedFileSize(PIECE + 1)).toBe(24 + PIECE + 1 + 34);
    expect(sealedFileSize(70000)).toBe(70058);
    expect(sealedFileSize(100 * 1024 * 1024)).toBe(24 + 100 * 1024 * 1024 + 17 * 1600);
  });

  it('round trip, at the piece boundaries and at those of the 4 MiB reads', async () => {
    const READ = 64 * PIECE;
    for (const n of [
      0,
      1,
      PIECE - 1,
      PIECE,
      PIECE + 1,
      2 * PIECE,
      200_000,
      READ - 1,
      READ,
      READ + 1,
    ]) {
      const plain = bytes(n, n);
      const { key, sealed } = await sealBytes(plain);
      expect(key).toHaveLength(32);
      expect(sealed).toHaveLength(sealedFileSize(n));
      expect(b64(await openBytes(sealed, key, n))).toBe(b64(plain));
    }
  });

  it('a fresh key and header each time; pieces tagged MESSAGE then FINAL', async () => {
    const plain = bytes(PIECE + 10);
    const a = await sealBytes(plain);
    const b = await sealBytes(plain);
    expect(b64(a.key)).not.toBe(b64(b.key));
    expect(b64(a.sealed.subarray(0, 24))).not.toBe(b64(b.sealed.subarray(0, 24)));
    const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(
      a.sealed.subarray(0, 24),
      a.key,
    );
    const first = sodium.crypto_secretstream_xchacha20poly1305_pull(
      state,
      a.sealed.subarray(24, 24 + PIECE + 17),
      null,
    );
    const last = sodium.crypto_secretstream_xchacha20poly1305_pull(
      state,
      a.sealed.subarray(24 + PIECE + 17),
      null,
    );
    expect(first && [first.message.length, first.tag]).toEqual([PIECE, TAG_MESSAGE]);
    expect(last && [last.message.length, last.tag]).toEqual([10, TAG_FINAL]);
  });

  it('refuses a changed byte: header, piece, tag', async () => {
    const plain = bytes(PIECE + 100);
    const { key, sealed } = await sealBytes(plain);
    for (const at of [
      0,
      23,
      24,
      24 + 500,
      24 + PIECE + 16,
      24 + PIECE + 17 + 1,
      sealed.length - 1,
    ]) {
      const changed = sealed.slice();
      changed[at] = (changed[at] ?? 0) ^ 1;
      await refuses(() => openBytes(changed, key, plain.length));
    }
  });

  it('refuses another key, and a key of the wrong size', async () => {
    const { sealed } = await sealBytes(bytes(100));
    await refuses(() => openBytes(sealed, new Uint8Array(32), 100));
    await refuses(() => openBytes(sealed, new Uint8Array(31), 100));
  });

  it('refuses reordered pieces', async () => {
    const plain = bytes(2 * PIECE + 5);
    const { key, sealed } = await sealBytes(plain);
    const p = PIECE + 17;
    const swapped = sealed.slice();
    swapped.set(sealed.subarray(24 + p, 24 + 2 * p), 24);
    swapped.set(sealed.subarray(24, 24 + p), 24 + p);
    await refuses(() => openBytes(swapped, key, plain.length));
  });

  it('refuses a stream cut short, even at a piece boundary with a matching size', async () => {
    const plain = bytes(2 * PIECE + 5);
    const { key, sealed } = await sealBytes(plain);
    // The last piece dropped: what is left ends with a MESSAGE piece.
    await refuses(() => openBytes(sealed.subarray(0, 24 + 2 * (PIECE + 17)), key, 2 * PIECE));
    await refuses(() => openBytes(sealed.subarray(0, sealed.length - 1), key, plain.length));
    await refuses(() => openBytes(sealed.subarray(0, sealed.length - 1), key, plain.length - 1));
    // A stream that never says FINAL.
    const k = new Uint8Array(32).fill(8);
    await refuses(() => openBytes(stream(k, [[bytes(100), TAG_MESSAGE]]), k, 100));
    await refuses(() =>
      openBytes(
        stream(k, [
          [bytes(PIECE), TAG_MESSAGE],
          [bytes(10), TAG_MESSAGE],
        ]),
        k,
        PIECE + 10,
      ),
    );
    // The same well made opens.
    expect(
      await openBytes(
        stream(k, [
          [bytes(PIECE), TAG_MESSAGE],
          [bytes(10), TAG_FINAL],
        ]),
        k,
        PIECE + 10,
      ),
    ).toHaveLength(PIECE + 10);
  });

  it('refuses bytes after the FINAL piece', async () => {
    const k = new Uint8Array(32).fill(9);
    // A FINAL piece, then more (libsodium lets a stream go on after FINAL).
    await refuses(() =>
      openBytes(
        stream(k, [
          [bytes(PIECE), TAG_FINAL],
          [bytes(10), TAG_FINAL],
        ]),
        k,
        PIECE + 10,
      ),
    );
    const { key, sealed } = await sealBytes(bytes(100));
    const longer = new Uint8Array(sealed.length + 17);
    longer.set(sealed);
    await refuses(() => openBytes(longer, key, 100));
    await refuses(() => openBytes(longer, key, 117));
  });

  it('refuses an opened size other than the sealed one', async () => {
    const { key, sealed } = await sealBytes(bytes(1000));
    await refuses(() => openBytes(sealed, key, 999));
    await refuses(() => openBytes(sealed, key, 1001));
    await refuses(() => openBytes(sealed, key, -1));
    await refuses(() => openBytes(sealed, key, 1000.5));
    await refuses(() => openBytes(new Uint8Array(0), key, 0));
  });
});

describe('channel keys (docs/armoured.md, "Channel keys")', () => {
  const PRIV = '01HZPRIVATE000000000000000';
  const IN_PRIV = { workspaceId: WS, channelId: PRIV };
  const members = () => [member(ALICE, alice), member(BOB, bob)];
  const channelKey = new Uint8Array(32).fill(21);
  const workspaceKey = new Uint8Array(32).fill(12);
  /** Bob reading in the private channel: the workspace's generation 1, the channel's 2. */
  const ctx = (o: Partial<MessageContext> = {}): MessageContext => ({
    workspaceId: WS,
    channelId: PRIV,
    authorId: ALICE,
    key: (g) => (g === 1 ? workspaceKey : undefined),
    channelKey: (g) => (g === 2 ? channelKey : undefined),
    authorKeys: [alice.sign_public],
    ...o,
  });
  const post = (text: string, ref: KeyRef = 'c2', files?: SealedFile[]) =>
    encryptMessage(
      typeof ref === 'number' ? workspaceKey : channelKey,
      ref,
      WS,
      PRIV,
      ALICE,
      text,
      alice.secrets.signSecretKey,
      files,
    );

  it('the strings: the channel envelope’s domain, the reference as written in the AD', () => {
    expect(envelopeSigned({ workspaceId: 'W1', channelId: 'C9' }, 3, 'U2', 'SEALED_b64-x')).toBe(
      'ruche-armour-channel-envelope-v1\nW1\nC9\n3\nU2\nSEALED_b64-x',
    );
    expect(messageAd(1, 'W1', 'C1', 'U3', 'c12')).toBe('ruche-chat-v1\nW1\nC1\nU3\nc12');
    expect(messageAd(2, 'W1', 'C1', 'U3', 'c12')).toBe('ruche-chat-v2\nW1\nC1\nU3\nc12');
    expect(keyRef(IN_PRIV, 4)).toBe('c4');
    expect(keyRef(IN_WS, 4)).toBe(4);
    expect(splitKeyRef('c40')).toEqual({ channel: true, generation: 40 });
    expect(splitKeyRef(40)).toEqual({ channel: false, generation: 40 });
  });

  it('parses "c" references, and nothing else but digits', () => {
    expect(parseBody('e2e1:c3:AA:BB:CC')).toMatchObject({ version: 1, key: 'c3', nonce: 'AA' });
    expect(parseBody('e2e2:c123456789:AA:BB:CC')).toMatchObject({ version: 2, key: 'c123456789' });
    expect(parseBody('e2e1:3:AA:BB:CC')).toMatchObject({ key: 3 });
    for (const bad of [
      'e2e1:c0:A:B:C',
      'e2e1:C3:A:B:C',
      'e2e1:cc3:A:B:C',
      'e2e1:c:A:B:C',
      'e2e1:3c:A:B:C',
      'e2e1:c03:A:B:C',
    ])
      expect(parseBody(bad), bad).toBeNull();
  });

  it('envelopes: round trip in the channel’s domain', () => {
    const env = sealEnvelope(channelKey, IN_PRIV, 2, member(BOB, bob), alice.secrets);
    const signed = `ruche-armour-channel-envelope-v1\n${WS}\n${PRIV}\n2\n${BOB}\n${env.sealed}`;
    expect(
      sodium.crypto_sign_verify_detached(unb64(env.signature), signed, unb64(alice.sign_public)),
    ).toBe(true);
    const opened = openEnvelope(
      { generation: 2, ...env, created_by: ALICE },
      IN_PRIV,
      bob.secrets,
      members(),
    );
    expect(b64(opened)).toBe(b64(channelKey));
  });

  it('no envelope passes for the other kind, nor for another channel', () => {
    const bad = expect.objectContaining({ code: 'bad_signature' });
    const ws = sealEnvelope(workspaceKey, IN_WS, 1, member(BOB, bob), alice.secrets);
    // A workspace envelope handed out as the channel's:
    expect(() =>
      openEnvelope({ generation: 1, ...ws, created_by: ALICE }, IN_PRIV, bob.secrets, members()),
    ).toThrow(bad);
    // A channel envelope handed out as the workspace's:
    const ch = sealEnvelope(channelKey, IN_PRIV, 1, member(BOB, bob), alice.secrets);
    expect(() =>
      openEnvelope({ generation: 1, ...ch, created_by: ALICE }, IN_WS, bob.secrets, members()),
    ).toThrow(bad);
    // Another channel's:
    expect(() =>
      openEnvelope(
        { generation: 1, ...ch, created_by: ALICE },
        { workspaceId: WS, channelId: '01HZPRIVATE000000000000001' },
        bob.secrets,
        members(),
      ),
    ).toThrow(bad);
    // Each opens where it belongs.
    expect(
      b64(openEnvelope({ generation: 1, ...ws, created_by: ALICE }, IN_WS, bob.secrets, members())),
    ).toBe(b64(workspaceKey));
  });

  it('a message sealed with the channel’s key: "c" g, in the AD and the signature', () => {
    const body = post('entre nous');
    expect(body.startsWith('e2e1:c2:')).toBe(true);
    const ad = `ruche-chat-v1\n${WS}\n${PRIV}\n${ALICE}\nc2`;
    expect(openChecked(body, ad, channelKey, alice.sign_public)).toBe('entre nous');
    expect(decryptMessage(body, ctx())).toEqual({ ok: true, text: 'entre nous', verified: true });
    // Version 2 as well.
    const files = [{ id: 'A1', name: 'a.txt', type: 'text/plain', size: 1, key: channelKey }];
    const v2 = post('avec pièce jointe', 'c2', files);
    expect(v2.startsWith('e2e2:c2:')).toBe(true);
    expect(decryptMessage(v2, ctx())).toMatchObject({ ok: true, files });
  });

  it('opens the workspace’s messages of a private channel with the workspace’s key', () => {
    const old = post('avant les clés de canal', 1);
    expect(old.startsWith('e2e1:1:')).toBe(true);
    expect(decryptMessage(old, ctx())).toEqual({
      ok: true,
      text: 'avant les clés de canal',
      verified: true,
    });
  });

  it('refuses a channel reference where the channel has no key of its own (public)', () => {
    const body = post('dans un canal public ?');
    const publicChannel: MessageContext = { ...ctx(), channelKey: undefined };
    expect(decryptMessage(body, publicChannel)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('a reference rewritten from one key to the other breaks the signature', () => {
    const p = parseBody(post('réécrit'));
    if (!p) throw new Error('unparsed');
    const moved = `e2e1:2:${p.nonce}:${p.ciphertext}:${p.signature}`;
    // The workspace's generation 2 (same bytes as the channel's here): still refused.
    expect(decryptMessage(moved, ctx({ key: () => channelKey }))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    const q = parseBody(post('réécrit', 1));
    if (!q) throw new Error('unparsed');
    const asChannel = `e2e1:c1:${q.nonce}:${q.ciphertext}:${q.signature}`;
    expect(decryptMessage(asChannel, ctx({ channelKey: () => workspaceKey }))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    // Unsigned check: the tag refuses it too.
    expect(decryptMessage(moved, ctx({ key: () => channelKey, authorKeys: [] }))).toEqual({
      ok: false,
      reason: 'undecryptable',
    });
  });

  it('a channel generation not held is no_key; a file record with a channel reference is malformed', () => {
    expect(decryptMessage(post('g3', 'c3'), ctx())).toEqual({ ok: false, reason: 'no_key' });
    const sealed = sealFileName(
      channelKey,
      1,
      WS,
      'AAAAAAAAAAAAAAAAAAAAAA',
      ALICE,
      'nom.txt',
      alice.secrets.signSecretKey,
    );
    const p = parseBody(sealed);
    if (!p) throw new Error('unparsed');
    const asChannel = `e2e1:c1:${p.nonce}:${p.ciphertext}:${p.signature}`;
    const rc: RecordContext = {
      workspaceId: WS,
      token: 'AAAAAAAAAAAAAAAAAAAAAA',
      authorId: ALICE,
      key: () => channelKey,
      authorKeys: [alice.sign_public],
    };
    expect(openFileName(sealed, rc)).toMatchObject({ ok: true, value: 'nom.txt' });
    expect(openFileName(asChannel, rc)).toEqual({ ok: false, reason: 'malformed' });
  });
});
