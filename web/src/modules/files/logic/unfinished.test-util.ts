// A memory of unfinished uploads for tests of what uses one (the store,
// the upload panel): a Map with UnfinishedUploads' contract. The real one's
// IndexedDB is tested in unfinished.test.ts (fake-indexeddb, under Node:
// jsdom's Blob does not survive the structured clone IndexedDB makes).
// Records to keep, for both.
import {
  MAX_UNFINISHED,
  UnfinishedUploads,
  type UnfinishedPlain,
  type UnfinishedSealed,
  type UnfinishedUpload,
} from './unfinished';

/** What UnfinishedUploads keeps, in a Map: the oldest go past `bound`; `full` refuses writes. */
export class MemoryUnfinished extends UnfinishedUploads {
  readonly records = new Map<string, UnfinishedUpload>();
  full = false;
  constructor(
    userId: string,
    private readonly bound = MAX_UNFINISHED,
  ) {
    super(userId, null, null);
  }
  override async list(workspaceId: string): Promise<UnfinishedUpload[]> {
    return [...this.records.values()]
      .filter((u) => u.workspaceId === workspaceId)
      .sort((a, b) => a.createdAt - b.createdAt);
  }
  override async put(u: UnfinishedUpload): Promise<{ kept: boolean; dropped: string[] }> {
    if (this.full) return { kept: false, dropped: [] };
    this.records.set(u.url, u);
    const oldest = [...this.records.values()].sort((a, b) => a.createdAt - b.createdAt);
    const dropped = oldest.slice(0, Math.max(0, oldest.length - this.bound)).map((x) => x.url);
    for (const url of dropped) this.records.delete(url);
    return { kept: true, dropped };
  }
  override async remove(url: string): Promise<void> {
    this.records.delete(url);
  }
  override async forgetAll(): Promise<string[]> {
    const urls = [...this.records.keys()];
    this.records.clear();
    return urls;
  }
}

export const plain = (url: string, o: Partial<UnfinishedPlain> = {}): UnfinishedPlain => ({
  kind: 'plain',
  userId: 'u1',
  workspaceId: 'ws1',
  url,
  size: 9_000_000,
  createdAt: 1000,
  parentId: 'folder-1',
  target: '/Archives/big.bin',
  name: 'big.bin',
  path: 'big.bin',
  fileName: 'big.bin',
  lastModified: 1_700_000_000_000,
  replace: false,
  ...o,
});

export const sealed = (url: string, bytes: Uint8Array): UnfinishedSealed => ({
  kind: 'sealed',
  userId: 'u1',
  workspaceId: 'ws1',
  url,
  size: 3,
  createdAt: 2000,
  sealed: new Blob([bytes as Uint8Array<ArrayBuffer>]),
  box: 'e2e1:1:nonce:ciphertext:signature',
});
