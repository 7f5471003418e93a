// The activity chart's geometry, in the SVG's own units: one slot of
// SLOT units per day, bars CHART_HEIGHT high at most, each day's bar a
// stack of its modules (in the page's module order, the first at the bottom).
import type { ReportDay } from '../../../api';
import { byModuleOrder } from './format';

export const SLOT = 10;
export const BAR_WIDTH = 8;
export const CHART_HEIGHT = 100;

/** A module's colour among the chart's (tokens --color-chart-1..8): the same one on every period. */
const COLOURS: Readonly<Record<string, number>> = {
  chat: 1,
  files: 2,
  tasks: 3,
  calendar: 4,
  calls: 5,
  reports: 6,
  workspace: 7,
};

export function colourOf(module: string): number {
  return COLOURS[module] ?? 8;
}

export interface Segment {
  module: string;
  value: number;
  y: number;
  height: number;
}

export interface Bar {
  day: string;
  total: number;
  x: number;
  /** Bottom first; none on a day without activity. */
  segments: Segment[];
}

/** The modules with activity in the period, in the page's order. */
export function seriesOf(activity: readonly ReportDay[]): string[] {
  const seen = new Set<string>();
  for (const d of activity)
    for (const [m, n] of Object.entries(d.by_module ?? {})) if (n > 0) seen.add(m);
  return byModuleOrder(seen);
}

/** The period's total. */
export function totalOf(activity: readonly ReportDay[]): number {
  return activity.reduce((s, d) => s + (d.total > 0 ? d.total : 0), 0);
}

/** The busiest day (the first of equals); null when nothing happened. */
export function peakOf(activity: readonly ReportDay[]): ReportDay | null {
  let peak: ReportDay | null = null;
  for (const d of activity) if (d.total > 0 && (!peak || d.total > peak.total)) peak = d;
  return peak;
}

/**
 * The top of the scale: the first of 2, 4, 6, 8, 10, 20, 25… × 10^k that
 * is even and at least `max`, so that the middle line is a whole number too.
 */
export function scaleTop(max: number): number {
  if (!(max > 0)) return 2;
  for (let p = 1; ; p *= 10) {
    for (const m of [1, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
      const v = m * p;
      if (v >= max && Number.isInteger(v) && v % 2 === 0) return v;
    }
  }
}

/**
 * Each day's bar. A module's part is what `by_module` gives; the rest of
 * the total, if any, goes to the modules' "other" share (`""`), so a bar is
 * always as high as its total.
 */
export function barsOf(
  activity: readonly ReportDay[],
  series: readonly string[],
  top: number,
): Bar[] {
  const unit = CHART_HEIGHT / top;
  return activity.map((d, i) => {
    const segments: Segment[] = [];
    let base = 0;
    const add = (module: string, value: number) => {
      if (!(value > 0)) return;
      const height = value * unit;
      segments.push({ module, value, y: CHART_HEIGHT - base - height, height });
      base += height;
    };
    let counted = 0;
    for (const m of series) {
      const v = d.by_module?.[m] ?? 0;
      if (v > 0) counted += v;
      add(m, v);
    }
    add('', d.total - counted);
    return { day: d.day, total: d.total, x: i * SLOT + (SLOT - BAR_WIDTH) / 2, segments };
  });
}
