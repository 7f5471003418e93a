// Saving an identity to a file and bringing it to another account
// (docs/armoured.md, "Saving and bringing your keys"): the file's format,
// the crypto that opens it with the file's user id and seals it again for
// this account's, and the identity store that sends it (replace only when
// the keys differ).
import sodium from 'libsodium-wrappers-sumo';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import type { ArmourIdentity, ArmourIdentityChange } from '../api/types';
import {
  adoptIdentity,
  createIdentity,
  ready,
  unlockIdentity,
  type CreatedIdentity,
} from './crypto';
import {
  MAX_IDENTITY_FILE_BYTES,
  formatIdentityFile,
  formatSealedSecret,
  identityAd,
  identityFileName,
  isArmourError,
  parseIdentityFile,
  parseSealedSecret,
} from './format';
import { IdentityStore, type IdentityApi } from './identity';

/** The account the keys were saved on (another instance's id), and the one they are brought to. */
const THERE = '01HZTHERE0000000000000000T';
const HERE = '01HZHERE00000000000000000H';
const PASS = 'la clé de Basile est longue';
const ORIGIN = 'https://ruche.example.org';
const SAVED_AT = new Date('2025-03-14T09:26:53.000Z');
const SLOW = 30_000;

const URLSAFE = () => sodium.base64_variants.URLSAFE_NO_PADDING;
const b64 = (b: Uint8Array) => sodium.to_base64(b, URLSAFE());
const unb64 = (s: string) => sodium.from_base64(s, URLSAFE());

let basile: CreatedIdentity;
let other: CreatedIdentity;

beforeAll(async () => {
  await ready();
  basile = createIdentity(THERE, PASS);
  other = createIdentity(HERE, 'une autre phrase de passe');
});

/** The file Basile saved where his id is THERE. */
const savedText = (record: CreatedIdentity = basile, userId = THERE) =>
  formatIdentityFile(userId, record, SAVED_AT, ORIGIN);

/** Why parsing refuses a text: the ArmourError code, or 'accepted'. */
function refusal(text: string): string {
  try {
    parseIdentityFile(text);
    return 'accepted';
  } catch (e) {
    return isArmourError(e) ? e.code : 'thrown';
  }
}

/** The saved file as an object, with `change` applied, as text. */
function edited(change: (o: Record<string, unknown>) => void): string {
  const o = JSON.parse(savedText()) as Record<string, unknown>;
  change(o);
  return JSON.stringify(o);
}

/** The AEAD of a sealed secret opened by hand (docs/armoured.md, "Identity"), or null. */
function openByHand(sealedSecret: string, passphrase: string, ad: string): Uint8Array | null {
  const p = parseSealedSecret(sealedSecret);
  if (!p) return null;
  const key = sodium.crypto_pwhash(
    32,
    passphrase,
    unb64(p.salt),
    p.opslimit,
    p.memlimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      unb64(p.sealed),
      ad,
      unb64(p.nonce),
      key,
    );
  } catch {
    return null;
  }
}

describe('the saved identity file', () => {
  it('holds the record, the user id it was sealed for, when and where; named by the day', () => {
    const o = JSON.parse(savedText()) as Record<string, unknown>;
    expect(o).toEqual({
      format: 'ruche-armour-identity',
      version: 1,
      user_id: THERE,
      box_public: basile.box_public,
      sign_public: basile.sign_public,
      sealed_secret: basile.sealed_secret,
      saved_at: '2025-03-14T09:26:53.000Z',
      origin: ORIGIN,
    });
    expect(parseIdentityFile(savedText())).toEqual(o);
    expect(identityFileName(new Date(2025, 2, 4, 23, 59))).toBe('ruche-cles-2025-03-04.json');
  });

  it('refuses another format, another version, broken keys or secrets, and oversized files', () => {
    expect(refusal(savedText())).toBe('accepted');
    const refused = [
      'not json',
      '[]',
      'null',
      edited((o) => (o.format = 'ruche-export')),
      edited((o) => delete o.format),
      edited((o) => (o.version = 2)),
      edited((o) => (o.version = '1')),
      edited((o) => (o.user_id = '')),
      edited((o) => (o.user_id = 'a\nb')),
      // 31 bytes, 33 bytes, a 32-byte key with bits past its end, not base64url.
      edited((o) => (o.box_public = b64(new Uint8Array(31)))),
      edited((o) => (o.sign_public = b64(new Uint8Array(33)))),
      edited((o) => (o.box_public = `${basile.box_public.slice(0, 42)}B`)),
      edited((o) => (o.box_public = `${basile.box_public.slice(0, 42)}+`)),
      edited((o) => (o.sign_public = o.box_public)),
      edited((o) => (o.sealed_secret = 'id1:2:nope')),
      edited((o) => (o.sealed_secret = basile.sealed_secret.replace(/^id1:2:/, 'id1:11:'))),
      edited((o) => (o.saved_at = 12)),
      `${savedText()}${' '.repeat(MAX_IDENTITY_FILE_BYTES)}`,
    ];
    for (const text of refused)
      expect([text.slice(0, 60), refusal(text)]).toEqual([text.slice(0, 60), 'bad_identity_file']);
  });
});

describe('bringing saved keys to another account', () => {
  it(
    'opens the file with its user id and seals the same keys again for this account',
    () => {
      const file = parseIdentityFile(savedText());
      const made = adoptIdentity(file, HERE, PASS);
      expect(made.box_public).toBe(basile.box_public);
      expect(made.sign_public).toBe(basile.sign_public);
      expect(made.secrets.userId).toBe(HERE);
      expect(b64(made.secrets.boxSecretKey)).toBe(b64(basile.secrets.boxSecretKey));
      expect(b64(made.secrets.signSecretKey)).toBe(b64(basile.secrets.signSecretKey));
      // A fresh salt and nonce, today's cost.
      const was = parseSealedSecret(basile.sealed_secret);
      const now = parseSealedSecret(made.sealed_secret);
      expect(now?.salt).not.toBe(was?.salt);
      expect(now?.nonce).not.toBe(was?.nonce);
      expect([now?.opslimit, now?.memlimit]).toEqual([
        sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
        sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
      ]);
      // Sealed under this account's AD: it opens with HERE's, not THERE's.
      const plain = openByHand(
        made.sealed_secret,
        PASS,
        identityAd(HERE, made.box_public, made.sign_public),
      );
      expect(plain && b64(plain.slice(32))).toBe(b64(basile.secrets.signSecretKey));
      expect(
        openByHand(made.sealed_secret, PASS, identityAd(THERE, made.box_public, made.sign_public)),
      ).toBeNull();
      expect(b64(unlockIdentity(HERE, made, PASS).boxSecretKey)).toBe(
        b64(basile.secrets.boxSecretKey),
      );
    },
    SLOW,
  );

  it(
    'refuses a wrong passphrase, and a file whose keys or user id were changed',
    () => {
      const code = (f: () => unknown) => {
        try {
          f();
          return 'accepted';
        } catch (e) {
          return isArmourError(e) ? e.code : 'thrown';
        }
      };
      const file = parseIdentityFile(savedText());
      expect(code(() => adoptIdentity(file, HERE, `${PASS}!`))).toBe('wrong_passphrase');
      expect(code(() => adoptIdentity({ ...file, user_id: HERE }, HERE, PASS))).toBe(
        'wrong_passphrase',
      );
      expect(code(() => adoptIdentity({ ...file, box_public: other.box_public }, HERE, PASS))).toBe(
        'wrong_passphrase',
      );
    },
    SLOW,
  );

  it(
    'refuses a file whose secrets are not its public keys’, though its AD checks',
    () => {
      // Someone else's secrets sealed under the AD of Basile's public keys.
      const salt = sodium.randombytes_buf(sodium.crypto_pwhash_SALTBYTES);
      const nonce = sodium.randombytes_buf(24);
      const opslimit = sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE;
      const memlimit = sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE;
      const key = sodium.crypto_pwhash(
        32,
        PASS,
        salt,
        opslimit,
        memlimit,
        sodium.crypto_pwhash_ALG_ARGON2ID13,
      );
      const plain = new Uint8Array(96);
      plain.set(other.secrets.boxSecretKey, 0);
      plain.set(other.secrets.signSecretKey, 32);
      const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plain,
        identityAd(THERE, basile.box_public, basile.sign_public),
        null,
        nonce,
        key,
      );
      const forged = formatSealedSecret({
        opslimit,
        memlimit,
        salt: b64(salt),
        nonce: b64(nonce),
        sealed: b64(sealed),
      });
      const file = parseIdentityFile(edited((o) => (o.sealed_secret = forged)));
      let error: unknown;
      try {
        adoptIdentity(file, HERE, PASS);
      } catch (e) {
        error = e;
      }
      expect(isArmourError(error, 'bad_identity_file')).toBe(true);
    },
    SLOW,
  );
});

/** GET/PUT /me/armour of one account, as the server answers them. */
function fakeRemote(initial: ArmourIdentity | null) {
  let record = initial;
  const sent: ArmourIdentityChange[] = [];
  const remote: IdentityApi = {
    me: vi.fn(async () => {
      if (!record) throw new ApiError(404, 'no_identity', '');
      return record;
    }),
    setMe: vi.fn(async (b: ArmourIdentityChange) => {
      sent.push(b);
      const newKeys =
        !!record && (record.box_public !== b.box_public || record.sign_public !== b.sign_public);
      if (newKeys && !b.replace) throw new ApiError(409, 'identity_exists', '');
      record = {
        box_public: b.box_public,
        sign_public: b.sign_public,
        sealed_secret: b.sealed_secret,
      };
      return record;
    }),
  };
  return { remote, sent, record: () => record };
}

const recordOf = (c: CreatedIdentity): ArmourIdentity => ({
  box_public: c.box_public,
  sign_public: c.sign_public,
  sealed_secret: c.sealed_secret,
});

describe('the identity store', () => {
  it(
    'saves the server’s record once unlocked in this tab, never before',
    async () => {
      const server = fakeRemote(recordOf(basile));
      const store = new IdentityStore(server.remote);
      await store.load(THERE);
      await expect(store.savedFile(THERE, SAVED_AT, ORIGIN)).rejects.toMatchObject({
        code: 'locked',
      });
      await store.unlock(THERE, PASS);
      const saved = await store.savedFile(THERE, SAVED_AT, ORIGIN);
      expect(saved.name).toMatch(/^ruche-cles-\d{4}-\d{2}-\d{2}\.json$/);
      expect(saved.text).toBe(savedText());
    },
    SLOW,
  );

  it(
    'sets the saved keys for an account without an identity, and unlocks them',
    async () => {
      const server = fakeRemote(null);
      const store = new IdentityStore(server.remote);
      await store.load(HERE);
      expect(store.getState().status).toBe('none');
      const replaced = await store.adopt(HERE, parseIdentityFile(savedText()), PASS);
      expect(replaced).toBe(false);
      expect(server.sent).toHaveLength(1);
      expect(server.sent[0]?.replace).toBeUndefined();
      expect(server.sent[0]?.box_public).toBe(basile.box_public);
      const s = store.secrets(HERE);
      expect(s?.signPublic).toBe(basile.sign_public);
      expect(s && b64(s.signSecretKey)).toBe(b64(basile.secrets.signSecretKey));
      // What the server keeps opens here, with the same passphrase.
      const kept = server.record();
      expect(kept && unlockIdentity(HERE, kept, PASS).boxPublic).toBe(basile.box_public);
    },
    SLOW,
  );

  it(
    'with the same keys here only changes the sealed secret (a forgotten passphrase)',
    async () => {
      // Basile's keys here already (sealed here once).
      const here = recordOf(adoptIdentity(parseIdentityFile(savedText()), HERE, PASS));
      const server = fakeRemote(here);
      const store = new IdentityStore(server.remote);
      await store.load(HERE);
      expect(await store.adopt(HERE, parseIdentityFile(savedText()), PASS)).toBe(false);
      expect(server.sent[0]?.replace).toBeUndefined();
      expect(server.sent[0]?.sealed_secret).not.toBe(here.sealed_secret);
      expect(store.getState().status).toBe('unlocked');
    },
    SLOW,
  );

  it(
    'replaces other keys here, and sends nothing when the passphrase does not open the file',
    async () => {
      const server = fakeRemote(recordOf(other));
      const store = new IdentityStore(server.remote);
      await store.load(HERE);
      await expect(
        store.adopt(HERE, parseIdentityFile(savedText()), 'not the passphrase'),
      ).rejects.toMatchObject({ code: 'wrong_passphrase' });
      expect(server.sent).toHaveLength(0);
      expect(store.getState().status).toBe('locked');

      expect(await store.adopt(HERE, parseIdentityFile(savedText()), PASS)).toBe(true);
      expect(server.sent).toHaveLength(1);
      expect(server.sent[0]?.replace).toBe(true);
      expect(store.secrets(HERE)?.boxPublic).toBe(basile.box_public);
    },
    SLOW,
  );
});
