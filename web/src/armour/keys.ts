// The key manager of one armoured workspace, for the tab's life: opens the
// person's envelopes (generation -> workspace key), makes the next
// generation when there is none or a member left, seals the current one for
// members who have none, and follows `armour.changed`. It also turns
// message bodies into what the screens show, once per message (a cache by
// id and body: a list may hold 100,000 messages), and seals and opens the
// records of files (their names, their versions' keys) the same way.
import { api, isApiError } from '../api';
import type { ArmourMember, NewEnvelope, WorkspaceArmour } from '../api/types';
import { liveEvents } from '../events';
import { setBodyDecoder } from '../notifications/live';
import type { IdentitySecrets, OpenedRecord } from './crypto';
import { ArmourError, isEncryptedBody, type ContentRecord, type SealedFile } from './format';
import { forgetOnSignOut, identity as tabIdentity } from './identity';
import { loadCrypto, type ArmourCrypto } from './load';
import { TrustStore } from './trust';

export interface KeysApi {
  workspace(ws: string): Promise<WorkspaceArmour>;
  addEnvelopes(
    ws: string,
    b: { generation: number; envelopes: NewEnvelope[] },
  ): Promise<WorkspaceArmour>;
}

/** What the key manager needs of the identity: the unlocked secrets, and when they change. */
export interface IdentitySource {
  secrets(userId: string): IdentitySecrets | null;
  subscribe(l: () => void): () => void;
}

export interface KeysState {
  /** idle: no unlocked identity yet; error: the last synchronisation failed. */
  status: 'idle' | 'syncing' | 'ready' | 'error';
  /** Whether a synchronisation ever completed. */
  synced: boolean;
  /** The workspace's current generation (0: none yet). */
  generation: number;
  rotationRequired: boolean;
  /** The generations whose key this tab holds, ascending. */
  held: readonly number[];
  /** Members with an identity (public keys only). */
  members: ReadonlyMap<string, ArmourMember>;
  /** Members and those who held a key here before they left: whose
   * signatures (envelopes, messages) this browser checks. */
  signers: ReadonlyMap<string, ArmourMember>;
  /** Members whose keys differ from the ones this browser trusted. */
  changed: readonly string[];
  /** Members whose current keys the reader verified (compared safety codes). */
  verified: readonly string[];
  /** Envelopes refused (made by a non-member, or a bad signature). */
  rejected: number;
  error: unknown;
  /** Changes when keys or members do: shown bodies may change. */
  version: number;
}

/** A message body as the screens show it. */
export type Shown =
  /** Not armoured (or deleted): the body as it is. */
  | { kind: 'plain'; text: string }
  /**
   * Decrypted; `verified` false when the author's key is unknown here.
   * `files`: what a version 2 body says of its attachments (absent from
   * version 1); shown only for ids the server also lists on the message.
   */
  | { kind: 'text'; text: string; verified: boolean; files?: readonly SealedFile[] }
  /** The crypto or the keys are still loading. */
  | { kind: 'pending' }
  /** Its key generation is not ours, or it does not decrypt. */
  | { kind: 'unreadable' }
  /** Not signed by its author (changed, moved, or forged). */
  | { kind: 'bad_signature' };

export interface BodyOf {
  id: string;
  body: string;
  channel_id: string;
  author_id: string;
  deleted?: boolean;
}

interface Cached {
  body: string;
  shown: Shown;
  /** Cached for good (verified text); otherwise valid for `version` only. */
  final: boolean;
  version: number;
}

/**
 * Whether this browser waits for the workspace's current key: the
 * workspace has one (and needs no new one), but no member's browser sealed
 * it for us yet, so nothing can be written. Known once a synchronisation
 * completed; it stays so while the next one runs (no flicker).
 */
export function awaitingKey(s: KeysState): boolean {
  return s.synced && !s.rotationRequired && s.generation > 0 && !s.held.includes(s.generation);
}

/**
 * A file's record (its name, or a version's content) as the screens show
 * it: opened (`verified` false when its author's key is unknown here);
 * pending while the crypto or the keys load; unreadable (not our key
 * generation, does not decrypt, or not the spec's form); bad_signature (not
 * signed by its author, or moved to another entry or version).
 */
export type Opened<T> =
  | { kind: 'open'; value: T; verified: boolean }
  | { kind: 'pending' }
  | { kind: 'unreadable' }
  | { kind: 'bad_signature' };

/** Records kept opened: a workspace's names and current versions, with room. */
const MAX_RECORDS = 50_000;

const MAX_ROUNDS = 5;

const EMPTY_MEMBERS: ReadonlyMap<string, ArmourMember> = new Map();

export class WorkspaceKeys {
  private state: KeysState = {
    status: 'idle',
    synced: false,
    generation: 0,
    rotationRequired: false,
    held: [],
    members: EMPTY_MEMBERS,
    signers: EMPTY_MEMBERS,
    changed: [],
    verified: [],
    rejected: 0,
    error: null,
    version: 0,
  };
  private readonly keys = new Map<number, Uint8Array>();
  /** Generations whose envelope checks only with keys its maker replaced: for reading only. */
  private readonly readOnly = new Set<number>();
  private readonly listeners = new Set<() => void>();
  private readonly cache = new Map<string, Cached>();
  /** Files' records by what they are and what binds them (openRecord). */
  private readonly records = new Map<
    string,
    { shown: Opened<unknown>; final: boolean; version: number }
  >();
  /** "generation:user:box" already sealed from this tab (never twice: no ping-pong). */
  private readonly sealedFor = new Set<string>();
  private readonly unsubscribes: (() => void)[] = [];
  private running: Promise<void> | null = null;
  private again = false;
  private c: ArmourCrypto | null = null;
  private lastSecrets: IdentitySecrets | null = null;
  readonly trust: TrustStore;

  constructor(
    readonly workspaceId: string,
    readonly me: string,
    private readonly remote: KeysApi = api.armour,
    private readonly identity: IdentitySource = tabIdentity,
    trust?: TrustStore,
  ) {
    this.trust = trust ?? new TrustStore(me);
  }

  // ---- subscription ------------------------------------------------------

  getState = (): KeysState => this.state;

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  private set(update: Partial<KeysState>) {
    this.state = { ...this.state, ...update };
    this.listeners.forEach((l) => l());
  }

  /** Follows armour events and the identity; synchronises when it is unlocked. */
  start(): void {
    const conn = liveEvents();
    this.unsubscribes.push(
      conn.subscribe('armour.changed', (e) => {
        if (e.workspace_id === this.workspaceId) void this.sync();
      }),
      // Back after a drop: what changed meanwhile.
      conn.subscribe('hello', () => {
        if (this.state.synced) void this.sync();
      }),
      this.identity.subscribe(() => {
        const s = this.identity.secrets(this.me);
        if (s && s !== this.lastSecrets) void this.sync();
        this.lastSecrets = s;
      }),
    );
    if (typeof window !== 'undefined') {
      // Another tab accepted or verified someone's keys.
      const onStorage = (e: StorageEvent) => {
        if (e.key === this.trust.key) this.retrust();
      };
      window.addEventListener('storage', onStorage);
      this.unsubscribes.push(() => window.removeEventListener('storage', onStorage));
    }
    setBodyDecoder(this.workspaceId, (d) => {
      const shown = this.show(d);
      return shown.kind === 'text' || shown.kind === 'plain' ? shown.text : undefined;
    });
    this.lastSecrets = this.identity.secrets(this.me);
    loadCrypto().then(
      (c) => {
        this.c = c;
        this.set({ version: this.state.version + 1 });
      },
      () => undefined, // sync() reports it
    );
    if (this.lastSecrets) void this.sync();
  }

  /** Stops following, wipes the keys (sign-out). */
  dispose(): void {
    this.unsubscribes.splice(0).forEach((u) => u());
    setBodyDecoder(this.workspaceId, null);
    const c = this.c;
    if (c) for (const k of this.keys.values()) c.forgetKey(k);
    this.keys.clear();
    this.readOnly.clear();
    this.cache.clear();
    this.records.clear();
    this.listeners.clear();
  }

  // ---- synchronisation ---------------------------------------------------

  /** Brings the keys up to date (one run at a time; a call during a run runs it again). */
  sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.syncOnce();
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async syncOnce(): Promise<void> {
    const secrets = this.identity.secrets(this.me);
    if (!secrets) {
      this.set({ status: 'idle' });
      return;
    }
    this.set({ status: 'syncing' });
    try {
      const c = await loadCrypto();
      this.c = c;
      let info = await this.remote.workspace(this.workspaceId);
      for (let round = 0; round < MAX_ROUNDS; round++) {
        this.absorb(info, c, secrets);
        const next = await this.act(info, c, secrets);
        if (!next) break;
        info = next;
      }
      this.absorb(info, c, secrets);
      this.set({ status: 'ready', synced: true, error: null });
    } catch (e) {
      this.set({ status: 'error', synced: true, error: e });
    }
  }

  /** Opens our envelopes and records the members' keys. */
  private absorb(info: WorkspaceArmour, c: ArmourCrypto, secrets: IdentitySecrets) {
    const members = new Map(info.members.map((m) => [m.user_id, m]));
    const signers = new Map([...(info.former ?? []), ...info.members].map((m) => [m.user_id, m]));
    let rejected = 0;
    let gained = false;
    for (const env of info.envelopes) {
      if (this.keys.has(env.generation)) continue;
      try {
        this.keys.set(env.generation, c.openEnvelope(env, this.workspaceId, secrets, signers));
        gained = true;
        continue;
      } catch {
        // Made by keys replaced since? History still reads with them.
      }
      try {
        this.keys.set(
          env.generation,
          c.openEnvelope(env, this.workspaceId, secrets, signers, true),
        );
        this.readOnly.add(env.generation);
        gained = true;
      } catch {
        rejected++;
      }
    }
    const changed = this.trust.observe(info.members, {
      box: secrets.boxPublic,
      sign: secrets.signPublic,
    });
    const verified = this.verifiedOf(info.members);
    const membersChanged =
      !sameMembers(this.state.members, members) || !sameMembers(this.state.signers, signers);
    this.set({
      generation: info.generation,
      rotationRequired: info.rotation_required,
      held: [...this.keys.keys()].sort((a, b) => a - b),
      members,
      signers,
      changed: sameList(this.state.changed, changed) ? this.state.changed : changed,
      verified: sameList(this.state.verified, verified) ? this.state.verified : verified,
      rejected,
      version: gained || membersChanged ? this.state.version + 1 : this.state.version,
    });
  }

  /**
   * What the workspace needs from us: the next generation (none yet, or a
   * member left), or envelopes of the current one for members without.
   * Returns the server's new state, or null when there is nothing to do.
   */
  private async act(
    info: WorkspaceArmour,
    c: ArmourCrypto,
    secrets: IdentitySecrets,
  ): Promise<WorkspaceArmour | null> {
    const members = info.members;
    if (!members.some((m) => m.user_id === this.me && m.box_public === secrets.boxPublic)) {
      // The server does not list this identity (replaced in another tab): nothing to seal with.
      return null;
    }
    try {
      if (info.generation === 0 || info.rotation_required) {
        const g = info.generation + 1;
        const key = c.newWorkspaceKey();
        const envelopes = members.map((m) => c.sealEnvelope(key, this.workspaceId, g, m, secrets));
        try {
          // The key is taken from our own envelope in the answer: if another
          // browser made generation g first, the server may have kept its
          // envelopes and not ours.
          return await this.remote.addEnvelopes(this.workspaceId, { generation: g, envelopes });
        } finally {
          c.forgetKey(key);
        }
      }
      const key = this.keys.get(info.generation);
      if (!key) return null;
      const need = members.filter(
        (m) =>
          info.missing.includes(m.user_id) &&
          !this.sealedFor.has(`${info.generation}:${m.user_id}:${m.box_public}`),
      );
      if (need.length === 0) return null;
      const envelopes = need.map((m) =>
        c.sealEnvelope(key, this.workspaceId, info.generation, m, secrets),
      );
      for (const m of need) this.sealedFor.add(`${info.generation}:${m.user_id}:${m.box_public}`);
      return await this.remote.addEnvelopes(this.workspaceId, {
        generation: info.generation,
        envelopes,
      });
    } catch (e) {
      // Another browser was first, or someone made an identity meanwhile: look again.
      // (key_not_held: our envelope was dropped, a new identity elsewhere.)
      if (
        isApiError(e, 'generation_conflict') ||
        isApiError(e, 'envelopes_incomplete') ||
        isApiError(e, 'invalid_envelope') ||
        isApiError(e, 'key_not_held')
      ) {
        return this.remote.workspace(this.workspaceId);
      }
      throw e;
    }
  }

  // ---- messages ----------------------------------------------------------

  /**
   * What writing needs: the current generation's key (made first when there
   * is none, or when a member left), the crypto and the unlocked identity.
   * ArmourError 'locked' without an unlocked identity, 'no_key' while no
   * member gave us the current key.
   */
  private async writer(): Promise<{
    c: ArmourCrypto;
    key: Uint8Array;
    generation: number;
    secrets: IdentitySecrets;
  }> {
    const secrets = this.identity.secrets(this.me);
    if (!secrets) throw new ArmourError('locked');
    const usable = () =>
      !this.state.rotationRequired &&
      this.state.generation > 0 &&
      this.keys.has(this.state.generation) &&
      !this.readOnly.has(this.state.generation);
    if (!usable() || this.state.status !== 'ready') await this.sync();
    const key = this.keys.get(this.state.generation);
    if (!usable() || !key) {
      if (this.state.status === 'error') throw this.state.error;
      throw new ArmourError('no_key');
    }
    return { c: await loadCrypto(), key, generation: this.state.generation, secrets };
  }

  /**
   * `text` encrypted and signed for `channelId` under the current
   * generation; with `files`, as version 2 (a message with attachments, or
   * an edit of one). ArmourError as writer().
   */
  async encrypt(channelId: string, text: string, files?: readonly SealedFile[]): Promise<string> {
    const w = await this.writer();
    return w.c.encryptMessage(
      w.key,
      w.generation,
      this.workspaceId,
      channelId,
      this.me,
      text,
      w.secrets.signSecretKey,
      files,
    );
  }

  /** Our own message as the server answered it: its text (and files) are known, no need to decrypt it. */
  remember(m: BodyOf, text: string, files?: readonly SealedFile[]): void {
    this.cache.set(m.id, {
      body: m.body,
      shown: { kind: 'text', text, verified: true, ...(files ? { files } : {}) },
      final: true,
      version: this.state.version,
    });
  }

  /**
   * The keys an author's messages check with: their current one, those this
   * browser trusted for them before, and those the server says they
   * replaced (docs/armoured.md, "Replaced identities").
   */
  private authorKeys(authorId: string): string[] {
    const signer = this.state.signers.get(authorId);
    const keys = this.trust.signKeys(authorId, signer?.sign_public);
    for (const p of signer?.previous ?? [])
      if (!keys.includes(p.sign_public)) keys.push(p.sign_public);
    return keys;
  }

  /** What to show for a message (cached by id and body). */
  show(m: BodyOf): Shown {
    if (m.deleted || m.body === '') return { kind: 'plain', text: m.body };
    const hit = this.cache.get(m.id);
    if (hit && hit.body === m.body && (hit.final || hit.version === this.state.version)) {
      return hit.shown;
    }
    let shown: Shown;
    let final = false;
    if (!isEncryptedBody(m.body)) {
      // Every body of an armoured workspace is encrypted and signed: this one was not.
      shown = { kind: 'bad_signature' };
    } else if (!this.c) {
      return { kind: 'pending' };
    } else {
      const r = this.c.decryptMessage(m.body, {
        workspaceId: this.workspaceId,
        channelId: m.channel_id,
        authorId: m.author_id,
        key: (g) => this.keys.get(g),
        authorKeys: this.authorKeys(m.author_id),
      });
      if (r.ok) {
        shown = {
          kind: 'text',
          text: r.text,
          verified: r.verified,
          ...(r.files ? { files: r.files } : {}),
        };
        final = r.verified;
      } else if (r.reason === 'bad_signature') {
        shown = { kind: 'bad_signature' };
      } else if (r.reason === 'no_key' && !this.state.synced) {
        return { kind: 'pending' };
      } else {
        shown = { kind: 'unreadable' };
      }
    }
    this.cache.set(m.id, { body: m.body, shown, final, version: this.state.version });
    return shown;
  }

  /** The plaintext of a message when it can be shown, else null. */
  plaintext(m: BodyOf): string | null {
    const s = this.show(m);
    return s.kind === 'text' || s.kind === 'plain' ? s.text : null;
  }

  // ---- files (docs/armoured.md, "Files") ---------------------------------

  /** A new name token, for an entry this browser creates. */
  async newToken(): Promise<string> {
    return (await loadCrypto()).newNameToken();
  }

  /**
   * The name record of the entry `token`: `name` sealed and signed by us
   * under the current generation. ArmourError as writer(), 'malformed' for a
   * name the Files rules refuse.
   */
  async sealName(token: string, name: string): Promise<string> {
    const w = await this.writer();
    return w.c.sealFileName(
      w.key,
      w.generation,
      this.workspaceId,
      token,
      this.me,
      name,
      w.secrets.signSecretKey,
    );
  }

  /** Version `number`'s content record of the file `token`, sealed by us. */
  async sealContent(token: string, number: number, record: ContentRecord): Promise<string> {
    const w = await this.writer();
    return w.c.sealFileContent(
      w.key,
      w.generation,
      this.workspaceId,
      token,
      number,
      this.me,
      record,
      w.secrets.signSecretKey,
    );
  }

  /** The name record of the entry `token`, by `authorId`, as the screens show it (cached). */
  openName(token: string, sealed: string, authorId: string): Opened<string> {
    return this.openRecord(`n\n${token}\n${authorId}\n${sealed}`, (c, ctx) =>
      c.openFileName(sealed, { ...ctx, token, authorId, authorKeys: this.authorKeys(authorId) }),
    );
  }

  /** Version `number`'s content record of the file `token`, by `authorId` (cached). */
  openContent(
    token: string,
    number: number,
    sealed: string,
    authorId: string,
  ): Opened<ContentRecord> {
    return this.openRecord(`c\n${token}\n${number}\n${authorId}\n${sealed}`, (c, ctx) =>
      c.openFileContent(sealed, {
        ...ctx,
        token,
        number,
        authorId,
        authorKeys: this.authorKeys(authorId),
      }),
    );
  }

  private openRecord<T>(
    cacheKey: string,
    open: (
      c: ArmourCrypto,
      ctx: { workspaceId: string; key(g: number): Uint8Array | undefined },
    ) => OpenedRecord<T>,
  ): Opened<T> {
    const hit = this.records.get(cacheKey);
    if (hit && (hit.final || hit.version === this.state.version)) return hit.shown as Opened<T>;
    if (!this.c) return { kind: 'pending' };
    const r = open(this.c, { workspaceId: this.workspaceId, key: (g) => this.keys.get(g) });
    let shown: Opened<T>;
    if (r.ok) shown = { kind: 'open', value: r.value, verified: r.verified };
    else if (r.reason === 'bad_signature') shown = { kind: 'bad_signature' };
    else if (r.reason === 'no_key' && !this.state.synced) return { kind: 'pending' };
    else shown = { kind: 'unreadable' };
    if (this.records.size >= MAX_RECORDS) {
      // The oldest first (insertion order): a folder shown again opens again.
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
    this.records.set(cacheKey, {
      shown,
      final: r.ok && r.verified,
      version: this.state.version,
    });
    return shown;
  }

  // ---- trust -------------------------------------------------------------

  /** The reader's own public keys (unlocked in this tab), for their safety code. */
  ownKeys(): { box_public: string; sign_public: string } | null {
    const s = this.identity.secrets(this.me);
    return s ? { box_public: s.boxPublic, sign_public: s.signPublic } : null;
  }

  /** Trusts a member's new keys (after the reader checked them); not a verification. */
  acceptKeys(userId: string): void {
    const m = this.state.members.get(userId);
    if (!m) return;
    this.trust.accept(m);
    this.retrust();
  }

  /**
   * Marks a member's keys, as listed now, verified: the reader compared
   * their safety code with the person's own screen. Changed keys are
   * trusted at the same time.
   */
  verifyKeys(userId: string): void {
    const m = this.state.members.get(userId);
    if (!m || userId === this.me) return;
    this.trust.verify(m);
    this.retrust();
  }

  /** Removes a member's verified mark; their keys stay trusted. */
  unverifyKeys(userId: string): void {
    this.trust.unverify(userId);
    this.retrust();
  }

  private verifiedOf(members: Iterable<ArmourMember>): string[] {
    const out: string[] = [];
    for (const m of members) {
      if (m.user_id !== this.me && this.trust.verification(m) === 'verified') out.push(m.user_id);
    }
    return out;
  }

  /** Changed and verified members again, from what the trust store holds now. */
  private retrust(): void {
    this.trust.reload();
    const members = [...this.state.members.values()];
    const changed = members
      .filter((m) => m.user_id !== this.me && this.trust.verification(m) === 'changed')
      .map((m) => m.user_id);
    const verified = this.verifiedOf(members);
    const changedMoved = !sameList(this.state.changed, changed);
    if (!changedMoved && sameList(this.state.verified, verified)) return;
    this.set({
      changed: changedMoved ? changed : this.state.changed,
      verified: sameList(this.state.verified, verified) ? this.state.verified : verified,
      // Newly trusted signing keys: bodies shown unverified may verify now.
      version: changedMoved ? this.state.version + 1 : this.state.version,
    });
  }
}

function sameMembers(
  a: ReadonlyMap<string, ArmourMember>,
  b: ReadonlyMap<string, ArmourMember>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [id, m] of a) {
    const o = b.get(id);
    if (!o || o.box_public !== m.box_public || o.sign_public !== m.sign_public) return false;
  }
  return true;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// ---- the tab's managers ----------------------------------------------------

const managers = new Map<string, WorkspaceKeys>();

function disposeAll() {
  for (const k of managers.values()) k.dispose();
  managers.clear();
}

/** The key manager of an armoured workspace (made and started on first use). */
export function workspaceKeys(workspaceId: string, me: string): WorkspaceKeys {
  forgetOnSignOut(disposeAll);
  let k = managers.get(workspaceId);
  if (k && k.me !== me) {
    k.dispose();
    k = undefined;
  }
  if (!k) {
    k = new WorkspaceKeys(workspaceId, me);
    managers.set(workspaceId, k);
    k.start();
  }
  return k;
}
