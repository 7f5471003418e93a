// Files in an armoured workspace against a fake server: folders read whole,
// nodes opened (names, sizes, what does not open, rollbacks), and sealed
// uploads (one PUT, or tus for large ones) sent again when another version
// came first or the key moved on.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, type FileNode, type FileVersion } from '../../api';
import sodium from 'libsodium-wrappers-sumo';
import { createIdentity, rememberVerified, type CreatedIdentity } from '../../armour/crypto';
import { sealedFileSize } from '../../armour/format';
import { CHECK_AHEAD_MIN, type WorkspaceKeys } from '../../armour/keys';
import { loadCrypto } from '../../armour/load';
import { FakeXhr, inTurn, installFakeXhr, type XhrReply } from '../../test/fakeXhr';
import { signaturesCheckedHere } from '../../test/soloKeyServer';
import { openBytes } from '../../test/sealedBytes';
import { ALICE, WS, armouredFiles, record, sealedFile as sealedFileOf } from './armour.test-util';
import { node } from './logic/fixtures.test-util';
import { rawOf, recordOf, type FilesArmour, type SealedResume } from './sealed';
import { TUS_CHUNK_BYTES, TUS_THRESHOLD_BYTES, base64Utf8 } from './transport';

const TOKEN = 'q5e0VJk3n1Zr7aQmYyH9xA';

installFakeXhr();

/** A JSON answer, as the server gives them. */
const json = (status: number, body: unknown): XhrReply => ({ status, body: JSON.stringify(body) });

const conflict = (code: string) => json(409, { error: { code, message: code } });

let alice: CreatedIdentity;
let keys: WorkspaceKeys;
let server: Awaited<ReturnType<typeof armouredFiles>>['server'];
let files: FilesArmour;

beforeAll(async () => {
  await loadCrypto();
  alice = createIdentity(ALICE, 'alice passphrase');
});

beforeEach(async () => {
  ({ server, keys, files } = await armouredFiles(alice));
});

afterEach(() => vi.restoreAllMocks());

/** A file of Alice's as the server lists it. */
const sealedFile = (name: string, version = 1, r = record(), token = TOKEN) =>
  sealedFileOf(keys, name, token, version, r);

describe('listing an armoured folder', () => {
  it('reads every page, 1000 at a time (the server orders them by token)', async () => {
    const all = Array.from({ length: 2345 }, (_, i) => node(`n${i}`));
    const list = vi.spyOn(api.files, 'list').mockImplementation(async (_ws, _folder, o = {}) => ({
      folder: node('', { id: '' }),
      items: all.slice(o.offset ?? 0, (o.offset ?? 0) + (o.limit ?? 200)),
      total: all.length,
      offset: o.offset ?? 0,
    }));
    const page = await files.listAll('f1');
    expect(page.items).toHaveLength(2345);
    expect(page.total).toBe(2345);
    expect(list.mock.calls.map((c) => [c[1], c[2]])).toEqual([
      ['f1', { limit: 1000, offset: 0 }],
      ['f1', { limit: 1000, offset: 1000 }],
      ['f1', { limit: 1000, offset: 2000 }],
    ]);
  });

  it('checks a first visit’s records all at once elsewhere, then opens them without checking again', async () => {
    const workers = signaturesCheckedHere(alice);
    try {
      const check = workers.check;
      ({ server, keys, files } = await armouredFiles(alice, workers));
      const raws: FileNode[] = [];
      for (let i = 0; i < CHECK_AHEAD_MIN / 2; i++)
        raws.push(await sealedFile(`plan ${i}.png`, 2, record(), await keys.newToken()));
      const signatureChecks = vi.spyOn(sodium, 'crypto_sign_verify_detached');
      await files.checkAhead([node('', { id: '' }), ...raws]);
      // A name and a content record a file.
      expect(check).toHaveBeenCalledTimes(1);
      expect(check.mock.calls[0]?.[0]).toHaveLength(CHECK_AHEAD_MIN);
      const shown = raws.map((r) => files.open(r));
      expect(signatureChecks).not.toHaveBeenCalled();
      expect(shown[5]).toMatchObject({
        name: 'plan 5.png',
        size: 1234,
        sealed: { name: 'open', verified: true, rolledBack: false },
      });
      // Opened for good: not gathered again.
      await files.checkAhead(raws);
      expect(check).toHaveBeenCalledTimes(1);
    } finally {
      rememberVerified(null, null);
    }
  });

  it('shows the names, sizes, types and dates the records seal', async () => {
    const raw = await sealedFile('Plan du coffre.png', 2);
    const shown = files.open(raw);
    expect(shown).toMatchObject({
      name: 'Plan du coffre.png',
      size: 1234,
      content_type: 'image/png',
      mtime: '2026-01-02T03:04:05.000Z',
      sealed: { token: TOKEN, name: 'open', verified: true, rolledBack: false },
    });
    expect(recordOf(shown)).toEqual(record());
    expect(rawOf(shown)).toBe(raw);
    // Opened once per node.
    expect(files.open(raw)).toBe(shown);
  });

  it('a name or a content that does not open says so, and the token stands for the name', async () => {
    const raw = await sealedFile('secret.txt');
    // Moved onto another entry by the server: its records are bound to their token.
    const moved = files.open({ ...raw, name: 'AAAAAAAAAAAAAAAAAAAAAA' });
    expect(moved.name).toBe('AAAAAAAAAAAAAAAAAAAAAA');
    expect(moved.sealed).toMatchObject({ name: 'bad_signature', verified: false });
    expect(moved.sealed?.content).toEqual({ kind: 'bad_signature' });
    // Bytes of another size than the record says: they would not open.
    const cut = files.open({ ...raw, size: raw.size - 1 });
    expect(cut.sealed?.content).toEqual({ kind: 'unreadable' });
    expect(recordOf(cut)).toBeNull();
    // No record at all (a plain name slipped into an armoured workspace).
    const plain = files.open(node('en clair.txt'));
    expect(plain.sealed).toMatchObject({ name: 'unreadable', content: { kind: 'unreadable' } });
  });

  it('warns when the server shows an older version than this browser saw', async () => {
    expect(files.open(await sealedFile('a.txt', 3)).sealed?.rolledBack).toBe(false);
    expect(files.open(await sealedFile('a.txt', 2)).sealed?.rolledBack).toBe(true);
    expect(files.open(await sealedFile('a.txt', 4)).sealed?.rolledBack).toBe(false);
    // The versions list: its current one is what counts.
    const n = files.open(await sealedFile('a.txt', 4));
    const version = async (number: number, current: boolean): Promise<FileVersion> => ({
      number,
      size: sealedFileSize(1234),
      sha256: '',
      etag: '',
      created_at: '',
      created_by: ALICE,
      mtime: '',
      current,
      sealed: await keys.sealContent(TOKEN, number, record()),
    });
    expect(files.versionsRolledBack(n, [await version(4, true), await version(3, false)])).toBe(
      false,
    );
    expect(files.versionsRolledBack(n, [await version(3, true)])).toBe(true);
    // Each version opens with its own number only.
    const v3 = await version(3, false);
    expect(files.openVersion(n, v3)).toMatchObject({ kind: 'open' });
    expect(files.openVersion(n, { ...v3, number: 2 })).toEqual({ kind: 'bad_signature' });
  });
});

describe('sealed uploads', () => {
  const bytes = new TextEncoder().encode('Relevé du coffre, pile 7 : 42 caisses.\n');
  const file = () =>
    new File([bytes], 'relevé.txt', { type: 'text/plain', lastModified: 1_700_000_000_000 });

  it('a new file: one PUT under a new token, with its name and version 1 records', async () => {
    FakeXhr.reply = inTurn(json(201, node('x', { id: 'new-file' })));
    const progress: number[] = [];
    const t = files.upload({
      parentId: 'folder-1',
      name: 'releve\u0301.txt',
      file: file(),
      onProgress: (n) => progress.push(n),
    });
    expect(await t.done).toBe('new-file');
    expect(FakeXhr.log).toHaveLength(1);
    const x = FakeXhr.log[0] as FakeXhr;
    const token = x.url.split('/').pop() ?? '';
    expect(x.method).toBe('PUT');
    expect(x.url).toBe(`/api/v1/files/folder-1/children/${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(x.headers['If-None-Match']).toBe('*');
    expect(x.headers['Content-Type']).toBe('application/octet-stream');
    const name = keys.openName(token, x.headers['X-Sealed-Name'] ?? '', ALICE);
    // Sealed as NFC.
    expect(name).toEqual({ kind: 'open', value: 'relevé.txt', verified: true });
    const content = keys.openContent(token, 1, x.headers['X-Sealed-Content'] ?? '', ALICE);
    if (content.kind !== 'open') throw new Error('the record does not open');
    expect(content.value).toMatchObject({
      size: bytes.length,
      type: 'text/plain',
      mtime: 1_700_000_000_000,
    });
    // The server gets ciphertext, which the record's key opens.
    const sealed = new Uint8Array(await (x.body as Blob).arrayBuffer());
    expect(sealed.length).toBe(sealedFileSize(bytes.length));
    expect(new TextDecoder().decode(sealed)).not.toContain('Relevé');
    expect(new TextDecoder().decode(await openBytes(sealed, content.value.key, bytes.length))).toBe(
      'Relevé du coffre, pile 7 : 42 caisses.\n',
    );
    expect(progress.at(-1)).toBe(bytes.length);
  });

  it('another version came first: the record is sealed for the next number, the bytes sent as they were', async () => {
    const existing = files.open(await sealedFile('relevé.txt', 2));
    const newer: FileNode = { ...rawOf(existing), version: 3 };
    const refetch = vi.spyOn(api.files, 'node').mockResolvedValue(newer);
    FakeXhr.reply = inTurn(conflict('version_conflict'), json(200, { ...newer, version: 4 }));
    const t = files.upload({
      parentId: '',
      name: 'ignored',
      file: file(),
      existing,
      onProgress: () => {},
    });
    expect(await t.done).toBe(existing.id);
    expect(refetch).toHaveBeenCalledWith(existing.id);
    const [first, second] = FakeXhr.log as [FakeXhr, FakeXhr];
    for (const x of [first, second]) {
      expect(x.url).toBe(`/api/v1/files/${existing.id}/content`);
      expect(x.headers['X-Sealed-Name']).toBeUndefined();
    }
    expect(keys.openContent(TOKEN, 3, first.headers['X-Sealed-Content'] ?? '', ALICE).kind).toBe(
      'open',
    );
    expect(keys.openContent(TOKEN, 4, second.headers['X-Sealed-Content'] ?? '', ALICE).kind).toBe(
      'open',
    );
    // Sealed once: the same bytes both times.
    expect(second.body).toBe(first.body);
  });

  it('a stale key: the keys are fetched again and the records sealed again, once', async () => {
    FakeXhr.reply = inTurn(conflict('stale_key'), json(201, node('x', { id: 'f2' })));
    const before = server.syncs;
    const t = files.upload({ parentId: '', name: 'b.txt', file: file(), onProgress: () => {} });
    expect(await t.done).toBe('f2');
    expect(server.syncs).toBe(before + 1);
    const [first, second] = FakeXhr.log as [FakeXhr, FakeXhr];
    expect(first.url).toBe(second.url);
    expect(first.url).toMatch(new RegExp(`^/api/v1/workspaces/${WS}/files/children/`));
    expect(second.body).toBe(first.body);

    FakeXhr.log = [];
    FakeXhr.reply = inTurn(conflict('stale_key'), conflict('stale_key'));
    const again = files.upload({ parentId: '', name: 'c.txt', file: file(), onProgress: () => {} });
    await expect(again.done).rejects.toMatchObject({ code: 'stale_key' });
    expect(FakeXhr.log).toHaveLength(2);
  });

  it('refuses a name the Files rules refuse, before anything leaves', async () => {
    const t = files.upload({ parentId: '', name: 'a/b', file: file(), onProgress: () => {} });
    await expect(t.done).rejects.toMatchObject({ code: 'invalid_name' });
    expect(FakeXhr.log).toHaveLength(0);
  });
});

describe('large sealed uploads (tus)', () => {
  const SIZE = TUS_THRESHOLD_BYTES + 1000;
  const bigFile = () =>
    new File([new Uint8Array(SIZE).fill(7)], 'archive.bin', { type: 'application/x-tar' });
  const UPLOAD = '/api/v1/uploads/u1';

  /** A tus server keeping what it is sent; `complete` answers each PATCH that reaches the length. */
  function tusServer(complete: (x: FakeXhr) => XhrReply) {
    let length = 0;
    let kept = 0;
    return (x: FakeXhr): XhrReply => {
      if (x.method === 'POST') {
        length = Number(x.headers['Upload-Length']);
        return { status: 201, headers: { Location: UPLOAD } };
      }
      if (x.method === 'HEAD') return { status: 200, headers: { 'Upload-Offset': String(kept) } };
      if (x.method !== 'PATCH') return { status: 204 };
      kept = Number(x.headers['Upload-Offset']) + (x.body?.size ?? 0);
      if (kept < length) return { status: 204, headers: { 'Upload-Offset': String(kept) } };
      return complete(x);
    };
  }
  const made = (id: string): XhrReply => ({ status: 204, headers: { 'Ruche-File-Id': id } });
  const patches = () => FakeXhr.log.filter((x) => x.method === 'PATCH');
  const contentOf = (x: FakeXhr | undefined, token: string, number: number) =>
    keys.openContent(token, number, x?.headers['X-Sealed-Content'] ?? '', ALICE);

  it('a new file: created under its token, the records on the PATCH that completes it', async () => {
    FakeXhr.reply = tusServer(() => made('big-file'));
    const progress: number[] = [];
    const resumable: SealedResume[] = [];
    const t = files.upload({
      parentId: 'folder-1',
      name: 'archive.bin',
      file: bigFile(),
      onProgress: (n) => progress.push(n),
      onResumable: (r) => resumable.push(r),
    });
    expect(await t.done).toBe('big-file');
    const post = FakeXhr.log[0] as FakeXhr;
    expect(post.url).toBe(`/api/v1/workspaces/${WS}/files/uploads`);
    expect(post.headers['Upload-Length']).toBe(String(sealedFileSize(SIZE)));
    const token = resumable[0]?.token ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(post.headers['Upload-Metadata']).toBe(
      `filename ${base64Utf8(token)},parent_id ${base64Utf8('folder-1')}`,
    );
    expect(resumable).toMatchObject([{ url: UPLOAD, parentId: 'folder-1', replaces: null }]);
    const [first, last] = patches();
    expect(first?.headers['X-Sealed-Content']).toBeUndefined();
    expect(first?.headers['X-Sealed-Name']).toBeUndefined();
    expect(last?.headers['If-None-Match']).toBeUndefined();
    expect(keys.openName(token, last?.headers['X-Sealed-Name'] ?? '', ALICE)).toMatchObject({
      value: 'archive.bin',
    });
    const content = contentOf(last, token, 1);
    if (content.kind !== 'open') throw new Error('the record does not open');
    expect(content.value).toMatchObject({ size: SIZE, type: 'application/x-tar' });
    // The pieces sent are the file sealed under the record's key.
    const sent = await new Blob(patches().map((x) => x.body as Blob)).arrayBuffer();
    const opened = await openBytes(new Uint8Array(sent), content.value.key, SIZE);
    expect(opened.every((b) => b === 7)).toBe(true);
    expect(progress.at(-1)).toBe(SIZE);
  });

  it('another version came first: the record sealed again, and one empty PATCH at the end', async () => {
    const existing = files.open({
      ...(await sealedFile('archive.bin', 2)),
      parent_id: 'folder-9',
    });
    const newer: FileNode = { ...rawOf(existing), version: 3 };
    const refetch = vi.spyOn(api.files, 'node').mockResolvedValue(newer);
    let completions = 0;
    FakeXhr.reply = tusServer(() =>
      ++completions === 1 ? conflict('version_conflict') : made(existing.id),
    );
    const t = files.upload({
      parentId: 'ignored',
      name: 'ignored',
      file: bigFile(),
      existing,
      onProgress: () => {},
    });
    expect(await t.done).toBe(existing.id);
    expect(refetch).toHaveBeenCalledWith(existing.id);
    // A new version: the upload is named by the file's token, in its folder.
    expect(FakeXhr.log[0]?.headers['Upload-Metadata']).toBe(
      `filename ${base64Utf8(TOKEN)},parent_id ${base64Utf8('folder-9')}`,
    );
    const sealedSize = String(sealedFileSize(SIZE));
    expect(FakeXhr.log.map((x) => [x.method, x.headers['Upload-Offset'], x.body?.size])).toEqual([
      ['POST', undefined, undefined],
      ['PATCH', '0', TUS_CHUNK_BYTES],
      ['PATCH', String(TUS_CHUNK_BYTES), sealedFileSize(SIZE) - TUS_CHUNK_BYTES],
      ['HEAD', undefined, undefined],
      // The bytes stayed on the server: only the records go again.
      ['PATCH', sealedSize, 0],
    ]);
    const [, completing, retried] = patches();
    expect(contentOf(completing, TOKEN, 3).kind).toBe('open');
    expect(contentOf(retried, TOKEN, 4).kind).toBe('open');
    for (const x of [completing, retried]) expect(x?.headers['X-Sealed-Name']).toBeUndefined();
  });

  it('resumes within the page with the bytes sealed the first time; cancelling terminates', async () => {
    // The completion refused twice for a stale key: the upload fails, kept on the server.
    let completions = 0;
    FakeXhr.reply = tusServer(() =>
      ++completions <= 2 ? conflict('stale_key') : made('big-file'),
    );
    let resume: SealedResume | undefined;
    const first = files.upload({
      parentId: '',
      name: 'archive.bin',
      file: bigFile(),
      onProgress: () => {},
      onResumable: (r) => (resume = r),
    });
    await expect(first.done).rejects.toMatchObject({ code: 'stale_key' });
    if (!resume) throw new Error('no resumable upload');
    const firstKey = contentOf(patches().at(-1), resume.token, 1);

    FakeXhr.log = [];
    const again = files.upload({
      parentId: '',
      name: 'archive.bin',
      file: bigFile(),
      resume,
      onProgress: () => {},
    });
    expect(await again.done).toBe('big-file');
    expect(FakeXhr.log.map((x) => [x.method, x.url, x.body?.size])).toEqual([
      ['HEAD', UPLOAD, undefined],
      ['PATCH', UPLOAD, 0],
    ]);
    const record = contentOf(patches()[0], resume.token, 1);
    if (record.kind !== 'open' || firstKey.kind !== 'open') throw new Error('no record');
    // Not sealed again: the key of the bytes sent the first time.
    expect(record.value.key).toEqual(firstKey.value.key);

    FakeXhr.log = [];
    FakeXhr.reply = tusServer(() => made('never'));
    const cancelledOne = files.upload({
      parentId: '',
      name: 'annulé.bin',
      file: bigFile(),
      onProgress: () => {},
      onResumable: () => cancelledOne.abort(),
    });
    await expect(cancelledOne.done).rejects.toMatchObject({ code: 'aborted' });
    await new Promise((r) => setTimeout(r, 5));
    expect(FakeXhr.log.filter((x) => x.method === 'DELETE').map((x) => x.url)).toEqual([UPLOAD]);
    expect(patches()).toHaveLength(0);
  });
});
