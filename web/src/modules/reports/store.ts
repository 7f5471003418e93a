// A workspace's report while its page is open: the summary of the period
// asked for (the last period asked wins), as of the reader's date (tasks due
// on a day before it are late), and the members (whose tasks it counts, by
// name). Any stored event of the workspace (seq > 0: not typing or presence)
// may change the figures; the summary is read again once per burst, at most
// once every REFRESH_INTERVAL_MS, and after a drop of the live connection
// (`hello`); the members when they change. Components read it with
// useSyncExternalStore.
import { api, type EventFrame, type Member, type ReportSummary } from '../../api';
import { liveEvents } from '../../events';
import { memberDirectory } from '../../workspaces/members';
import { Store } from '../../util/store';
import { localDay } from '../tasks/logic/due';

export interface ReportsState {
  /** The period asked for, in days. */
  days: number | null;
  /** The last summary read: of another period while the one asked is read. */
  summary: ReportSummary | null;
  /** A reading is under way. */
  loading: boolean;
  /** The last reading failed (404: the reports are off, or closed to the caller). */
  failed: unknown;
  /** The workspace's members (empty until read, or where they cannot be: names fall back). */
  members: readonly Member[];
}

const INITIAL: ReportsState = {
  days: null,
  summary: null,
  loading: false,
  failed: undefined,
  members: [],
};

/** Live changes read the summary again at most this often. */
export const REFRESH_INTERVAL_MS = 5_000;
/** A burst of changes within this time causes one reading. */
export const REFRESH_DELAY_MS = 1_000;

export class ReportsStore extends Store<ReportsState> {
  private readonly unsubscribes: (() => void)[] = [];
  private started = false;
  private generation = 0;
  /** Only the last reading of the members started is kept. */
  private membersGeneration = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the last reading started (Date.now()). */
  private lastRead = -Infinity;

  constructor(
    readonly workspaceId: string,
    private readonly intervalMs = REFRESH_INTERVAL_MS,
    private readonly delayMs = REFRESH_DELAY_MS,
  ) {
    super(INITIAL);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const conn = liveEvents();
    for (const type of ['*', 'hello']) {
      this.unsubscribes.push(conn.subscribe(type, (e) => this.handleEvent(e)));
    }
    if (this.state.days !== null) void this.load();
    this.unsubscribes.push(
      memberDirectory().watch(this.workspaceId, () => void this.loadMembers()),
    );
    void this.loadMembers();
  }

  stop(): void {
    this.started = false;
    this.generation++;
    this.clearTimer();
    this.unsubscribes.splice(0).forEach((u) => u());
  }

  private clearTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  // ---- reading -------------------------------------------------------------

  /** Shows the last `days` days: read now unless it is the period held. */
  show(days: number): Promise<void> {
    if (days === this.state.days) return Promise.resolve();
    this.set({ days });
    return this.load();
  }

  /** Reads the period asked for again; only the last reading started is kept. */
  async load(): Promise<void> {
    const days = this.state.days;
    if (days === null) return;
    this.clearTimer();
    const g = ++this.generation;
    this.lastRead = Date.now();
    this.set({ loading: true });
    try {
      const summary = await api.reports.summary(this.workspaceId, days, localDay(new Date()));
      if (g !== this.generation) return;
      this.set({ summary, loading: false, failed: undefined });
    } catch (e) {
      if (g !== this.generation) return;
      this.set({ loading: false, failed: e });
    }
  }

  /** Reads the members again (their names in the tasks' table); a failure keeps those held. */
  async loadMembers(): Promise<void> {
    const g = ++this.membersGeneration;
    try {
      const members = await memberDirectory().members(this.workspaceId);
      if (g === this.membersGeneration && this.started) this.set({ members });
    } catch {
      // Names fall back to "former member" until the next change.
    }
  }

  /**
   * Reads again after the burst this change belongs to, and not sooner than
   * intervalMs after the last reading; changes meanwhile join that reading.
   */
  private loadSoon(): void {
    if (this.timer || this.state.days === null) return;
    const wait = Math.max(this.delayMs, this.lastRead + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load();
    }, wait);
  }

  handleEvent(e: EventFrame): void {
    if (e.type === 'hello') {
      // Back after a drop: what was missed is counted again.
      if (this.state.summary || this.state.failed) this.loadSoon();
      return;
    }
    // Typing and presence (seq 0) are not stored: no figure counts them.
    if (e.workspace_id !== this.workspaceId || !(e.seq > 0)) return;
    this.loadSoon();
  }
}
