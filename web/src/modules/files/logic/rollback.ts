// What this browser remembers of an armoured workspace's files
// (docs/armoured.md, "Rollback"): per file, the highest version number it
// saw with a content record that opened. A server that later shows an
// older version as the current one is taken back in time: the screens warn.
// Kept in localStorage per signed-in person and workspace, the files seen
// most recently last, at most MAX_REMEMBERED of them (the oldest go).

/** The part of Storage used here (tests give their own). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const MAX_REMEMBERED = 20_000;
/** Writes are gathered: a folder of thousands is one write, not thousands. */
export const FLUSH_DELAY_MS = 1000;

export function rollbackKey(userId: string, workspaceId: string): string {
  return `ruche.files.versions.${userId}.${workspaceId}`;
}

function browserStorage(): KeyValueStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

/** Stored as [[file id, version], …], least recently seen first; anything else reads as nothing. */
function parse(text: string | null): Map<string, number> {
  const out = new Map<string, number>();
  if (!text) return out;
  try {
    const v: unknown = JSON.parse(text);
    if (!Array.isArray(v)) return out;
    for (const e of v as unknown[]) {
      if (!Array.isArray(e) || e.length !== 2) continue;
      const [id, n] = e as unknown[];
      if (typeof id === 'string' && typeof n === 'number' && Number.isSafeInteger(n) && n > 0)
        out.set(id, Math.max(n, out.get(id) ?? 0));
    }
  } catch {
    // Not ours: start again.
  }
  return out;
}

export class RollbackMemory {
  private highest: Map<string, number> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly key: string,
    private readonly storage: KeyValueStorage | null = browserStorage(),
    private readonly max = MAX_REMEMBERED,
    private readonly delayMs = FLUSH_DELAY_MS,
  ) {}

  private load(): Map<string, number> {
    this.highest ??= parse(this.storage?.getItem(this.key) ?? null);
    return this.highest;
  }

  /**
   * Whether version `version` of `fileId`, shown as its current one, is
   * older than one this browser saw (a rollback). With `trusted` (its
   * content record opened), a newer version is remembered.
   */
  seen(fileId: string, version: number, trusted: boolean): boolean {
    const m = this.load();
    const before = m.get(fileId);
    if (before !== undefined) {
      // Most recently seen last.
      m.delete(fileId);
      m.set(fileId, before);
    }
    if (before !== undefined && version < before) return true;
    if (trusted && version > (before ?? 0)) {
      m.set(fileId, version);
      while (m.size > this.max) {
        const oldest = m.keys().next().value;
        if (oldest === undefined) break;
        m.delete(oldest);
      }
      this.flushSoon();
    }
    return false;
  }

  /** The highest version remembered for `fileId`, or 0. */
  highestOf(fileId: string): number {
    return this.load().get(fileId) ?? 0;
  }

  private flushSoon() {
    if (this.timer || !this.storage) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
  }

  /**
   * Writes what was seen, with what another tab wrote meanwhile (the
   * higher number of each file wins).
   */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const m = this.highest;
    if (!m || !this.storage) return;
    const merged = parse(this.storage.getItem(this.key));
    for (const [id, n] of m) {
      const other = merged.get(id) ?? 0;
      merged.delete(id);
      merged.set(id, Math.max(n, other));
    }
    const entries = [...merged].slice(-this.max);
    this.highest = new Map(entries);
    try {
      this.storage.setItem(this.key, JSON.stringify(entries));
    } catch {
      // Full or private mode: this page still remembers.
    }
  }
}
