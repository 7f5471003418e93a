// Trust on first use: the public keys this browser has seen for each
// person, kept in localStorage per signed-in user. A person whose keys the
// server now lists differently is reported (a forgotten passphrase, or a
// server handing out substituted keys) until the reader accepts the new
// keys. Older signing keys stay known, so messages signed before a change
// still verify.
//
// Verified marks: the reader compared a person's safety code with the one
// that person reads on their own screen (in person, by phone). A mark is
// kept with the keys it was given for, and holds for those exact keys only:
// when the keys change it is gone (accepting new keys does not verify them).
//
// Anchors (docs/armoured.md, "Approvals"): per workspace, the anchors this
// browser follows, taken on first sight of the workspace anchored (or when
// it anchors it); an anchor that appears later is not followed until the
// reader accepts it.
import type { ArmourMember } from '../api/types';

interface Known {
  box: string;
  sign: string;
  /** Earlier signing keys of the person (accepted changes), newest first. */
  previous: string[];
  /** The keys the reader verified (compared safety codes), when they did. */
  verified?: { box: string; sign: string };
}

/** Where a person's keys stand in this browser. */
export type Verification =
  /** The reader compared safety codes for these exact keys. */
  | 'verified'
  /** Trusted on first use (or accepted after a change), not compared. */
  | 'unverified'
  /** Not the keys this browser trusted: the changed-keys warning. */
  | 'changed';

interface Stored {
  v: 1;
  users: Record<string, Known>;
  /** Workspace id -> the anchors followed there ("user\nsign"). */
  anchors?: Record<string, string[]>;
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

function isKeys(v: unknown): v is { box: string; sign: string } {
  if (typeof v !== 'object' || v === null) return false;
  const k = v as { box?: unknown; sign?: unknown };
  return typeof k.box === 'string' && typeof k.sign === 'string';
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
  private anchorsBy: Record<string, string[]> = {};
  /** Its localStorage key (another tab's changes arrive as `storage` events for it). */
  readonly key: string;

  constructor(
    readonly me: string,
    private readonly storage: Storage | null = defaultStorage(),
  ) {
    this.key = `ruche.armour.trust.${me}`;
    this.load();
  }

  /** Takes what the storage holds (another tab may have written); without storage, keeps what we hold. */
  private load(): void {
    if (!this.storage) return;
    this.users = {};
    this.anchorsBy = {};
    try {
      const raw = this.storage.getItem(this.key);
      if (!raw) return;
      const parsed = JSON.parse(raw) as Partial<Stored>;
      for (const [id, k] of Object.entries(parsed.users ?? {})) {
        if (!isKnown(k)) continue;
        // A malformed mark is no mark; the trusted keys stay.
        const { verified, ...keys } = k;
        this.users[id] = isKeys(verified) ? { ...keys, verified } : keys;
      }
      for (const [ws, list] of Object.entries(parsed.anchors ?? {})) {
        if (Array.isArray(list) && list.every((a) => typeof a === 'string'))
          this.anchorsBy[ws] = list;
      }
    } catch {
      // Unreadable: nothing trusted yet.
    }
  }

  private write(): void {
    try {
      const value: Stored = { v: 1, users: this.users, anchors: this.anchorsBy };
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
    this.load(); // another tab may have accepted a change
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

  /**
   * Trusts a person's new keys (the reader checked them); the old signing
   * key stays known. Not a verification: a mark for the old keys is gone.
   */
  accept(member: ArmourMember): void {
    this.load();
    this.set(member.user_id, member.box_public, member.sign_public);
    this.write();
  }

  /**
   * Marks a person's keys, as the server lists them now, verified: the
   * reader compared their safety code with the person. Keys that differ
   * from the trusted ones are trusted too (comparing the code in person is
   * a stronger check than accepting the change).
   */
  verify(member: ArmourMember): void {
    this.load();
    this.set(member.user_id, member.box_public, member.sign_public);
    const k = this.users[member.user_id];
    if (k) k.verified = { box: member.box_public, sign: member.sign_public };
    this.write();
  }

  /** Removes a person's verified mark (their keys stay trusted). */
  unverify(id: string): void {
    this.load();
    const k = this.users[id];
    if (!k?.verified) return;
    delete k.verified;
    this.write();
  }

  /** Where the keys the server lists for a person stand here (as last read). */
  verification(member: ArmourMember): Verification {
    const k = this.users[member.user_id];
    if (!k) return 'unverified'; // not seen yet: observe() trusts it first
    if (k.box !== member.box_public || k.sign !== member.sign_public) return 'changed';
    const v = k.verified;
    return v && v.box === k.box && v.sign === k.sign ? 'verified' : 'unverified';
  }

  /** Reads again what another tab may have written (observe, accept and verify do). */
  reload(): void {
    this.load();
  }

  /** The anchors followed in workspace `ws` ("user\nsign"), null before its first sight anchored. */
  anchors(ws: string): readonly string[] | null {
    return this.anchorsBy[ws] ?? null;
  }

  /** Follows `anchors` in workspace `ws` too (first sight, our own, or accepted by the reader). */
  followAnchors(ws: string, anchors: readonly string[]): void {
    this.load();
    const known = this.anchorsBy[ws] ?? [];
    const added = anchors.filter((a) => !known.includes(a));
    if (added.length === 0 && this.anchorsBy[ws]) return;
    this.anchorsBy[ws] = [...known, ...added];
    this.write();
  }

  /** Trusts `box` and `sign` for `id`; a verified mark stays only if they are the same keys. */
  private set(id: string, box: string, sign: string): void {
    const k = this.users[id];
    const previous = k
      ? [k.sign, ...k.previous].filter((s) => s !== sign).slice(0, MAX_PREVIOUS)
      : [];
    const verified = k?.verified;
    this.users[id] =
      verified && verified.box === box && verified.sign === sign
        ? { box, sign, previous, verified }
        : { box, sign, previous };
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
