// The person's favorites follow their entries live: a favorite folder
// renamed elsewhere (armoured: its new name record) shows its new name in
// the favorites without a reload.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, type EventFrame } from '../../api';
import { createIdentity, type CreatedIdentity } from '../../armour/crypto';
import { loadCrypto } from '../../armour/load';
import { liveEvents } from '../../events';
import { ALICE, WS, armouredFiles, sealedFolder } from './armour.test-util';
import { favoritesOf } from './favorites';
import { event } from './logic/fixtures.test-util';

const T1 = 'AAAAAAAAAAAAAAAAAAAAAA';
const T2 = 'BBBBBBBBBBBBBBBBBBBBBA';

let alice: CreatedIdentity;

beforeAll(async () => {
  await loadCrypto();
  alice = createIdentity(ALICE, 'alice passphrase');
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('favorites in an armoured workspace', () => {
  it('take a favorite folder’s new name from the live event', async () => {
    const { keys, files } = await armouredFiles(alice);
    const archives = await sealedFolder(keys, 'Archives', T1);
    const other = await sealedFolder(keys, 'Autre', T2);
    vi.spyOn(api.files, 'favorites').mockResolvedValue([archives]);
    const handlers: ((e: EventFrame) => void)[] = [];
    vi.spyOn(liveEvents(), 'subscribe').mockImplementation((_type, h) => {
      handlers.push(h);
      return () => undefined;
    });
    const store = favoritesOf(WS);
    await store.load();
    const hear = (type: string, data: object) =>
      handlers.forEach((h) => h({ ...event(type, data), workspace_id: WS }));
    const shown = () => store.getState().list?.map((n) => files.open(n).name);
    expect(shown()).toEqual(['Archives']);

    hear('folder.updated', { ...archives, sealed_name: await keys.sealName(T1, 'Archives 2025') });
    expect(shown()).toEqual(['Archives 2025']);
    // Not a favorite, or another workspace: nothing changes.
    const before = store.getState().list;
    hear('folder.updated', { ...other, sealed_name: await keys.sealName(T2, 'Autre 2') });
    handlers.forEach((h) =>
      h({ ...event('folder.updated', { ...archives, name: 'x' }), workspace_id: 'elsewhere' }),
    );
    expect(store.getState().list).toBe(before);
  });
});
