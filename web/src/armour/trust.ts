// Trust on first use: the public keys this browser has seen for each
// person, kept in localStorage per signed-in user. A person whose keys the
// server now lists differently is reported (a forgotten passphrase, or a
// server handing out substituted keys) until the reader accepts the new
// keys. Older signing keys stay known, so messages signed before a change
// still verify.
import type { ArmourMember } from '../api/types';

interface Known {
  box: string;
  sign: string;
  /** Earlier signing keys of the person (accepted changes), newest first. */
  previous: string[];
}

interface Stored {
  v: 1;
  users: Record<string, Known>;
}

const MAX_PREVIOUS = 8;

function isKnown(v: unknown): v is Known {
  if (typeof v !== 'object' || v === null) return false;
  const k = v as Partial<Known>;
  return (
    typeof k.box === 'string' &&
    typeof k.sign === 'string' &&
    Array.isArray(k.previous) &&
    k.previous.every((p) => typeof p === 'string')
  );
}

function defaultStorage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null;
  }
}

export class TrustStore {
  private users: Record<string, Known> = {};
  private readonly key: string;

  constructor(
    readonly me: string,
    private readonly storage: Storage | null = defaultStorage(),
  ) {
    this.key = `ruche.armour.trust.${me}`;
    this.users = this.read();
  }

  /** What the storage holds (another tab may have written); without storage, what we hold. */
  private read(): Record<string, Known> {
    if (!this.storage) return this.users;
    try {
      const raw = this.storage.getItem(this.key);
      if (!raw) return {};
      const parsed = JSON.parse(raw) as Partial<Stored>;
      const out: Record<string, Known> = {};
      for (const [id, k] of Object.entries(parsed.users ?? {})) if (isKnown(k)) out[id] = k;
      return out;
    } catch {
      return {};
    }
  }

  private write(): void {
    try {
      const value: Stored = { v: 1, users: this.users };
      this.storage?.setItem(this.key, JSON.stringify(value));
    } catch {
      // Private mode or full: trust lasts for this tab.
    }
  }

  /**
   * Records the keys of people seen for the first time and returns the ids
   * of those whose keys differ from the ones trusted here. `self` (the
   * reader's own identity, which they just unlocked) is trusted as is.
   */
  observe(members: readonly ArmourMember[], self?: { box: string; sign: string }): string[] {
    this.users = this.read(); // another tab may have accepted a change
    const changed: string[] = [];
    let dirty = false;
    for (const m of members) {
      const k = this.users[m.user_id];
      if (m.user_id === this.me && self) {
        if (!k || k.box !== self.box || k.sign !== self.sign) {
          this.set(m.user_id, self.box, self.sign);
          dirty = true;
        }
        continue;
      }
      if (!k) {
        this.users[m.user_id] = { box: m.box_public, sign: m.sign_public, previous: [] };
        dirty = true;
      } else if (k.box !== m.box_public || k.sign !== m.sign_public) {
        changed.push(m.user_id);
      }
    }
    if (dirty) this.write();
    return changed;
  }

  /** Trusts a person's new keys (the reader checked them); the old signing key stays known. */
  accept(member: ArmourMember): void {
    this.users = this.read();
    this.set(member.user_id, member.box_public, member.sign_public);
    this.write();
  }

  private set(id: string, box: string, sign: string): void {
    const k = this.users[id];
    const previous = k
      ? [k.sign, ...k.previous].filter((s) => s !== sign).slice(0, MAX_PREVIOUS)
      : [];
    this.users[id] = { box, sign, previous };
  }

  /** The signing keys a message of `id` may carry: `current` (the server's) first, then those known here. */
  signKeys(id: string, current?: string): string[] {
    const k = this.users[id];
    const all = [current, k?.sign, ...(k?.previous ?? [])].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );
    return [...new Set(all)];
  }
}
