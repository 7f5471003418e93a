// The arithmetic of the virtualized message list, kept apart from React so
// it is unit-tested: row offsets from (measured or estimated) heights, the
// rows a viewport shows, and the scroll anchor that keeps the rows under
// the reader's eyes still while rows above them are added or re-measured.

/**
 * Offsets of rows stacked top to bottom: `offsets[i]` is the top of row i,
 * `offsets[n]` the total height.
 */
export function computeOffsets(count: number, heightAt: (index: number) => number): Float64Array {
  const offsets = new Float64Array(count + 1);
  let y = 0;
  for (let i = 0; i < count; i++) {
    offsets[i] = y;
    y += Math.max(0, heightAt(i));
  }
  offsets[count] = y;
  return offsets;
}

/** Offsets (as computeOffsets') of rows of the given heights. */
export function offsetsOf(heights: Float64Array): Float64Array {
  return computeOffsets(heights.length, (i) => heights[i] ?? 0);
}

/**
 * The heights of rows `keys`, from those of the rows `prevKeys` (`prev`):
 * the rows both lists share at their start and at their end keep their
 * height, `heightAt(i)` is asked for the others only — rows added before
 * (an older page) or after (new messages) cost themselves, not the history.
 */
export function alignHeights(
  prevKeys: readonly string[],
  prev: Float64Array,
  keys: readonly string[],
  heightAt: (index: number) => number,
): Float64Array {
  const n = keys.length;
  const m = Math.min(prevKeys.length, prev.length);
  const shared = Math.min(n, m);
  let head = 0;
  while (head < shared && keys[head] === prevKeys[head]) head++;
  let tail = 0;
  while (tail < shared - head && keys[n - 1 - tail] === prevKeys[m - 1 - tail]) tail++;
  const out = new Float64Array(n);
  out.set(prev.subarray(0, head), 0);
  for (let i = head; i < n - tail; i++) out[i] = heightAt(i);
  out.set(prev.subarray(m - tail, m), n - tail);
  return out;
}

/**
 * The row heights of a list from render to render: offsets() reuses the
 * heights of rows the list kept at its start and end (alignHeights) and
 * asks again only for rows added and rows measured since (measured()), so a
 * page of a long history, or a row measured while scrolling, costs that
 * page or row plus one running sum. Everything is asked again when
 * `sources` (what heights derive from: the height cache, the estimate)
 * change. Held by a component for its lifetime; what it keeps is always
 * derived again from the same sources, so a render React drops changes
 * nothing.
 */
export class RowLayout {
  private keys: readonly string[] = [];
  private heights: Float64Array = new Float64Array(0);
  private sources: readonly unknown[] = [];
  private pending: string[] = [];
  private hint = 0;

  offsets(
    keys: readonly string[],
    heightAt: (index: number) => number,
    sources: readonly unknown[],
  ): Float64Array {
    const same =
      sources.length === this.sources.length && sources.every((x, i) => x === this.sources[i]);
    if (!same) this.heights = Float64Array.from(keys, (_, i) => heightAt(i));
    else if (keys !== this.keys)
      this.heights = alignHeights(this.keys, this.heights, keys, heightAt);
    this.keys = keys;
    this.sources = sources;
    for (const key of this.pending) {
      const i = this.indexOf(keys, key);
      if (i >= 0) this.heights[i] = heightAt(i);
    }
    this.pending = [];
    return offsetsOf(this.heights);
  }

  /** A row's height changed (measured): offsets() asks for it again. */
  measured(key: string): void {
    this.pending.push(key);
  }

  /**
   * Where `key` is in `keys`, -1 when absent: looked for near where the
   * last one was found first (a map of every key would cost the whole
   * history each time rows are added).
   */
  indexOf(keys: readonly string[], key: string): number {
    if (keys[this.hint] === key) return this.hint;
    let i = keys.indexOf(key, Math.max(0, this.hint - 64));
    if (i < 0) i = keys.indexOf(key);
    if (i >= 0) this.hint = i;
    return i;
  }
}

export function totalHeight(offsets: Float64Array): number {
  return offsets[offsets.length - 1] ?? 0;
}

/** The row at height `y` (the last row whose top is at or above y), clamped to the rows. */
export function indexAt(offsets: Float64Array, y: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return 0;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((offsets[mid] ?? 0) <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export interface Range {
  /** First rendered row. */
  start: number;
  /** One past the last rendered row. */
  end: number;
}

/**
 * The rows to render for a viewport of `height` pixels scrolled to
 * `scrollTop`, with `overscan` pixels more on each side.
 */
export function visibleRange(
  offsets: Float64Array,
  scrollTop: number,
  height: number,
  overscan: number,
): Range {
  const n = offsets.length - 1;
  if (n <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop - overscan);
  const bottom = scrollTop + Math.max(0, height) + overscan;
  const start = indexAt(offsets, top);
  let end = indexAt(offsets, bottom) + 1;
  if (end > n) end = n;
  return { start, end: Math.max(end, start + 1) };
}

export function sameRange(a: Range, b: Range): boolean {
  return a.start === b.start && a.end === b.end;
}

/** A row and where its top sits relative to the top of the viewport. */
export interface Anchor {
  key: string;
  /** offsets[row] - scrollTop (≤ 0 when the row starts above the viewport). */
  delta: number;
}

/**
 * The first row visible at `scrollTop`: the one to keep still. Rows that
 * `skip` rejects (a loader at the very top, which stays first whatever is
 * added after it) give way to the next one.
 */
export function anchorAt(
  offsets: Float64Array,
  keys: readonly string[],
  scrollTop: number,
  skip: (key: string) => boolean = () => false,
): Anchor | null {
  if (keys.length === 0) return null;
  let i = indexAt(offsets, scrollTop);
  // A row that ends exactly at the top is not visible: take the next one.
  if ((offsets[i + 1] ?? 0) <= scrollTop && i + 1 < keys.length) i += 1;
  while (i + 1 < keys.length && skip(keys[i] ?? '')) i += 1;
  const key = keys[i];
  if (key === undefined) return null;
  return { key, delta: (offsets[i] ?? 0) - scrollTop };
}

/**
 * The scroll position that puts the anchor row back where it was, after
 * rows changed (older rows prepended, heights measured); null when the row
 * is gone. Not clamped: a negative answer means the anchor cannot be where
 * it was (the caller clamps, and moves the anchor to where it shows).
 */
export function scrollTopForAnchor(
  offsets: Float64Array,
  indexOfKey: (key: string) => number,
  anchor: Anchor,
): number | null {
  const i = indexOfKey(anchor.key);
  if (i < 0) return null;
  return (offsets[i] ?? 0) - anchor.delta;
}

/** Whether the viewport shows the end of the rows (within `tolerance` pixels). */
export function isAtBottom(
  scrollTop: number,
  height: number,
  total: number,
  tolerance = 8,
): boolean {
  return scrollTop + height >= total - tolerance;
}

/** The scroll position of the very end. */
export function bottomScrollTop(total: number, height: number): number {
  return Math.max(0, total - height);
}

/**
 * Remembered row heights by key, with an estimate for rows not measured
 * yet. `version` changes whenever a height does (to recompute offsets).
 */
export class HeightCache {
  private readonly heights = new Map<string, number>();
  version = 0;

  get(key: string): number | undefined {
    return this.heights.get(key);
  }

  /** Records a measured height; true when it changed. Sub-pixel jitter is ignored. */
  set(key: string, height: number): boolean {
    const old = this.heights.get(key);
    if (old !== undefined && Math.abs(old - height) < 0.5) return false;
    this.heights.set(key, height);
    this.version += 1;
    return true;
  }

  /** Forgets rows that are no longer there (a channel switch). */
  retain(keys: Iterable<string>): void {
    const keep = new Set(keys);
    for (const k of [...this.heights.keys()]) if (!keep.has(k)) this.heights.delete(k);
  }

  get size(): number {
    return this.heights.size;
  }
}
