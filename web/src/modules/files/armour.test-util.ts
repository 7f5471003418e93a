// Test helpers for files in an armoured workspace: a workspace with one
// member whose browser makes and holds the key, and entries as the server
// lists them (named by their tokens, their records sealed by her).
import type { CreatedIdentity } from '../../armour/crypto';
import { sealedFileSize, type ContentRecord } from '../../armour/format';
import type { KeysState } from '../../armour/keyring';
import type { WorkspaceKeys } from '../../armour/keys';
import type { SignatureChecker } from '../../armour/verifier';
import { fakeKeys } from '../../test/fakeKeys';
import { ALICE, WS, soloKeys, soloServer } from '../../test/soloKeyServer';
import { folder, node } from './logic/fixtures.test-util';
import { RollbackMemory } from './logic/rollback';
import { FilesArmour } from './sealed';

export { ALICE, WS, soloServer };

export function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

/** Alice's files in the workspace: her key manager synchronised (generation 1 made). */
export async function armouredFiles(alice: CreatedIdentity, signatures?: SignatureChecker) {
  const { server, keys } = await soloKeys(alice, {}, signatures);
  const files = new FilesArmour(WS, keys, new RollbackMemory('k', memoryStorage()));
  return { server, keys, files };
}

export const record = (o: Partial<ContentRecord> = {}): ContentRecord => ({
  key: new Uint8Array(32).fill(5),
  size: 1234,
  type: 'image/png',
  mtime: Date.UTC(2026, 0, 2, 3, 4, 5),
  ...o,
});

/** A file as the server lists it: named by its token, its records sealed by Alice. */
export async function sealedFile(
  keys: WorkspaceKeys,
  name: string,
  token: string,
  version = 1,
  r = record(),
) {
  return node(token, {
    id: `id-${token}`,
    size: sealedFileSize(r.size),
    content_type: 'application/octet-stream',
    version,
    sealed_name: await keys.sealName(token, name),
    sealed_name_by: ALICE,
    sealed_content: await keys.sealContent(token, version, r),
    sealed_content_by: ALICE,
  });
}

/** A folder as the server lists it. */
export async function sealedFolder(keys: WorkspaceKeys, name: string, token: string) {
  return folder(token, {
    id: `id-${token}`,
    sealed_name: await keys.sealName(token, name),
    sealed_name_by: ALICE,
  });
}

/**
 * Just what useAwaitingKey reads of a key manager: the workspace is at
 * generation 2, this browser holds `held` (without 2: it awaits the
 * current key); `hold(2)` brings it, as a synchronisation would.
 */
export function awaitedKeys(held: number[]) {
  const keys = fakeKeys({
    synced: true,
    rotationRequired: false,
    generation: 2,
    held,
  } as unknown as KeysState);
  const hold = (g: number) => keys.change({ held: [...keys.getState().held, g] });
  return Object.assign(keys, { hold });
}
