// Test helpers for files in an armoured workspace: a workspace with one
// member whose browser makes and holds the key, and entries as the server
// lists them (named by their tokens, their records sealed by her).
import { ApiError } from '../../api/client';
import type {
  ArmourApproval,
  ArmourEnvelope,
  ArmourMember,
  NewApproval,
  NewEnvelope,
  WorkspaceArmour,
} from '../../api/types';
import type { CreatedIdentity } from '../../armour/crypto';
import { sealedFileSize, type ContentRecord } from '../../armour/format';
import type { KeysState } from '../../armour/keyring';
import { WorkspaceKeys } from '../../armour/keys';
import { TrustStore } from '../../armour/trust';
import { fakeKeys } from '../../test/fakeKeys';
import { folder, node } from './logic/fixtures.test-util';
import { RollbackMemory } from './logic/rollback';
import { FilesArmour } from './sealed';

export const WS = '01HZWORKSPACE0000000000000';
export const ALICE = '01HZALICE0000000000000000A';

/** The key server of a workspace with one member, Alice; `syncs` counts her browser's reads. */
export function soloServer(who: CreatedIdentity) {
  const member: ArmourMember = {
    user_id: ALICE,
    box_public: who.box_public,
    sign_public: who.sign_public,
  };
  let generation = 0;
  let envelopes: ArmourEnvelope[] = [];
  let approvals: ArmourApproval[] = [];
  const view = (): WorkspaceArmour => ({
    generation,
    rotation_required: false,
    members: [member],
    former: [],
    missing: [],
    pending: [],
    approvals,
    envelopes,
  });
  const server = {
    syncs: 0,
    workspace: async () => {
      server.syncs++;
      return view();
    },
    addEnvelopes: async (_ws: string, b: { generation: number; envelopes: NewEnvelope[] }) => {
      generation = b.generation;
      envelopes = b.envelopes.map((e) => ({ ...e, generation: b.generation, created_by: ALICE }));
      return view();
    },
    // Her browser anchors the workspace (her own keys).
    approve: async (_ws: string, b: { approvals: NewApproval[] }) => {
      approvals = b.approvals.map((a) => ({
        ...a,
        approved_by: ALICE,
        created_at: '2026-12-03T10:00:00.000Z',
      }));
      return view();
    },
    // Files use the workspace's key only.
    channel: () => Promise.reject(new ApiError(409, 'workspace_key', '')),
    addChannelEnvelopes: () => Promise.reject(new ApiError(409, 'workspace_key', '')),
  };
  return server;
}

export function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

/** Alice's files in the workspace: her key manager synchronised (generation 1 made). */
export async function armouredFiles(alice: CreatedIdentity) {
  const server = soloServer(alice);
  const keys = new WorkspaceKeys(
    WS,
    ALICE,
    server,
    { secrets: () => alice.secrets, subscribe: () => () => undefined },
    new TrustStore(ALICE, null),
  );
  await keys.sync();
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
