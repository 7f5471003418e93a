// Message lookup, interpolation and plurals; no React here (unit-tested).
export type Locale = 'fr' | 'en';
export const LOCALES: readonly Locale[] = ['fr', 'en'];
export const DEFAULT_LOCALE: Locale = 'fr';

/** A message: plain text with {name} placeholders, or plural forms chosen by {count}. */
export type Plural = { one: string; other: string; zero?: string };
export type Message = string | Plural;
export type Messages = Readonly<Record<string, Message>>;
export type Vars = Readonly<Record<string, string | number>>;

export function isLocale(s: unknown): s is Locale {
  return s === 'fr' || s === 'en';
}

/** The first supported locale among candidates (profile, stored choice, instance default). */
export function pickLocale(...candidates: (string | null | undefined)[]): Locale {
  for (const c of candidates) {
    const short = c?.slice(0, 2).toLowerCase();
    if (isLocale(short)) return short;
  }
  return DEFAULT_LOCALE;
}

export function interpolate(text: string, vars: Vars | undefined, locale: Locale): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? new Intl.NumberFormat(locale).format(v) : v;
  });
}

export function translate(
  messages: Messages,
  fallback: Messages,
  locale: Locale,
  key: string,
  vars?: Vars,
): string {
  const m = messages[key] ?? fallback[key];
  if (m === undefined) return key;
  if (typeof m === 'string') return interpolate(m, vars, locale);
  const count = typeof vars?.count === 'number' ? vars.count : 0;
  let form: string;
  if (count === 0 && m.zero !== undefined) form = m.zero;
  else form = new Intl.PluralRules(locale).select(count) === 'one' ? m.one : m.other;
  return interpolate(form, vars, locale);
}

/** Names joined by the locale's list format ("Alice, Bob et Chloé"). */
export function listOf(names: readonly string[], locale: string): string {
  try {
    return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(names);
  } catch {
    return names.join(', ');
  }
}

export interface Formatters {
  date(iso: string | number | Date): string;
  dateTime(iso: string | number | Date): string;
  number(n: number): string;
  /** "3 minutes ago" / "il y a 3 minutes". */
  relative(iso: string | number | Date, now?: number): string;
}

function toDate(v: string | number | Date): Date {
  return v instanceof Date ? v : new Date(v);
}

export function formatters(locale: Locale): Formatters {
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const number = new Intl.NumberFormat(locale);
  const rel = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const valid = (d: Date) => !Number.isNaN(d.getTime());
  return {
    date: (v) => {
      const d = toDate(v);
      return valid(d) ? date.format(d) : '';
    },
    dateTime: (v) => {
      const d = toDate(v);
      return valid(d) ? dateTime.format(d) : '';
    },
    number: (n) => number.format(n),
    relative: (v, now = Date.now()) => {
      const d = toDate(v);
      if (!valid(d)) return '';
      const s = Math.round((d.getTime() - now) / 1000);
      const abs = Math.abs(s);
      if (abs < 45) return rel.format(0, 'second');
      if (abs < 3600) return rel.format(Math.round(s / 60), 'minute');
      if (abs < 86400) return rel.format(Math.round(s / 3600), 'hour');
      if (abs < 86400 * 30) return rel.format(Math.round(s / 86400), 'day');
      return date.format(d);
    },
  };
}
