// The chat of one workspace while its screen is open: channels, the loaded
// timelines, threads, pins, who is typing, the workspace's people. Live
// events and our own requests go through the pure functions of logic/;
// components read it with useChatState (useSyncExternalStore).
import { api, isApiError } from '../../api';
import type { Channel, ChannelChange, EventFrame, Member, Message, NewChannel } from '../../api';
import type { SealedFile } from '../../armour/format';
import { isStaleKey } from '../../armour/format';
import type { WorkspaceKeys } from '../../armour/keys';
import { liveEvents } from '../../events';
import { memberDirectory } from '../../workspaces/members';
import { Store } from '../../util/store';
import {
  EMPTY_CHANNELS,
  applyChannelEvent,
  loadedChannels,
  markedRead,
  markedUnread,
  mutedChannel,
  removeChannel,
  upsertChannel,
  type ChannelsState,
} from './logic/channels';
import { wireMentions } from '../../mentions/mentions';
import {
  EMPTY_TIMELINE,
  applyEvent,
  inChannel,
  inThread,
  loadedOlderReplies,
  loadedThread,
  loadedLatest,
  loadedOlder,
  upserted,
  type Timeline,
} from './logic/timeline';
import {
  TypingThrottle,
  nextExpiry,
  pruneTyping,
  typingStarted,
  typingStopped,
  type TypingState,
} from './logic/typing';

export const PAGE_SIZE = 50;
export const OLDER_PAGE_SIZE = 100;
/** At most one "read" per channel and second while messages pour in. */
export const READ_EVERY_MS = 1000;

export interface ChatState {
  channels: ChannelsState;
  /** Channel id -> its timeline (roots and replies sent to the channel). */
  timelines: Readonly<Record<string, Timeline>>;
  /** Thread's first message id -> the thread. */
  threads: Readonly<Record<string, Timeline>>;
  pins: Readonly<Record<string, readonly Message[] | undefined>>;
  /** Channel id -> member ids. */
  channelMembers: Readonly<Record<string, readonly string[] | undefined>>;
  /** Channel id, or thread's first message id -> an older page on its way. */
  loadingOlder: Readonly<Record<string, boolean>>;
  typing: TypingState;
  members: readonly Member[];
  membersLoaded: boolean;
  /** The channel list could not be loaded (404: chat is off for the caller). */
  failed: unknown;
}

const INITIAL: ChatState = {
  channels: EMPTY_CHANNELS,
  timelines: {},
  threads: {},
  pins: {},
  channelMembers: {},
  loadingOlder: {},
  typing: {},
  members: [],
  membersLoaded: false,
  failed: undefined,
};

const CHAT_EVENTS = ['message.*', 'reaction.*', 'channel.*', 'chat.typing', 'hello'];

export class ChatStore extends Store<ChatState> {
  private readonly unsubscribes: (() => void)[] = [];
  private readonly throttle = new TypingThrottle();
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly pendingRead = new Map<string, number>();
  /** Channels marked unread by the person, not to be marked read while they stay. */
  private readonly heldUnread = new Set<string>();
  private readonly readTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly lastReadAt = new Map<string, number>();
  private readonly refreshing = new Set<string>();
  private started = false;
  /** The channel being read right now (see ChannelEventContext). */
  private reading: string | null = null;

  constructor(
    readonly workspaceId: string,
    readonly me: string,
    private readonly now: () => number = () => Date.now(),
    /** Armoured workspaces: encrypts what is sent, and shows what is received. */
    readonly armour: WorkspaceKeys | null = null,
  ) {
    super(INITIAL);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const conn = liveEvents();
    for (const type of CHAT_EVENTS) {
      this.unsubscribes.push(conn.subscribe(type, (e) => this.handleEvent(e)));
    }
    // Armoured: which channels seal with keys of their own (private, direct).
    if (this.armour) {
      this.unsubscribes.push(
        this.armour.followChannels((cid) => this.state.channels.byId[cid]?.kind),
      );
    }
    void this.loadChannels();
    this.unsubscribes.push(
      memberDirectory().watch(this.workspaceId, () => void this.loadMembers()),
    );
    void this.loadMembers();
  }

  stop(): void {
    this.started = false;
    this.unsubscribes.splice(0).forEach((u) => u());
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = null;
    this.readTimers.forEach((t) => clearTimeout(t));
    this.readTimers.clear();
  }

  /** The open channel while the person reads it (focused, at the end), else null. */
  setReading(cid: string | null): void {
    this.reading = cid;
  }

  isReading(cid: string): boolean {
    return this.reading === cid;
  }

  // ---- loading -----------------------------------------------------------

  async loadChannels(): Promise<void> {
    try {
      const list = await api.chat.channels(this.workspaceId);
      this.set({ channels: loadedChannels(list), failed: undefined });
    } catch (e) {
      this.set({ failed: e, channels: { ...this.state.channels, loaded: true } });
    }
  }

  async loadMembers(): Promise<void> {
    try {
      const members = await memberDirectory().members(this.workspaceId);
      this.set({ members, membersLoaded: true });
    } catch {
      this.set({ membersLoaded: true });
    }
  }

  /** One channel as the caller sees it (after an event that changed it). */
  async refreshChannel(id: string): Promise<void> {
    if (this.refreshing.has(id)) return;
    this.refreshing.add(id);
    try {
      const c = await api.chat.channel(id);
      this.set({ channels: upsertChannel(this.state.channels, c) });
    } catch (e) {
      if (isApiError(e) && e.status === 404) {
        this.set({ channels: removeChannel(this.state.channels, id) });
      }
    } finally {
      this.refreshing.delete(id);
    }
  }

  timeline(cid: string): Timeline {
    return this.state.timelines[cid] ?? EMPTY_TIMELINE;
  }

  private setTimeline(cid: string, t: Timeline) {
    this.set({ timelines: { ...this.state.timelines, [cid]: t } });
  }

  /** The newest page of a channel, once (events keep it current afterwards). */
  async loadLatest(cid: string): Promise<void> {
    if (this.timeline(cid).loaded) return;
    const seq = this.state.channels.byId[cid]?.last_seq ?? 0;
    const page = await api.chat.messages(cid, { limit: PAGE_SIZE });
    this.setTimeline(cid, loadedLatest(this.timeline(cid), page, PAGE_SIZE, inChannel(cid), seq));
  }

  /** The page before the oldest loaded message. */
  async loadOlder(cid: string): Promise<void> {
    const t = this.timeline(cid);
    if (!t.loaded || !t.hasOlder || this.state.loadingOlder[cid]) return;
    const oldest = t.messages[0];
    this.set({ loadingOlder: { ...this.state.loadingOlder, [cid]: true } });
    try {
      const page = await api.chat.messages(cid, {
        limit: OLDER_PAGE_SIZE,
        before: oldest?.id,
      });
      this.setTimeline(cid, loadedOlder(this.timeline(cid), page, OLDER_PAGE_SIZE, inChannel(cid)));
    } finally {
      this.set({ loadingOlder: { ...this.state.loadingOlder, [cid]: false } });
    }
  }

  /**
   * Loads older pages until `mid` is in the timeline (a search result);
   * false when it is not found within `maxPages` pages.
   */
  async loadUntil(cid: string, mid: string, maxPages = 20): Promise<boolean> {
    await this.loadLatest(cid);
    for (let i = 0; i < maxPages; i++) {
      const t = this.timeline(cid);
      if (t.messages.some((m) => m.id === mid)) return true;
      if (!t.hasOlder) return false;
      await this.loadOlder(cid);
    }
    return this.timeline(cid).messages.some((m) => m.id === mid);
  }

  thread(root: string): Timeline {
    return this.state.threads[root] ?? EMPTY_TIMELINE;
  }

  private setThread(root: string, t: Timeline) {
    this.set({ threads: { ...this.state.threads, [root]: t } });
  }

  /** A thread's first message and latest replies (events keep it current). */
  async loadThread(root: string): Promise<void> {
    const list = await api.chat.thread(root, { limit: PAGE_SIZE });
    this.setThread(root, loadedThread(this.thread(root), list, PAGE_SIZE, inThread(root)));
  }

  /** The replies before the oldest loaded one. */
  async loadOlderReplies(root: string): Promise<void> {
    const t = this.thread(root);
    const oldest = t.messages[1];
    if (!t.loaded || !t.hasOlder || !oldest || this.state.loadingOlder[root]) return;
    this.set({ loadingOlder: { ...this.state.loadingOlder, [root]: true } });
    try {
      const list = await api.chat.thread(root, { limit: OLDER_PAGE_SIZE, before: oldest.id });
      this.setThread(
        root,
        loadedOlderReplies(this.thread(root), list, OLDER_PAGE_SIZE, inThread(root)),
      );
    } finally {
      this.set({ loadingOlder: { ...this.state.loadingOlder, [root]: false } });
    }
  }

  async loadPins(cid: string): Promise<void> {
    const list = await api.chat.pins(cid);
    this.set({ pins: { ...this.state.pins, [cid]: list } });
  }

  async loadChannelMembers(cid: string): Promise<void> {
    const ids = await api.chat.members(cid);
    this.set({ channelMembers: { ...this.state.channelMembers, [cid]: ids } });
  }

  // ---- writing -----------------------------------------------------------

  /** Applies a message the server answered with, wherever it is shown. */
  private applyAnswer(m: Message) {
    const timelines = { ...this.state.timelines };
    const t = timelines[m.channel_id];
    if (t) timelines[m.channel_id] = upserted(t, m, inChannel(m.channel_id));
    const threads = { ...this.state.threads };
    for (const [root, th] of Object.entries(threads)) {
      if (m.id === root || m.thread_id === root) threads[root] = upserted(th, m, inThread(root));
    }
    let pins = this.state.pins;
    const p = pins[m.channel_id];
    if (p) {
      const without = p.filter((x) => x.id !== m.id);
      pins = { ...pins, [m.channel_id]: m.pinned && !m.deleted ? [m, ...without] : without };
    }
    this.set({ timelines, threads, pins });
  }

  /**
   * The body as it goes to the server: in an armoured workspace, encrypted
   * and signed, with who it mentions beside it (the server cannot read it);
   * with `files`, sealed with them (version 2).
   */
  private async wire(
    cid: string,
    body: string,
    files?: readonly SealedFile[],
  ): Promise<{ body: string; mentions?: string[]; mention_channel?: boolean }> {
    if (!this.armour) return { body };
    const { users, channel } = wireMentions(body);
    return {
      body: await this.armour.encrypt(cid, body, files),
      mentions: users,
      mention_channel: channel,
    };
  }

  /**
   * Runs a write in `cid`; in an armoured workspace whose key the server
   * refused (isStaleKey: it moved on, none was made yet, or the channel's
   * own key is needed), fetches the keys that channel seals with (making
   * the next generation if needed) and encrypts again, once.
   */
  private async withFreshKeys<T>(cid: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (!this.armour || !isStaleKey(e)) throw e;
      await this.armour.refresh(cid, e);
      return write();
    }
  }

  /**
   * Posts a message. In an armoured workspace, `files` says what the sealed
   * message tells of its attachments (names, types, sizes, keys): given, the
   * body is sealed as version 2.
   */
  async post(
    cid: string,
    body: string,
    o: {
      threadId?: string;
      alsoInChannel?: boolean;
      attachmentIds?: string[];
      files?: readonly SealedFile[];
    } = {},
  ): Promise<Message> {
    const m = await this.withFreshKeys(cid, async () =>
      api.chat.post(cid, {
        ...(await this.wire(cid, body, o.files)),
        ...(o.threadId ? { thread_id: o.threadId, also_in_channel: !!o.alsoInChannel } : {}),
        ...(o.attachmentIds?.length ? { attachment_ids: o.attachmentIds } : {}),
      }),
    );
    this.armour?.remember(m, body, o.files);
    this.throttle.reset(cid);
    this.applyAnswer(m);
    this.set({
      channels: applyChannelEvent(
        this.state.channels,
        { type: 'message.created', workspace_id: this.workspaceId, seq: 0, data: { ...m } },
        { me: this.me, reading: this.reading },
      ).state,
    });
    return m;
  }

  async edit(message: Message, body: string): Promise<Message> {
    // A version 2 message stays one: its files are sealed again with the new text.
    const shown = this.armour?.show(message);
    const files = shown?.kind === 'text' ? shown.files : undefined;
    const m = await this.withFreshKeys(message.channel_id, async () =>
      api.chat.edit(message.id, await this.wire(message.channel_id, body, files)),
    );
    this.armour?.remember(m, body, files);
    this.applyAnswer(m);
    return m;
  }

  async remove(m: Message): Promise<void> {
    await api.chat.remove(m.id);
    this.applyEventEverywhere({
      type: 'message.deleted',
      workspace_id: this.workspaceId,
      seq: 0,
      data: { id: m.id, channel_id: m.channel_id, thread_id: m.thread_id },
    });
  }

  async toggleReaction(m: Message, emoji: string): Promise<void> {
    const mine = m.reactions.some((r) => r.emoji === emoji && r.user_ids.includes(this.me));
    const answer = mine ? await api.chat.unreact(m.id, emoji) : await api.chat.react(m.id, emoji);
    this.applyAnswer(answer);
  }

  async togglePin(m: Message): Promise<void> {
    const answer = m.pinned ? await api.chat.unpin(m.id) : await api.chat.pin(m.id);
    this.applyAnswer(answer);
  }

  /** Marks a joined channel read up to its last message (once per position). */
  /**
   * Marks `cid` read up to its last message. Reading marks it by itself
   * (markReadSoon), except a channel the person just marked unread: that one
   * waits for them to leave it (releaseUnread) or to ask (`asked`: Esc).
   */
  async markRead(cid: string, asked = false): Promise<void> {
    if (asked) this.heldUnread.delete(cid);
    else if (this.heldUnread.has(cid)) return;
    const c = this.state.channels.byId[cid];
    if (!c || !c.joined) return;
    const seq = c.last_seq;
    if (c.last_read_seq >= seq && c.unread === 0 && c.mentions === 0) return;
    if (this.pendingRead.get(cid) === seq) return;
    this.pendingRead.set(cid, seq);
    this.set({ channels: markedRead(this.state.channels, cid, seq) });
    try {
      await api.chat.markRead(cid, seq);
    } catch {
      // The next arrival tries again.
    } finally {
      if (this.pendingRead.get(cid) === seq) this.pendingRead.delete(cid);
    }
  }

  /**
   * The reader is reading `cid`: marks it read now, or, during a burst of
   * messages, once a second (when they are still reading it then).
   */
  markReadSoon(cid: string): void {
    if (this.readTimers.has(cid)) return;
    const last = this.lastReadAt.get(cid);
    const wait = last === undefined ? 0 : Math.max(0, last + READ_EVERY_MS - this.now());
    const go = () => {
      this.lastReadAt.set(cid, this.now());
      void this.markRead(cid);
    };
    if (wait === 0) {
      go();
      return;
    }
    this.readTimers.set(
      cid,
      setTimeout(() => {
        this.readTimers.delete(cid);
        if (this.reading === cid) go();
      }, wait),
    );
  }

  /** Mark as unread from message `m` on; reading no longer marks the channel read until the person leaves it. */
  async markUnread(m: Message): Promise<void> {
    this.heldUnread.add(m.channel_id);
    const r = await api.chat.markUnread(m.id);
    this.set({ channels: markedUnread(this.state.channels, r.channel_id, r.last_read_seq) });
    await this.refreshChannel(r.channel_id);
  }

  /** The person left `cid`: reading it marks it read again. */
  releaseUnread(cid: string): void {
    this.heldUnread.delete(cid);
  }

  async createChannel(spec: NewChannel): Promise<Channel> {
    const c = await api.chat.createChannel(this.workspaceId, spec);
    this.set({ channels: upsertChannel(this.state.channels, c) });
    return c;
  }

  async openDirect(userIds: string[]): Promise<Channel> {
    const c = await api.chat.openDirect(this.workspaceId, userIds);
    const known = this.state.channels.byId[c.id];
    this.set({ channels: upsertChannel(this.state.channels, known ? { ...known, ...c } : c) });
    void this.refreshChannel(c.id);
    return c;
  }

  async join(cid: string): Promise<void> {
    await api.chat.join(cid);
    await this.refreshChannel(cid);
  }

  async leave(cid: string): Promise<void> {
    await api.chat.leave(cid);
    const c = this.state.channels.byId[cid];
    if (c && c.kind !== 'public') this.set({ channels: removeChannel(this.state.channels, cid) });
    else await this.refreshChannel(cid);
  }

  /** Mutes a channel for the person, or unmutes it (their clients hear channel.muted too). */
  async setMuted(cid: string, muted: boolean): Promise<void> {
    const r = await api.chat.setMuted(cid, muted);
    this.set({ channels: mutedChannel(this.state.channels, cid, r.muted) });
  }

  async updateChannel(cid: string, change: ChannelChange): Promise<void> {
    const c = await api.chat.updateChannel(cid, change);
    const old = this.state.channels.byId[cid];
    this.set({
      channels: upsertChannel(
        this.state.channels,
        old ? { ...old, name: c.name, topic: c.topic, archived: c.archived } : c,
      ),
    });
  }

  async addMember(cid: string, userId: string): Promise<void> {
    await api.chat.addMember(cid, userId);
    await this.loadChannelMembers(cid);
  }

  async removeMember(cid: string, userId: string): Promise<void> {
    await api.chat.removeMember(cid, userId);
    if (userId === this.me) await this.refreshChannel(cid);
    else await this.loadChannelMembers(cid);
  }

  /** Says "typing" in a channel, at most every 3 s. */
  typing(cid: string): void {
    if (!this.throttle.take(cid, this.now())) return;
    liveEvents().send({ type: 'chat.typing', workspace_id: this.workspaceId, channel_id: cid });
  }

  // ---- live events -------------------------------------------------------

  handleEvent(e: EventFrame): void {
    if (e.type === 'hello') {
      // Back after a drop: resume brings the missed events; the list is re-read for good measure.
      if (this.state.channels.loaded) void this.loadChannels();
      return;
    }
    if (e.workspace_id !== this.workspaceId) return;
    if (e.type === 'chat.typing') {
      const d = e.data ?? {};
      const cid = typeof d.channel_id === 'string' ? d.channel_id : '';
      const user = typeof d.user_id === 'string' ? d.user_id : '';
      if (!cid || !user || user === this.me) return;
      this.set({ typing: typingStarted(this.state.typing, cid, user, this.now()) });
      this.scheduleTypingPrune();
      return;
    }
    this.applyEventEverywhere(e);
  }

  private applyEventEverywhere(e: EventFrame) {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const cid = typeof d.channel_id === 'string' ? d.channel_id : '';
    const update: Partial<ChatState> = {};

    const { state: channels, refresh } = applyChannelEvent(this.state.channels, e, {
      me: this.me,
      reading: this.reading,
    });
    if (channels !== this.state.channels) update.channels = channels;
    if (refresh) void this.refreshChannel(refresh);

    const t = this.state.timelines[cid];
    if (t) {
      const next = applyEvent(t, e, inChannel(cid));
      if (next !== t) update.timelines = { ...this.state.timelines, [cid]: next };
    }

    let threadsChanged = false;
    const threads: Record<string, Timeline> = { ...this.state.threads };
    for (const [root, th] of Object.entries(threads)) {
      const next = applyEvent(th, e, inThread(root));
      if (next !== th) {
        threads[root] = next;
        threadsChanged = true;
      }
    }
    if (threadsChanged) update.threads = threads;

    const pins = this.state.pins[cid];
    if (pins) {
      const next = nextPins(pins, e);
      if (next !== pins) update.pins = { ...this.state.pins, [cid]: next };
    }

    const members = this.state.channelMembers[cid];
    if (members && (e.type === 'channel.member_added' || e.type === 'channel.member_removed')) {
      const user = typeof d.user_id === 'string' ? d.user_id : '';
      const next =
        e.type === 'channel.member_added'
          ? members.includes(user)
            ? members
            : [...members, user]
          : members.filter((u) => u !== user);
      update.channelMembers = { ...this.state.channelMembers, [cid]: next };
    }

    if (e.type === 'message.created' && typeof d.author_id === 'string') {
      const typing = typingStopped(this.state.typing, cid, d.author_id);
      if (typing !== this.state.typing) update.typing = typing;
    }
    if (Object.keys(update).length) this.set(update);
  }

  private scheduleTypingPrune() {
    if (this.typingTimer) clearTimeout(this.typingTimer);
    const next = nextExpiry(this.state.typing);
    if (next === null) return;
    this.typingTimer = setTimeout(
      () => {
        this.typingTimer = null;
        const typing = pruneTyping(this.state.typing, this.now());
        if (typing !== this.state.typing) this.set({ typing });
        this.scheduleTypingPrune();
      },
      Math.max(50, next - this.now() + 20),
    );
  }
}

/** The pins list after an event (pinned: first; unpinned or deleted: out). */
export function nextPins(pins: readonly Message[], e: EventFrame): readonly Message[] {
  const d = (e.data ?? {}) as Partial<Message>;
  const id = typeof d.id === 'string' ? d.id : '';
  switch (e.type) {
    case 'message.pinned':
      return [d as Message, ...pins.filter((m) => m.id !== id)];
    case 'message.unpinned':
    case 'message.deleted':
      return pins.some((m) => m.id === id) ? pins.filter((m) => m.id !== id) : pins;
    case 'message.updated':
      return pins.some((m) => m.id === id)
        ? pins.map((m) => (m.id === id ? (d as Message) : m))
        : pins;
    default:
      return pins;
  }
}
