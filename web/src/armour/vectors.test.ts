// Known answers of version 2 (docs/armoured.md, "Messages with attachments"
// and "Attachment contents"), of the files' records ("Files") and of
// channel keys ("Channel keys": an envelope, a message under "c2"), shared
// with the server's C++ test: the same inputs and outputs, in base64url, are
// written out for it (see the report of the change that added them).
// Nothing here is random.
import sodium from 'libsodium-wrappers-sumo';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  checkApprovals,
  decryptMessage,
  encryptMessage,
  openEnvelope,
  openFileContent,
  openFileName,
  ready,
  sealFileContent,
  sealFileName,
  signApproval,
  type IdentitySecrets,
} from './crypto';
import {
  approvalSigned,
  envelopeSigned,
  fileContentAd,
  fileNameAd,
  messageAd,
  messageSigned,
  sealedFileSize,
} from './format';
import { concatBytes, openBytes } from '../test/sealedBytes';

const WS = '01J9ZQ3K4M5N6P7Q8R9S0T1V2W';
const CH = '01J9ZQ3K4M5N6P7Q8R9S0T1V2X';
const AUTHOR = '01J9ZQ3K4M5N6P7Q8R9S0T1V2Y';
const AID = '01J9ZQ3K4M5N6P7Q8R9S0T1V2Z';

/** The signing key pair comes from this seed (32 bytes of 7). */
const SIGN_PUBLIC = '6kpsY-KcUgq-9VB7Ey7F-ZVHdq6-vnuSQh7qaRRG0iw';
const WORKSPACE_KEY = 'KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio';
const NONCE = 'CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ';
const TEXT = 'Le relevé est joint ✓';
const PLAINTEXT =
  '{"text":"Le relevé est joint ✓","files":[{"id":"01J9ZQ3K4M5N6P7Q8R9S0T1V2Z","name":"relevé.bin",' +
  '"type":"application/octet-stream","size":70000,"key":"BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU"}]}';
const CIPHERTEXT =
  'zCjbGEBC0wBlJK8qQF14sutVav-nLnU3o-IQRBE_motRc5jQRXWXNxKRddQ6lL1DTiE7dSydIl8UZF2wmGdwQTWQN2CqOGOQ' +
  'LGFSdSVb3UurmlqXESI8OSmOPYEQmKhlO5DD3pWjIQf2WxK3Z-0yr7UBHuUJjJsnQ9E8UfhyNTWif-nbC8jjdHUx8e49Ed2P' +
  'TRkFM63dcBRB904KQ862_Wu068lTDrbmFi5corF9_cBuRly9fHQVOL0C1jlt1ragZExTJ58kJRsnGMXI7_kJtjQe6DLhEt9kjA';
const SIGNATURE =
  'Rbitlt3I3d0Y9XXnJwPxqNaAXOtZayO2IW018ozzsAdNN4a-XIDp4oO79jvTohVluP7N2fh96hEZCVes0eRRAQ';
const BODY = `e2e2:1:${NONCE}:${CIPHERTEXT}:${SIGNATURE}`;

/** The attachment the message describes: 70,000 bytes (i % 251), two pieces. */
const FILE_KEY = 'BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU';
const FILE_SIZE = 70000;
/** Chosen (libsodium draws it at random): 24 bytes of 3. */
const FILE_HEADER = 'AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD';
const SEALED_SIZE = 70058;
/** BLAKE2b-256 of the sealed bytes (the server's test has them in full). */
const SEALED_HASH = 'ke97nWKU_UB2knSDxlEG0t0Img9wCxQ3Z27ZxISwK3o';

const URLSAFE = () => sodium.base64_variants.URLSAFE_NO_PADDING;
const b64 = (b: Uint8Array) => sodium.to_base64(b, URLSAFE());
const unb64 = (s: string) => sodium.from_base64(s, URLSAFE());

const plainFile = () => new Uint8Array(FILE_SIZE).map((_, i) => i % 251);

/**
 * libsodium's crypto_secretstream_xchacha20poly1305 push, spelled out with
 * its primitives so that the header can be chosen: the vector is then
 * bytes anyone can rebuild. No additional data; never rekeys (the streams
 * here end before they would).
 */
function sealWithHeader(key: Uint8Array, header: Uint8Array, pieces: [Uint8Array, number][]) {
  const k = sodium.crypto_core_hchacha20(header.subarray(0, 16), key, null);
  const nonce = new Uint8Array(12);
  nonce[0] = 1; // the counter, little-endian, starts at 1
  nonce.set(header.subarray(16, 24), 4);
  const out: Uint8Array[] = [header];
  for (const [m, tag] of pieces) {
    const polyKey = sodium
      .crypto_stream_chacha20_ietf_xor_ic(new Uint8Array(64), nonce, 0, k)
      .subarray(0, 32);
    const tagBlock = new Uint8Array(64);
    tagBlock[0] = tag;
    const sealedTag = sodium.crypto_stream_chacha20_ietf_xor_ic(tagBlock, nonce, 1, k);
    const c = sodium.crypto_stream_chacha20_ietf_xor_ic(m, nonce, 2, k);
    const lengths = new DataView(new ArrayBuffer(16));
    lengths.setBigUint64(0, 0n, true);
    lengths.setBigUint64(8, BigInt(64 + m.length), true);
    const pad = new Uint8Array((16 - ((64 + m.length) % 16)) % 16);
    const mac = sodium.crypto_onetimeauth(
      concatBytes(sealedTag, c, pad, new Uint8Array(lengths.buffer)),
      polyKey,
    );
    for (let i = 0; i < 8; i++) nonce[4 + i] = (nonce[4 + i] ?? 0) ^ (mac[i] ?? 0);
    for (let i = 0; i < 4; i++) {
      nonce[i] = ((nonce[i] ?? 0) + 1) & 255;
      if (nonce[i] !== 0) break;
    }
    out.push(sealedTag.subarray(0, 1), c, mac);
  }
  return concatBytes(...out);
}

beforeAll(async () => {
  await ready();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('version 2 vectors (shared with the server)', () => {
  const signer = () => sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(7));
  const file = () => ({
    id: AID,
    name: 'relevé.bin',
    type: 'application/octet-stream',
    size: FILE_SIZE,
    key: unb64(FILE_KEY),
  });

  it('the inputs are what the vector says', () => {
    expect(b64(signer().publicKey)).toBe(SIGN_PUBLIC);
    expect(WORKSPACE_KEY).toBe(b64(new Uint8Array(32).fill(42)));
    expect(NONCE).toBe(b64(new Uint8Array(24).fill(9)));
    expect(FILE_KEY).toBe(b64(new Uint8Array(32).fill(5)));
    expect(FILE_HEADER).toBe(b64(new Uint8Array(24).fill(3)));
    expect(messageAd(2, WS, CH, AUTHOR, 1)).toBe(
      'ruche-chat-v2\n01J9ZQ3K4M5N6P7Q8R9S0T1V2W\n01J9ZQ3K4M5N6P7Q8R9S0T1V2X\n01J9ZQ3K4M5N6P7Q8R9S0T1V2Y\n1',
    );
  });

  it('the message: the web code seals exactly these bytes (with the nonce fixed)', () => {
    const nonce = unb64(NONCE);
    // The nonce is the one random draw of encryptMessage.
    const draw = (() => nonce.slice()) as unknown as typeof sodium.randombytes_buf;
    vi.spyOn(sodium, 'randombytes_buf').mockImplementation(draw);
    const body = encryptMessage(
      unb64(WORKSPACE_KEY),
      1,
      WS,
      CH,
      AUTHOR,
      TEXT,
      signer().privateKey,
      [file()],
    );
    expect(body).toBe(BODY);
  });

  it('the message: the plaintext, the signature, and the web code opens it', () => {
    const ad = messageAd(2, WS, CH, AUTHOR, 1);
    const plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      unb64(CIPHERTEXT),
      ad,
      unb64(NONCE),
      unb64(WORKSPACE_KEY),
      'text',
    );
    expect(plain).toBe(PLAINTEXT);
    expect(
      sodium.crypto_sign_verify_detached(
        unb64(SIGNATURE),
        messageSigned(ad, NONCE, CIPHERTEXT),
        unb64(SIGN_PUBLIC),
      ),
    ).toBe(true);
    const r = decryptMessage(BODY, {
      workspaceId: WS,
      channelId: CH,
      authorId: AUTHOR,
      key: (g) => (g === 1 ? unb64(WORKSPACE_KEY) : undefined),
      authorKeys: [SIGN_PUBLIC],
    });
    expect(r).toEqual({ ok: true, text: TEXT, verified: true, files: [file()] });
  });

  it('the attachment: libsodium’s stream with the chosen header, opened by the web code', async () => {
    const plain = plainFile();
    const sealed = sealWithHeader(unb64(FILE_KEY), unb64(FILE_HEADER), [
      [plain.subarray(0, 65536), sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE],
      [plain.subarray(65536), sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL],
    ]);
    expect(sealed.length).toBe(SEALED_SIZE);
    expect(sealedFileSize(FILE_SIZE)).toBe(SEALED_SIZE);
    expect(b64(sodium.crypto_generichash(32, sealed, null))).toBe(SEALED_HASH);
    expect(b64(await openBytes(sealed, unb64(FILE_KEY), FILE_SIZE))).toBe(b64(plain));
    // libsodium itself reads the same pieces and tags.
    const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(
      unb64(FILE_HEADER),
      unb64(FILE_KEY),
    );
    const first = sodium.crypto_secretstream_xchacha20poly1305_pull(
      state,
      sealed.subarray(24, 24 + 65536 + 17),
      null,
    );
    expect(first && first.tag).toBe(sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  });
});

describe('files vectors (shared with the server)', () => {
  // The same signer, workspace key and nonce as above.
  const signer = () => sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(7));
  const FWS = 'ws1';
  const TOKEN = 'AAAAAAAAAAAAAAAAAAAAAA';
  const FAUTHOR = 'u1';
  const NAME = 'relevé du coffre.txt';
  const NAME_AD = 'ruche-files-name-v1\nws1\nAAAAAAAAAAAAAAAAAAAAAA\nu1\n1';
  const NAME_RECORD =
    'e2e1:1:CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ:xW_DGE71WBojHeppXV5ypfi4t6e2kGkh-0RNurw1KvhcEkwumw:' +
    '291GoQv1xN_e0iiQpqMdEN2SdVayzQbWza3Zx4GsLpwNJQ3f7rOjNFbqj7mINQ3xjybKYGBaPcA6h6__gWupAw';
  const CONTENT_AD = 'ruche-files-content-v1\nws1\nAAAAAAAAAAAAAAAAAAAAAA\n1\nu1\n1';
  const CONTENT_PLAINTEXT =
    '{"key":"BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU","size":70000,"type":"text/plain","mtime":1764590400000}';
  const CONTENT_RECORD =
    'e2e1:1:CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ:' +
    'zCjEGEEUyxgFOZ9McGlBkd_HlpmADFRRi9wsbCdOLVGAAOG0YU2uFCPiGskD54FhLkpMZzH1aGw_MjS-4mIOR1WLRCyB' +
    'cVWCQnJwIgcN3hmpml6cETQ8JjiLNZLxC7cwZMrUy4fjaEejSRjo_ZEKWl90NHbH2q96T_RTSA:' +
    'YSdXApoTBAaQr6QtHMNQ0WixODP2-zM-ptnaFfN54aaKfBI2JZlcNtNLEJ3WziSoal_8sRY2aJCyE1Fz_T97AA';
  const record = () => ({
    key: unb64(FILE_KEY),
    size: FILE_SIZE,
    type: 'text/plain',
    mtime: 1764590400000,
  });
  const ctx = (token = TOKEN) => ({
    workspaceId: FWS,
    token,
    authorId: FAUTHOR,
    key: (g: number) => (g === 1 ? unb64(WORKSPACE_KEY) : undefined),
    authorKeys: [SIGN_PUBLIC],
  });
  const fixedNonce = () => {
    const nonce = unb64(NONCE);
    // The nonce is the one random draw of sealing a record.
    const draw = (() => nonce.slice()) as unknown as typeof sodium.randombytes_buf;
    vi.spyOn(sodium, 'randombytes_buf').mockImplementation(draw);
  };
  /** The record's parts, checked with libsodium alone: the plaintext it opens to, its signature. */
  const opened = (sealed: string, ad: string) => {
    const [, , nonce, ct, sig] = sealed.split(':') as [string, string, string, string, string];
    expect(
      sodium.crypto_sign_verify_detached(
        unb64(sig),
        messageSigned(ad, nonce, ct),
        unb64(SIGN_PUBLIC),
      ),
    ).toBe(true);
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      unb64(ct),
      ad,
      unb64(nonce),
      unb64(WORKSPACE_KEY),
      'text',
    );
  };

  it('the additional data is what the vector says', () => {
    expect(fileNameAd(FWS, TOKEN, FAUTHOR, 1)).toBe(NAME_AD);
    expect(fileContentAd(FWS, TOKEN, 1, FAUTHOR, 1)).toBe(CONTENT_AD);
  });

  it('the name record: the web code seals exactly these bytes, and opens them', () => {
    fixedNonce();
    expect(
      sealFileName(unb64(WORKSPACE_KEY), 1, FWS, TOKEN, FAUTHOR, NAME, signer().privateKey),
    ).toBe(NAME_RECORD);
    expect(opened(NAME_RECORD, NAME_AD)).toBe(NAME);
    expect(openFileName(NAME_RECORD, ctx())).toEqual({ ok: true, value: NAME, verified: true });
    expect(openFileName(NAME_RECORD, ctx('AAAAAAAAAAAAAAAAAAAAAQ'))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('the content record: the web code seals exactly these bytes, and opens them', () => {
    fixedNonce();
    expect(
      sealFileContent(
        unb64(WORKSPACE_KEY),
        1,
        FWS,
        TOKEN,
        1,
        FAUTHOR,
        record(),
        signer().privateKey,
      ),
    ).toBe(CONTENT_RECORD);
    expect(opened(CONTENT_RECORD, CONTENT_AD)).toBe(CONTENT_PLAINTEXT);
    expect(openFileContent(CONTENT_RECORD, { ...ctx(), number: 1 })).toEqual({
      ok: true,
      value: record(),
      verified: true,
    });
    expect(openFileContent(CONTENT_RECORD, { ...ctx(), number: 2 })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });
});

describe('channel keys vectors (shared with the server)', () => {
  // The workspace, the author (who also makes the envelope) and the signer
  // of the vectors above; the channel is CH.
  const signer = () => sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(7));
  const RECIPIENT = '01J9ZQ3K4M5N6P7Q8R9S0T1V31';
  /** The recipient's X25519 pair comes from this seed (32 bytes of 8). */
  const RECIPIENT_BOX_PUBLIC = 'iZq8th4gOowDYTyfdSTU789gnbDIDY6ND7q9k0MMUyM';
  /** crypto_box_seal's ephemeral pair, chosen (libsodium draws it): from 32 bytes of 6. */
  const EPHEMERAL_PUBLIC = 'kOaL6HjHyuJgI08k-XRXlNFgXVoTwO7JcWleRFV7WAA';
  /** Generation 2 of the channel's key: 32 bytes of 33. */
  const CHANNEL_KEY = 'ISEhISEhISEhISEhISEhISEhISEhISEhISEhISEhISE';
  const SEALED =
    'kOaL6HjHyuJgI08k-XRXlNFgXVoTwO7JcWleRFV7WADwVkqq0uzmFZJhlcaxZwr6nL9VSvjl9u_nBlsCKmmelNVIrZLA1lYUtORw455QWoo';
  const ENVELOPE_SIGNED =
    'ruche-armour-channel-envelope-v1\n01J9ZQ3K4M5N6P7Q8R9S0T1V2W\n01J9ZQ3K4M5N6P7Q8R9S0T1V2X\n2\n' +
    `01J9ZQ3K4M5N6P7Q8R9S0T1V31\n${SEALED}`;
  const ENVELOPE_SIGNATURE =
    'DOg1QvyixkoxukC5oMAe-VwGex2UjfMqKtd0H_tnb9QyLk5jE0HTvsAO7onXlFYLOl7O7KzpFCrcONe-5-eLBA';
  /** The same sealed key signed as the workspace's generation 2: must not pass as the channel's. */
  const WORKSPACE_SIGNED = `ruche-armour-envelope-v1\n01J9ZQ3K4M5N6P7Q8R9S0T1V2W\n2\n01J9ZQ3K4M5N6P7Q8R9S0T1V31\n${SEALED}`;
  const WORKSPACE_SIGNATURE =
    '8b9h0ZXl2b1cYrSMuDLF_r8N5pdZxqLOuMPyugKk3nh0sviyTJHgg4xPp8OH_brKRsoEbFNjbgf_am_kNbZMCA';

  const C_TEXT = 'Entre nous ✓';
  const C_AD =
    'ruche-chat-v1\n01J9ZQ3K4M5N6P7Q8R9S0T1V2W\n01J9ZQ3K4M5N6P7Q8R9S0T1V2X\n01J9ZQ3K4M5N6P7Q8R9S0T1V2Y\nc2';
  const C_CIPHERTEXT = 'wLhCslUn7YfzEBM70QHeqD-sbTMP9hirce9YO-RJ';
  const C_SIGNATURE =
    'qYuLHt_oBexRUgCI-Jh2PPIHXxWQSHbhhBFHWk8iW9T_s-8OamkQWFMLoqrwYYK5XnseGq0tJ4bervMO4GDwCA';
  const C_BODY = `e2e1:c2:${NONCE}:${C_CIPHERTEXT}:${C_SIGNATURE}`;

  const IN_CH = { workspaceId: WS, channelId: CH };
  const creator = () => [
    { user_id: AUTHOR, box_public: EPHEMERAL_PUBLIC, sign_public: SIGN_PUBLIC },
  ];
  const recipient = (): IdentitySecrets => {
    const pair = sodium.crypto_box_seed_keypair(new Uint8Array(32).fill(8));
    return {
      userId: RECIPIENT,
      boxPublic: b64(pair.publicKey),
      signPublic: '',
      boxPublicKey: pair.publicKey,
      boxSecretKey: pair.privateKey,
      signSecretKey: new Uint8Array(64),
    };
  };

  it('the inputs and the signed text are what the vector says', () => {
    expect(CHANNEL_KEY).toBe(b64(new Uint8Array(32).fill(33)));
    expect(RECIPIENT_BOX_PUBLIC).toBe(recipient().boxPublic);
    expect(EPHEMERAL_PUBLIC).toBe(
      b64(sodium.crypto_box_seed_keypair(new Uint8Array(32).fill(6)).publicKey),
    );
    expect(envelopeSigned(IN_CH, 2, RECIPIENT, SEALED)).toBe(ENVELOPE_SIGNED);
    expect(envelopeSigned({ workspaceId: WS }, 2, RECIPIENT, SEALED)).toBe(WORKSPACE_SIGNED);
    expect(messageAd(1, WS, CH, AUTHOR, 'c2')).toBe(C_AD);
  });

  it('the envelope: crypto_box_seal with the chosen ephemeral pair, signed in the channel’s domain', () => {
    // crypto_box_seal = ephemeral public ‖ crypto_box(m, BLAKE2b-192(epk ‖ rpk), rpk, esk).
    const eph = sodium.crypto_box_seed_keypair(new Uint8Array(32).fill(6));
    const rpk = unb64(RECIPIENT_BOX_PUBLIC);
    const nonce = sodium.crypto_generichash(24, concatBytes(eph.publicKey, rpk), null);
    const boxed = sodium.crypto_box_easy(unb64(CHANNEL_KEY), nonce, rpk, eph.privateKey);
    expect(b64(concatBytes(eph.publicKey, boxed))).toBe(SEALED);
    const me = recipient();
    expect(b64(sodium.crypto_box_seal_open(unb64(SEALED), me.boxPublicKey, me.boxSecretKey))).toBe(
      CHANNEL_KEY,
    );
    expect(b64(sodium.crypto_sign_detached(ENVELOPE_SIGNED, signer().privateKey))).toBe(
      ENVELOPE_SIGNATURE,
    );
    expect(b64(sodium.crypto_sign_detached(WORKSPACE_SIGNED, signer().privateKey))).toBe(
      WORKSPACE_SIGNATURE,
    );
  });

  it('the envelope: the web code opens it as the channel’s, and refuses the other domain', () => {
    const env = {
      generation: 2,
      sealed: SEALED,
      signature: ENVELOPE_SIGNATURE,
      created_by: AUTHOR,
    };
    expect(b64(openEnvelope(env, IN_CH, recipient(), creator()))).toBe(CHANNEL_KEY);
    const bad = expect.objectContaining({ code: 'bad_signature' });
    expect(() => openEnvelope(env, { workspaceId: WS }, recipient(), creator())).toThrow(bad);
    const asWorkspace = { ...env, signature: WORKSPACE_SIGNATURE };
    expect(b64(openEnvelope(asWorkspace, { workspaceId: WS }, recipient(), creator()))).toBe(
      CHANNEL_KEY,
    );
    expect(() => openEnvelope(asWorkspace, IN_CH, recipient(), creator())).toThrow(bad);
  });

  it('the message under "c2": the web code seals exactly these bytes, and opens them', () => {
    const nonce = unb64(NONCE);
    const draw = (() => nonce.slice()) as unknown as typeof sodium.randombytes_buf;
    vi.spyOn(sodium, 'randombytes_buf').mockImplementation(draw);
    expect(
      encryptMessage(unb64(CHANNEL_KEY), 'c2', WS, CH, AUTHOR, C_TEXT, signer().privateKey),
    ).toBe(C_BODY);
    expect(
      sodium.crypto_sign_verify_detached(
        unb64(C_SIGNATURE),
        messageSigned(C_AD, NONCE, C_CIPHERTEXT),
        unb64(SIGN_PUBLIC),
      ),
    ).toBe(true);
    expect(
      sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        unb64(C_CIPHERTEXT),
        C_AD,
        unb64(NONCE),
        unb64(CHANNEL_KEY),
        'text',
      ),
    ).toBe(C_TEXT);
    const ctx = {
      workspaceId: WS,
      channelId: CH,
      authorId: AUTHOR,
      key: () => undefined,
      channelKey: (g: number) => (g === 2 ? unb64(CHANNEL_KEY) : undefined),
      authorKeys: [SIGN_PUBLIC],
    };
    expect(decryptMessage(C_BODY, ctx)).toEqual({ ok: true, text: C_TEXT, verified: true });
    // In a public channel (no key of its own): malformed.
    expect(decryptMessage(C_BODY, { ...ctx, channelKey: undefined })).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});

describe('approval vector (shared with the server)', () => {
  // The signer of the vectors above (seed 7) approves the recipient's keys:
  // X25519 from 32 bytes of 8, Ed25519 from 32 bytes of 9.
  const RECIPIENT = '01J9ZQ3K4M5N6P7Q8R9S0T1V31';
  const BOX = 'iZq8th4gOowDYTyfdSTU789gnbDIDY6ND7q9k0MMUyM';
  const SIGN = '_RckOFqgx1tk-3jNYC-h2ZH96_drE8WO1wLqyDXp9hg';
  const SIGNED = `ruche-armour-approval-v1\n${WS}\n${RECIPIENT}\n${BOX}\n${SIGN}`;
  const APPROVAL_SIGNATURE =
    'DmdhsvKcnmSkxrlXoiQgcknMuXe5NDGEdOsQ-dsR6Ee1bZ9696V9lTxPQ6V78cC1VTiCbvZd8dBaJCMAGV31Aw';

  it('signs the approved keys bound to the workspace, and admits them through the signer’s anchor', () => {
    expect(BOX).toBe(b64(sodium.crypto_box_seed_keypair(new Uint8Array(32).fill(8)).publicKey));
    expect(SIGN).toBe(b64(sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(9)).publicKey));
    expect(approvalSigned(WS, RECIPIENT, BOX, SIGN)).toBe(SIGNED);
    const pair = sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(7));
    const approver = {
      userId: AUTHOR,
      boxPublic: BOX,
      signPublic: SIGN_PUBLIC,
      boxPublicKey: new Uint8Array(32),
      boxSecretKey: new Uint8Array(32),
      signSecretKey: pair.privateKey,
    };
    const member = { user_id: RECIPIENT, box_public: BOX, sign_public: SIGN };
    expect(signApproval(WS, member, approver).signature).toBe(APPROVAL_SIGNATURE);
    // The signer's anchor (their own keys, which they sign), then the vector.
    const anchorKeys = { user_id: AUTHOR, box_public: BOX, sign_public: SIGN_PUBLIC };
    const at = '2026-12-03T10:00:00.000Z';
    const list = [
      { ...signApproval(WS, anchorKeys, approver), approved_by: AUTHOR, created_at: at },
      { ...member, signature: APPROVAL_SIGNATURE, approved_by: AUTHOR, created_at: at },
    ];
    const view = checkApprovals(WS, list, null);
    expect(view.anchors).toEqual([`${AUTHOR}\n${SIGN_PUBLIC}`]);
    expect(view.approved.has(`${RECIPIENT}\n${BOX}\n${SIGN}`)).toBe(true);
    // In another workspace the same signature admits nobody but the anchor.
    const elsewhere = checkApprovals(CH, list, null);
    expect(elsewhere.approved.size).toBe(0);
    // Answers kept across calls: the same view, and no answer passes to another approval.
    const known = new Map<string, boolean>();
    expect(checkApprovals(WS, list, null, known)).toEqual(view);
    expect(known.size).toBe(2);
    expect(checkApprovals(WS, list, null, known)).toEqual(view);
    expect(known.size).toBe(2);
    const moved = [list[0], { ...list[1], user_id: AUTHOR }] as typeof list;
    expect(checkApprovals(WS, moved, null, known).approved.has(`${AUTHOR}\n${BOX}\n${SIGN}`)).toBe(
      false,
    );
  });
});
