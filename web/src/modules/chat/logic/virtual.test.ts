import { describe, expect, it } from 'vitest';
import { must } from './fixtures.test-util';
import {
  HeightCache,
  RowLayout,
  alignHeights,
  anchorAt,
  bottomScrollTop,
  computeOffsets,
  indexAt,
  isAtBottom,
  offsetsOf,
  scrollTopForAnchor,
  totalHeight,
  visibleRange,
} from './virtual';

const heights = (list: number[]) => computeOffsets(list.length, (i) => list[i] ?? 0);

describe('virtualization math', () => {
  it('stacks rows: offsets are prefix sums, the last one the total', () => {
    const o = heights([10, 20, 30]);
    expect([...o]).toEqual([0, 10, 30, 60]);
    expect(totalHeight(o)).toBe(60);
    expect(totalHeight(heights([]))).toBe(0);
  });

  it('finds the row at a height by binary search', () => {
    const o = heights([10, 20, 30]);
    expect(indexAt(o, -5)).toBe(0);
    expect(indexAt(o, 0)).toBe(0);
    expect(indexAt(o, 9.9)).toBe(0);
    expect(indexAt(o, 10)).toBe(1);
    expect(indexAt(o, 59)).toBe(2);
    expect(indexAt(o, 1000)).toBe(2);
  });

  it('renders only the rows in the viewport and the overscan, whatever the length', () => {
    const o = computeOffsets(100_000, () => 50);
    const r = visibleRange(o, 2_500_000, 800, 200);
    // 800 px of 50 px rows, plus 200 px on each side: about 24 rows.
    expect(r.start).toBe((2_500_000 - 200) / 50);
    expect(r.end - r.start).toBeLessThanOrEqual(26);
    expect(visibleRange(o, 0, 800, 0)).toEqual({ start: 0, end: 17 });
    const atEnd = visibleRange(o, bottomScrollTop(totalHeight(o), 800), 800, 100);
    expect(atEnd.end).toBe(100_000);
    expect(visibleRange(heights([]), 0, 800, 100)).toEqual({ start: 0, end: 0 });
  });

  it('keeps the anchor row still when older rows are prepended above it', () => {
    const keys = ['c', 'd', 'e'];
    const before = heights([40, 40, 40]);
    const anchor = anchorAt(before, keys, 50); // row d, 10 px above the top
    expect(anchor).toEqual({ key: 'd', delta: -10 });
    // Two older rows of 100 px arrive above.
    const keys2 = ['a', 'b', ...keys];
    const after = heights([100, 100, 40, 40, 40]);
    const top = scrollTopForAnchor(after, (k) => keys2.indexOf(k), must(anchor));
    expect(top).toBe(250);
    // The same row is at the same place on screen.
    expect((after[keys2.indexOf('d')] ?? 0) - (top ?? 0)).toBe(-10);
  });

  it('keeps the anchor still when a row above is re-measured', () => {
    const keys = ['a', 'b', 'c'];
    const estimated = heights([50, 50, 50]);
    const anchor = must(anchorAt(estimated, keys, 60)); // row b
    const measured = heights([80, 50, 50]); // a was taller than estimated
    expect(scrollTopForAnchor(measured, (k) => keys.indexOf(k), anchor)).toBe(90);
    // Rows above measured shorter than estimated at the very top: a
    // position above the top, which the list clamps.
    const atTop = must(anchorAt(estimated, keys, 0, (k) => k === 'a')); // b, 50 px down
    expect(scrollTopForAnchor(heights([20, 50, 50]), (k) => keys.indexOf(k), atTop)).toBe(-30);
    // A row that is gone: no position.
    expect(scrollTopForAnchor(measured, () => -1, anchor)).toBeNull();
  });

  it('skips a row that ends exactly at the top when choosing the anchor', () => {
    expect(anchorAt(heights([10, 10, 10]), ['a', 'b', 'c'], 10)).toEqual({ key: 'b', delta: 0 });
    expect(anchorAt(heights([]), [], 0)).toBeNull();
  });

  it('does not anchor on a loader row that stays first when a page is prepended', () => {
    const keys = ['start', 'm1', 'm2'];
    const o = heights([96, 40, 40]);
    const anchor = anchorAt(o, keys, 0, (k) => k === 'start');
    expect(anchor).toEqual({ key: 'm1', delta: 96 });
    // 100 rows of 40 px arrive between the loader and m1: m1 stays 96 px from the top.
    const keys2 = ['start', ...Array.from({ length: 100 }, (_, i) => `o${i}`), 'm1', 'm2'];
    const o2 = computeOffsets(keys2.length, (i) => (i === 0 ? 96 : 40));
    expect(scrollTopForAnchor(o2, (k) => keys2.indexOf(k), must(anchor))).toBe(4000);
  });

  it('knows when the viewport shows the end', () => {
    expect(isAtBottom(200, 800, 1000)).toBe(true);
    expect(isAtBottom(195, 800, 1000)).toBe(true); // within tolerance
    expect(isAtBottom(150, 800, 1000)).toBe(false);
    expect(bottomScrollTop(1000, 800)).toBe(200);
    expect(bottomScrollTop(500, 800)).toBe(0);
  });

  it('caches heights by key and ignores sub-pixel jitter', () => {
    const c = new HeightCache();
    expect(c.set('a', 40)).toBe(true);
    expect(c.set('a', 40.3)).toBe(false);
    expect(c.set('a', 44)).toBe(true);
    expect(c.get('a')).toBe(44);
    expect(c.version).toBe(2);
    c.set('b', 10);
    c.retain(['b']);
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(1);
  });

  it('keeps the heights of rows kept at the start and the end, asking only for the others', () => {
    const asked: number[] = [];
    const h = (keys: string[]) => (i: number) => {
      asked.push(i);
      return Number((keys[i] ?? '').slice(1));
    };
    const before = ['s', 'd1', 'a10', 'a20', 'a30'];
    const heightsBefore = Float64Array.from([96, 40, 10, 20, 30]);
    // An older page: after the first row ('s') and before the old rows.
    const prepended = ['s', 'd1', 'p5', 'p6', 'q1', 'a10', 'a20', 'a30'];
    const got = alignHeights(before, heightsBefore, prepended, h(prepended));
    expect([...got]).toEqual([96, 40, 5, 6, 1, 10, 20, 30]);
    expect(asked).toEqual([2, 3, 4]);
    asked.length = 0;
    // New rows at the end.
    const appended = [...before, 'a40'];
    expect([...alignHeights(before, heightsBefore, appended, h(appended))]).toEqual([
      96, 40, 10, 20, 30, 40,
    ]);
    expect(asked).toEqual([5]);
    asked.length = 0;
    // Nothing in common: every row asked.
    const other = ['x1', 'x2'];
    expect([...alignHeights(before, heightsBefore, other, h(other))]).toEqual([1, 2]);
    expect(asked).toEqual([0, 1]);
    // Rows removed from the middle.
    asked.length = 0;
    const removed = ['s', 'd1', 'a30'];
    expect([...alignHeights(before, heightsBefore, removed, h(removed))]).toEqual([96, 40, 30]);
    expect(asked).toEqual([]);
    expect([...offsetsOf(Float64Array.from([10, -5, 20]))]).toEqual([0, 10, 10, 30]);
  });

  it('lays rows out from render to render like a whole computation, at the cost of what changed', () => {
    const cache = new HeightCache();
    const estimate = (k: string) => k.length * 10;
    let asked = 0;
    const layout = new RowLayout();
    const offsets = (keys: string[], est = estimate) =>
      layout.offsets(
        keys,
        (i) => {
          asked += 1;
          return cache.get(keys[i] ?? '') ?? est(keys[i] ?? '');
        },
        [cache, est],
      );
    const whole = (keys: string[]) => [
      ...computeOffsets(keys.length, (i) => cache.get(keys[i] ?? '') ?? estimate(keys[i] ?? '')),
    ];
    let keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
    expect([...offsets(keys)]).toEqual(whole(keys));
    expect(asked).toBe(1000);
    asked = 0;
    // An older page of 100 rows.
    keys = [...Array.from({ length: 100 }, (_, i) => `old${i}`), ...keys];
    expect([...offsets(keys)]).toEqual(whole(keys));
    expect(asked).toBe(100);
    asked = 0;
    // Rows measured: only they are asked again.
    cache.set('k500', 123);
    layout.measured('k500');
    cache.set('old3', 7);
    layout.measured('old3');
    layout.measured('gone');
    expect([...offsets(keys)]).toEqual(whole(keys));
    expect(asked).toBe(2);
    expect(layout.indexOf(keys, 'k999')).toBe(1099);
    expect(layout.indexOf(keys, 'nope')).toBe(-1);
    // Another estimate: everything asked again.
    asked = 0;
    const est2 = (k: string) => k.length;
    offsets(keys, est2);
    expect(asked).toBe(1100);
  });
});
