// The files store of an armoured workspace: what it shows of the server's
// tokens (the names opened, live events included), the names it refuses in
// a folder since the server cannot compare them, and a large upload
// resumed within the page.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type FileNode } from '../../api';
import { createIdentity, type CreatedIdentity } from '../../armour/crypto';
import type { WorkspaceKeys } from '../../armour/keys';
import { loadCrypto } from '../../armour/load';
import { FakeXhr, installFakeXhr, type XhrReply } from '../../test/fakeXhr';
import { armouredFiles, sealedFile, sealedFolder, WS } from './armour.test-util';
import { event, folder } from './logic/fixtures.test-util';
import { shownPath } from './logic/path';
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

describe('the names of paths in an armoured workspace', () => {
  const T4 = 'DDDDDDDDDDDDDDDDDDDDDA';
  const T5 = 'EEEEEEEEEEEEEEEEEEEEEA';
  const T6 = 'FFFFFFFFFFFFFFFFFFFFFA';
  const T7 = 'GGGGGGGGGGGGGGGGGGGGGA';

  it('fetches the ancestors of the folder shown, opens their names, and keeps them', async () => {
    // /Archives/<a name sealed for another entry>/<gone>/Q1
    const path = `/${T2}/${T4}/${T6}/${T5}`;
    const q1 = { ...(await sealedFolder(keys, 'Q1', T5)), path };
    vi.mocked(api.files.list).mockResolvedValue({ folder: q1, items: [], total: 0, offset: 0 });
    const ancestors = new Map<string, FileNode>([
      [`/${T2}`, { ...(await sealedFolder(keys, 'Archives', T2)), path: `/${T2}` }],
      [
        `/${T2}/${T4}`,
        {
          ...(await sealedFolder(keys, '2026', T4)),
          path: `/${T2}/${T4}`,
          // Moved from another entry: it does not open for this one.
          sealed_name: await keys.sealName(T3, '2026'),
        },
      ],
    ]);
    const byPath = vi.spyOn(api.files, 'byPath').mockImplementation(async (_ws, p) => {
      const n = ancestors.get(p);
      if (!n) throw new ApiError(404, 'not_found', 'no such folder');
      return n;
    });
    const byId = vi.spyOn(api.files, 'node');

    await store.open('id-Q1');
    await vi.waitFor(() => expect(store.getState().unnamed.get(T6)).toBe('missing'));
    const s = store.getState();
    expect(s.names.get(T2)).toBe('Archives');
    expect(s.names.get(T5)).toBe('Q1');
    expect(s.unnamed.get(T4)).toBe('unreadable');
    expect(s.known.get(`/${T2}`)).toBe(`id-${T2}`);
    expect(shownPath(path, s.names)).toBe('/Archives/…/…/Q1');
    expect(byPath.mock.calls.map((c) => c[1]).sort()).toEqual(
      [`/${T2}`, `/${T2}/${T4}`, `/${T2}/${T4}/${T6}`].sort(),
    );

    // Shown again: what opened, or will never open, is not asked again; what was not found is.
    byPath.mockClear();
    await store.open('id-Q1');
    await vi.waitFor(() => expect(byPath).toHaveBeenCalledTimes(1));
    expect(byPath.mock.calls[0]?.[1]).toBe(`/${T2}/${T4}/${T6}`);
    expect(byId).not.toHaveBeenCalled();
  });

  it('names where trashed entries come from, asking their folder by id', async () => {
    const archives = { ...(await sealedFolder(keys, 'Archives', T2)), path: `/${T2}` };
    const old = {
      ...(await sealedFolder(keys, 'Anciens', T7)),
      path: `/${T2}/${T7}`,
      parent_id: archives.id,
    };
    const trashed = {
      ...(await sealedFile(keys, 'devis.pdf', T1)),
      path: `/${T2}/${T7}/${T1}`,
      parent_id: old.id,
    };
    vi.spyOn(api.files, 'trash').mockResolvedValue([trashed]);
    const byId = vi
      .spyOn(api.files, 'node')
      .mockImplementation(async (id) => (id === old.id ? old : archives));
    const byPath = vi.spyOn(api.files, 'byPath').mockResolvedValue(archives);
    await store.loadTrash();
    await vi.waitFor(() => expect(store.getState().names.get(T7)).toBe('Anciens'));
    expect(shownPath(trashed.path, store.getState().names)).toBe('/Archives/Anciens/devis.pdf');
    expect(byId.mock.calls.map((c) => c[0])).toEqual([old.id]);
    expect(byPath.mock.calls.map((c) => c[1])).toEqual([`/${T2}`]);

    // Read again: all known, nothing asked.
    byId.mockClear();
    byPath.mockClear();
    await store.loadTrash();
    expect(byId).not.toHaveBeenCalled();
    expect(byPath).not.toHaveBeenCalled();
  });
});

describe('live events about folders elsewhere in an armoured workspace', () => {
  const T4 = 'DDDDDDDDDDDDDDDDDDDDDA';
  const T5 = 'EEEEEEEEEEEEEEEEEEEEEA';
  const Q1_PATH = `/${T2}/${T5}`;

  /** Shows /Archives/Q1: Archives is fetched for its name (the breadcrumbs), and kept. */
  async function showQ1() {
    const q1 = { ...(await sealedFolder(keys, 'Q1', T5)), path: Q1_PATH, parent_id: `id-${T2}` };
    const archives = { ...(await sealedFolder(keys, 'Archives', T2)), path: `/${T2}` };
    vi.mocked(api.files.list).mockResolvedValue({ folder: q1, items: [], total: 0, offset: 0 });
    vi.spyOn(api.files, 'byPath').mockResolvedValue(archives);
    await store.open('id-Q1');
    await vi.waitFor(() => expect(store.getState().names.get(T2)).toBe('Archives'));
    return { q1, archives };
  }

  /** The key manager's version moves (keys arrived, someone's trusted): the store opens all again. */
  function keysChanged() {
    vi.spyOn(api.workspaces, 'get').mockReturnValue(new Promise(() => undefined));
    vi.spyOn(api.workspaces, 'members').mockReturnValue(new Promise(() => undefined));
    vi.spyOn(api.files, 'usage').mockReturnValue(new Promise(() => undefined));
    store.start();
    const k = keys as unknown as { set(u: object): void };
    k.set({ version: keys.getState().version + 1 });
  }

  it('renames an ancestor of the folder shown in its paths, and keeps the new name', async () => {
    const { archives } = await showQ1();
    const renamed = { ...archives, sealed_name: await keys.sealName(T2, 'Archives 2025') };
    store.handleEvent({ ...event('folder.updated', renamed), workspace_id: WS });
    expect(store.getState().names.get(T2)).toBe('Archives 2025');
    expect(shownPath(`${Q1_PATH}/${T1}`, store.getState().names)).toBe('/Archives 2025/Q1/…');
    // Opened again (keys changed): the folder fetched for its name is the renamed one.
    keysChanged();
    expect(store.getState().names.get(T2)).toBe('Archives 2025');
  });

  it('renames a folder seen in another listing, and the folder shown (its title)', async () => {
    await store.open('');
    expect(store.getState().names.get(T2)).toBe('Archives');
    const { q1 } = await showQ1();
    const other = { ...listed[1], sealed_name: await keys.sealName(T2, 'Old') } as FileNode;
    store.handleEvent({ ...event('folder.updated', other), workspace_id: WS });
    expect(store.getState().names.get(T2)).toBe('Old');

    const q2 = { ...q1, sealed_name: await keys.sealName(T5, 'Q2') };
    store.handleEvent({ ...event('folder.updated', q2), workspace_id: WS });
    expect(store.getState().names.get(T5)).toBe('Q2');
    expect(store.getState().listing.folder?.name).toBe('Q2');
  });

  it('shows a new name that does not open as such, not the old one', async () => {
    const { archives } = await showQ1();
    // A record sealed for another entry: it does not open for this one.
    const foreign = { ...archives, sealed_name: await keys.sealName(T4, 'Elsewhere') };
    store.handleEvent({ ...event('folder.updated', foreign), workspace_id: WS });
    expect(store.getState().names.has(T2)).toBe(false);
    expect(store.getState().unnamed.get(T2)).toBe('unreadable');
  });

  it('learns nothing of a folder no path shows', async () => {
    await store.open('');
    const made = await sealedFolder(keys, 'Ailleurs', T4);
    store.handleEvent({
      ...event('folder.created', { ...made, parent_id: 'id-x', path: `/x/${T4}` }),
      workspace_id: WS,
    });
    expect(store.getState().names.has(T4)).toBe(false);
  });
});
