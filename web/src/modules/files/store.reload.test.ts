// Uploads that outlive the page, in the store: what it remembers once an
// upload is resumable, what a reloaded page shows (interrupted), how each
// goes on — a plain one with its file picked again or dropped in the same
// place, from the stored URL; an armoured one by itself once the keys open
// what it kept — and what discards, expires and fails.
//
// The memory here is a Map with the same contract as UnfinishedUploads (its
// IndexedDB is tested in logic/unfinished.test.ts, on fake-indexeddb under
// Node: jsdom's Blob, which the sealed bytes are here, does not survive the
// structured clone IndexedDB makes).
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../api';
import { createIdentity, type CreatedIdentity } from '../../armour/crypto';
import { sealedFileSize } from '../../armour/format';
import { WorkspaceKeys } from '../../armour/keys';
import { loadCrypto } from '../../armour/load';
import { TrustStore } from '../../armour/trust';
import { FakeXhr, installFakeXhr, type XhrReply } from '../../test/fakeXhr';
import { ALICE, WS, armouredFiles, memoryStorage, sealedFile } from './armour.test-util';
import { folder } from './logic/fixtures.test-util';
import { RollbackMemory } from './logic/rollback';
import { MemoryUnfinished } from './logic/unfinished.test-util';
import { FilesArmour } from './sealed';
import { FilesStore } from './store';
import { TUS_CHUNK_BYTES, TUS_THRESHOLD_BYTES } from './transport';

installFakeXhr();

const ME = 'u1';
const PLAIN_WS = 'ws-plain';
const MODIFIED = 1_700_000_000_000;
const SIZE = TUS_THRESHOLD_BYTES + 1000;
const bigFile = (o: { lastModified?: number; fill?: number } = {}) =>
  new File([new Uint8Array(SIZE).fill(o.fill ?? 7)], 'big.bin', {
    lastModified: o.lastModified ?? MODIFIED,
  });
const picked = (file: File) => ({
  files: [{ file, path: file.name }],
  folders: [],
  unreadable: [],
});

/**
 * A tus server: uploads by URL (made by POST in turn: u1, u2...), keeping
 * what they are sent; `complete` answers the PATCH that reaches the length;
 * `gone` URLs answer 404.
 */
function tusServer(complete: (x: FakeXhr) => XhrReply) {
  const server = {
    kept: new Map<string, { length: number; offset: number }>(),
    gone: new Set<string>(),
    made: 0,
    reply: (x: FakeXhr): XhrReply => {
      if (x.method === 'POST') {
        const url = `/api/v1/uploads/u${++server.made}`;
        server.kept.set(url, { length: Number(x.headers['Upload-Length']), offset: 0 });
        return { status: 201, headers: { Location: url } };
      }
      const u = server.kept.get(x.url);
      if (!u || server.gone.has(x.url))
        return { status: 404, body: '{"error":{"code":"not_found","message":"no such upload"}}' };
      if (x.method === 'HEAD')
        return { status: 200, headers: { 'Upload-Offset': String(u.offset) } };
      if (x.method === 'DELETE') {
        server.gone.add(x.url);
        return { status: 204 };
      }
      u.offset = Number(x.headers['Upload-Offset']) + (x.body?.size ?? 0);
      if (u.offset < u.length)
        return { status: 204, headers: { 'Upload-Offset': String(u.offset) } };
      return complete(x);
    },
  };
  return server;
}
const made = (id: string): XhrReply => ({ status: 204, headers: { 'Ruche-File-Id': id } });
const broken: XhrReply = { status: 500 };
const sent = () => FakeXhr.log.map((x) => [x.method, x.url, x.body?.size]);

let memory: MemoryUnfinished;

beforeEach(() => {
  vi.spyOn(api.files, 'usage').mockResolvedValue({ used_bytes: 0, quota_bytes: null });
  vi.spyOn(api.files, 'list').mockImplementation(async () => ({
    folder: folder('', { id: '', path: '/' }),
    items: [],
    total: 0,
    offset: 0,
  }));
});

afterEach(() => vi.restoreAllMocks());

describe('a plain workspace’s large upload across a reload', () => {
  const item = (s: FilesStore) => s.getState().uploads.items[0];

  beforeEach(() => {
    memory = new MemoryUnfinished(ME);
  });

  /** A page whose upload of `file` died after its first chunk (the server kept 8 MiB). */
  async function interrupted(file = bigFile()) {
    let completions = 0;
    const server = tusServer(() => (++completions === 1 ? broken : made('big')));
    FakeXhr.reply = server.reply;
    const before = new FilesStore(PLAIN_WS, ME, null, memory);
    before.upload(picked(file));
    await vi.waitFor(() => expect(item(before)?.status).toBe('error'));
    server.kept.set('/api/v1/uploads/u1', { length: SIZE, offset: TUS_CHUNK_BYTES });
    const after = new FilesStore(PLAIN_WS, ME, null, memory);
    await after.restoreUploads();
    FakeXhr.log = [];
    return { server, after };
  }

  it('is remembered once resumable, shown interrupted after it, and goes on with its file', async () => {
    const { after } = await interrupted();
    expect([...memory.records.values()]).toEqual([
      {
        kind: 'plain',
        userId: ME,
        workspaceId: PLAIN_WS,
        url: '/api/v1/uploads/u1',
        size: SIZE,
        createdAt: expect.any(Number) as number,
        parentId: '',
        target: '/big.bin',
        name: 'big.bin',
        path: 'big.bin',
        fileName: 'big.bin',
        lastModified: MODIFIED,
        replace: false,
      },
    ]);
    expect(item(after)).toMatchObject({
      status: 'interrupted',
      interrupted: 'file',
      name: 'big.bin',
      resumeUrl: '/api/v1/uploads/u1',
    });

    // Another file (another modification time): refused, nothing sent.
    expect(after.resumeWith(item(after)?.id ?? -1, bigFile({ lastModified: MODIFIED + 1 }))).toBe(
      false,
    );
    expect(item(after)?.status).toBe('interrupted');
    expect(FakeXhr.log).toEqual([]);

    // The same file: from the server's offset, at the stored URL, no new upload.
    expect(after.resumeWith(item(after)?.id ?? -1, bigFile())).toBe(true);
    await vi.waitFor(() => expect(item(after)?.status).toBe('done'));
    expect(sent()).toEqual([
      ['HEAD', '/api/v1/uploads/u1', undefined],
      ['PATCH', '/api/v1/uploads/u1', SIZE - TUS_CHUNK_BYTES],
    ]);
    expect(FakeXhr.log[1]?.headers['Upload-Offset']).toBe(String(TUS_CHUNK_BYTES));
    // Sent: forgotten.
    expect(memory.records.size).toBe(0);
  });

  it('takes up again the same file dropped in the same place; another file starts anew', async () => {
    const { after } = await interrupted();
    after.upload(picked(bigFile()));
    await vi.waitFor(() => expect(item(after)?.status).toBe('done'));
    expect(after.getState().uploads.items).toHaveLength(1);
    expect(sent()[0]).toEqual(['HEAD', '/api/v1/uploads/u1', undefined]);
    expect(sent().some(([method]) => method === 'POST')).toBe(false);

    // Not the same file (its date differs): a new upload beside, the interrupted one untouched.
    const { after: again } = await interrupted();
    again.upload(picked(bigFile({ lastModified: MODIFIED + 1 })));
    await vi.waitFor(() => expect(again.getState().uploads.items[1]?.status).toBe('done'));
    expect(sent()[0]?.[0]).toBe('POST');
    expect(item(again)?.status).toBe('interrupted');
  });

  it('discards: the server lets it go, the browser forgets it', async () => {
    const { server, after } = await interrupted();
    after.discardUpload(item(after)?.id ?? -1);
    expect(after.getState().uploads.items).toEqual([]);
    await vi.waitFor(() => expect(server.gone.has('/api/v1/uploads/u1')).toBe(true));
    expect(sent()).toEqual([['DELETE', '/api/v1/uploads/u1', undefined]]);
    expect(memory.records.size).toBe(0);
    // Closing the list keeps interrupted uploads (each is discarded on its own).
    const { after: other } = await interrupted();
    other.clearUploads();
    expect(item(other)?.status).toBe('interrupted');
  });

  it('expired on the server: says so, forgets it, and starts over only when asked', async () => {
    const { server, after } = await interrupted();
    server.gone.add('/api/v1/uploads/u1');
    after.resumeWith(item(after)?.id ?? -1, bigFile());
    await vi.waitFor(() => expect(item(after)?.status).toBe('error'));
    expect(item(after)?.error).toBe('upload_expired');
    expect(sent()).toEqual([['HEAD', '/api/v1/uploads/u1', undefined]]);
    expect(memory.records.size).toBe(0);

    const put = vi.spyOn(memory, 'put');
    after.startOver(item(after)?.id ?? -1);
    await vi.waitFor(() => expect(item(after)?.status).toBe('done'));
    expect(sent()[1]).toEqual(['POST', `/api/v1/workspaces/${PLAIN_WS}/files/uploads`, undefined]);
    // The new upload was remembered while it was sent, then forgotten.
    expect(put.mock.calls.map((c) => c[0].url)).toEqual(['/api/v1/uploads/u2']);
    expect(memory.records.size).toBe(0);
  });

  it('storage refusing every write (a full disk) changes nothing for the upload', async () => {
    memory.full = true;
    FakeXhr.reply = tusServer(() => made('big')).reply;
    const store = new FilesStore(PLAIN_WS, ME, null, memory);
    store.upload(picked(bigFile()));
    await vi.waitFor(() => expect(item(store)?.status).toBe('done'));
    expect(item(store)?.fileId).toBe('big');
    expect(memory.records.size).toBe(0);
  });

  it('past the most remembered, the oldest upload is let go on the server', async () => {
    memory = new MemoryUnfinished(ME, 1);
    memory.records.set('/api/v1/uploads/old', {
      ...{ kind: 'plain', userId: ME, workspaceId: PLAIN_WS, url: '/api/v1/uploads/old' },
      ...{ size: 1, createdAt: 1, parentId: '', target: '/old', name: 'old', path: 'old' },
      ...{ fileName: 'old', lastModified: 1, replace: false },
    });
    const server = tusServer(() => made('big'));
    server.kept.set('/api/v1/uploads/old', { length: 1, offset: 0 });
    FakeXhr.reply = server.reply;
    const store = new FilesStore(PLAIN_WS, ME, null, memory);
    store.upload(picked(bigFile()));
    await vi.waitFor(() => expect(item(store)?.status).toBe('done'));
    await vi.waitFor(() => expect(server.gone.has('/api/v1/uploads/old')).toBe(true));
    expect(memory.records.has('/api/v1/uploads/old')).toBe(false);
  });
});

describe('an armoured workspace’s large upload across a reload', () => {
  const NAME = 'archive.bin';
  const item = (s: FilesStore) => s.getState().uploads.items[0];
  let alice: CreatedIdentity;

  beforeAll(async () => {
    await loadCrypto();
    alice = createIdentity(ALICE, 'alice passphrase');
  });

  beforeEach(() => {
    memory = new MemoryUnfinished(ALICE);
  });

  /** The same person's keys in a new page: the same key server, nothing opened yet. */
  const reloadedKeys = (server: ConstructorParameters<typeof WorkspaceKeys>[2]) =>
    new WorkspaceKeys(
      WS,
      ALICE,
      server,
      { secrets: () => alice.secrets, subscribe: () => () => undefined },
      new TrustStore(ALICE, null),
    );

  /** A page whose sealed upload died at its completion (the server keeps all the bytes). */
  async function interrupted() {
    const { server, keys, files } = await armouredFiles(alice);
    let completions = 0;
    const tus = tusServer(() => (++completions === 1 ? broken : made('big')));
    FakeXhr.reply = tus.reply;
    const before = new FilesStore(WS, ALICE, files, memory);
    const file = new File([new Uint8Array(SIZE).fill(3)], NAME, { lastModified: MODIFIED });
    before.upload(picked(file));
    await vi.waitFor(() => expect(item(before)?.status).toBe('error'));
    await vi.waitFor(() => expect(memory.records.size).toBe(1));
    const first = FakeXhr.log.filter((x) => x.method === 'PATCH').at(-1);
    return { server, keys, tus, first };
  }

  it('keeps its sealed bytes and, sealed, what finishes it; goes on by itself once the keys open it', async () => {
    const { server, keys, tus, first } = await interrupted();
    const k = [...memory.records.values()][0];
    if (k?.kind !== 'sealed') throw new Error('not kept sealed');
    expect(k.url).toBe('/api/v1/uploads/u1');
    expect(k.sealed.size).toBe(sealedFileSize(SIZE));
    expect(k.box.startsWith('e2e1:1:')).toBe(true);
    // Nothing in clear: not the name, the token, nor the content key.
    const token = (FakeXhr.log[0]?.headers['Upload-Metadata'] ?? '').split(/[ ,]/)[1] ?? '';
    const content = keys.openContent(
      atob(token),
      1,
      first?.headers['X-Sealed-Content'] ?? '',
      ALICE,
    );
    if (content.kind !== 'open') throw new Error('no content record');
    const clear = JSON.stringify({ ...k, sealed: undefined });
    const keyB64 = btoa(String.fromCharCode(...content.value.key))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    for (const secret of [NAME, atob(token), keyB64])
      expect(clear.includes(secret), secret).toBe(false);

    // The next page: its keys not open yet, it waits for them, nothing sent.
    const keys2 = reloadedKeys(server);
    const files2 = new FilesArmour(WS, keys2, new RollbackMemory('k', memoryStorage()));
    const after = new FilesStore(WS, ALICE, files2, memory);
    vi.spyOn(api.workspaces, 'get').mockReturnValue(new Promise(() => undefined));
    vi.spyOn(api.workspaces, 'members').mockReturnValue(new Promise(() => undefined));
    FakeXhr.log = [];
    after.start();
    await after.restoreUploads();
    expect(item(after)).toMatchObject({ status: 'interrupted', interrupted: 'keys', name: '' });
    expect(FakeXhr.log).toEqual([]);

    // The keys open it: it goes on from the server's offset with the kept bytes.
    await keys2.sync();
    await vi.waitFor(() => expect(item(after)?.status).toBe('done'));
    after.stop();
    expect(item(after)).toMatchObject({ name: NAME, path: NAME, size: SIZE, fileId: 'big' });
    expect(sent()).toEqual([
      ['HEAD', '/api/v1/uploads/u1', undefined],
      ['PATCH', '/api/v1/uploads/u1', 0],
    ]);
    expect(tus.made).toBe(1);
    // Landing where it was going: its token, its name, the key of the bytes sent.
    const completing = FakeXhr.log[1];
    const again = keys2.openContent(
      atob(token),
      1,
      completing?.headers['X-Sealed-Content'] ?? '',
      ALICE,
    );
    if (again.kind !== 'open') throw new Error('no content record');
    expect(again.value.key).toEqual(content.value.key);
    expect(
      keys2.openName(atob(token), completing?.headers['X-Sealed-Name'] ?? '', ALICE),
    ).toMatchObject({ kind: 'open', value: NAME });
    expect(memory.records.size).toBe(0);
  });

  it('never lands elsewhere: a name taken since is said, and replacing it is refused', async () => {
    const { server } = await interrupted();
    const keys2 = reloadedKeys(server);
    await keys2.sync();
    // Another file of that name in the folder since (another token).
    const taken = await sealedFile(keys2, NAME, 'CCCCCCCCCCCCCCCCCCCCCA');
    vi.mocked(api.files.list).mockResolvedValue({
      folder: folder('', { id: '', path: '/' }),
      items: [taken],
      total: 1,
      offset: 0,
    });
    const files2 = new FilesArmour(WS, keys2, new RollbackMemory('k', memoryStorage()));
    const after = new FilesStore(WS, ALICE, files2, memory);
    FakeXhr.log = [];
    await after.restoreUploads();
    await vi.waitFor(() => expect(item(after)?.status).toBe('error'));
    expect(item(after)).toMatchObject({ error: 'exists', name: NAME });
    // Kept: the person may free the name and try again.
    expect(memory.records.size).toBe(1);
    after.retryUpload(item(after)?.id ?? -1, true);
    await vi.waitFor(() => expect(item(after)?.error).toBe('destination_changed'));
    // Nothing sent, nothing terminated; no longer remembered, discarded on request.
    expect(FakeXhr.log).toEqual([]);
    expect(memory.records.size).toBe(0);
    after.discardUpload(item(after)?.id ?? -1);
    await vi.waitFor(() => expect(sent()).toEqual([['DELETE', '/api/v1/uploads/u1', undefined]]));
  });

  it('does not open with other keys (another workspace key): discard only', async () => {
    await interrupted();
    // A key server where Alice holds another generation 1.
    const { files: elsewhere } = await armouredFiles(alice);
    const after = new FilesStore(WS, ALICE, elsewhere, memory);
    FakeXhr.log = [];
    await after.restoreUploads();
    expect(item(after)).toMatchObject({ status: 'interrupted', interrupted: 'unreadable' });
    expect(FakeXhr.log).toEqual([]);
    after.discardUpload(item(after)?.id ?? -1);
    await vi.waitFor(() => expect(sent()).toEqual([['DELETE', '/api/v1/uploads/u1', undefined]]));
    expect(memory.records.size).toBe(0);
  });
});
