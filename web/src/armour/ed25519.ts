// Ed25519 signatures checked by the browser's own WebCrypto (docs/armoured.md,
// "Signatures checked once"): native code, about twice as fast as libsodium's
// WebAssembly here (bench/calendar-ui), and no 534 KB to fetch for a worker.
// WebCrypto's Ed25519 checks the equation without the cofactor, as libsodium
// does; what libsodium refuses before it (a scalar S not below the group's
// order, a key not canonically encoded, a key or an R of small order) is
// refused here first, so that both agree on every signature (ed25519.test.ts
// holds them side by side). Where the browser has no Ed25519 (older ones),
// the answer is null and libsodium checks.
//
// No libsodium here: the worker imports this without it.

import type { SignatureToCheck } from './verifier';

/** The group's order L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
const ORDER = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

/** The field's prime p = 2^255 - 19. */
const P = (1n << 255n) - 19n;
/** The y of two of the points of order 8 (the other two: p - Y8). */
const Y8 = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** A point's y as encoded (32 bytes, little-endian), the sign of its x left out, in hex. */
function yHex(b: Uint8Array): string {
  const y = b.slice(0, 32);
  y[31] = (y[31] ?? 0) & 0x7f;
  return hex(y);
}

/**
 * The y of every point of small order, as it may be encoded: 0 and p - 1
 * (orders 4 and 2), 1 (the neutral point), the four of order 8, and p and
 * p + 1 (0 and 1 written without reducing them).
 */
const SMALL_ORDER = new Set(
  [0n, 1n, P - 1n, P, P + 1n, Y8, P - Y8].map((y) =>
    yHex(Uint8Array.from({ length: 32 }, (_, i) => Number((y >> BigInt(8 * i)) & 0xffn))),
  ),
);

/** Whether a point's encoding is one of a small-order point (the neutral one included). */
export function smallOrder(b: Uint8Array): boolean {
  return SMALL_ORDER.has(yHex(b));
}

/** Whether a 32-byte little-endian number is below `bound`'s. */
function below(x: Uint8Array, bound: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const a = x[i] ?? 0;
    const b = bound[i] ?? 0;
    if (a !== b) return a < b;
  }
  return false;
}

/** p, little-endian: a key's y must be below it (its sign bit apart). */
const PRIME = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0xed : i === 31 ? 0x7f : 0xff));

/** What libsodium checks of a key before the equation: false when it refuses it whatever the text. */
export function keyWellFormed(pk: Uint8Array): boolean {
  if (pk.length !== 32) return false;
  const y = pk.slice();
  y[31] = (y[31] ?? 0) & 0x7f;
  return below(y, PRIME) && !smallOrder(pk);
}

/** What libsodium checks of a signature before the equation (its key apart). */
export function signatureWellFormed(signature: Uint8Array): boolean {
  return (
    signature.length === 64 &&
    below(signature.subarray(32), ORDER) &&
    !smallOrder(signature.subarray(0, 32))
  );
}

/** Checks signatures with WebCrypto (one per CryptoKey, imported once). */
export interface Ed25519Checker {
  /** Which of `checks` hold, in their order. */
  check(checks: readonly SignatureToCheck[]): Promise<boolean[]>;
}

const ED25519 = { name: 'Ed25519' } as const;
/** Keys imported at most (a workspace's members' and guests'): past it, imported again. */
const KEYS_KEPT = 1024;

class WebCryptoChecker implements Ed25519Checker {
  private readonly keys = new Map<string, Promise<CryptoKey | null>>();
  private readonly encoder = new TextEncoder();

  constructor(private readonly subtle: SubtleCrypto) {}

  async check(checks: readonly SignatureToCheck[]): Promise<boolean[]> {
    return Promise.all(checks.map((c) => this.one(c)));
  }

  private async one({ signature, signed, pk }: SignatureToCheck): Promise<boolean> {
    if (!signatureWellFormed(signature)) return false;
    const key = await this.key(pk);
    if (!key) return false;
    try {
      return await this.subtle.verify(
        ED25519,
        key,
        new Uint8Array(signature),
        this.encoder.encode(signed),
      );
    } catch {
      return false;
    }
  }

  private key(pk: Uint8Array): Promise<CryptoKey | null> {
    const id = hex(pk);
    let k = this.keys.get(id);
    if (!k) {
      if (this.keys.size >= KEYS_KEPT) this.keys.clear();
      if (!keyWellFormed(pk)) return Promise.resolve(null);
      k = this.subtle
        .importKey('raw', new Uint8Array(pk), ED25519, false, ['verify'])
        .catch(() => null);
      this.keys.set(id, k);
    }
    return k;
  }
}

// RFC 8032, 7.1, test 1 (the empty text): the probe of whether WebCrypto
// has Ed25519 and gets it right.
const PROBE_PK = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const PROBE_SIG =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

function unhex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
}

/**
 * A checker on `subtle` if it has Ed25519 and answers the RFC's example
 * right (and a changed copy of it wrong); else null.
 */
export async function webCryptoChecker(
  subtle: SubtleCrypto | null = globalThis.crypto?.subtle ?? null,
): Promise<Ed25519Checker | null> {
  if (!subtle) return null;
  try {
    const c = new WebCryptoChecker(subtle);
    const pk = unhex(PROBE_PK);
    const sig = unhex(PROBE_SIG);
    const bad = sig.slice();
    bad[5] = (bad[5] ?? 0) ^ 1;
    const [good, changed] = await c.check([
      { signature: sig, signed: '', pk },
      { signature: bad, signed: '', pk },
    ]);
    return good && !changed ? c : null;
  } catch {
    return null;
  }
}
