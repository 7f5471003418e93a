// Safety codes: what two people compare, in person or by phone, to check
// that the keys a browser holds for someone are the ones that person holds
// (docs/armoured.md, "Keys"). No libsodium here: the hash is computed by
// crypto.ts (safetyCode), which feeds these functions.
//
//   input  = "ruche-armour-fingerprint-v1\n" user_id "\n" box_public "\n" sign_public
//            (UTF-8; the public keys as unpadded base64url, as the server lists them)
//   hash   = BLAKE2b (crypto_generichash), 64 bytes, no key, over input
//   code   = twelve groups of five digits: group i (0..11) is the big-endian
//            integer of hash[5i .. 5i+5) (40 bits) modulo 100000, zero-padded
//            (hash bytes 60..63 are not used)

/** The number of digit groups of a safety code, and their width. */
export const SAFETY_GROUPS = 12;
export const SAFETY_GROUP_DIGITS = 5;
/** The hash length the code is read from (BLAKE2b's longest output). */
export const SAFETY_HASH_BYTES = 64;

/** What the safety code of one identity hashes. */
export function fingerprintInput(userId: string, boxPublic: string, signPublic: string): string {
  return `ruche-armour-fingerprint-v1\n${userId}\n${boxPublic}\n${signPublic}`;
}

/** Twelve groups of five digits from a hash of at least 60 bytes. */
export function safetyGroups(hash: Uint8Array): string[] {
  const bytes = 5;
  if (hash.length < SAFETY_GROUPS * bytes) throw new RangeError('hash too short for a safety code');
  const groups: string[] = [];
  for (let i = 0; i < SAFETY_GROUPS; i++) {
    let n = 0;
    // 40 bits: exact in a double (< 2^53).
    for (let j = 0; j < bytes; j++) n = n * 256 + (hash[i * bytes + j] ?? 0);
    groups.push(String(n % 10 ** SAFETY_GROUP_DIGITS).padStart(SAFETY_GROUP_DIGITS, '0'));
  }
  return groups;
}

/** A safety code as it is shown and read out: "12345 67890 …" (twelve groups). */
export function formatSafetyCode(hash: Uint8Array): string {
  return safetyGroups(hash).join(' ');
}
