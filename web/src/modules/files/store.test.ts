// The files store of an armoured workspace: what it shows of the server's
// tokens (the names opened, live events included), the names it refuses in
// a folder since the server cannot compare them, and a large upload
// resumed within the page.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, type FileNode } from '../../api';
import { createIdentity, type CreatedIdentity } from '../../armour/crypto';
import type { WorkspaceKeys } from '../../armour/keys';
import { loadCrypto } from '../../armour/load';
import { FakeXhr, installFakeXhr, type XhrReply } from '../../test/fakeXhr';
import { armouredFiles, sealedFile, sealedFolder, WS } from './armour.test-util';
import { event, folder } from './logic/fixtures.test-util';
import { FilesStore } from './store';
import { TUS_THRESHOLD_BYTES } from './transport';

const T1 = 'AAAAAAAAAAAAAAAAAAAAAA';
const T2 = 'BBBBBBBBBBBBBBBBBBBBBA';
const T3 = 'CCCCCCCCCCCCCCCCCCCCCA';

installFakeXhr();

let alice: CreatedIdentity;
let keys: WorkspaceKeys;
let store: FilesStore;
let listed: FileNode[];

beforeAll(async () => {
  await loadCrypto();
  alice = createIdentity('01HZALICE0000000000000000A', 'alice passphrase');
});

beforeEach(async () => {
  const made = await armouredFiles(alice);
  keys = made.keys;
  store = new FilesStore(WS, made.keys.me, made.files);
  listed = [await sealedFile(keys, 'zèbre.txt', T1), await sealedFolder(keys, 'Archives', T2)];
  vi.spyOn(api.files, 'list').mockImplementation(async () => ({
    folder: folder('', { id: '', path: '/' }),
    items: listed,
    total: listed.length,
    offset: 0,
  }));
});

afterEach(() => {
  store.stop();
  vi.restoreAllMocks();
});

const names = () => store.getState().listing.items.map((n) => n.name);

describe('an armoured folder in the store', () => {
  it('shows the names opened, and learns them for paths', async () => {
    await store.open('');
    expect(names()).toEqual(['zèbre.txt', 'Archives']);
    expect(store.getState().names.get(T2)).toBe('Archives');
    expect(store.getState().listing.items[0]?.sealed?.raw.name).toBe(T1);
  });

  it('opens what live events bring: a new entry, a new name', async () => {
    await store.open('');
    const created = await sealedFile(keys, 'plan.png', T3);
    store.handleEvent({ ...event('file.created', { ...created }), workspace_id: WS });
    expect(names()).toEqual(['zèbre.txt', 'Archives', 'plan.png']);
    const renamed = { ...created, sealed_name: await keys.sealName(T3, 'plan final.png') };
    store.handleEvent({ ...event('file.moved', { ...renamed }), workspace_id: WS });
    expect(names()).toEqual(['zèbre.txt', 'Archives', 'plan final.png']);
  });

  it('refuses a name the folder shows already, before asking the server', async () => {
    await store.open('');
    const create = vi.spyOn(api.files, 'createFolder');
    const update = vi.spyOn(api.files, 'update');
    await expect(store.createFolder('Archives')).rejects.toMatchObject({ code: 'exists' });
    // Compared as stored: NFC.
    await expect(store.createFolder('ze\u0300bre.txt')).rejects.toMatchObject({ code: 'exists' });
    const zebra = store.getState().listing.items[0];
    if (!zebra) throw new Error('no entry');
    await expect(store.rename(zebra, 'Archives')).rejects.toMatchObject({ code: 'exists' });
    await expect(store.createFolder('a/b')).rejects.toMatchObject({ code: 'invalid_name' });
    expect(create).not.toHaveBeenCalled();
    expect(update).not.toHaveBeenCalled();
  });

  it('creates a folder under a new token, its name sealed; renames with a new record', async () => {
    await store.open('');
    const create = vi
      .spyOn(api.files, 'createFolder')
      .mockImplementation(async (_ws, token, _parent, sealedName) =>
        folder(token, { id: 'new', sealed_name: sealedName, sealed_name_by: keys.me }),
      );
    await store.createFolder('Budget');
    const [, token, parent, sealedName] = create.mock.calls[0] ?? [];
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(parent).toBeNull();
    expect(keys.openName(token ?? '', sealedName ?? '', keys.me)).toMatchObject({
      kind: 'open',
      value: 'Budget',
    });
    expect(names()).toContain('Budget');

    const update = vi.spyOn(api.files, 'update').mockImplementation(
      async (_id, b) =>
        ({
          ...listed[0],
          ...b,
        }) as FileNode,
    );
    const zebra = store.getState().listing.items[0];
    if (!zebra) throw new Error('no entry');
    await store.rename(zebra, 'Zèbre rayé.txt');
    const body = update.mock.calls[0]?.[1] ?? {};
    expect(Object.keys(body)).toEqual(['sealed_name']);
    expect(keys.openName(T1, body.sealed_name ?? '', keys.me)).toMatchObject({
      value: 'Zèbre rayé.txt',
    });
    expect(names()).toContain('Zèbre rayé.txt');
  });

  it('never copies', async () => {
    await store.open('');
    const zebra = store.getState().listing.items[0];
    if (!zebra) throw new Error('no entry');
    await expect(store.copy(zebra, '')).rejects.toMatchObject({ code: 'armoured_unsupported' });
  });
});

describe('a large upload in an armoured workspace', () => {
  it('failed, it resumes on retry where the server is, with the bytes sealed the first time', async () => {
    await store.open('');
    vi.spyOn(api.files, 'usage').mockResolvedValue({ used_bytes: 0, quota_bytes: null });
    let length = 0;
    let completions = 0;
    FakeXhr.reply = (x): XhrReply => {
      if (x.method === 'POST') {
        length = Number(x.headers['Upload-Length']);
        return { status: 201, headers: { Location: '/api/v1/uploads/u1' } };
      }
      if (x.method === 'HEAD') return { status: 200, headers: { 'Upload-Offset': String(length) } };
      const end = Number(x.headers['Upload-Offset']) + (x.body?.size ?? 0);
      if (end < length) return { status: 204, headers: { 'Upload-Offset': String(end) } };
      // The completion: refused for a stale key (twice: the upload fails), then made.
      return ++completions <= 2
        ? { status: 409, body: '{"error":{"code":"stale_key","message":"stale"}}' }
        : { status: 204, headers: { 'Ruche-File-Id': 'big' } };
    };
    const file = new File([new Uint8Array(TUS_THRESHOLD_BYTES)], 'archive.bin');
    store.upload({ files: [{ file, path: 'archive.bin' }], folders: [], unreadable: [] });
    const item = () => store.getState().uploads.items[0];
    await vi.waitFor(() => expect(item()?.status).toBe('error'));
    expect(item()).toMatchObject({ error: 'stale_key', resumeUrl: '/api/v1/uploads/u1' });

    FakeXhr.log = [];
    store.retryUpload(item()?.id ?? -1, false);
    await vi.waitFor(() => expect(item()?.status).toBe('done'));
    expect(item()?.fileId).toBe('big');
    expect(FakeXhr.log.map((x) => [x.method, x.body?.size])).toEqual([
      ['HEAD', undefined],
      ['PATCH', 0],
    ]);
  });
});
