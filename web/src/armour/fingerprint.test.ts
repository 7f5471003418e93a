import { beforeAll, describe, expect, it } from 'vitest';
import { ready, safetyCode } from './crypto';
import { fingerprintInput, formatSafetyCode, safetyGroups } from './fingerprint';

const ALICE = '01HZALICE0000000000000000A';
const BOB = '01HZBOB000000000000000000B';
// The public keys of crypto_box_seed_keypair / crypto_sign_seed_keypair with a seed of 32 × 7.
const BOX = 'dh2I7IMEE5Gd_p1NHVbxfmU8jJlAgt9bE3uQoK5u33Q';
const SIGN = '6kpsY-KcUgq-9VB7Ey7F-ZVHdq6-vnuSQh7qaRRG0iw';

/** Changes one character of an unpadded base64url string. */
const flip = (s: string, at = 5) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);

beforeAll(async () => {
  await ready();
});

describe('safety codes (docs/armoured.md, Keys)', () => {
  it('hash the domain-separated string of docs/armoured.md', () => {
    expect(fingerprintInput('U1', 'BOXPUB', 'SIGNPUB')).toBe(
      'ruche-armour-fingerprint-v1\nU1\nBOXPUB\nSIGNPUB',
    );
  });

  it('read twelve 40-bit big-endian groups modulo 100000 (known answers)', () => {
    const counting = Uint8Array.from({ length: 64 }, (_, i) => i);
    expect(formatSafetyCode(counting)).toBe(
      '09060 60585 12110 63635 15160 66685 18210 69735 21260 72785 24310 75835',
    );
    // 2^40 - 1 = 1099511627775: the largest group value.
    expect(safetyGroups(new Uint8Array(64).fill(255))[0]).toBe('27775');
    expect(safetyGroups(new Uint8Array(60))).toEqual(Array<string>(12).fill('00000'));
    expect(() => safetyGroups(new Uint8Array(59))).toThrow(RangeError);
  });

  it('a fixed identity has a fixed code (BLAKE2b-512, checked independently)', () => {
    // Python: hashlib.blake2b(input.encode(), digest_size=64), then the groups above.
    expect(safetyCode(ALICE, BOX, SIGN)).toBe(
      '67510 77953 99005 45838 18037 06125 91675 44267 70621 64849 38314 89370',
    );
  });

  it('is 60 digits in 12 groups of 5, and differs when the person or either key does', () => {
    const code = safetyCode(ALICE, BOX, SIGN);
    expect(code).toMatch(/^\d{5}( \d{5}){11}$/);
    const others = [
      safetyCode(BOB, BOX, SIGN),
      safetyCode(ALICE, flip(BOX), SIGN),
      safetyCode(ALICE, BOX, flip(SIGN)),
      // The two keys swapped: each has its place in the string.
      safetyCode(ALICE, SIGN, BOX),
    ];
    for (const o of others) expect(o).not.toBe(code);
    expect(new Set(others).size).toBe(others.length);
    expect(safetyCode(ALICE, BOX, SIGN)).toBe(code);
  });
});
