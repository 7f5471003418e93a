// Signatures checked off the main thread (docs/armoured.md, "Signatures
// checked once"): a worker a core (verifier.worker.ts) started the first
// time a page has many to check, split between them, and stopped after a
// minute without work; each checks with the browser's WebCrypto where it
// has Ed25519 (ed25519.ts), else with libsodium. On one core, or where the
// workers cannot start or fail, the page's thread checks them with
// WebCrypto, a part at a time. Where there is neither (tests, an old
// browser), the answer is null: the texts are then checked where they are
// opened (libsodium).

import { webCryptoChecker, type Ed25519Checker } from './ed25519';

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

/**
 * Signatures checked on the page's thread by its WebCrypto (ed25519.ts),
 * where no worker checks them: about twice as fast as libsodium checking
 * each text as it opens, and a part at a time (each request once the one
 * before is answered), so that the page answers between parts.
 */
export class PageThreadSignatures implements SignatureChecker {
  /** Undefined until the probe answers; null: no Ed25519 in this browser. */
  private checker: Ed25519Checker | null | undefined;
  private readonly ready: Promise<Ed25519Checker | null>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(probe: () => Promise<Ed25519Checker | null> = () => webCryptoChecker()) {
    this.ready = probe()
      .catch(() => null)
      .then((c) => (this.checker = c));
  }

  /** True until the browser is known to have no Ed25519. */
  get usable(): boolean {
    return this.checker !== null;
  }

  check(checks: readonly SignatureToCheck[]): Promise<boolean[] | null> {
    const answer = this.queue.then(async () => {
      const c = await this.ready;
      return c ? c.check(checks) : null;
    });
    const settled = answer.catch(() => null);
    this.queue = settled;
    return settled;
  }
}

/** Workers where there are two cores or more; else, or once they fail, the page's thread. */
export class Signatures implements SignatureChecker {
  constructor(
    private readonly workers: SignatureChecker = new SignatureWorkers(),
    private readonly page: SignatureChecker = new PageThreadSignatures(),
  ) {}

  get usable(): boolean {
    return this.workers.usable || this.page.usable;
  }

  async check(checks: readonly SignatureToCheck[]): Promise<boolean[] | null> {
    if (this.workers.usable) {
      const ok = await this.workers.check(checks);
      if (ok) return ok;
    }
    return this.page.usable ? this.page.check(checks) : null;
  }
}

/** This tab's signature checkers. */
export const signatureCheckers = new Signatures();
