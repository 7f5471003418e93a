// The resumable uploads this browser remembers, so that a reload or a
// crash does not lose them: kept in IndexedDB per signed-in person and
// workspace, written when an upload becomes resumable (its tus URL), gone
// when it ends (sent, cancelled, discarded, or no longer on the server).
// A plain workspace's keep no bytes (a File cannot be opened again without
// the person: they pick it again); an armoured workspace's keep the sealed
// bytes and, sealed under the workspace's key, what finishes them
// (docs/armoured.md, "Large files"). At most MAX_UNFINISHED per person:
// past that the oldest go, and put() says which (their uploads on the
// server are let go by the caller).
//
// Storage is a help, never a need: without IndexedDB, with a full disk or
// in a private mode every call resolves as if nothing were kept, and the
// upload goes on as before, unremembered.
//
// Tabs: a tab claims each upload it sends or shows (Web Locks, where the
// browser has them), so that another tab of the same person does not show
// it as interrupted, nor send it at the same time.

/** Uploads remembered per person; the oldest go first. */
export const MAX_UNFINISHED = 50;

const DB_NAME = 'ruche.files';
const DB_VERSION = 1;
const STORE = 'uploads';
/** Index by person and age: the oldest first. */
const BY_AGE = 'age';
/** Index by person and workspace. */
const BY_WORKSPACE = 'workspace';
const LOCK_PREFIX = 'ruche.files.upload ';

interface Common {
  userId: string;
  workspaceId: string;
  /** The upload's URL on the server (tus): what it is known by. */
  url: string;
  /** The file's size in bytes (before it is sealed). */
  size: number;
  /** When it became resumable (ms since 1970). */
  createdAt: number;
}

/** A plain workspace's upload: where it lands and how to know its file again, no bytes. */
export interface UnfinishedPlain extends Common {
  kind: 'plain';
  /** The folder it lands in ("" the root). */
  parentId: string;
  /** Where it lands ("/a/b.txt"). */
  target: string;
  /** Its name in its folder. */
  name: string;
  /** Relative path shown ("photos/a.jpg"). */
  path: string;
  /** The picked file's own name (not `name` when the person kept both). */
  fileName: string;
  /** The picked file's modification time (ms since 1970). */
  lastModified: number;
  replace: boolean;
  versionOf?: string;
}

/** An armoured workspace's upload: its sealed bytes and, sealed, what finishes it. */
export interface UnfinishedSealed extends Common {
  kind: 'sealed';
  /** The file as sealed once: the bytes sent. */
  sealed: Blob;
  /** Its folder, token, name and content record, sealed (FilesArmour.sealResume). */
  box: string;
}

export type UnfinishedUpload = UnfinishedPlain | UnfinishedSealed;

const isText = (v: unknown): v is string => typeof v === 'string';
const isWhole = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Whether a stored value is a record of ours (anything else reads as nothing). */
function isUnfinished(v: unknown): v is UnfinishedUpload {
  if (typeof v !== 'object' || v === null) return false;
  const u = v as Partial<Record<string, unknown>>;
  const common =
    isText(u.userId) &&
    isText(u.workspaceId) &&
    isText(u.url) &&
    u.url !== '' &&
    isWhole(u.size) &&
    isWhole(u.createdAt);
  if (!common) return false;
  if (u.kind === 'sealed') return u.sealed instanceof Blob && isText(u.box);
  return (
    u.kind === 'plain' &&
    isText(u.parentId) &&
    isText(u.target) &&
    isText(u.name) &&
    isText(u.path) &&
    isText(u.fileName) &&
    isWhole(u.lastModified) &&
    typeof u.replace === 'boolean' &&
    (u.versionOf === undefined || isText(u.versionOf))
  );
}

/** What a file picked again must match: its name, size and modification time. */
export interface PickedFile {
  name: string;
  size: number;
  lastModified: number;
}

function browserIndexedDB(): IDBFactory | null {
  try {
    return typeof indexedDB === 'undefined' ? null : indexedDB;
  } catch {
    return null;
  }
}

function browserLocks(): LockManager | null {
  return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null;
}

/** A request's result, or its error. */
function result<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * Resolves when the transaction commits, rejects when it aborts
 * (QuotaExceededError...). A caller that gives up before awaiting it
 * (a request refused at once) leaves no unhandled rejection behind.
 */
function committed(tx: IDBTransaction): Promise<void> {
  const p = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
  p.catch(() => undefined);
  return p;
}

/**
 * The uploads one signed-in person's browser remembers (`userId`: records
 * of anyone else are neither read nor written). Every method resolves,
 * never rejects: storage failing reads as nothing kept. `factory` and
 * `locks` are the browser's unless a test gives its own (null: none).
 */
export class UnfinishedUploads {
  private db: Promise<IDBDatabase | null> | null = null;

  constructor(
    readonly userId: string,
    private readonly factory: IDBFactory | null = browserIndexedDB(),
    private readonly locks: LockManager | null = browserLocks(),
    private readonly max = MAX_UNFINISHED,
  ) {}

  /** The database, opened once; null when the browser has none or refuses it. */
  private open(): Promise<IDBDatabase | null> {
    this.db ??= new Promise<IDBDatabase | null>((resolve) => {
      if (!this.factory) {
        resolve(null);
        return;
      }
      try {
        const r = this.factory.open(DB_NAME, DB_VERSION);
        r.onupgradeneeded = () => {
          const s = r.result.createObjectStore(STORE, { keyPath: ['userId', 'url'] });
          s.createIndex(BY_AGE, ['userId', 'createdAt']);
          s.createIndex(BY_WORKSPACE, ['userId', 'workspaceId']);
        };
        r.onsuccess = () => {
          const db = r.result;
          // Another version of the app asks to upgrade: let it, open again next time.
          db.onversionchange = () => {
            db.close();
            this.db = null;
          };
          resolve(db);
        };
        r.onerror = () => resolve(null);
      } catch {
        resolve(null);
      }
    });
    return this.db;
  }

  /** The person's uploads remembered for `workspaceId`, the oldest first ([] when none or no storage). */
  async list(workspaceId: string): Promise<UnfinishedUpload[]> {
    const db = await this.open();
    if (!db) return [];
    try {
      const store = db.transaction(STORE, 'readonly').objectStore(STORE);
      const all = await result(
        store.index(BY_WORKSPACE).getAll(IDBKeyRange.only([this.userId, workspaceId])),
      );
      return (all as unknown[])
        .filter(isUnfinished)
        .filter((u) => u.userId === this.userId && u.workspaceId === workspaceId)
        .sort((a, b) => a.createdAt - b.createdAt);
    } catch {
      return [];
    }
  }

  /**
   * Remembers `u` (for the person of this memory: `u.userId` must be
   * theirs), replacing the one of the same URL. Past MAX_UNFINISHED the
   * oldest are forgotten in the same write: `dropped` lists their URLs.
   * `kept` false when nothing could be written (no storage, quota).
   */
  async put(u: UnfinishedUpload): Promise<{ kept: boolean; dropped: string[] }> {
    const dropped: string[] = [];
    const db = u.userId === this.userId ? await this.open() : null;
    if (!db) return { kept: false, dropped };
    try {
      const tx = db.transaction(STORE, 'readwrite');
      const done = committed(tx);
      const store = tx.objectStore(STORE);
      store.put(u);
      const mine = IDBKeyRange.bound([this.userId, -Infinity], [this.userId, Infinity]);
      const ages = store.index(BY_AGE).getAllKeys(mine);
      ages.onsuccess = () => {
        // Primary keys ([person, url]) in the index's order: the oldest first.
        const keys = ages.result as [string, string][];
        for (const key of keys.slice(0, Math.max(0, keys.length - this.max))) {
          store.delete(key);
          dropped.push(key[1]);
        }
      };
      await done;
      return { kept: true, dropped };
    } catch {
      return { kept: false, dropped: [] };
    }
  }

  /** Forgets the upload at `url` (nothing when it is not remembered). */
  async remove(url: string): Promise<void> {
    const db = await this.open();
    if (!db) return;
    try {
      const tx = db.transaction(STORE, 'readwrite');
      const done = committed(tx);
      tx.objectStore(STORE).delete([this.userId, url]);
      await done;
    } catch {
      // Nothing to do: it goes when the list is read again and the server says it is gone.
    }
  }

  /**
   * Forgets every upload of the person, in every workspace (an explicit
   * sign-out: their names, paths and sealed copies do not stay on this
   * browser): resolves with the URLs forgotten, for the caller to let go
   * on the server.
   */
  async forgetAll(): Promise<string[]> {
    const db = await this.open();
    if (!db) return [];
    try {
      const tx = db.transaction(STORE, 'readwrite');
      const done = committed(tx);
      const store = tx.objectStore(STORE);
      const mine = IDBKeyRange.bound([this.userId, -Infinity], [this.userId, Infinity]);
      const keys = store.index(BY_AGE).getAllKeys(mine);
      const urls: string[] = [];
      keys.onsuccess = () => {
        for (const key of keys.result as [string, string][]) {
          store.delete(key);
          urls.push(key[1]);
        }
      };
      await done;
      return urls;
    } catch {
      return [];
    }
  }

  /**
   * Claims the upload at `url` for this tab: resolves with what releases
   * it, or null when another tab holds it (it is that tab's to show and
   * send). Without Web Locks, every claim succeeds.
   */
  claim(url: string): Promise<(() => void) | null> {
    const locks = this.locks;
    if (!locks) return Promise.resolve(() => undefined);
    return new Promise((resolve) => {
      locks
        .request(`${LOCK_PREFIX}${url}`, { ifAvailable: true }, (lock) => {
          if (!lock) {
            resolve(null);
            return undefined;
          }
          // Held until released.
          return new Promise<void>((release) => resolve(() => release()));
        })
        .catch(() => resolve(() => undefined));
    });
  }
}

/** Whether `file` is the one an interrupted upload was sending: same name, size and modification time. */
export function sameFile(kept: PickedFile, file: PickedFile): boolean {
  return (
    file.name === kept.name && file.size === kept.size && file.lastModified === kept.lastModified
  );
}
