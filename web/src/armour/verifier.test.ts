import sodium from 'libsodium-wrappers-sumo';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Ed25519Checker } from './ed25519';
import {
  PageThreadSignatures,
  Signatures,
  SignatureWorkers,
  type CheckAnswer,
  type CheckRequest,
  type SignatureToCheck,
  type WorkerLike,
} from './verifier';

beforeAll(async () => {
  await sodium.ready;
});

/** A worker run in this thread: answers as verifier.worker.ts does, when told to (or at once). */
class FakeWorker implements WorkerLike {
  static made: FakeWorker[] = [];
  requests: CheckRequest[] = [];
  terminated = false;
  private onMessage: ((e: MessageEvent<CheckAnswer>) => void)[] = [];
  private onError: ((e: Event) => void)[] = [];

  constructor(private readonly answer: 'check' | 'fail' | 'hold' = 'check') {
    FakeWorker.made.push(this);
  }

  postMessage(m: CheckRequest): void {
    this.requests.push(m);
    if (this.answer === 'hold') return;
    const ok =
      this.answer === 'fail'
        ? null
        : m.checks.map((c) => sodium.crypto_sign_verify_detached(c.signature, c.signed, c.pk));
    queueMicrotask(() => this.emit({ id: m.id, ok }));
  }

  emit(a: CheckAnswer): void {
    for (const f of this.onMessage) f({ data: a } as MessageEvent<CheckAnswer>);
  }

  fail(): void {
    for (const f of this.onError) f(new Event('error'));
  }

  addEventListener(type: 'message' | 'error', f: (e: never) => void): void {
    if (type === 'message') this.onMessage.push(f as (e: MessageEvent<CheckAnswer>) => void);
    else this.onError.push(f as (e: Event) => void);
  }

  terminate(): void {
    this.terminated = true;
  }
}

/** n signatures by one key, the odd ones over another text than the one given. */
function signatures(n: number) {
  const pair = sodium.crypto_sign_keypair();
  return Array.from({ length: n }, (_, i) => ({
    signature: sodium.crypto_sign_detached(`texte ${i}`, pair.privateKey),
    signed: i % 2 ? `autre ${i}` : `texte ${i}`,
    pk: pair.publicKey,
  }));
}

afterEach(() => {
  FakeWorker.made = [];
  vi.useRealTimers();
});

describe('signatures checked in workers (verifier.ts)', () => {
  it('splits the checks between its workers and answers in their order', async () => {
    const pool = new SignatureWorkers(() => new FakeWorker(), 3);
    const checks = signatures(10);
    expect(await pool.check(checks)).toEqual(checks.map((_, i) => i % 2 === 0));
    expect(FakeWorker.made).toHaveLength(3);
    expect(FakeWorker.made.map((w) => w.requests[0]?.checks.length)).toEqual([4, 4, 2]);
    // The same workers for the next checks; two checks go to two of them.
    expect(await pool.check(checks.slice(0, 2))).toEqual([true, false]);
    expect(FakeWorker.made).toHaveLength(3);
    expect(FakeWorker.made.map((w) => w.requests.length)).toEqual([2, 2, 1]);
    pool.stop();
    expect(FakeWorker.made.every((w) => w.terminated)).toBe(true);
  });

  it('answers null where no worker can: none here, none on one core, one whose libsodium did not start, one that failed to load', async () => {
    expect(await new SignatureWorkers(() => null, 2).check(signatures(2))).toBeNull();
    // One core: none started (they would check no faster), nothing to gather for them.
    const one = new SignatureWorkers(() => new FakeWorker(), 0);
    expect(one.usable).toBe(false);
    expect(await one.check(signatures(2))).toBeNull();
    expect(FakeWorker.made).toHaveLength(0);
    // No Worker in this browser (jsdom): not usable.
    expect(new SignatureWorkers().usable).toBe(false);
    const failing = new SignatureWorkers(() => new FakeWorker('fail'), 2);
    expect(await failing.check(signatures(4))).toBeNull();

    const pool = new SignatureWorkers(() => new FakeWorker('hold'), 2);
    expect(pool.usable).toBe(true);
    const asked = pool.check(signatures(4));
    FakeWorker.made.at(-1)?.fail();
    expect(await asked).toBeNull();
    expect(FakeWorker.made.slice(-2).every((w) => w.terminated)).toBe(true);
    // Broken for good: not started again.
    expect(pool.usable).toBe(false);
    const made = FakeWorker.made.length;
    expect(await pool.check(signatures(2))).toBeNull();
    expect(FakeWorker.made).toHaveLength(made);
  });

  it('gives up on workers that do not answer: the page checks instead, and none starts again', async () => {
    vi.useFakeTimers();
    const pool = new SignatureWorkers(() => new FakeWorker('hold'), 2);
    const asked = pool.check(signatures(4));
    vi.advanceTimersByTime(14_000);
    expect(FakeWorker.made.some((w) => w.terminated)).toBe(false);
    vi.advanceTimersByTime(2_000);
    expect(await asked).toBeNull();
    expect(FakeWorker.made.every((w) => w.terminated)).toBe(true);
    expect(pool.usable).toBe(false);
  });

  it('stops its workers after a minute without work, and starts them again when asked', async () => {
    vi.useFakeTimers();
    const pool = new SignatureWorkers(() => new FakeWorker(), 2);
    await pool.check(signatures(4));
    vi.advanceTimersByTime(59_000);
    expect(FakeWorker.made.some((w) => w.terminated)).toBe(false);
    vi.advanceTimersByTime(2_000);
    expect(FakeWorker.made.every((w) => w.terminated)).toBe(true);
    expect(await pool.check(signatures(2))).toEqual([true, false]);
    expect(FakeWorker.made).toHaveLength(4);
    pool.stop();
  });
});

describe("signatures checked on the page's thread (verifier.ts)", () => {
  it('checks with WebCrypto, one request after the other', async () => {
    const page = new PageThreadSignatures();
    expect(page.usable).toBe(true);
    expect(await page.check(signatures(6))).toEqual([true, false, true, false, true, false]);

    // A checker that answers when told: the second request waits for the first.
    const asked: { n: number; done: (ok: boolean[]) => void }[] = [];
    const held: Ed25519Checker = {
      check: (checks: readonly SignatureToCheck[]) =>
        new Promise((done) => asked.push({ n: checks.length, done })),
    };
    const queued = new PageThreadSignatures(() => Promise.resolve(held));
    const first = queued.check(signatures(2));
    const second = queued.check(signatures(3));
    await vi.waitFor(() => expect(asked).toHaveLength(1));
    await Promise.resolve();
    expect(asked).toHaveLength(1);
    asked[0]?.done([true, true]);
    expect(await first).toEqual([true, true]);
    await vi.waitFor(() => expect(asked).toHaveLength(2));
    expect(asked[1]?.n).toBe(3);
    asked[1]?.done([false, false, false]);
    expect(await second).toEqual([false, false, false]);
  });

  it('is not used where the browser has no Ed25519, nor after a checker failed', async () => {
    const none = new PageThreadSignatures(() => Promise.resolve(null));
    expect(await none.check(signatures(2))).toBeNull();
    expect(none.usable).toBe(false);
    const failing = new PageThreadSignatures(() =>
      Promise.resolve({ check: () => Promise.reject(new Error('no')) }),
    );
    expect(await failing.check(signatures(2))).toBeNull();
    // The next request is still answered (a failure is that request's).
    expect(failing.usable).toBe(true);
  });

  it('takes over where the workers cannot check, or stop answering', async () => {
    const page = new PageThreadSignatures();
    // Workers on two cores: they check, the page's thread does not.
    const pool = new SignatureWorkers(() => new FakeWorker(), 2);
    const both = new Signatures(pool, page);
    expect(await both.check(signatures(4))).toEqual([true, false, true, false]);
    expect(FakeWorker.made).toHaveLength(2);
    pool.stop();
    // One core: none started, the page's thread checks.
    const one = new Signatures(new SignatureWorkers(() => new FakeWorker(), 0), page);
    expect(one.usable).toBe(true);
    expect(await one.check(signatures(4))).toEqual([true, false, true, false]);
    expect(FakeWorker.made).toHaveLength(2);
    // Workers whose libsodium does not start: the page's thread answers.
    const failing = new Signatures(new SignatureWorkers(() => new FakeWorker('fail'), 2), page);
    expect(await failing.check(signatures(2))).toEqual([true, false]);
    // Neither: nothing gathered, every text checked as it opens.
    const neither = new Signatures(
      new SignatureWorkers(() => null, 2),
      new PageThreadSignatures(() => Promise.resolve(null)),
    );
    expect(await neither.check(signatures(2))).toBeNull();
    expect(neither.usable).toBe(false);
  });
});
