import { describe, expect, it } from 'vitest';
import { barsOf, CHART_HEIGHT, colourOf, peakOf, scaleTop, seriesOf, totalOf } from './chart';
import { activity } from './fixtures.test-util';

describe('the activity chart', () => {
  const days = activity(3, {
    '2026-12-02': { workspace: 1, chat: 3 },
    '2026-12-04': { files: 4, wiki: 2, chat: 2 },
  });

  it('lists the modules with activity in the page’s order, unknown ones last', () => {
    expect(seriesOf(days)).toEqual(['chat', 'files', 'workspace', 'wiki']);
    expect(seriesOf(activity(3))).toEqual([]);
  });

  it('sums the period and finds its busiest day', () => {
    expect(totalOf(days)).toBe(12);
    expect(peakOf(days)?.day).toBe('2026-12-04');
    expect(peakOf(activity(3))).toBeNull();
  });

  it('chooses an even scale top, so the middle line is whole', () => {
    expect([0, 1, 2, 3, 5, 7, 9, 11, 17, 21, 26, 45, 99, 120, 1234].map(scaleTop)).toEqual([
      2, 2, 2, 4, 6, 8, 10, 20, 20, 30, 30, 50, 100, 200, 2000,
    ]);
  });

  it('stacks each day’s modules from the bottom, a day without activity without bars', () => {
    const series = seriesOf(days);
    const bars = barsOf(days, series, 10);
    expect(bars.map((b) => b.day)).toEqual([
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
    ]);
    expect(bars[0]?.segments).toEqual([]);
    expect(bars[1]?.x).toBe(11);
    expect(bars[1]?.segments).toEqual([
      { module: 'chat', value: 3, y: CHART_HEIGHT - 30, height: 30 },
      { module: 'workspace', value: 1, y: CHART_HEIGHT - 40, height: 10 },
    ]);
    expect(bars[3]?.segments.map((s) => [s.module, s.y, s.height])).toEqual([
      ['chat', 80, 20],
      ['files', 40, 40],
      ['wiki', 20, 20],
    ]);
  });

  it('gives a total the modules do not explain its own share', () => {
    const [bar] = barsOf([{ day: '2026-12-04', total: 5, by_module: { chat: 2 } }], ['chat'], 10);
    expect(bar?.segments.map((s) => [s.module, s.value])).toEqual([
      ['chat', 2],
      ['', 3],
    ]);
  });

  it('keeps each module’s colour whatever else is shown', () => {
    expect(colourOf('chat')).toBe(1);
    expect(colourOf('workspace')).toBe(7);
    expect(colourOf('wiki')).toBe(8);
  });
});
