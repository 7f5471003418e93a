// The form's "repeat" choice and an RRULE value (RFC 5545, 3.3.10). Only
// the plain rules are made here (every day, week, month or year, until a
// day or a number of times); a rule a calendar application made
// (BYDAY=MO,WE, INTERVAL=2…) reads as "custom" and is kept as it is.
import { dayKey, isDayKey } from './dates';

export const REPEATS = ['none', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export type Repeat = (typeof REPEATS)[number];

/** How a repetition ends. */
export type RepeatEnd =
  { kind: 'never' } | { kind: 'until'; date: string } | { kind: 'count'; count: number };

const FREQ: Record<Exclude<Repeat, 'none'>, string> = {
  daily: 'DAILY',
  weekly: 'WEEKLY',
  monthly: 'MONTHLY',
  yearly: 'YEARLY',
};

/** The largest number of times the form offers (the server bounds expansion anyway). */
export const MAX_COUNT = 1000;

/**
 * The RRULE of a choice; null for none. UNTIL takes the start's value type
 * (RFC 5545): a date for all-day events, else the UTC instant ending that
 * local day.
 */
export function rruleOf(repeat: Repeat, end: RepeatEnd, allDay: boolean): string | null {
  if (repeat === 'none') return null;
  let rule = `FREQ=${FREQ[repeat]}`;
  if (end.kind === 'count') rule += `;COUNT=${end.count}`;
  if (end.kind === 'until' && isDayKey(end.date)) {
    const compact = end.date.replaceAll('-', '');
    if (allDay) {
      rule += `;UNTIL=${compact}`;
    } else {
      const [y, m, d] = end.date.split('-').map(Number) as [number, number, number];
      const last = new Date(y, m - 1, d, 23, 59, 59);
      rule += `;UNTIL=${last
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '')}`;
    }
  }
  return rule;
}

/** What the form shows for a rule: a plain choice, or "custom" (kept unless changed). */
export function repeatOf(rrule: string | null | undefined): {
  repeat: Repeat | 'custom';
  end: RepeatEnd;
} {
  if (!rrule) return { repeat: 'none', end: { kind: 'never' } };
  const parts = new Map<string, string>();
  for (const p of rrule.split(';')) {
    const [k, v, ...rest] = p.split('=');
    if (!k || v === undefined || rest.length || parts.has(k.toUpperCase())) {
      return { repeat: 'custom', end: { kind: 'never' } };
    }
    parts.set(k.toUpperCase(), v.toUpperCase());
  }
  const custom = { repeat: 'custom' as const, end: { kind: 'never' as const } };
  const freq = parts.get('FREQ');
  const repeat = (Object.keys(FREQ) as (keyof typeof FREQ)[]).find((r) => FREQ[r] === freq);
  if (!repeat) return custom;
  for (const k of parts.keys()) {
    // WKST changes nothing for these rules, INTERVAL=1 is the default.
    if (k === 'FREQ' || k === 'COUNT' || k === 'UNTIL' || k === 'WKST') continue;
    if (k === 'INTERVAL' && parts.get(k) === '1') continue;
    return custom;
  }
  const count = parts.get('COUNT');
  const until = parts.get('UNTIL');
  if (count !== undefined && until !== undefined) return custom;
  if (count !== undefined) {
    const n = Number(count);
    if (!/^\d+$/.test(count) || n < 1) return custom;
    return { repeat, end: { kind: 'count', count: n } };
  }
  if (until !== undefined) {
    const date = untilDay(until);
    return date ? { repeat, end: { kind: 'until', date } } : custom;
  }
  return { repeat, end: { kind: 'never' } };
}

/** The local day an UNTIL value ends on: a date as it is, a UTC instant on the local calendar. */
function untilDay(v: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(v);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, z] = m;
  if (h === undefined) {
    const key = `${y}-${mo}-${d}`;
    return isDayKey(key) ? key : null;
  }
  const at = z
    ? new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)))
    : new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return Number.isNaN(at.getTime()) ? null : dayKey(at);
}
