// Attachments sealed and opened as bytes, for tests: the crypto works on
// Blobs (read and written 4 MiB at a time); tests change single bytes.
import { decryptFile, encryptFile } from '../armour/crypto';

const blob = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]);

/** A file sealed as the composer seals one, as bytes. */
export async function sealBytes(
  plain: Uint8Array,
): Promise<{ key: Uint8Array; sealed: Uint8Array }> {
  const { key, sealed } = await encryptFile(blob(plain));
  return { key, sealed: new Uint8Array(await sealed.arrayBuffer()) };
}

/** Sealed bytes opened as a reader's browser opens them (ArmourError 'bad_file'). */
export async function openBytes(
  sealed: Uint8Array,
  key: Uint8Array,
  size: number,
): Promise<Uint8Array> {
  return new Uint8Array(await (await decryptFile(blob(sealed), key, size)).arrayBuffer());
}

/** Byte arrays one after the other. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
