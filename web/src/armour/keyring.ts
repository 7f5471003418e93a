// The key generations of one scope of an armoured workspace, for the tab's
// life (docs/armoured.md, "Workspace keys" and "Channel keys"): the
// workspace's own, or a private channel's or direct conversation's. The
// same machinery for both: it opens the person's envelopes (generation ->
// key), makes the next generation when there is none or a member left,
// seals the current one for members who have none, and says where the
// members' keys stand (trust on first use). Who follows the events and
// what is sealed with which keys is the workspace's manager's (keys.ts).
// An imported workspace's eras (eras.ts) bind the envelopes of their
// generations; those generations are for reading only. Once the workspace
// is anchored, keys go to members whose keys this browser finds approved
// (docs/armoured.md, "Approvals"); a workspace nobody anchored yet is
// anchored by the first browser that holds its current key (or makes the
// first), approving its own keys and those of the members who hold it.
import { isApiError } from '../api/client';
import type {
  ArmourApproval,
  ArmourEra,
  ArmourKeys,
  ArmourMember,
  ChannelArmour,
  NewApproval,
  NewEnvelope,
  WorkspaceArmour,
} from '../api/types';
import { Store } from '../util/store';
import type { ApprovalView, IdentitySecrets } from './crypto';
import { NO_ERAS, bindingOf, type Eras } from './eras';
import { ArmourError, keyRef, keySetId, type KeyRef, type KeyScope } from './format';
import { loadCrypto, type ArmourCrypto } from './load';
import type { TrustStore } from './trust';

/** The server's routes of a scope's keys (api.armour). */
export interface KeysApi {
  workspace(ws: string): Promise<WorkspaceArmour>;
  addEnvelopes(
    ws: string,
    b: { generation: number; envelopes: NewEnvelope[] },
  ): Promise<WorkspaceArmour>;
  approve(ws: string, b: { approvals: NewApproval[] }): Promise<WorkspaceArmour>;
  channel(cid: string): Promise<ChannelArmour>;
  addChannelEnvelopes(
    cid: string,
    b: { generation: number; envelopes: NewEnvelope[] },
  ): Promise<ChannelArmour>;
}

/** A scope's keys as the server says, with its eras (a channel's: and the workspace's people). */
type ScopeArmour = ArmourKeys & { eras: Eras; approvals?: ArmourApproval[] };

/**
 * The workspace's approvals as this browser checked them: null while it is
 * not anchored; undefined while unknown (a channel's keyring before the
 * workspace's first synchronisation): nothing is sealed for anyone then.
 */
export type Approvals = ApprovalView | null | undefined;

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
  /** The scope's current generation (0: none yet). */
  generation: number;
  rotationRequired: boolean;
  /** The generations whose key this tab holds, ascending. */
  held: readonly number[];
  /** Members with an identity (public keys only): the workspace's, or the channel's. */
  members: ReadonlyMap<string, ArmourMember>;
  /** Members and those who held a key here before they left: whose
   * signatures (envelopes, messages) this browser checks. */
  signers: ReadonlyMap<string, ArmourMember>;
  /** Members without an envelope of the current generation (waiting for a member's browser). */
  missing: readonly string[];
  /** Whether the workspace is anchored (docs/armoured.md, "Approvals"). */
  anchored: boolean;
  /** Once it is, members whose current keys this browser does not find approved (no key is sealed for them). */
  pending: readonly string[];
  /** Anchors the server lists that this browser does not follow ("user\nsign"): a warning. */
  newAnchors: readonly string[];
  /** Members whose keys differ from the ones this browser trusted. */
  changed: readonly string[];
  /** Members whose current keys the reader verified (compared safety codes). */
  verified: readonly string[];
  /** Envelopes refused (made by a non-member, or a bad signature). */
  rejected: number;
  /**
   * An imported workspace's eras (the workspace's; a channel's, with the
   * workspace's for its people): what binds the texts and envelopes of
   * their generations.
   */
  eras: Eras;
  error: unknown;
  /** Changes when keys or members do (and when the first synchronisation ends): shown bodies may change. */
  version: number;
}

/**
 * Whether this browser waits for the scope's current key: it has one (and
 * needs no new one), but no member's browser sealed it for us yet, so
 * nothing can be written with it. Known once a synchronisation completed;
 * it stays so while the next one runs (no flicker).
 */
export function awaitingKey(s: KeysState): boolean {
  return s.synced && !s.rotationRequired && s.generation > 0 && !s.held.includes(s.generation);
}

/** What sealing needs: the current generation's key and its reference, the crypto, the identity. */
export interface Writer {
  c: ArmourCrypto;
  key: Uint8Array;
  generation: number;
  /** How a sealed text names the key: the generation, or "c" g for a channel's. */
  ref: KeyRef;
  secrets: IdentitySecrets;
}

const MAX_ROUNDS = 5;

const EMPTY_MEMBERS: ReadonlyMap<string, ArmourMember> = new Map();

const INITIAL: KeysState = {
  status: 'idle',
  synced: false,
  generation: 0,
  rotationRequired: false,
  held: [],
  members: EMPTY_MEMBERS,
  signers: EMPTY_MEMBERS,
  missing: [],
  anchored: false,
  pending: [],
  newAnchors: [],
  changed: [],
  verified: [],
  rejected: 0,
  eras: NO_ERAS,
  error: null,
  version: 0,
};

/**
 * Calls `fn` each time `keys`' version changes (new keys, members or trust:
 * what did not open, or was not verified, may now); returns the unsubscribe.
 */
export function onKeysChange(keys: Keyring, fn: () => void): () => void {
  let seen = keys.getState().version;
  return keys.subscribe(() => {
    const v = keys.getState().version;
    if (v === seen) return;
    seen = v;
    fn();
  });
}

export class Keyring extends Store<KeysState> {
  private readonly keys = new Map<number, Uint8Array>();
  /** Generations whose envelope checks only with keys its maker replaced: for reading only. */
  private readonly readOnly = new Set<number>();
  /** "generation:user:box" already sealed from this tab (never twice: no ping-pong). */
  private readonly sealedFor = new Set<string>();
  private running: Promise<void> | null = null;
  /** The workspace's approvals as last checked (the workspace's keyring), and what they were checked from. */
  protected approvals: Approvals = undefined;
  private approvalsFrom = '';
  /** Approval signatures checked (crypto.checkApprovals), bounded. */
  private readonly approvalChecks = new Map<string, boolean>();
  /** The approvals (approvalsFrom) under which this tab last anchored the workspace again. */
  private reanchored = '';
  private again = false;
  /** Let go: a synchronisation still running keeps no key. */
  private disposed = false;
  protected c: ArmourCrypto | null = null;

  /**
   * `workspaceEras`: a channel's keyring's source of the workspace's eras
   * (their people check the channel's envelopes and texts), asked only
   * when the channel has eras.
   */
  constructor(
    readonly scope: KeyScope,
    readonly me: string,
    protected readonly remote: KeysApi,
    protected readonly identity: IdentitySource,
    readonly trust: TrustStore,
    private readonly workspaceEras: () => Promise<readonly ArmourEra[]> = async () => [],
    /** A channel's keyring's source of the workspace's approvals. */
    private readonly workspaceApprovals: () => Promise<Approvals> = async () => undefined,
  ) {
    super(INITIAL);
  }

  /** Stops notifying, wipes the keys (sign-out, or a channel's keys the tab lets go). */
  dispose(): void {
    this.disposed = true;
    const c = this.c;
    if (c) for (const k of this.keys.values()) c.forgetKey(k);
    this.keys.clear();
    this.readOnly.clear();
    this.unsubscribeAll();
  }

  // ---- synchronisation ---------------------------------------------------

  private async fetch(): Promise<ScopeArmour> {
    const { workspaceId, channelId } = this.scope;
    return channelId
      ? this.channelView(await this.remote.channel(channelId))
      : workspaceView(await this.remote.workspace(workspaceId));
  }

  private async post(b: { generation: number; envelopes: NewEnvelope[] }): Promise<ScopeArmour> {
    const { workspaceId, channelId } = this.scope;
    return channelId
      ? this.channelView(await this.remote.addChannelEnvelopes(channelId, b))
      : workspaceView(await this.remote.addEnvelopes(workspaceId, b));
  }

  private async channelView({ eras, ...info }: ChannelArmour): Promise<ScopeArmour> {
    const channel = eras ?? [];
    const workspace = channel.length ? await this.workspaceEras() : [];
    return { ...info, eras: { workspace, channel } };
  }

  /** Resolves once a synchronisation that ran or runs now ended (runs one if none ever did). */
  protected settled(): Promise<void> {
    return this.running ?? (this.state.synced ? Promise.resolve() : this.sync());
  }

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
    if (!secrets || this.disposed) {
      this.set({ status: 'idle' });
      return;
    }
    this.set({ status: 'syncing' });
    // The first synchronisation's end changes what is shown (pending -> unreadable).
    const version = () => (this.state.synced ? this.state.version : this.state.version + 1);
    try {
      const c = await loadCrypto();
      this.c = c;
      let info = await this.fetch();
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const approvals = await this.approvalsOf(info, c);
        this.absorb(info, c, secrets, approvals);
        const next = await this.act(info, c, secrets, approvals);
        if (!next) break;
        info = next;
      }
      this.absorb(info, c, secrets, await this.approvalsOf(info, c));
      this.set({ status: 'ready', synced: true, error: null, version: version() });
    } catch (e) {
      this.set({ status: 'error', synced: true, error: e, version: version() });
    }
  }

  /**
   * Which keys the workspace's approvals admit: checked here from the
   * workspace's state (again only when they or the anchors followed
   * changed), the workspace's keyring's for a channel. On first sight of
   * the workspace anchored, its anchors are followed from then on.
   */
  private async approvalsOf(info: ScopeArmour, c: ArmourCrypto): Promise<Approvals> {
    if (this.scope.channelId) return this.workspaceApprovals();
    const list = info.approvals ?? [];
    if (list.length === 0) return (this.approvals = null);
    const ws = this.scope.workspaceId;
    let followed = this.trust.anchors(ws);
    if (this.approvalChecks.size > 4 * list.length + 1000) this.approvalChecks.clear();
    if (!followed) {
      this.trust.followAnchors(ws, c.checkApprovals(ws, list, null, this.approvalChecks).anchors);
      followed = this.trust.anchors(ws) ?? [];
    }
    const from = JSON.stringify([list, followed]);
    if (from !== this.approvalsFrom || !this.approvals) {
      this.approvals = c.checkApprovals(ws, list, new Set(followed), this.approvalChecks);
      this.approvalsFrom = from;
    }
    return this.approvals;
  }

  /**
   * Opens our envelopes and records the members' keys. An era's envelope
   * checks with the era's ids and keys (its creator trusted as one of the
   * era's people) and its key is for reading only.
   */
  private absorb(
    info: ScopeArmour,
    c: ArmourCrypto,
    secrets: IdentitySecrets,
    approvals: Approvals,
  ) {
    if (this.disposed) return;
    const members = new Map(info.members.map((m) => [m.user_id, m]));
    const signers = new Map([...(info.former ?? []), ...info.members].map((m) => [m.user_id, m]));
    const eras = sameEras(this.state.eras, info.eras) ? this.state.eras : info.eras;
    let rejected = 0;
    let gained = false;
    for (const env of info.envelopes) {
      if (this.keys.has(env.generation)) continue;
      const open = (previousKeys: boolean) =>
        c.openEnvelope(env, this.scope, secrets, signers, previousKeys, eras);
      try {
        this.keys.set(env.generation, open(false));
        if (bindingOf(eras, this.scope, env.generation).era) this.readOnly.add(env.generation);
        gained = true;
        continue;
      } catch {
        // Made by keys replaced since? History still reads with them.
      }
      try {
        this.keys.set(env.generation, open(true));
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
    const missing = info.missing ?? [];
    const pending = approvals
      ? info.members.filter((m) => !approvals.approved.has(keySetId(m))).map((m) => m.user_id)
      : [];
    const followed = this.scope.channelId ? null : this.trust.anchors(this.scope.workspaceId);
    const newAnchors =
      approvals && followed ? approvals.anchors.filter((a) => !followed.includes(a)) : [];
    const membersChanged =
      !sameMembers(this.state.members, members) || !sameMembers(this.state.signers, signers);
    this.set({
      generation: info.generation,
      rotationRequired: info.rotation_required,
      held: [...this.keys.keys()].sort((a, b) => a - b),
      members,
      signers,
      missing: sameList(this.state.missing, missing) ? this.state.missing : missing,
      anchored: !!approvals,
      pending: sameList(this.state.pending, pending) ? this.state.pending : pending,
      newAnchors: sameList(this.state.newAnchors, newAnchors) ? this.state.newAnchors : newAnchors,
      changed: sameList(this.state.changed, changed) ? this.state.changed : changed,
      verified: sameList(this.state.verified, verified) ? this.state.verified : verified,
      rejected,
      eras,
      version:
        gained || membersChanged || eras !== this.state.eras
          ? this.state.version + 1
          : this.state.version,
    });
  }

  /**
   * What the scope needs from us: its anchor (a workspace nobody anchored),
   * the next generation (none yet, or a member left), or envelopes of the
   * current one for members without — approved members only, once the
   * workspace is anchored. Returns the server's new state, or null when
   * there is nothing to do.
   */
  private async act(
    info: ScopeArmour,
    c: ArmourCrypto,
    secrets: IdentitySecrets,
    approvals: Approvals,
  ): Promise<ScopeArmour | null> {
    if (this.disposed || approvals === undefined) return null;
    const self = info.members.find(
      (m) =>
        m.user_id === this.me &&
        m.box_public === secrets.boxPublic &&
        m.sign_public === secrets.signPublic,
    );
    if (!self) {
      // The server does not list this identity (replaced in another tab): nothing to seal with.
      return null;
    }
    const members = approvals
      ? info.members.filter((m) => approvals.approved.has(keySetId(m)))
      : info.members;
    try {
      if (!this.scope.channelId) {
        const anchored = await this.anchor(info, c, secrets, self, approvals);
        if (anchored) return anchored;
      }
      // An imported generation is never written under: the next one is made here.
      const imported = bindingOf(info.eras, this.scope, info.generation).era;
      if (info.generation === 0 || info.rotation_required || imported) {
        const g = info.generation + 1;
        const key = c.newGenerationKey();
        const envelopes = members.map((m) => c.sealEnvelope(key, this.scope, g, m, secrets));
        try {
          // The key is taken from our own envelope in the answer: if another
          // browser made generation g first, the server may have kept its
          // envelopes and not ours.
          return await this.post({ generation: g, envelopes });
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
        c.sealEnvelope(key, this.scope, info.generation, m, secrets),
      );
      for (const m of need) this.sealedFor.add(`${info.generation}:${m.user_id}:${m.box_public}`);
      return await this.post({ generation: info.generation, envelopes });
    } catch (e) {
      // Another browser was first, or someone made an identity meanwhile: look again.
      // (key_not_held: our envelope was dropped, a new identity elsewhere.)
      if (
        isApiError(e, 'generation_conflict') ||
        isApiError(e, 'envelopes_incomplete') ||
        isApiError(e, 'invalid_envelope') ||
        isApiError(e, 'key_not_held') ||
        isApiError(e, 'not_approved') ||
        isApiError(e, 'keys_changed')
      ) {
        return this.fetch();
      }
      throw e;
    }
  }

  /**
   * Anchors the workspace (docs/armoured.md, "Approvals") when nobody did,
   * from a browser that makes its first key or holds its current one: our
   * own keys, and those of the members who hold the current key already
   * (they have what approving would give them). Anchors it again, our own
   * keys only, when no member's current keys are approved any more (the
   * approved ones were all replaced, or left) and no anchor waits for the
   * reader's word — once per state of the approvals. Another browser may be
   * first (403 not_approved): we look again, and follow its anchor.
   */
  private async anchor(
    info: ScopeArmour,
    c: ArmourCrypto,
    secrets: IdentitySecrets,
    self: ArmourMember,
    approvals: ApprovalView | null,
  ): Promise<ScopeArmour | null> {
    const ws = this.scope.workspaceId;
    let approve: ArmourMember[];
    if (!approvals) {
      if (info.generation !== 0 && !this.keys.has(info.generation)) return null;
      const holders =
        info.generation === 0
          ? []
          : info.members.filter((m) => m.user_id !== this.me && !info.missing.includes(m.user_id));
      approve = [self, ...holders];
    } else {
      const followed = this.trust.anchors(ws) ?? [];
      const orphaned =
        !info.members.some((m) => approvals.approved.has(keySetId(m))) &&
        approvals.anchors.every((a) => followed.includes(a));
      if (!orphaned || this.reanchored === this.approvalsFrom) return null;
      this.reanchored = this.approvalsFrom;
      approve = [self];
    }
    const list = approve.map((m) => c.signApproval(ws, m, secrets));
    const answer = workspaceView(await this.remote.approve(ws, { approvals: list }));
    this.trust.followAnchors(ws, [c.anchorId(self)]);
    return answer;
  }

  // ---- keys --------------------------------------------------------------

  /** The key of a generation, when this tab holds it (for reading). */
  key(generation: number): Uint8Array | undefined {
    return this.keys.get(generation);
  }

  /**
   * What sealing needs: the current generation's key (made first when there
   * is none, or when a member left), the crypto and the unlocked identity.
   * ArmourError 'locked' without an unlocked identity; 'no_key' (a
   * channel's: 'no_channel_key') while no member gave us the current key.
   */
  async writer(): Promise<Writer> {
    const secrets = this.identity.secrets(this.me);
    if (!secrets) throw new ArmourError('locked');
    const usable = () =>
      !this.state.rotationRequired &&
      this.state.generation > 0 &&
      this.keys.has(this.state.generation) &&
      !this.readOnly.has(this.state.generation);
    if (!usable() || this.state.status !== 'ready') await this.sync();
    const generation = this.state.generation;
    const key = this.keys.get(generation);
    if (!usable() || !key) {
      if (this.state.status === 'error') throw this.state.error;
      throw new ArmourError(this.scope.channelId ? 'no_channel_key' : 'no_key');
    }
    return { c: await loadCrypto(), key, generation, ref: keyRef(this.scope, generation), secrets };
  }

  // ---- trust -------------------------------------------------------------

  protected verifiedOf(members: Iterable<ArmourMember>): string[] {
    const out: string[] = [];
    for (const m of members) {
      if (m.user_id !== this.me && this.trust.verification(m) === 'verified') out.push(m.user_id);
    }
    return out;
  }

  /** Changed and verified members again, from what the trust store holds now. */
  retrust(): void {
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

function workspaceView({ eras, ...info }: WorkspaceArmour): ScopeArmour {
  return { ...info, eras: { workspace: eras ?? [] } };
}

/** Whether two states' eras say the same (the server sends them again with every state). */
function sameEras(a: Eras, b: Eras): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
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
