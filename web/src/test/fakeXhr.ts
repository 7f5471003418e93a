// A fake XMLHttpRequest for tests of what sends files: each request is
// recorded and answered from a script the test sets, after a tick (as a
// real one), with one progress event for the whole body.
import { afterEach, beforeEach, vi } from 'vitest';

/** An answer: a status with its headers and body, or 'network' for a dropped connection. */
export type XhrReply =
  { status: number; headers?: Record<string, string | undefined>; body?: string } | 'network';

const serverError = (): XhrReply => ({ status: 500 });

export class FakeXhr {
  /** Every request sent in this test, in order. */
  static log: FakeXhr[] = [];
  /** Answers each request as it is sent (500 unless the test says otherwise). */
  static reply: (x: FakeXhr) => XhrReply = serverError;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: Blob | null = null;
  status = 0;
  statusText = '';
  responseText = '';
  private replyHeaders: Record<string, string | undefined> = {};
  upload: { onprogress: ((e: { loaded: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  ontimeout: (() => void) | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v;
  }
  getResponseHeader(k: string) {
    return this.replyHeaders[k] ?? null;
  }
  send(body: Blob | null) {
    this.body = body;
    FakeXhr.log.push(this);
    setTimeout(() => {
      const r = FakeXhr.reply(this);
      if (r === 'network') {
        this.onerror?.();
        return;
      }
      this.upload.onprogress?.({ loaded: body?.size ?? 0 });
      this.status = r.status;
      this.replyHeaders = r.headers ?? {};
      this.responseText = r.body ?? '';
      this.onload?.();
    }, 0);
  }
  abort() {
    this.onabort?.();
  }
}

/** A script answering the requests with `replies` in turn, then 500. */
export function inTurn(...replies: XhrReply[]): (x: FakeXhr) => XhrReply {
  return () => replies.shift() ?? serverError();
}

/**
 * Call at the top of a test file: XMLHttpRequest is a FakeXhr in each test,
 * with an empty log and the default answer; the stubbed globals are restored
 * after it (vi.unstubAllGlobals).
 */
export function installFakeXhr(): void {
  beforeEach(() => {
    FakeXhr.log = [];
    FakeXhr.reply = serverError;
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
  });
  afterEach(() => vi.unstubAllGlobals());
}
