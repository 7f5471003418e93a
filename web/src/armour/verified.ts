// The signatures this person's browser already checked (crypto.ts,
// rememberVerified), kept between reloads so that a calendar, a board or a
// channel read again is not verified again: tags only — keyed hashes of
// what was checked, under a key derived from the person's signing secret,
// which stays in memory (docs/armoured.md, "Signatures checked once"). A
// tag someone else writes here matches nothing: without the key, nobody
// makes the tag of a text that does not check. At most MAX_TAGS, the
// oldest dropped first; written a moment after the last one added (and
// when the page goes), never more than once a second; forgotten at
// sign-out.
import type { VerifiedTags } from './crypto';

/** Tags kept at most (~25 bytes each as stored). */
export const MAX_TAGS = 20_000;
const SAVE_AFTER_MS = 1_000;

const storageKey = (userId: string) => `ruche.armour.verified.${userId}`;

/** What localStorage offers here (a test gives its own). */
export type TagStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function browserStorage(): TagStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage refused (a privacy setting): remembered for the tab only
  }
}

/** The tags of one person under one key (its id), as kept and added to. */
export class KeptTags implements VerifiedTags {
  private readonly tags = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly userId: string,
    private readonly keyId: string,
    private readonly storage: TagStorage | null = browserStorage(),
  ) {
    const kept = this.read();
    if (kept?.key === keyId) for (const t of kept.tags.slice(-MAX_TAGS)) this.tags.add(t);
  }

  has(tag: string): boolean {
    return this.tags.has(tag);
  }

  add(tag: string): void {
    this.tags.add(tag);
    if (this.tags.size > MAX_TAGS) {
      // A Set keeps its order of insertion: the first is the oldest.
      const oldest = this.tags.values().next().value;
      if (oldest !== undefined) this.tags.delete(oldest);
    }
    this.timer ??= setTimeout(() => this.save(), SAVE_AFTER_MS);
  }

  /** Writes the tags now (a full storage keeps what it had: they are remembered in the tab). */
  save(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    try {
      this.storage?.setItem(
        storageKey(this.userId),
        JSON.stringify({ key: this.keyId, tags: [...this.tags] }),
      );
    } catch {
      // QuotaExceededError: nothing lost but the next reload's head start.
    }
  }

  /** Stops writing (sign-out): what is kept is the caller's to remove. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private read(): { key: string; tags: string[] } | null {
    try {
      const raw = this.storage?.getItem(storageKey(this.userId));
      const v: unknown = raw ? JSON.parse(raw) : null;
      if (typeof v !== 'object' || v === null) return null;
      const { key, tags } = v as { key?: unknown; tags?: unknown };
      if (typeof key !== 'string' || !Array.isArray(tags)) return null;
      return { key, tags: tags.filter((t): t is string => typeof t === 'string') };
    } catch {
      return null;
    }
  }
}

let current: KeptTags | null = null;
let flushing = false;

/** The person's tags under `keyId`, written as they grow (and when the page goes). */
export function keepVerified(userId: string, keyId: string): KeptTags {
  current?.stop();
  current = new KeptTags(userId, keyId);
  if (!flushing && typeof window !== 'undefined') {
    flushing = true;
    window.addEventListener('pagehide', () => current?.save());
  }
  return current;
}

/** Forgets the person's tags, here and kept (sign-out). */
export function forgetVerified(userId: string): void {
  current?.stop();
  current = null;
  try {
    browserStorage()?.removeItem(storageKey(userId));
  } catch {
    // nothing kept
  }
}
