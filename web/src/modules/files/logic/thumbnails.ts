// Grid thumbnails of images, made in the browser from the file's bytes (the
// server keeps no decoded copy of anyone's pictures). Each is fetched and
// decoded once per version (the key is id + etag), a few at a time, only
// when its tile comes into view, and kept as a small bitmap for the last
// entries shown: a folder of photos costs a tile's pixels each, not the
// full-size pictures. In an armoured workspace the bytes are opened in the
// browser first, and the opened picture is dropped as soon as it is drawn.

/** Larger images keep their icon: their bytes would cost more than a tile is worth. */
export const THUMBNAIL_MAX_BYTES = 8 * 1024 * 1024;
/** The thumbnail box, in device pixels (a tile's 120 × 90 CSS pixels at 2×). */
export const THUMBNAIL_WIDTH = 240;
export const THUMBNAIL_HEIGHT = 180;

/**
 * Fetches and decodes one thumbnail from what its request names (a file's
 * id, or how to fetch its bytes); rejects (or aborts) when it cannot.
 */
export type ThumbnailLoader<T, S = string> = (source: S, signal: AbortSignal) => Promise<T>;

interface Job<T, S> {
  key: string;
  source: S;
  signal: AbortSignal;
  resolve(v: T | null): void;
}

/**
 * At most `parallel` loads at once, the others wait in order; the last
 * `keep` results stay (least recently used goes, and is disposed). A load
 * that failed is not tried again for that key. Requests whose signal
 * aborted before their turn never load.
 */
export class ThumbnailQueue<T, S = string> {
  private readonly done = new Map<string, T>(); // insertion order: least recent first
  private readonly failed = new Set<string>();
  private readonly waiting: Job<T, S>[] = [];
  private running = 0;

  constructor(
    private readonly load: ThumbnailLoader<T, S>,
    private readonly dispose: (value: T) => void,
    private readonly parallel = 2,
    private readonly keep = 300,
  ) {}

  /** The thumbnail already made for `key` (now the most recent), or undefined. */
  cached(key: string): T | undefined {
    const v = this.done.get(key);
    if (v === undefined) return undefined;
    this.done.delete(key);
    this.done.set(key, v);
    return v;
  }

  /** Resolves with the thumbnail, or null when it failed or `signal` aborted. */
  request(key: string, source: S, signal: AbortSignal): Promise<T | null> {
    const hit = this.cached(key);
    if (hit !== undefined) return Promise.resolve(hit);
    if (this.failed.has(key) || signal.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiting.push({ key, source, signal, resolve });
      this.pump();
    });
  }

  /** How many loads run now (for tests). */
  get active(): number {
    return this.running;
  }

  private pump(): void {
    while (this.running < this.parallel && this.waiting.length > 0) {
      const job = this.waiting.shift() as Job<T, S>;
      if (job.signal.aborted) {
        job.resolve(null);
        continue;
      }
      const hit = this.cached(job.key); // made meanwhile for another tile
      if (hit !== undefined) {
        job.resolve(hit);
        continue;
      }
      this.running++;
      this.load(job.source, job.signal)
        .then(
          (value) => {
            this.store(job.key, value);
            job.resolve(value);
          },
          () => {
            if (!job.signal.aborted) this.failed.add(job.key);
            job.resolve(null);
          },
        )
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  private store(key: string, value: T): void {
    const old = this.done.get(key);
    if (old !== undefined && old !== value) this.dispose(old);
    this.done.delete(key);
    this.done.set(key, value);
    while (this.done.size > this.keep) {
      const [oldest, v] = this.done.entries().next().value as [string, T];
      this.done.delete(oldest);
      this.dispose(v);
    }
  }
}

/** Where to draw a `w` × `h` picture so that it covers a `bw` × `bh` box, centred. */
export function coverRect(
  w: number,
  h: number,
  bw: number,
  bh: number,
): { x: number; y: number; w: number; h: number } {
  const scale = Math.max(bw / w, bh / h);
  const dw = w * scale;
  const dh = h * scale;
  return { x: (bw - dw) / 2, y: (bh - dh) / 2, w: dw, h: dh };
}
