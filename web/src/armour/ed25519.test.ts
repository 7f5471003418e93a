import sodium from 'libsodium-wrappers-sumo';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  keyWellFormed,
  signatureWellFormed,
  smallOrder,
  webCryptoChecker,
  type Ed25519Checker,
} from './ed25519';
import type { SignatureToCheck } from './verifier';

let native: Ed25519Checker;

beforeAll(async () => {
  await sodium.ready;
  const c = await webCryptoChecker();
  if (!c) throw new Error('this Node has no Ed25519 in WebCrypto');
  native = c;
});

const P = (1n << 255n) - 19n;
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function bytesOf(n: bigint, length = 32): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
}

function numberOf(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i] ?? 0);
  return n;
}

/** Each check's answer by WebCrypto (ed25519.ts) and by libsodium: they must agree. */
async function bothWays(checks: SignatureToCheck[]) {
  const ours = await native.check(checks);
  const theirs = checks.map((c) => sodium.crypto_sign_verify_detached(c.signature, c.signed, c.pk));
  return { ours, theirs };
}

/** The encodings of every point of small order: y in the list, with either sign of x. */
const SMALL_Y = [
  0n,
  1n,
  P - 1n,
  P,
  P + 1n,
  2707385501144840649318225287225658788936804267575313519463743609750303402022n,
  P - 2707385501144840649318225287225658788936804267575313519463743609750303402022n,
];
const smallPoints = SMALL_Y.flatMap((y) => [bytesOf(y), bytesOf(y | (1n << 255n))]);

describe('Ed25519 by WebCrypto, as libsodium checks it (ed25519.ts)', () => {
  it('agrees with libsodium on signatures that hold and on ones changed in any part', async () => {
    const checks: SignatureToCheck[] = [];
    for (let i = 0; i < 40; i++) {
      const pair = sodium.crypto_sign_keypair();
      const signed = `carte ${i} — « été » ${'x'.repeat(i * 7)}`;
      const signature = sodium.crypto_sign_detached(signed, pair.privateKey);
      checks.push({ signature, signed, pk: pair.publicKey });
      checks.push({ signature, signed: `${signed} `, pk: pair.publicKey });
      const flipped = signature.slice();
      flipped[i % 64] = (flipped[i % 64] ?? 0) ^ (1 << (i % 8));
      checks.push({ signature: flipped, signed, pk: pair.publicKey });
      checks.push({ signature, signed, pk: sodium.crypto_sign_keypair().publicKey });
    }
    const { ours, theirs } = await bothWays(checks);
    expect(ours).toEqual(theirs);
    expect(ours.filter(Boolean)).toHaveLength(40);
  });

  it('refuses what libsodium refuses before the equation, though the equation holds', async () => {
    const pair = sodium.crypto_sign_keypair();
    const signed = 'le texte';
    const signature = sodium.crypto_sign_detached(signed, pair.privateKey);
    const s = numberOf(signature.subarray(32));
    // S + L: the same equation, S not below the group's order.
    const big = new Uint8Array(64);
    big.set(signature.subarray(0, 32));
    big.set(bytesOf(s + L), 32);
    // The neutral point as key and R, S = 0: holds for any text in a check
    // without libsodium's rules (Node's WebCrypto, for one, takes it).
    const neutral = bytesOf(1n);
    const forged = new Uint8Array(64);
    forged.set(neutral);
    const checks: SignatureToCheck[] = [
      { signature: big, signed, pk: pair.publicKey },
      { signature: forged, signed: 'anything', pk: neutral },
      ...smallPoints.map((pk) => ({ signature: forged, signed: 'anything', pk })),
      // A key whose y is written as p + 2 and up (not canonical).
      ...[2n, 5n, 18n].map((k) => ({ signature, signed, pk: bytesOf(P + k) })),
    ];
    const { ours, theirs } = await bothWays(checks);
    expect(theirs.every((ok) => !ok)).toBe(true);
    expect(ours).toEqual(theirs);
    expect(signatureWellFormed(big)).toBe(false);
    expect(signatureWellFormed(signature)).toBe(true);
  });

  it('knows the points of small order: eight times each is the neutral point, and no key is one', () => {
    const neutral = bytesOf(1n);
    for (const y of SMALL_Y.filter((y) => y < P)) {
      const point = bytesOf(y);
      let x = point;
      for (let i = 0; i < 3; i++) x = sodium.crypto_core_ed25519_add(x, x);
      expect(sodium.to_hex(x)).toBe(sodium.to_hex(neutral));
    }
    for (const p of smallPoints) {
      expect(smallOrder(p)).toBe(true);
      expect(keyWellFormed(p)).toBe(false);
    }
    for (let i = 0; i < 50; i++) {
      const pk = sodium.crypto_sign_keypair().publicKey;
      expect(smallOrder(pk)).toBe(false);
      expect(keyWellFormed(pk)).toBe(true);
    }
    expect(keyWellFormed(bytesOf(P - 2n))).toBe(true);
    expect(keyWellFormed(new Uint8Array(31))).toBe(false);
  });

  it('is not used where WebCrypto has no Ed25519, or gets the example of RFC 8032 wrong', async () => {
    expect(await webCryptoChecker(null)).toBeNull();
    const none = {
      importKey: () => Promise.reject(new DOMException('no', 'NotSupportedError')),
    } as unknown as SubtleCrypto;
    expect(await webCryptoChecker(none)).toBeNull();
    const yes = {
      importKey: () => Promise.resolve({} as CryptoKey),
      verify: () => Promise.resolve(true),
    } as unknown as SubtleCrypto;
    expect(await webCryptoChecker(yes)).toBeNull();
  });
});
