// The strings of armoured workspaces (docs/armoured.md) that are signed or
// authenticated, and the parsing of what travels: no libsodium here, so
// that screens can recognise an armoured body or an error without loading
// the crypto chunk. The server builds the same strings to check envelope
// and message signatures with C libsodium: they must match byte for byte.

export const IDENTITY_PREFIX = 'id1:';
export const MESSAGE_PREFIX = 'e2e1:';

/** Plaintext limit of a message, in UTF-8 bytes (as for every chat message). */
export const MAX_PLAINTEXT_BYTES = 16 * 1024;
/** The limits the server accepts in a sealed secret (and a browser agrees to spend). */
export const OPSLIMIT_MAX = 10;
export const MEMLIMIT_MIN = 8 * 1024 * 1024;
export const MEMLIMIT_MAX = 1024 * 1024 * 1024;
/**
 * The modules an armoured workspace may have: the others keep contents the
 * server could read (files) or do not encrypt them yet, and the server
 * refuses them (400 armoured_unsupported).
 */
export const ARMOURED_MODULES: readonly string[] = ['chat', 'calls'];

/** The shortest armour passphrase the web client lets a person choose. */
export const MIN_PASSPHRASE = 10;

export type ArmourErrorCode =
  /** The passphrase does not open the sealed secret. */
  | 'wrong_passphrase'
  /** A sealed secret, envelope or body that is not in the spec's format. */
  | 'malformed'
  /** An envelope's creator is not a member (with an identity) of the workspace. */
  | 'not_member'
  /** A signature that does not check. */
  | 'bad_signature'
  /** An envelope that does not open with our box key. */
  | 'bad_envelope'
  /** No identity unlocked in this tab. */
  | 'locked'
  /** The workspace key of the current generation is not ours (yet). */
  | 'no_key'
  /** A message over 16 KiB. */
  | 'too_long'
  /** The crypto code did not load or start (offline, or WebAssembly refused). */
  | 'unavailable';

/** A failure of the armour layer, with a code the screens translate. */
export class ArmourError extends Error {
  readonly code: ArmourErrorCode;
  constructor(code: ArmourErrorCode, message: string = code) {
    super(message);
    this.name = 'ArmourError';
    this.code = code;
  }
}

export function isArmourError(e: unknown, code?: ArmourErrorCode): e is ArmourError {
  return e instanceof ArmourError && (code === undefined || e.code === code);
}

/** Additional data of the sealed identity secret (public keys as unpadded base64url). */
export function identityAd(userId: string, boxPublic: string, signPublic: string): string {
  return `ruche-armour-identity-v1\n${userId}\n${boxPublic}\n${signPublic}`;
}

/** What the creator of an envelope signs (`sealed` as unpadded base64url). */
export function envelopeSigned(
  workspaceId: string,
  generation: number,
  recipientId: string,
  sealed: string,
): string {
  return `ruche-armour-envelope-v1\n${workspaceId}\n${generation}\n${recipientId}\n${sealed}`;
}

/** Additional data of a message: binds it to its workspace, channel, author and key. */
export function messageAd(
  workspaceId: string,
  channelId: string,
  authorId: string,
  generation: number,
): string {
  return `ruche-chat-v1\n${workspaceId}\n${channelId}\n${authorId}\n${generation}`;
}

/** What the author of a message signs (nonce and ciphertext as unpadded base64url). */
export function messageSigned(ad: string, nonce: string, ciphertext: string): string {
  return `${ad}\n${nonce}\n${ciphertext}`;
}

const B64 = '[A-Za-z0-9_-]+';
const GENERATION = '[1-9][0-9]{0,8}';
const BODY = new RegExp(`^e2e1:(${GENERATION}):(${B64}):(${B64}):(${B64})$`);
const SEALED_SECRET = new RegExp(`^id1:([0-9]{1,2}):([0-9]{1,10}):(${B64}):(${B64}):(${B64})$`);

export interface ParsedBody {
  generation: number;
  nonce: string;
  ciphertext: string;
  signature: string;
}

/** Whether a message body is an armoured one (whatever its validity). */
export function isEncryptedBody(body: string): boolean {
  return body.startsWith(MESSAGE_PREFIX);
}

/** "e2e1:g:nonce:ciphertext:signature", or null when it is not one. */
export function parseBody(body: string): ParsedBody | null {
  const m = BODY.exec(body);
  if (!m) return null;
  return {
    generation: Number(m[1]),
    nonce: m[2] ?? '',
    ciphertext: m[3] ?? '',
    signature: m[4] ?? '',
  };
}

export function formatBody(p: ParsedBody): string {
  return `${MESSAGE_PREFIX}${p.generation}:${p.nonce}:${p.ciphertext}:${p.signature}`;
}

export interface ParsedSecret {
  opslimit: number;
  memlimit: number;
  salt: string;
  nonce: string;
  sealed: string;
}

/**
 * "id1:opslimit:memlimit:salt:nonce:sealed", or null. Limits outside the
 * spec's bounds are refused: a server could otherwise make the browser
 * spend gigabytes of memory on a passphrase.
 */
export function parseSealedSecret(s: string): ParsedSecret | null {
  const m = SEALED_SECRET.exec(s);
  if (!m) return null;
  const opslimit = Number(m[1]);
  const memlimit = Number(m[2]);
  if (opslimit < 1 || opslimit > OPSLIMIT_MAX) return null;
  if (memlimit < MEMLIMIT_MIN || memlimit > MEMLIMIT_MAX) return null;
  return { opslimit, memlimit, salt: m[3] ?? '', nonce: m[4] ?? '', sealed: m[5] ?? '' };
}

export function formatSealedSecret(p: ParsedSecret): string {
  return `${IDENTITY_PREFIX}${p.opslimit}:${p.memlimit}:${p.salt}:${p.nonce}:${p.sealed}`;
}

/** UTF-8 length of a text. */
export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}
