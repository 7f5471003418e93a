// The cryptography of armoured workspaces (docs/armoured.md), on libsodium.
// This module is only ever loaded through loadCrypto() (a dynamic import):
// libsodium is a large chunk that non-armoured workspaces never fetch.
// Call ready() once before the rest (loadCrypto does).
import sodium from 'libsodium-wrappers-sumo';
import type {
  ArmourApproval,
  ArmourEnvelope,
  ArmourMember,
  NewApproval,
  NewEnvelope,
} from '../api/types';
import {
  ArmourError,
  FILE_KEY_BYTES,
  FILE_PIECE_BYTES,
  MAX_PLAINTEXT_BYTES,
  MAX_SEALED_BODY_BYTES,
  MAX_SEALED_FILES,
  MESSAGE_PREFIXES,
  NAME_TOKEN_BYTES,
  approvalSigned,
  envelopeSigned,
  eventAnswersAd,
  eventCardAd,
  fileContentAd,
  fileNameAd,
  formatBody,
  formatEventAnswers,
  formatEventCard,
  formatSealedSecret,
  formatTaskCard,
  identityAd,
  isArmourError,
  isMediaType,
  isNameToken,
  isTaskText,
  isValidFileName,
  keySetId,
  messageAd,
  messageSigned,
  parseBody,
  parseEventAnswers,
  parseEventCard,
  splitKeyRef,
  parseSealedSecret,
  parseTaskCard,
  sealedFileSize,
  taskTextAd,
  uploadResumeAd,
  utf8Length,
  type ContentRecord,
  type EventAnswer,
  type EventCard,
  type KeyRef,
  type KeyScope,
  type MessageVersion,
  type SealedFile,
  type TaskCard,
  type TaskTextKind,
  type UploadResume,
} from './format';
import { NO_ERAS, bindingOf, type Eras } from './eras';
import { SAFETY_HASH_BYTES, fingerprintInput, formatSafetyCode } from './fingerprint';
import type { SignatureToCheck } from './verifier';

export async function ready(): Promise<void> {
  await sodium.ready;
}

const KEY_BYTES = 32;

const b64 = (bytes: Uint8Array): string =>
  sodium.to_base64(bytes, sodium.base64_variants.URLSAFE_NO_PADDING);

/** Unpadded base64url to bytes; null when it is not that. */
function unb64(s: string): Uint8Array | null {
  try {
    return sodium.from_base64(s, sodium.base64_variants.URLSAFE_NO_PADDING);
  } catch {
    return null;
  }
}

function unb64Len(s: string, length: number): Uint8Array | null {
  const bytes = unb64(s);
  return bytes && bytes.length === length ? bytes : null;
}

/** An unlocked identity: the person's key pairs, in this tab's memory only. */
export interface IdentitySecrets {
  userId: string;
  /** Unpadded base64url, as the server lists them. */
  boxPublic: string;
  signPublic: string;
  boxPublicKey: Uint8Array;
  boxSecretKey: Uint8Array;
  signSecretKey: Uint8Array;
}

export interface CreatedIdentity {
  box_public: string;
  sign_public: string;
  sealed_secret: string;
  secrets: IdentitySecrets;
}

function seal(
  userId: string,
  passphrase: string,
  box: { publicKey: Uint8Array; privateKey: Uint8Array },
  sign: { publicKey: Uint8Array; privateKey: Uint8Array },
): CreatedIdentity {
  const opslimit = sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const memlimit = sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE;
  const salt = sodium.randombytes_buf(sodium.crypto_pwhash_SALTBYTES);
  const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const key = sodium.crypto_pwhash(
    KEY_BYTES,
    passphrase,
    salt,
    opslimit,
    memlimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
  const boxPublic = b64(box.publicKey);
  const signPublic = b64(sign.publicKey);
  const plain = new Uint8Array(box.privateKey.length + sign.privateKey.length);
  plain.set(box.privateKey, 0);
  plain.set(sign.privateKey, box.privateKey.length);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    plain,
    identityAd(userId, boxPublic, signPublic),
    null,
    nonce,
    key,
  );
  sodium.memzero(plain);
  sodium.memzero(key);
  return {
    box_public: boxPublic,
    sign_public: signPublic,
    sealed_secret: formatSealedSecret({
      opslimit,
      memlimit,
      salt: b64(salt),
      nonce: b64(nonce),
      sealed: b64(sealed),
    }),
    secrets: {
      userId,
      boxPublic,
      signPublic,
      boxPublicKey: box.publicKey,
      boxSecretKey: box.privateKey,
      signSecretKey: sign.privateKey,
    },
  };
}

/** New key pairs for `userId`, their secret halves sealed under the passphrase. */
export function createIdentity(userId: string, passphrase: string): CreatedIdentity {
  return seal(userId, passphrase, sodium.crypto_box_keypair(), sodium.crypto_sign_keypair());
}

/**
 * Opens a sealed secret with the passphrase: ArmourError 'wrong_passphrase'
 * when it does not open (or was not sealed for these public keys and this
 * person), 'malformed' when it is not a sealed secret at all.
 */
export function unlockIdentity(
  userId: string,
  record: { box_public: string; sign_public: string; sealed_secret: string },
  passphrase: string,
): IdentitySecrets {
  const p = parseSealedSecret(record.sealed_secret);
  const boxPublicKey = unb64Len(record.box_public, sodium.crypto_box_PUBLICKEYBYTES);
  const signPublicKey = unb64Len(record.sign_public, sodium.crypto_sign_PUBLICKEYBYTES);
  const salt = p && unb64Len(p.salt, sodium.crypto_pwhash_SALTBYTES);
  const nonce = p && unb64Len(p.nonce, sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const sealed = p && unb64(p.sealed);
  if (!p || !boxPublicKey || !signPublicKey || !salt || !nonce || !sealed) {
    throw new ArmourError('malformed', 'not a sealed identity');
  }
  const key = sodium.crypto_pwhash(
    KEY_BYTES,
    passphrase,
    salt,
    p.opslimit,
    p.memlimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
  let plain: Uint8Array;
  try {
    plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed,
      identityAd(userId, record.box_public, record.sign_public),
      nonce,
      key,
    );
  } catch {
    throw new ArmourError('wrong_passphrase', 'the passphrase does not open this identity');
  } finally {
    sodium.memzero(key);
  }
  const boxBytes = sodium.crypto_box_SECRETKEYBYTES;
  const signBytes = sodium.crypto_sign_SECRETKEYBYTES;
  if (plain.length !== boxBytes + signBytes) {
    sodium.memzero(plain);
    throw new ArmourError('malformed', 'a sealed identity of the wrong size');
  }
  const boxSecretKey = plain.slice(0, boxBytes);
  const signSecretKey = plain.slice(boxBytes);
  sodium.memzero(plain);
  // The secret halves must belong to the public keys they were sealed with.
  const ok =
    sodium.memcmp(sodium.crypto_scalarmult_base(boxSecretKey), boxPublicKey) &&
    sodium.memcmp(sodium.crypto_sign_ed25519_sk_to_pk(signSecretKey), signPublicKey);
  if (!ok) throw new ArmourError('malformed', 'secret keys that do not match the public keys');
  return {
    userId,
    boxPublic: record.box_public,
    signPublic: record.sign_public,
    boxPublicKey,
    boxSecretKey,
    signSecretKey,
  };
}

/**
 * Brings a saved identity to `userId` (docs/armoured.md, "Saving and
 * bringing your keys"): opens its sealed secret with the passphrase, under
 * the AD of the user id it was sealed for (`saved.user_id`, another
 * instance's maybe), checks the secrets are its public keys', and seals
 * the same key pairs again for `userId` under the same passphrase (a fresh
 * salt and nonce, today's Argon2id cost). ArmourError 'wrong_passphrase'
 * when the passphrase does not open it (or its keys or user id were
 * changed), 'bad_identity_file' when it is not a sealed identity or its
 * secrets are not its keys'.
 */
export function adoptIdentity(
  saved: { user_id: string; box_public: string; sign_public: string; sealed_secret: string },
  userId: string,
  passphrase: string,
): CreatedIdentity {
  let opened: IdentitySecrets;
  try {
    opened = unlockIdentity(saved.user_id, saved, passphrase);
  } catch (e) {
    if (isArmourError(e, 'malformed')) throw new ArmourError('bad_identity_file', e.message);
    throw e;
  }
  return seal(
    userId,
    passphrase,
    { publicKey: opened.boxPublicKey, privateKey: opened.boxSecretKey },
    {
      publicKey: sodium.crypto_sign_ed25519_sk_to_pk(opened.signSecretKey),
      privateKey: opened.signSecretKey,
    },
  );
}

/** Wipes an identity's secret keys (sign-out, lock). */
export function forgetIdentity(s: IdentitySecrets): void {
  sodium.memzero(s.boxSecretKey);
  sodium.memzero(s.signSecretKey);
}

// ---- signatures remembered (docs/armoured.md, "Signatures checked once") -----

/** Where the tags of the signatures already checked are kept (verified.ts). */
export interface VerifiedTags {
  has(tag: string): boolean;
  add(tag: string): void;
}

const TAG_BYTES = 16;
let remembered: { key: Uint8Array; tags: VerifiedTags } | null = null;

/**
 * The key of an identity's tags, and its id (which names the tags kept
 * under it): keyed hashes of its signing secret, so that only whoever
 * holds the secret makes a tag, and the id says nothing of the key.
 */
export function verifiedTagsKey(s: IdentitySecrets): { key: Uint8Array; id: string } {
  const key = sodium.crypto_generichash(KEY_BYTES, 'ruche-verified-tags-v1', s.signSecretKey);
  return { key, id: b64(sodium.crypto_generichash(TAG_BYTES, 'ruche-verified-tags-id', key)) };
}

/**
 * Remembers from now on, in `tags` under `key` (verifiedTagsKey), each
 * signature that checks, so that the same text opened again (another
 * page, new keys, a reload) is not verified again; null: none remembered
 * (sign-out), the previous key wiped.
 */
export function rememberVerified(key: Uint8Array | null, tags: VerifiedTags | null): void {
  if (remembered) sodium.memzero(remembered.key);
  remembered = key && tags ? { key, tags } : null;
}

/**
 * Whether `signature` is `pk`'s over `signed`: checked once (Ed25519,
 * ~180 µs here), then known by its tag — a keyed BLAKE2b of the three
 * (~2 µs), which nobody without the person's key can make for a text that
 * does not check.
 */
function signatureChecks(signature: Uint8Array, signed: string, pk: Uint8Array): boolean {
  const r = remembered;
  if (!r) return sodium.crypto_sign_verify_detached(signature, signed, pk);
  const tag = tagOf(r.key, signature, signed, pk);
  if (r.tags.has(tag)) return true;
  const ok = sodium.crypto_sign_verify_detached(signature, signed, pk);
  if (ok) r.tags.add(tag);
  return ok;
}

function tagOf(key: Uint8Array, signature: Uint8Array, signed: string, pk: Uint8Array): string {
  const state = sodium.crypto_generichash_init(key, TAG_BYTES);
  sodium.crypto_generichash_update(state, pk);
  sodium.crypto_generichash_update(state, signature);
  sodium.crypto_generichash_update(state, signed);
  return b64(sodium.crypto_generichash_final(state, TAG_BYTES));
}

/** A signature to check, and the tag it is remembered by. */
export interface SignatureCheck extends SignatureToCheck {
  tag: string;
}

/** The signatures that opening some sealed texts would check, not yet remembered (gatherSignatures). */
export interface GatheredSignatures {
  checks: SignatureCheck[];
  /** How many checks were gathered once each item was opened, in the items' order. */
  ends: number[];
  /** The tags they would be remembered in (null: none; nothing gathered). */
  readonly under: { key: Uint8Array; tags: VerifiedTags } | null;
}

let gathering: { checks: SignatureCheck[]; seen: Set<string> } | null = null;

/**
 * The signatures that opening `items` (many sealed texts: `open` opens
 * one) would check and that are not remembered yet, each once: for
 * checking them elsewhere (a worker, while this thread draws), then
 * rememberChecked, so that opening them again finds them known; `ends`
 * tells which item gathered which. Meanwhile a text whose signature is
 * remembered opens as ever (so that a return visit opens each text once);
 * one whose signature is not seems not to check, and is not decrypted.
 * Texts whose author's keys are unknown are not checked, and gather
 * nothing; nothing is gathered where no signature is remembered
 * (rememberVerified).
 */
export function gatherSignatures<T>(
  items: readonly T[],
  open: (item: T) => void,
): GatheredSignatures {
  const under = remembered;
  const g = { checks: [] as SignatureCheck[], seen: new Set<string>() };
  const ends: number[] = [];
  if (!under) return { checks: g.checks, ends, under };
  gathering = g;
  try {
    for (const item of items) {
      open(item);
      ends.push(g.checks.length);
    }
  } finally {
    gathering = null;
  }
  return { checks: g.checks, ends, under };
}

/**
 * One text's signature, gathered (gatherSignatures) unless one of its
 * author's keys is known to check it: whether one is.
 */
function gatherText(signature: Uint8Array, signed: string, keys: readonly string[]): boolean {
  const r = remembered;
  const g = gathering;
  if (!r || !g) return false;
  const checks: SignatureCheck[] = [];
  for (const k of keys) {
    const pk = unb64Len(k, sodium.crypto_sign_PUBLICKEYBYTES);
    if (pk) checks.push({ signature, signed, pk, tag: tagOf(r.key, signature, signed, pk) });
  }
  if (checks.some((c) => r.tags.has(c.tag))) return true;
  for (const c of checks) {
    if (g.seen.has(c.tag)) continue;
    g.seen.add(c.tag);
    g.checks.push(c);
  }
  return false;
}

/**
 * Remembers the gathered signatures that checked elsewhere (`ok`, in the
 * order of `g.checks` from `from`: a part of them): only under the tags
 * they were gathered for (a sign-out or new keys meanwhile: none). The one
 * who checked is trusted as this thread is: our own code
 * (verifier.worker.ts).
 */
export function rememberChecked(g: GatheredSignatures, ok: readonly boolean[], from = 0): void {
  const r = remembered;
  if (!r || r !== g.under) return;
  ok.forEach((yes, i) => {
    const c = g.checks[from + i];
    if (yes === true && c) r.tags.add(c.tag);
  });
}

/** Wipes a key (a workspace's or a channel's generation; sign-out). */
export function forgetKey(key: Uint8Array): void {
  sodium.memzero(key);
}

/** A new key: one generation of a workspace's key or of a channel's. */
export function newGenerationKey(): Uint8Array {
  return sodium.randombytes_buf(KEY_BYTES);
}

/** Generation `generation` of `scope`'s key sealed to `recipient` and signed by `creator`. */
export function sealEnvelope(
  key: Uint8Array,
  scope: KeyScope,
  generation: number,
  recipient: ArmourMember,
  creator: IdentitySecrets,
): NewEnvelope {
  const boxPublic = unb64Len(recipient.box_public, sodium.crypto_box_PUBLICKEYBYTES);
  if (!boxPublic) throw new ArmourError('malformed', 'a recipient without a valid box key');
  const sealed = b64(sodium.crypto_box_seal(key, boxPublic));
  const signature = sodium.crypto_sign_detached(
    envelopeSigned(scope, generation, recipient.user_id, sealed),
    creator.signSecretKey,
  );
  return { user_id: recipient.user_id, sealed, signature: b64(signature) };
}

/**
 * Opens one of our envelopes of `scope`'s key (a workspace's or a
 * channel's: each signs in a domain of its own): its creator must be a
 * member (with an identity: `members`) and their signature must check with
 * their current key — or, with `previousKeys`, with one they replaced
 * (docs/armoured.md, "Replaced identities": such a key opens history, it is
 * not for writing); the key must open with our box key. An envelope of an
 * era's generation (`eras`: an imported workspace's) is checked with the
 * ids and the keys the era lists (its creator must be one of its people,
 * any of their keys there). ArmourError 'not_member', 'bad_signature' or
 * 'bad_envelope' otherwise.
 */
export function openEnvelope(
  envelope: ArmourEnvelope,
  scope: KeyScope,
  me: IdentitySecrets,
  members: ReadonlyMap<string, ArmourMember> | readonly ArmourMember[],
  previousKeys = false,
  eras: Eras = NO_ERAS,
): Uint8Array {
  const bound = bindingOf(eras, scope, envelope.generation);
  const creator = Array.isArray(members)
    ? (members as readonly ArmourMember[]).find((m) => m.user_id === envelope.created_by)
    : (members as ReadonlyMap<string, ArmourMember>).get(envelope.created_by);
  const hereKeys = creator && [
    creator.sign_public,
    ...(previousKeys ? (creator.previous ?? []).map((p) => p.sign_public) : []),
  ];
  const keys = bound.person(envelope.created_by).signKeys ?? hereKeys;
  if (!keys?.length) throw new ArmourError('not_member', 'the envelope was made by a non-member');
  const signature = unb64Len(envelope.signature, sodium.crypto_sign_BYTES);
  const sealed = unb64(envelope.sealed);
  if (!signature || !sealed) throw new ArmourError('malformed', 'bad envelope');
  const signed = envelopeSigned(
    bound.scope,
    envelope.generation,
    bound.person(me.userId).id,
    envelope.sealed,
  );
  const checks = keys.some((k) => {
    const pk = unb64Len(k, sodium.crypto_sign_PUBLICKEYBYTES);
    return !!pk && signatureChecks(signature, signed, pk);
  });
  if (!checks) throw new ArmourError('bad_signature', 'the envelope signature does not check');
  let key: Uint8Array;
  try {
    key = sodium.crypto_box_seal_open(sealed, me.boxPublicKey, me.boxSecretKey);
  } catch {
    throw new ArmourError('bad_envelope', 'the envelope does not open');
  }
  if (key.length !== KEY_BYTES) throw new ArmourError('bad_envelope', 'a key of the wrong size');
  return key;
}

/** `member`'s keys, as the server lists them, approved by `approver` in `workspaceId`. */
export function signApproval(
  workspaceId: string,
  member: ArmourMember,
  approver: IdentitySecrets,
): NewApproval {
  const { user_id, box_public, sign_public } = member;
  const signature = sodium.crypto_sign_detached(
    approvalSigned(workspaceId, user_id, box_public, sign_public),
    approver.signSecretKey,
  );
  return { user_id, box_public, sign_public, signature: b64(signature) };
}

/** Which keys a workspace's approvals admit, as this browser checked them. */
export interface ApprovalView {
  /** The key sets (keySetId) approved through a chain from an accepted anchor. */
  approved: ReadonlySet<string>;
  /** Every anchor the approvals list whose signature checks: "user\nsign". */
  anchors: readonly string[];
}

/** An anchor as the trust store keeps it. */
export const anchorId = (a: { user_id: string; sign_public: string }): string =>
  `${a.user_id}\n${a.sign_public}`;

/**
 * The key sets a workspace's `approvals` admit (docs/armoured.md,
 * "Approvals"): those of the anchors `accepted` here (every listed one when
 * null: the first sight), then, as far as it goes, each key set approved
 * with the signing key of a key set already admitted — the approver's
 * current keys or keys they replaced since, as long as those were approved.
 * Each approval is checked at most once per admitted key set of its
 * approver; one that checks with none admits nothing. `known` keeps the
 * answers across calls (an approval never changes: a workspace's browser
 * checks only the new ones, ~0.7 ms each here).
 */
export function checkApprovals(
  workspaceId: string,
  approvals: readonly ArmourApproval[],
  accepted: ReadonlySet<string> | null,
  known: Map<string, boolean> = new Map(),
): ApprovalView {
  const checks = (a: ArmourApproval, signPublic: string): boolean => {
    const id = `${workspaceId}\n${keySetId(a)}\n${a.signature}\n${signPublic}`;
    const answer = known.get(id);
    if (answer !== undefined) return answer;
    const pk = unb64Len(signPublic, sodium.crypto_sign_PUBLICKEYBYTES);
    const sig = unb64Len(a.signature, sodium.crypto_sign_BYTES);
    const ok =
      !!pk &&
      !!sig &&
      sodium.crypto_sign_verify_detached(
        sig,
        approvalSigned(workspaceId, a.user_id, a.box_public, a.sign_public),
        pk,
      );
    known.set(id, ok);
    return ok;
  };
  const anchors: string[] = [];
  const approved = new Set<string>();
  /** Newly admitted key sets whose approvals of others are still to check. */
  const queue: { user: string; sign: string }[] = [];
  const admit = (a: ArmourApproval) => {
    const id = keySetId(a);
    if (approved.has(id)) return;
    approved.add(id);
    queue.push({ user: a.user_id, sign: a.sign_public });
  };
  for (const a of approvals) {
    if (a.approved_by !== a.user_id || !checks(a, a.sign_public)) continue;
    const id = anchorId(a);
    if (!anchors.includes(id)) anchors.push(id);
    if (!accepted || accepted.has(id)) admit(a);
  }
  const byApprover = new Map<string, ArmourApproval[]>();
  for (const a of approvals) {
    if (a.approved_by === a.user_id) continue;
    const list = byApprover.get(a.approved_by);
    if (list) list.push(a);
    else byApprover.set(a.approved_by, [a]);
  }
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const a of byApprover.get(next.user) ?? []) {
      if (!approved.has(keySetId(a)) && checks(a, next.sign)) admit(a);
    }
  }
  return { approved, anchors };
}

/**
 * A text sealed under the key `ref` names and signed by its author
 * (docs/armoured.md): "e2e{version}:k:nonce:ciphertext:signature", with
 * `ad` as additional data, and in what the author signs. The nonce is the
 * one random draw.
 */
function sealText(
  key: Uint8Array,
  ref: KeyRef,
  version: MessageVersion,
  ad: string,
  plaintext: string,
  signSecretKey: Uint8Array,
): string {
  const nonceBytes = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const nonce = b64(nonceBytes);
  const ciphertext = b64(
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonceBytes, key),
  );
  const signature = b64(
    sodium.crypto_sign_detached(messageSigned(ad, nonce, ciphertext), signSecretKey),
  );
  return formatBody({ version, key: ref, nonce, ciphertext, signature });
}

/** Why a sealed text does not open: see Decrypted. */
export type UnreadableReason = 'malformed' | 'no_key' | 'bad_signature' | 'undecryptable';

type OpenedText =
  | { ok: true; version: MessageVersion; plaintext: string; verified: boolean }
  | { ok: false; reason: UnreadableReason };

/** The keys a sealed text may name: the workspace's, and a channel's own where it has them. */
interface TextKeys {
  /** The workspace key of a generation, when we hold it. */
  key(generation: number): Uint8Array | undefined;
  /** The channel's own key of a generation; absent: a channel reference is malformed here. */
  channelKey?(generation: number): Uint8Array | undefined;
}

/** Who sealed a text, as the reader's context gives them: ids here, keys here. */
interface TextAuthor {
  workspaceId: string;
  authorId: string;
  /** The author's Ed25519 public keys here, current first; empty: not checked. */
  authorKeys: readonly string[];
  /** An imported workspace's eras (absent: none): see eras.ts. */
  eras?: Eras;
}

/** A text's ids and its author's keys, as the generation its key reference names binds them. */
interface BoundText {
  workspaceId: string;
  /** The channel's id as bound (messages). */
  channelId: string;
  authorId: string;
  authorKeys: readonly string[];
}

/**
 * The ids and keys a text under `key` is checked with (bindingOf): those
 * of the era its generation came from, or those here. `channelId`: where a
 * message is shown ("" for files' records, which name no channel).
 */
function boundText(c: TextAuthor, key: KeyRef, channelId = ''): BoundText {
  const { channel, generation } = splitKeyRef(key);
  const b = bindingOf(
    c.eras ?? NO_ERAS,
    channel ? { workspaceId: c.workspaceId, channelId } : { workspaceId: c.workspaceId },
    generation,
  );
  const author = b.person(c.authorId);
  return {
    workspaceId: b.scope.workspaceId,
    channelId: channelId && b.channelId(channelId),
    authorId: author.id,
    authorKeys: author.signKeys ?? c.authorKeys,
  };
}

/**
 * Checks a sealed text's signature with its author's keys (none known: not
 * checked, and so not verified), then opens it (a plaintext that is not
 * well-formed UTF-8 does not open). `check` gives the additional data and
 * the author's keys for the version and key reference the text names.
 * Never throws.
 */
function openText(
  sealed: string,
  check: (version: MessageVersion, key: KeyRef) => { ad: string; authorKeys: readonly string[] },
  keys: TextKeys,
): OpenedText {
  const p = parseBody(sealed);
  const nonce = p && unb64Len(p.nonce, sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const ciphertext = p && unb64(p.ciphertext);
  const signature = p && unb64Len(p.signature, sodium.crypto_sign_BYTES);
  if (!p || !nonce || !ciphertext || !signature) return { ok: false, reason: 'malformed' };
  const ref = splitKeyRef(p.key);
  if (ref.channel && !keys.channelKey) return { ok: false, reason: 'malformed' };
  const { ad: data, authorKeys } = check(p.version, p.key);
  const signed = messageSigned(data, p.nonce, p.ciphertext);
  let verified = false;
  if (gathering && authorKeys.length) {
    // Known: it opens; else gathered, and it waits.
    verified = gatherText(signature, signed, authorKeys);
    if (!verified) return { ok: false, reason: 'bad_signature' };
  } else if (authorKeys.length) {
    verified = authorKeys.some((k) => {
      const pk = unb64Len(k, sodium.crypto_sign_PUBLICKEYBYTES);
      return !!pk && signatureChecks(signature, signed, pk);
    });
    if (!verified) return { ok: false, reason: 'bad_signature' };
  }
  const k = ref.channel ? keys.channelKey?.(ref.generation) : keys.key(ref.generation);
  if (!k) return { ok: false, reason: 'no_key' };
  try {
    const plaintext = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      ciphertext,
      data,
      nonce,
      k,
      'text',
    );
    return { ok: true, version: p.version, plaintext, verified };
  } catch {
    return { ok: false, reason: 'undecryptable' };
  }
}

/**
 * A message body for the server: "e2e1:k:nonce:ciphertext:signature" for a
 * text; "e2e2:…" when `files` is given (a message with attachments, or an
 * edit of one): the text and the files' names, types, sizes and keys sealed
 * together as JSON. `ref` names `key`: a workspace generation (public
 * channels), or "c" g, the channel's own (private channels, direct
 * conversations). ArmourError 'too_long' over 16 KiB of text or 64 KiB
 * sealed, 'malformed' for more than 10 files or a key of the wrong size.
 */
export function encryptMessage(
  key: Uint8Array,
  ref: KeyRef,
  workspaceId: string,
  channelId: string,
  authorId: string,
  text: string,
  signSecretKey: Uint8Array,
  files?: readonly SealedFile[],
): string {
  if (utf8Length(text) > MAX_PLAINTEXT_BYTES) throw new ArmourError('too_long');
  const version = files ? 2 : 1;
  const plaintext = files ? formatPayload(text, files) : text;
  const ad = messageAd(version, workspaceId, channelId, authorId, ref);
  const body = sealText(key, ref, version, ad, plaintext, signSecretKey);
  // Base64 and ASCII: one byte a character.
  if (body.length > MAX_SEALED_BODY_BYTES) throw new ArmourError('too_long');
  return body;
}

/** The plaintext of a version 2 message (docs/armoured.md), keys as unpadded base64url. */
function formatPayload(text: string, files: readonly SealedFile[]): string {
  if (files.length > MAX_SEALED_FILES) throw new ArmourError('malformed', 'too many files');
  return JSON.stringify({
    text,
    files: files.map((f) => {
      if (f.key.length !== FILE_KEY_BYTES) throw new ArmourError('malformed', 'a file key');
      return { id: f.id, name: f.name, type: f.type, size: f.size, key: b64(f.key) };
    }),
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isSize = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * A version 2 plaintext, or null unless it is exactly what the spec says:
 * its author signed it, but their browser may be broken or hostile, and the
 * screens trust these names, sizes and keys. Unknown fields are ignored.
 */
function parsePayload(json: string): { text: string; files: SealedFile[] } | null {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return null;
  }
  if (!isRecord(v)) return null;
  const { text, files } = v;
  if (typeof text !== 'string' || utf8Length(text) > MAX_PLAINTEXT_BYTES) return null;
  if (!Array.isArray(files) || files.length > MAX_SEALED_FILES) return null;
  const out: SealedFile[] = [];
  for (const f of files as unknown[]) {
    if (!isRecord(f)) return null;
    const { id, name, type, size, key } = f;
    if (typeof id !== 'string' || !id || out.some((o) => o.id === id)) return null;
    if (typeof name !== 'string' || !name || typeof type !== 'string') return null;
    if (!isSize(size)) return null;
    const keyBytes = typeof key === 'string' ? unb64Len(key, FILE_KEY_BYTES) : null;
    if (!keyBytes) return null;
    out.push({ id, name, type, size, key: keyBytes });
  }
  return { text, files: out };
}

export type Decrypted =
  | {
      ok: true;
      text: string;
      /** False when the author's public key is unknown here (not checked). */
      verified: boolean;
      /** Version 2: the files it describes (absent from a version 1 body). */
      files?: SealedFile[];
    }
  | {
      ok: false;
      /**
       * malformed: not an "e2e1:"/"e2e2:" body, or a version 2 plaintext
       * that is not the spec's JSON, or a channel's key reference where
       * the channel has no key of its own; no_key: we do not hold its key
       * generation; bad_signature: its author did not sign it (or it was
       * moved to another channel, or changed); undecryptable: signed, but
       * the key does not open it.
       */
      reason: UnreadableReason;
    };

/** Where a message is shown (ids here), and what opens and checks it. */
export interface MessageContext extends TextAuthor {
  channelId: string;
  /** The workspace key of a generation, when we hold it. */
  key(generation: number): Uint8Array | undefined;
  /**
   * The channel's own key of a generation, when we hold it (a private
   * channel or a direct conversation: "c" g references). Absent where the
   * channel has no key of its own (a public channel): a message there with
   * a channel reference is malformed.
   */
  channelKey?(generation: number): Uint8Array | undefined;
}

/**
 * Checks the author's signature, then decrypts (with the ids and keys of
 * the era its generation came from, if any). Never throws.
 */
export function decryptMessage(body: string, c: MessageContext): Decrypted {
  const r = openText(
    body,
    (version, k) => {
      const b = boundText(c, k, c.channelId);
      return {
        ad: messageAd(version, b.workspaceId, b.channelId, b.authorId, k),
        authorKeys: b.authorKeys,
      };
    },
    c,
  );
  if (!r.ok) return r;
  if (r.version === 1) return { ok: true, text: r.plaintext, verified: r.verified };
  const payload = parsePayload(r.plaintext);
  if (!payload) return { ok: false, reason: 'malformed' };
  return { ok: true, text: payload.text, verified: r.verified, files: payload.files };
}

// ---- files (docs/armoured.md, "Files") --------------------------------------

/** A new name token: 16 random bytes, unpadded base64url. */
export function newNameToken(): string {
  return b64(sodium.randombytes_buf(NAME_TOKEN_BYTES));
}

/**
 * A file's or folder's name sealed for its token by `authorId`: a sealed
 * text of version 1 under the files' name domain. ArmourError 'malformed'
 * for a name the Files rules refuse (the caller normalizes it to NFC
 * first) or a token that is not one.
 */
export function sealFileName(
  key: Uint8Array,
  generation: number,
  workspaceId: string,
  token: string,
  authorId: string,
  name: string,
  signSecretKey: Uint8Array,
): string {
  if (!isNameToken(token)) throw new ArmourError('malformed', 'not a name token');
  if (!isValidFileName(name)) throw new ArmourError('malformed', 'not a valid file name');
  const ad = fileNameAd(workspaceId, token, authorId, generation);
  return sealText(key, generation, 1, ad, name, signSecretKey);
}

/**
 * Where a file's record was sealed (ids here), and what checks it; its
 * author: who sealed it (sealed_name_by, sealed_content_by, a version's
 * created_by).
 */
export interface RecordContext extends TextAuthor {
  /** The entry's name token. */
  token: string;
  /** The workspace key of a generation, when we hold it. */
  key(generation: number): Uint8Array | undefined;
}

export type OpenedRecord<T> =
  { ok: true; value: T; verified: boolean } | { ok: false; reason: UnreadableReason };

/**
 * A name record opened: only a version 1 text whose name follows the Files
 * rules ('malformed' otherwise; the other reasons as for messages). Never
 * throws.
 */
export function openFileName(sealed: string, c: RecordContext): OpenedRecord<string> {
  return openRecordText(
    sealed,
    (b, g) => fileNameAd(b.workspaceId, c.token, b.authorId, g),
    c,
    (name) => (isValidFileName(name) ? name : null),
  );
}

/**
 * A record sealed as a version 1 text under the workspace's key (a channel
 * reference is malformed here), its additional data `adOf(ids, generation)`
 * (the ids as the generation binds them), opened and read by `parse`
 * ('malformed' when that gives null).
 */
function openRecordText<T>(
  sealed: string,
  adOf: (ids: BoundText, generation: number) => string,
  c: TextAuthor & Pick<RecordContext, 'key'>,
  parse: (plaintext: string) => T | null,
): OpenedRecord<T> {
  if (!sealed.startsWith(MESSAGE_PREFIXES[1])) return { ok: false, reason: 'malformed' };
  const r = openText(
    sealed,
    (_, g) => {
      const b = boundText(c, g);
      return { ad: adOf(b, Number(g)), authorKeys: b.authorKeys };
    },
    { key: c.key },
  );
  if (!r.ok) return r;
  const value = parse(r.plaintext);
  if (value === null) return { ok: false, reason: 'malformed' };
  return { ok: true, value, verified: r.verified };
}

/**
 * Version `number` of a file's content record, sealed by `authorId`: its
 * key, size, media type and modification time as JSON ({key, size, type,
 * mtime?}, in that order). ArmourError 'malformed' for a record that is not
 * one (a key of the wrong size, a size or time that is not a whole number,
 * a media type that is not printable ASCII).
 */
export function sealFileContent(
  key: Uint8Array,
  generation: number,
  workspaceId: string,
  token: string,
  number: number,
  authorId: string,
  record: ContentRecord,
  signSecretKey: Uint8Array,
): string {
  if (!isNameToken(token)) throw new ArmourError('malformed', 'not a name token');
  if (!Number.isSafeInteger(number) || number < 1) throw new ArmourError('malformed', 'a version');
  const plaintext = formatContent(record);
  const ad = fileContentAd(workspaceId, token, number, authorId, generation);
  return sealText(key, generation, 1, ad, plaintext, signSecretKey);
}

function formatContent(r: ContentRecord): string {
  return JSON.stringify(contentJson(r));
}

/** A content record as its JSON object ({key, size, type, mtime?}, in that order). */
function contentJson(r: ContentRecord): Record<string, unknown> {
  const ok =
    r.key.length === FILE_KEY_BYTES &&
    isSize(r.size) &&
    isMediaType(r.type) &&
    (r.mtime === undefined || isSize(r.mtime));
  if (!ok) throw new ArmourError('malformed', 'not a content record');
  return {
    key: b64(r.key),
    size: r.size,
    type: r.type,
    ...(r.mtime === undefined ? {} : { mtime: r.mtime }),
  };
}

const CONTENT_FIELDS = new Set(['key', 'size', 'type', 'mtime']);

function parseJson(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return null;
  }
}

/** A content record's plaintext, or null unless it is exactly the spec's JSON (no other field). */
function parseContent(json: string): ContentRecord | null {
  return contentOf(parseJson(json));
}

/** A content record's JSON object, or null unless it is exactly the spec's (no other field). */
function contentOf(v: unknown): ContentRecord | null {
  if (!isRecord(v) || Object.keys(v).some((k) => !CONTENT_FIELDS.has(k))) return null;
  const { key, size, type, mtime } = v;
  const keyBytes = typeof key === 'string' ? unb64Len(key, FILE_KEY_BYTES) : null;
  if (!keyBytes || !isSize(size) || typeof type !== 'string' || !isMediaType(type)) return null;
  if (mtime !== undefined && !isSize(mtime)) return null;
  return { key: keyBytes, size, type, ...(mtime === undefined ? {} : { mtime }) };
}

/**
 * Version `c.number`'s content record opened: only a version 1 text whose
 * JSON is exactly the spec's ('malformed' otherwise). Never throws.
 */
export function openFileContent(
  sealed: string,
  c: RecordContext & { number: number },
): OpenedRecord<ContentRecord> {
  return openRecordText(
    sealed,
    (b, g) => fileContentAd(b.workspaceId, c.token, c.number, b.authorId, g),
    c,
    parseContent,
  );
}

// ---- tasks (docs/armoured.md, "Tasks") ------------------------------------

/**
 * A task's card (its title, description and labels) sealed for its token
 * by `authorId`: a sealed text of version 1 under the tasks' card domain.
 * ArmourError 'malformed' for a card over the limits of docs/tasks.md or
 * a token that is not one (16 bytes, as a file's).
 */
export function sealTaskCard(
  key: Uint8Array,
  generation: number,
  workspaceId: string,
  token: string,
  authorId: string,
  card: TaskCard,
  signSecretKey: Uint8Array,
): string {
  if (!isNameToken(token)) throw new ArmourError('malformed', 'not a task token');
  const plaintext = formatTaskCard(card);
  const ad = taskTextAd('card', workspaceId, token, authorId, generation);
  return sealText(key, generation, 1, ad, plaintext, signSecretKey);
}

/**
 * A checklist item's text or a comment sealed for its task's token by
 * `authorId`, each under a domain of its own. ArmourError 'malformed' for
 * a text over the limits (an item: one line of 1 to 500 bytes; a comment:
 * 1 to 10,000 bytes, not blank) or a token that is not one.
 */
export function sealTaskText(
  kind: Exclude<TaskTextKind, 'card'>,
  key: Uint8Array,
  generation: number,
  workspaceId: string,
  token: string,
  authorId: string,
  text: string,
  signSecretKey: Uint8Array,
): string {
  if (!isNameToken(token)) throw new ArmourError('malformed', 'not a task token');
  if (!isTaskText(kind, text)) throw new ArmourError('malformed', `not a task ${kind}`);
  const ad = taskTextAd(kind, workspaceId, token, authorId, generation);
  return sealText(key, generation, 1, ad, text, signSecretKey);
}

/**
 * A task's card opened: only a version 1 text under the workspace's key
 * whose JSON keeps the limits ('malformed' otherwise; the other reasons as
 * for messages). `c.token`: the task's. Never throws.
 */
export function openTaskCard(sealed: string, c: RecordContext): OpenedRecord<TaskCard> {
  return openRecordText(
    sealed,
    (b, g) => taskTextAd('card', b.workspaceId, c.token, b.authorId, g),
    c,
    parseTaskCard,
  );
}

/** A checklist item's text or a comment opened, as openTaskCard. Never throws. */
export function openTaskText(
  kind: Exclude<TaskTextKind, 'card'>,
  sealed: string,
  c: RecordContext,
): OpenedRecord<string> {
  return openRecordText(
    sealed,
    (b, g) => taskTextAd(kind, b.workspaceId, c.token, b.authorId, g),
    c,
    (text) => (isTaskText(kind, text) ? text : null),
  );
}

// ---- calendar (docs/armoured.md, "Calendar") ------------------------------

/**
 * An event's card (every fact of it) sealed for its token by `authorId`: a
 * sealed text of version 1 under the calendar's domain. ArmourError
 * 'malformed' for a card over the limits or a token that is not one.
 */
export function sealEventCard(
  key: Uint8Array,
  generation: number,
  workspaceId: string,
  token: string,
  authorId: string,
  card: EventCard,
  signSecretKey: Uint8Array,
): string {
  if (!isNameToken(token)) throw new ArmourError('malformed', 'not an event token');
  const plaintext = formatEventCard(card);
  const ad = eventCardAd(workspaceId, token, authorId, generation);
  return sealText(key, generation, 1, ad, plaintext, signSecretKey);
}

/**
 * An event's card opened: only a version 1 text under the workspace's key
 * whose JSON keeps the limits ('malformed' otherwise; the other reasons as
 * for messages). `c.token`: the event's. Never throws.
 */
export function openEventCard(sealed: string, c: RecordContext): OpenedRecord<EventCard> {
  return openRecordText(
    sealed,
    (b, g) => eventCardAd(b.workspaceId, c.token, b.authorId, g),
    c,
    parseEventCard,
  );
}

/**
 * An attendee's answers to single occurrences of the event `token`, sealed
 * and signed by them (`attendeeId`): a sealed text of version 1 under the
 * calendar answers' domain. ArmourError 'malformed' for answers over the
 * limits (isEventAnswers) or a token that is not one.
 */
export function sealEventAnswers(
  key: Uint8Array,
  generation: number,
  workspaceId: string,
  token: string,
  attendeeId: string,
  answers: readonly EventAnswer[],
  signSecretKey: Uint8Array,
): string {
  if (!isNameToken(token)) throw new ArmourError('malformed', 'not an event token');
  const plaintext = formatEventAnswers(answers);
  const ad = eventAnswersAd(workspaceId, token, attendeeId, generation);
  return sealText(key, generation, 1, ad, plaintext, signSecretKey);
}

/**
 * An attendee's answers to single occurrences opened, as openEventCard:
 * `c.authorId` is the attendee, `c.token` the event's. Never throws.
 */
export function openEventAnswers(sealed: string, c: RecordContext): OpenedRecord<EventAnswer[]> {
  return openRecordText(
    sealed,
    (b, g) => eventAnswersAd(b.workspaceId, c.token, b.authorId, g),
    c,
    parseEventAnswers,
  );
}

// ---- resumable uploads kept in the browser (docs/armoured.md, "Large files") --

/** Where a kept upload's record was sealed, and what checks it; its author: the person uploading. */
export interface ResumeContext extends TextAuthor {
  /** The upload's URL on the server. */
  url: string;
  /** The workspace key of a generation, when we hold it. */
  key(generation: number): Uint8Array | undefined;
}

/** The longest relative path a kept upload shows (UTF-8 bytes): a deep tree's. */
const MAX_RESUME_PATH_BYTES = 4096;

const RESUME_FIELDS = new Set([
  'name',
  'path',
  'parent_id',
  'token',
  'replaces',
  'replace',
  'version_of',
  'content',
]);

/**
 * What finishes a large sealed upload after a reload (its folder, token,
 * name and content record: the key of the bytes sent), sealed to be kept
 * in this browser: a sealed text of version 1 under the workspace's key,
 * signed by the person uploading, its additional data naming the purpose,
 * the workspace, that person and the upload's URL (uploadResumeAd), so that
 * it opens for that upload only. ArmourError 'malformed' for a name the
 * Files rules refuse, a token that is not one or a record that is not one.
 */
export function sealUploadResume(
  key: Uint8Array,
  generation: number,
  workspaceId: string,
  authorId: string,
  url: string,
  r: UploadResume,
  signSecretKey: Uint8Array,
): string {
  if (!isValidFileName(r.name)) throw new ArmourError('malformed', 'not a valid file name');
  if (!isNameToken(r.token)) throw new ArmourError('malformed', 'not a name token');
  if (utf8Length(r.path) > MAX_RESUME_PATH_BYTES) throw new ArmourError('malformed', 'a path');
  const plaintext = JSON.stringify({
    name: r.name,
    path: r.path,
    parent_id: r.parentId,
    token: r.token,
    replaces: r.replaces,
    replace: r.replace,
    ...(r.versionOf === undefined ? {} : { version_of: r.versionOf }),
    content: contentJson(r.content),
  });
  const ad = uploadResumeAd(workspaceId, authorId, url, generation);
  return sealText(key, generation, 1, ad, plaintext, signSecretKey);
}

/** A kept upload's plaintext, or null unless it is exactly what sealUploadResume writes. */
function parseResume(json: string): UploadResume | null {
  const v = parseJson(json);
  if (!isRecord(v) || Object.keys(v).some((k) => !RESUME_FIELDS.has(k))) return null;
  const { name, path, parent_id, token, replaces, replace, version_of } = v;
  const content = contentOf(v.content);
  if (typeof name !== 'string' || !isValidFileName(name)) return null;
  if (typeof path !== 'string' || utf8Length(path) > MAX_RESUME_PATH_BYTES) return null;
  if (typeof parent_id !== 'string' || typeof token !== 'string' || !isNameToken(token))
    return null;
  if (replaces !== null && (typeof replaces !== 'string' || !replaces)) return null;
  if (typeof replace !== 'boolean' || !content) return null;
  if (version_of !== undefined && (typeof version_of !== 'string' || !version_of)) return null;
  return {
    name,
    path,
    parentId: parent_id,
    token,
    replaces,
    replace,
    ...(version_of === undefined ? {} : { versionOf: version_of }),
    content,
  };
}

/**
 * A kept upload's record opened: only a version 1 text whose JSON is
 * exactly what sealUploadResume writes, sealed for this workspace, this
 * person and this URL ('malformed', 'no_key', 'bad_signature' or
 * 'undecryptable' otherwise). Never throws.
 */
export function openUploadResume(sealed: string, c: ResumeContext): OpenedRecord<UploadResume> {
  return openRecordText(
    sealed,
    (b, g) => uploadResumeAd(b.workspaceId, b.authorId, c.url, g),
    c,
    parseResume,
  );
}

const TAG_MESSAGE = () => sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
const TAG_FINAL = () => sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;

/** Pieces sealed per read of the file: 4 MiB read at a time, whatever its size. */
const PIECES_PER_READ = 64;

/**
 * An attachment's bytes sealed under a key of its own: secretstream's
 * header, then pieces of 64 KiB of plaintext, the last (possibly empty)
 * tagged FINAL (docs/armoured.md, "Attachment contents"). The file is read
 * 4 MiB at a time and the sealed pieces kept as the parts of a Blob, so a
 * large file is not held twice in memory.
 */
export async function encryptFile(file: Blob): Promise<{ key: Uint8Array; sealed: Blob }> {
  const key = sodium.randombytes_buf(FILE_KEY_BYTES);
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const parts: Uint8Array[] = [header];
  const pieces = Math.max(1, Math.ceil(file.size / FILE_PIECE_BYTES));
  for (let first = 0; first < pieces; first += PIECES_PER_READ) {
    const from = first * FILE_PIECE_BYTES;
    const read = new Uint8Array(
      await file.slice(from, from + PIECES_PER_READ * FILE_PIECE_BYTES).arrayBuffer(),
    );
    for (let i = first; i < Math.min(pieces, first + PIECES_PER_READ); i++) {
      const at = (i - first) * FILE_PIECE_BYTES;
      const tag = i === pieces - 1 ? TAG_FINAL() : TAG_MESSAGE();
      parts.push(
        sodium.crypto_secretstream_xchacha20poly1305_push(
          state,
          read.subarray(at, at + FILE_PIECE_BYTES),
          null,
          tag,
        ),
      );
    }
  }
  return { key, sealed: new Blob(parts as Uint8Array<ArrayBuffer>[]) };
}

/**
 * Opens an attachment's sealed bytes with its key, 4 MiB at a time into the
 * parts of a Blob of `type`; or ArmourError 'bad_file': not the size its
 * message sealed, a piece changed or moved, pieces missing after any but
 * the FINAL one, or bytes after it.
 */
export async function decryptFile(
  sealed: Blob,
  key: Uint8Array,
  expectedSize: number,
  type = 'application/octet-stream',
): Promise<Blob> {
  const headerBytes = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES;
  const pieceBytes = FILE_PIECE_BYTES + sodium.crypto_secretstream_xchacha20poly1305_ABYTES;
  const bad = (why: string) => new ArmourError('bad_file', why);
  if (
    key.length !== FILE_KEY_BYTES ||
    !Number.isSafeInteger(expectedSize) ||
    expectedSize < 0 ||
    sealed.size !== sealedFileSize(expectedSize)
  ) {
    throw bad('not the sealed size');
  }
  const parts: Uint8Array[] = [];
  const forget = () => parts.forEach((p) => sodium.memzero(p));
  let written = 0;
  try {
    const header = new Uint8Array(await sealed.slice(0, headerBytes).arrayBuffer());
    const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
    for (let from = headerBytes; from < sealed.size; from += PIECES_PER_READ * pieceBytes) {
      const read = new Uint8Array(
        await sealed.slice(from, from + PIECES_PER_READ * pieceBytes).arrayBuffer(),
      );
      for (let at = 0; at < read.length; at += pieceBytes) {
        const r = sodium.crypto_secretstream_xchacha20poly1305_pull(
          state,
          read.subarray(at, at + pieceBytes),
          null,
        );
        // The FINAL tag on the last piece only: the stream was not cut short.
        const last = from + at + pieceBytes >= sealed.size;
        if (!r || r.tag !== (last ? TAG_FINAL() : TAG_MESSAGE())) throw bad('a bad piece');
        written += r.message.length;
        parts.push(r.message);
      }
    }
  } catch {
    forget();
    throw bad('the attachment does not open');
  }
  if (written !== expectedSize) {
    forget();
    throw bad('not the sealed size');
  }
  return new Blob(parts as Uint8Array<ArrayBuffer>[], { type });
}

/**
 * The safety code of an identity (fingerprint.ts: twelve groups of five
 * digits from BLAKE2b-512 over "ruche-armour-fingerprint-v1\n" user_id "\n"
 * box_public "\n" sign_public). The same on every browser for the same keys.
 */
export function safetyCode(userId: string, boxPublic: string, signPublic: string): string {
  // A string is hashed as its UTF-8 bytes.
  const hash = sodium.crypto_generichash(
    SAFETY_HASH_BYTES,
    fingerprintInput(userId, boxPublic, signPublic),
    null,
  );
  return formatSafetyCode(hash);
}
