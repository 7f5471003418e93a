// The key manager of one armoured workspace, for the tab's life: the
// workspace's keys (a Keyring, keyring.ts), and the own keys of the private
// channels and direct conversations the tab shows or writes in (Keyrings
// too, made on first use, a bounded number); it follows `armour.changed`
// for all of them. It also turns message bodies into what the screens show,
// once per message (a cache by id and body: a list may hold 100,000
// messages), each opened with the keys its reference names, and seals and
// opens the records of files (their names, their versions' keys) and the
// texts of tasks (their cards, checklist items and comments) and of
// calendar events (their cards, attendees' answers to single occurrences),
// which use the workspace's keys only. What an imported workspace's eras sealed opens
// with their ids and keys (eras.ts), which the keyrings hold.
import { api, isApiError } from '../api';
import type { ChannelKind } from '../api/types';
import { liveEvents } from '../events';
import { setBodyDecoder } from '../notifications/live';
import type { IdentitySecrets, OpenedRecord } from './crypto';
import type { Eras } from './eras';
import {
  ArmourError,
  isEncryptedBody,
  parseBody,
  splitKeyRef,
  type ContentRecord,
  type EventAnswer,
  type EventCard,
  type SealedFile,
  type TaskCard,
  type TaskTextKind,
  type UploadResume,
} from './format';
import { forgetOnSignOut, identity as tabIdentity } from './identity';
import { Keyring, type IdentitySource, type KeysApi } from './keyring';
import { loadCrypto, type ArmourCrypto } from './load';
import { TrustStore } from './trust';
import { checkInParts, signatureCheckers, type SignatureChecker } from './verifier';

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

/** How a sealed text shows: opened (its author's signature checked or not), or why not. */
export interface SealState {
  kind: Opened<unknown>['kind'];
  /** Opened and checked with its author's keys (else: their keys are not known here). */
  verified: boolean;
}

/** A record's state, without its value. */
export function sealStateOf(r: Opened<unknown>): SealState {
  return { kind: r.kind, verified: r.kind === 'open' && r.verified };
}

/** Records kept opened: a workspace's names and current versions, with room. */
const MAX_RECORDS = 50_000;

/**
 * The tab keeps the keys of this many channels (the last shown or written
 * to): each is one request when first needed, and they are never all
 * fetched.
 */
export const MAX_CHANNEL_KEYRINGS = 50;

const NO_KINDS = (): ChannelKind | undefined => undefined;

/**
 * Below this many signatures to check, they are checked where the texts
 * are opened (~0.15 ms each): fewer than a worker's start costs.
 */
export const CHECK_AHEAD_MIN = 64;

export class WorkspaceKeys extends Keyring {
  readonly workspaceId: string;
  private readonly cache = new Map<string, Cached>();
  /** Files' records by what they are and what binds them (openRecord). */
  private readonly records = new Map<
    string,
    { shown: Opened<unknown>; final: boolean; version: number }
  >();
  /** The channels' own keys this tab holds, the least recently used first. */
  private readonly channels = new Map<string, { ring: Keyring; off: () => void }>();
  /** A channel's kind, as the chat lists it (followChannels). */
  private kindOf: (channelId: string) => ChannelKind | undefined = NO_KINDS;
  /** Channels where the server asked for the channel's own key (409 channel_key_required). */
  private readonly channelKeyRequired = new Set<string>();
  private readonly unsubscribes: (() => void)[] = [];
  private lastSecrets: IdentitySecrets | null = null;
  /** While checkAhead gathers: only records whose signatures are known open, and are kept. */
  private gathering = false;

  constructor(
    workspaceId: string,
    me: string,
    remote: KeysApi = api.armour,
    identity: IdentitySource = tabIdentity,
    trust?: TrustStore,
    private readonly signatures: SignatureChecker = signatureCheckers,
  ) {
    super({ workspaceId }, me, remote, identity, trust ?? new TrustStore(me));
    this.workspaceId = workspaceId;
  }

  /**
   * Follows armour events and the identity; synchronises when it is
   * unlocked. A channel's `armour.changed` concerns its keys only; the
   * workspace's concerns the channels' too (a member's new identity is
   * announced once, on the workspace).
   */
  start(): void {
    const conn = liveEvents();
    this.unsubscribes.push(
      conn.subscribe('armour.changed', (e) => {
        if (e.workspace_id !== this.workspaceId) return;
        const channelId = e.data?.channel_id;
        if (typeof channelId === 'string' && channelId) {
          void this.channels.get(channelId)?.ring.sync();
        } else {
          this.syncAll();
        }
      }),
      // Back after a drop: what changed meanwhile.
      conn.subscribe('hello', () => {
        if (this.state.synced) this.syncAll();
      }),
      this.identity.subscribe(() => {
        const s = this.identity.secrets(this.me);
        if (s && s !== this.lastSecrets) this.syncAll();
        this.lastSecrets = s;
      }),
    );
    if (typeof window !== 'undefined') {
      // Another tab accepted or verified someone's keys.
      const onStorage = (e: StorageEvent) => {
        if (e.key === this.trust.key) this.retrustAll();
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

  /** Stops following, wipes the keys, the workspace's and the channels' (sign-out). */
  override dispose(): void {
    this.unsubscribes.splice(0).forEach((u) => u());
    setBodyDecoder(this.workspaceId, null);
    for (const { ring, off } of this.channels.values()) {
      off();
      ring.dispose();
    }
    this.channels.clear();
    this.cache.clear();
    this.records.clear();
    super.dispose();
  }

  /**
   * The workspace's keys and the channels' this tab holds: not those found
   * public, nor those the person is no longer in (404; their channel's own
   * event brings them back if they are added again).
   */
  private syncAll(): void {
    void this.sync();
    for (const { ring } of this.channels.values()) {
      const e = ring.getState().error;
      if (!isApiError(e, 'workspace_key') && !(isApiError(e) && e.status === 404)) {
        void ring.sync();
      }
    }
  }

  // ---- channels (docs/armoured.md, "Channel keys") -----------------------

  /**
   * Tells the manager the kind of the workspace's channels (the chat's
   * list): which seal with their own keys. Returns what stops it.
   */
  followChannels(kindOf: (channelId: string) => ChannelKind | undefined): () => void {
    this.kindOf = kindOf;
    return () => {
      if (this.kindOf === kindOf) this.kindOf = NO_KINDS;
    };
  }

  /**
   * The own keys of the private channel or direct conversation `channelId`:
   * made (and synchronised) on first use, most recently used afterwards.
   * Past MAX_CHANNEL_KEYRINGS the least recently used are let go (wiped).
   */
  channelKeys(channelId: string): Keyring {
    const held = this.channels.get(channelId);
    if (held) {
      this.channels.delete(channelId);
      this.channels.set(channelId, held);
      return held.ring;
    }
    for (const [id, old] of this.channels) {
      if (this.channels.size < MAX_CHANNEL_KEYRINGS) break;
      old.off();
      old.ring.dispose();
      this.channels.delete(id);
    }
    const ring = new Keyring(
      { workspaceId: this.workspaceId, channelId },
      this.me,
      this.remote,
      this.identity,
      this.trust,
      // The people of the channel's eras are the workspace's eras'.
      async () => {
        await this.settled();
        return this.state.eras.workspace;
      },
      // Its keys go to members the workspace's approvals admit (unknown
      // until the workspace's keys synchronised once: nobody then).
      async () => {
        await this.settled();
        return this.state.status === 'ready' ? this.approvals : undefined;
      },
    );
    let seen = ring.getState().version;
    // New keys or members of a channel change what its messages show.
    const off = ring.subscribe(() => {
      const v = ring.getState().version;
      if (v === seen) return;
      seen = v;
      this.set({ version: this.state.version + 1 });
    });
    this.channels.set(channelId, { ring, off });
    // Not now: this may run while a screen renders (and not twice: a writer may have started it).
    queueMicrotask(() => {
      if (ring.getState().status === 'idle') void ring.sync();
    });
    return ring;
  }

  /**
   * Whether `channelId` seals with keys of its own: true for a private
   * channel or a direct conversation (or where the server asked for them),
   * false for a public channel (or where the server answered that the
   * workspace's key is the one), undefined while unknown here.
   */
  private hasOwnKeys(channelId: string): boolean | undefined {
    if (this.channelKeyRequired.has(channelId)) return true;
    const kind = this.kindOf(channelId);
    if (kind) return kind !== 'public';
    const s = this.channels.get(channelId)?.ring.getState();
    return s?.synced ? !isApiError(s.error, 'workspace_key') : undefined;
  }

  /**
   * The keys messages of `channelId` are sealed with: the channel's own in
   * a private channel or a direct conversation, the workspace's in a public
   * one; when the channel's kind is unknown here, the server says (409
   * workspace_key: a public channel).
   */
  private async sealingKeys(channelId: string): Promise<Keyring> {
    const own = this.hasOwnKeys(channelId);
    if (own === false) return this;
    const ring = this.channelKeys(channelId);
    if (own === undefined) {
      await ring.sync();
      if (isApiError(ring.getState().error, 'workspace_key')) return this;
    }
    return ring;
  }

  /**
   * After the server refused a sealed write in `channelId` for its key
   * (isStaleKey: a new generation, none yet, a member left, or the
   * workspace's key where the channel's is needed): brings the keys that
   * channel seals with up to date, making the next generation if needed.
   */
  async refresh(channelId: string, e: unknown): Promise<void> {
    if (isApiError(e, 'channel_key_required')) this.channelKeyRequired.add(channelId);
    await (await this.sealingKeys(channelId)).sync();
  }

  // ---- messages ----------------------------------------------------------

  /**
   * `text` encrypted and signed for `channelId` under the current
   * generation of the keys it seals with (the channel's own in a private
   * channel or a direct conversation, made first when there is none); with
   * `files`, as version 2 (a message with attachments, or an edit of one).
   * ArmourError as Keyring.writer().
   */
  async encrypt(channelId: string, text: string, files?: readonly SealedFile[]): Promise<string> {
    const w = await (await this.sealingKeys(channelId)).writer();
    return w.c.encryptMessage(
      w.key,
      w.ref,
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
   * replaced (docs/armoured.md, "Replaced identities"). The workspace's
   * signers first, else the channel's.
   */
  private authorKeys(authorId: string, channelId?: string): string[] {
    const signer =
      this.state.signers.get(authorId) ??
      (channelId ? this.channels.get(channelId)?.ring.getState().signers.get(authorId) : undefined);
    const keys = this.trust.signKeys(authorId, signer?.sign_public);
    for (const p of signer?.previous ?? [])
      if (!keys.includes(p.sign_public)) keys.push(p.sign_public);
    return keys;
  }

  /**
   * The channel keys a message shown in `channelId` opens with: those held,
   * or made now while there is room (showing never lets another channel's
   * keys go: only opening or writing in a channel does).
   */
  private readingKeys(channelId: string): Keyring | undefined {
    const held = this.channels.get(channelId)?.ring;
    if (held || this.channels.size >= MAX_CHANNEL_KEYRINGS) return held;
    return this.channelKeys(channelId);
  }

  /**
   * What to show for a message (cached by id and body). Its key reference
   * says which keys open it: the workspace's (public channels, and what
   * private ones held before they had keys of their own), or the channel's
   * ("c" g: never in a public channel).
   */
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
      const own = this.hasOwnKeys(m.channel_id) !== false;
      const ref = parseBody(m.body);
      // The channel's keys, when the body names them (its eras with them).
      const channel = own && !!ref && splitKeyRef(ref.key).channel;
      const ring = channel ? this.readingKeys(m.channel_id) : undefined;
      const r = this.c.decryptMessage(m.body, {
        workspaceId: this.workspaceId,
        channelId: m.channel_id,
        authorId: m.author_id,
        key: (g) => this.key(g),
        ...(own ? { channelKey: (g: number) => ring?.key(g) } : {}),
        authorKeys: this.authorKeys(m.author_id, m.channel_id),
        eras: this.erasOf(ring),
      });
      // Not synchronised yet: the keys, or the eras that bind what they sealed, may come.
      const synced = channel
        ? (ring?.getState().synced ?? true) && this.state.synced
        : this.state.synced;
      if (r.ok) {
        shown = {
          kind: 'text',
          text: r.text,
          verified: r.verified,
          ...(r.files ? { files: r.files } : {}),
        };
        final = r.verified;
      } else if ((r.reason === 'no_key' || r.reason === 'bad_signature') && !synced) {
        return { kind: 'pending' };
      } else if (r.reason === 'bad_signature') {
        shown = { kind: 'bad_signature' };
      } else {
        shown = { kind: 'unreadable' };
      }
    }
    this.cache.set(m.id, { body: m.body, shown, final, version: this.state.version });
    return shown;
  }

  /** The eras that bind the workspace's texts, and with `ring` a channel's own key's. */
  private erasOf(ring?: Keyring): Eras {
    const { workspace } = this.state.eras;
    return ring ? { workspace, channel: ring.getState().eras.channel ?? [] } : { workspace };
  }

  /** The plaintext of a message when it can be shown, else null. */
  plaintext(m: BodyOf): string | null {
    const s = this.show(m);
    return s.kind === 'text' || s.kind === 'plain' ? s.text : null;
  }

  // ---- files (docs/armoured.md, "Files": the workspace's key only) -------

  /** A new token (16 random bytes), for a file, folder or task this browser creates. */
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

  /**
   * What finishes the large upload at `url` after a reload, sealed by us
   * under the current generation to be kept in this browser (never in
   * clear: it holds the content key). ArmourError as writer(), 'malformed'
   * as sealUploadResume.
   */
  async sealUploadResume(url: string, r: UploadResume): Promise<string> {
    const w = await this.writer();
    return w.c.sealUploadResume(
      w.key,
      w.generation,
      this.workspaceId,
      this.me,
      url,
      r,
      w.secrets.signSecretKey,
    );
  }

  /** A kept upload's record for `url`, sealed by us, opened (cached; pending while keys load). */
  openUploadResume(url: string, sealed: string): Opened<UploadResume> {
    return this.openRecord(`u\n${url}\n${sealed}`, (c, ctx) =>
      c.openUploadResume(sealed, {
        ...ctx,
        authorId: this.me,
        url,
        authorKeys: this.authorKeys(this.me),
      }),
    );
  }

  // ---- tasks (docs/armoured.md, "Tasks": the workspace's key only) -------

  /**
   * The card of the task `token` (its title, description and labels),
   * sealed and signed by us under the current generation. ArmourError as
   * writer(), 'malformed' for a card over the limits of docs/tasks.md.
   */
  async sealTaskCard(token: string, card: TaskCard): Promise<string> {
    const w = await this.writer();
    return w.c.sealTaskCard(
      w.key,
      w.generation,
      this.workspaceId,
      token,
      this.me,
      card,
      w.secrets.signSecretKey,
    );
  }

  /**
   * A checklist item's text or a comment of the task `token`, sealed and
   * signed by us. ArmourError as writer(), 'malformed' over the limits.
   */
  async sealTaskText(
    kind: Exclude<TaskTextKind, 'card'>,
    token: string,
    text: string,
  ): Promise<string> {
    const w = await this.writer();
    return w.c.sealTaskText(
      kind,
      w.key,
      w.generation,
      this.workspaceId,
      token,
      this.me,
      text,
      w.secrets.signSecretKey,
    );
  }

  /** The card of the task `token`, sealed by `authorId`, as the screens show it (cached). */
  openTaskCard(token: string, sealed: string, authorId: string): Opened<TaskCard> {
    return this.openRecord(`t\ncard\n${token}\n${authorId}\n${sealed}`, (c, ctx) =>
      c.openTaskCard(sealed, { ...ctx, token, authorId, authorKeys: this.authorKeys(authorId) }),
    );
  }

  /** A checklist item's text or a comment of the task `token`, by `authorId` (cached). */
  openTaskText(
    kind: Exclude<TaskTextKind, 'card'>,
    token: string,
    sealed: string,
    authorId: string,
  ): Opened<string> {
    return this.openRecord(`t\n${kind}\n${token}\n${authorId}\n${sealed}`, (c, ctx) =>
      c.openTaskText(kind, sealed, {
        ...ctx,
        token,
        authorId,
        authorKeys: this.authorKeys(authorId),
      }),
    );
  }

  // ---- calendar (docs/armoured.md, "Calendar": the workspace's key only) --

  /**
   * The card of the event `token` (every fact of it), sealed and signed by
   * us under the current generation. ArmourError as writer(), 'malformed'
   * for a card over the limits.
   */
  async sealEventCard(token: string, card: EventCard): Promise<string> {
    const w = await this.writer();
    return w.c.sealEventCard(
      w.key,
      w.generation,
      this.workspaceId,
      token,
      this.me,
      card,
      w.secrets.signSecretKey,
    );
  }

  /** The card of the event `token`, sealed by `authorId`, as the screens show it (cached). */
  openEventCard(token: string, sealed: string, authorId: string): Opened<EventCard> {
    return this.openRecord(`e\n${token}\n${authorId}\n${sealed}`, (c, ctx) =>
      c.openEventCard(sealed, { ...ctx, token, authorId, authorKeys: this.authorKeys(authorId) }),
    );
  }

  /**
   * Our answers to single occurrences of the event `token`, sealed and
   * signed by us under the current generation. ArmourError as writer(),
   * 'malformed' for answers over the limits.
   */
  async sealEventAnswers(token: string, answers: readonly EventAnswer[]): Promise<string> {
    const w = await this.writer();
    return w.c.sealEventAnswers(
      w.key,
      w.generation,
      this.workspaceId,
      token,
      this.me,
      answers,
      w.secrets.signSecretKey,
    );
  }

  /** The answers to single occurrences of the event `token`, sealed by the attendee `attendeeId` (cached). */
  openEventAnswers(token: string, sealed: string, attendeeId: string): Opened<EventAnswer[]> {
    return this.openRecord(`a\n${token}\n${attendeeId}\n${sealed}`, (c, ctx) =>
      c.openEventAnswers(sealed, {
        ...ctx,
        token,
        authorId: attendeeId,
        authorKeys: this.authorKeys(attendeeId),
      }),
    );
  }

  /**
   * Checks off the page's thread the signatures of the records that
   * opening `items` (`open` opens one, with openTaskCard, openEventCard, …)
   * would check and this browser never checked — a calendar's first page,
   * a board — so that opening them next finds them known (crypto.ts,
   * gatherSignatures), in parts, each part's items opened here as it is
   * checked (verifier.ts, checkInParts). Records already
   * opened for good are not asked again; fewer than CHECK_AHEAD_MIN, or no
   * worker, and they are checked as they open.
   */
  async checkAhead<T>(items: readonly T[], open: (item: T) => void): Promise<void> {
    const c = this.c;
    if (!c || !this.signatures.usable) return;
    this.gathering = true;
    let gathered;
    try {
      gathered = c.gatherSignatures(items, open);
    } finally {
      this.gathering = false;
    }
    if (gathered.checks.length < CHECK_AHEAD_MIN) return;
    const g = gathered;
    await checkInParts(
      this.signatures,
      g,
      items,
      (ok, from) => c.rememberChecked(g, ok, from),
      open,
    );
  }

  private openRecord<T>(
    cacheKey: string,
    open: (
      c: ArmourCrypto,
      ctx: { workspaceId: string; key(g: number): Uint8Array | undefined; eras: Eras },
    ) => OpenedRecord<T>,
  ): Opened<T> {
    const hit = this.records.get(cacheKey);
    if (hit && (hit.final || hit.version === this.state.version)) return hit.shown as Opened<T>;
    if (!this.c) return { kind: 'pending' };
    const r = open(this.c, {
      workspaceId: this.workspaceId,
      key: (g) => this.key(g),
      eras: this.erasOf(),
    });
    // Gathering: only what opened verified (its signature known) is kept.
    if (this.gathering && !(r.ok && r.verified)) return { kind: 'pending' };
    let shown: Opened<T>;
    if (r.ok) shown = { kind: 'open', value: r.value, verified: r.verified };
    // Not synchronised yet: the keys, or the eras that bind what they sealed, may come.
    else if ((r.reason === 'no_key' || r.reason === 'bad_signature') && !this.state.synced)
      return { kind: 'pending' };
    else if (r.reason === 'bad_signature') shown = { kind: 'bad_signature' };
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
    this.retrustAll();
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
    this.retrustAll();
  }

  /**
   * Approves a member's keys, as listed now (docs/armoured.md,
   * "Approvals"): the reader compared their safety code, so they are
   * marked verified too. The keys are then sealed for them. ArmourError
   * 'locked' without an unlocked identity.
   */
  async approve(userId: string): Promise<void> {
    const secrets = this.identity.secrets(this.me);
    if (!secrets) throw new ArmourError('locked');
    if (!this.state.members.has(userId)) await this.sync(); // listed since the last look?
    const m = this.state.members.get(userId);
    if (!m || userId === this.me) return;
    const c = await loadCrypto();
    await this.remote.approve(this.workspaceId, {
      approvals: [c.signApproval(this.workspaceId, m, secrets)],
    });
    this.trust.verify(m);
    this.retrustAll();
    this.syncAll();
    await this.settled();
  }

  /**
   * Follows the anchors the server lists that this browser did not (a
   * member anchored the workspace again: docs/armoured.md, "Approvals");
   * the reader checked with that member.
   */
  acceptAnchors(): Promise<void> {
    const a = this.approvals;
    if (!a) return Promise.resolve();
    this.trust.followAnchors(this.workspaceId, a.anchors);
    this.syncAll();
    return this.settled();
  }

  /** Removes a member's verified mark; their keys stay trusted. */
  unverifyKeys(userId: string): void {
    this.trust.unverify(userId);
    this.retrustAll();
  }

  /** Where the members' keys stand, here and in the channels' keys (one trust store). */
  private retrustAll(): void {
    this.retrust();
    for (const { ring } of this.channels.values()) ring.retrust();
  }
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
