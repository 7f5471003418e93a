// Signatures checked off the main thread (docs/armoured.md, "Signatures
// checked once"): a worker a core (verifier.worker.ts, each with its own
// libsodium) started the first time a page has many to check, split
// between them, and stopped after a minute without work. Where there is
// no Worker (tests, an old browser), one core, or a worker fails, the
// answer is null: the texts are then checked where they are opened.

/** A signature to check: `pk`'s over `signed`. */
export interface SignatureToCheck {
  signature: Uint8Array;
  signed: string;
  pk: Uint8Array;
}

/** What checks many signatures elsewhere (SignatureWorkers; a test gives its own). */
export interface SignatureChecker {
  /** False: nothing is gathered (no worker here). */
  readonly usable: boolean;
  check(checks: readonly SignatureToCheck[]): Promise<boolean[] | null>;
}

/**
 * Signatures sent to the workers at once (checkInParts): ~20 ms of theirs
 * on two cores, then ~10 ms opening their records on the page's thread
 * while they check the next part.
 */
export const CHECK_AHEAD_PART = 256;

/**
 * Checks `checks` (gathered while opening `items`: `ends[i]` of them once
 * item i was, crypto.ts gatherSignatures) with `checker`, in parts of
 * about CHECK_AHEAD_PART ending between items, all sent at once: as each
 * part's answer comes, `remember` keeps what checked (`ok` from index
 * `from`) and that part's items are opened again (`open`), now with their
 * signatures known, while the workers check the next parts — so the
 * opening mostly overlaps their work, in short tasks, instead of following
 * the last answer. False where the workers could not answer (what is left
 * is checked as it opens).
 */
export async function checkInParts<T>(
  checker: SignatureChecker,
  { checks, ends }: { checks: readonly SignatureToCheck[]; ends: readonly number[] },
  items: readonly T[],
  remember: (ok: boolean[], from: number) => void,
  open: (item: T) => void,
): Promise<boolean> {
  const parts: { from: number; to: number; items: readonly T[] }[] = [];
  let from = 0;
  let first = 0;
  ends.forEach((end, i) => {
    if (end - from < CHECK_AHEAD_PART && end < checks.length) return;
    if (end > from) parts.push({ from, to: end, items: items.slice(first, i + 1) });
    from = end;
    first = i + 1;
  });
  const answers = parts.map((p) => checker.check(checks.slice(p.from, p.to)).catch(() => null));
  for (const [i, p] of parts.entries()) {
    const ok = await answers[i];
    if (!ok) return false;
    remember(ok, p.from);
    for (const item of p.items) open(item);
  }
  return true;
}

/** What a worker is asked: the signatures of pk over signed. */
export interface CheckRequest {
  id: number;
  checks: readonly SignatureToCheck[];
}

/** Which checked, in the request's order (null: the worker's libsodium did not start). */
export interface CheckAnswer {
  id: number;
  ok: boolean[] | null;
}

/** What runs a worker (a test gives its own). */
export interface WorkerLike {
  postMessage(m: CheckRequest): void;
  addEventListener(type: 'message', f: (e: MessageEvent<CheckAnswer>) => void): void;
  addEventListener(type: 'error', f: (e: Event) => void): void;
  terminate(): void;
}

/** Workers at most: a core each, the page's thread waiting meanwhile. */
const MAX_WORKERS = 4;
const IDLE_MS = 60_000;
/**
 * A worker that has not answered after this long (and a millisecond a
 * signature: ~0.15 ms each here) is taken as broken: the page's thread
 * checks instead, and no worker starts again.
 */
const ANSWER_MS = 15_000;

/**
 * As many workers as cores (at most MAX_WORKERS); none on one core, where
 * they would check no faster and add their start and their messages
 * (bench/calendar-ui: 2,000 cards 375 ms on the page's thread, 530 ms so).
 */
function coresToUse(): number {
  const cores = typeof navigator === 'undefined' ? 1 : (navigator.hardwareConcurrency ?? 1);
  return cores < 2 ? 0 : Math.min(MAX_WORKERS, cores);
}

function browserWorker(): WorkerLike | null {
  if (typeof Worker === 'undefined') return null;
  return new Worker(new URL('./verifier.worker.ts', import.meta.url), {
    type: 'module',
    name: 'ruche-signatures',
  }) as unknown as WorkerLike;
}

/** A pool of workers checking signatures. */
export class SignatureWorkers implements SignatureChecker {
  private workers: WorkerLike[] | null = null;
  private readonly waiting = new Map<number, (ok: boolean[] | null) => void>();
  private nextId = 1;
  private idle: ReturnType<typeof setTimeout> | null = null;
  private broken = false;

  constructor(
    private readonly spawn: () => WorkerLike | null = browserWorker,
    private readonly count = coresToUse(),
  ) {}

  /** Whether workers may check here (false: none can start, or one failed). */
  get usable(): boolean {
    if (this.spawn === browserWorker && typeof Worker === 'undefined') return false;
    return this.count > 0 && !this.broken;
  }

  /** Which of `checks` hold, in their order; null where no worker can answer. */
  async check(checks: readonly SignatureToCheck[]): Promise<boolean[] | null> {
    const workers = this.start();
    if (!workers) return null;
    if (this.idle !== null) clearTimeout(this.idle);
    this.idle = null;
    const share = Math.ceil(checks.length / workers.length);
    const parts = workers
      .map((w, i) => ({ w, part: checks.slice(i * share, (i + 1) * share) }))
      .filter((p) => p.part.length);
    const answers = await Promise.all(parts.map(({ w, part }) => this.ask(w, part)));
    if (this.waiting.size === 0 && this.workers) this.idle = setTimeout(() => this.stop(), IDLE_MS);
    const ok: boolean[] = [];
    for (const a of answers) {
      if (!a) return null;
      for (const x of a) ok.push(x);
    }
    return ok;
  }

  /** Stops the workers (they start again when asked). */
  stop(): void {
    if (this.idle !== null) clearTimeout(this.idle);
    this.idle = null;
    for (const w of this.workers ?? []) w.terminate();
    this.workers = null;
    for (const done of this.waiting.values()) done(null);
    this.waiting.clear();
  }

  private start(): WorkerLike[] | null {
    if (this.workers || this.broken) return this.workers;
    const workers: WorkerLike[] = [];
    try {
      for (let i = 0; i < this.count; i++) {
        const w = this.spawn();
        if (!w) break;
        w.addEventListener('message', (e) => {
          const done = this.waiting.get(e.data.id);
          this.waiting.delete(e.data.id);
          done?.(e.data.ok);
        });
        // A worker that does not load (a CSP, a network error): none from now on.
        w.addEventListener('error', () => {
          this.broken = true;
          this.stop();
        });
        workers.push(w);
      }
    } catch {
      for (const w of workers) w.terminate();
      this.broken = true;
      return null;
    }
    if (!workers.length) {
      this.broken = true;
      return null;
    }
    this.workers = workers;
    return workers;
  }

  private ask(w: WorkerLike, checks: CheckRequest['checks']): Promise<boolean[] | null> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const late = setTimeout(() => {
        this.broken = true;
        this.stop();
      }, ANSWER_MS + checks.length);
      this.waiting.set(id, (ok) => {
        clearTimeout(late);
        resolve(ok && ok.length === checks.length ? ok : null);
      });
      w.postMessage({
        id,
        checks: checks.map(({ signature, signed, pk }) => ({ signature, signed, pk })),
      });
    });
  }
}

/** This tab's workers. */
export const signatureWorkers = new SignatureWorkers();
