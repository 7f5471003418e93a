import { describe, expect, it } from 'vitest';
import { formatters, interpolate, pickLocale, translate, type Message } from './core';
import { en } from './en';
import { fr } from './fr';

const placeholders = (m: Message) =>
  [...(typeof m === 'string' ? m : Object.values(m).join(' ')).matchAll(/\{(\w+)\}/g)]
    .map((x) => x[1])
    .sort();

describe('catalogues', () => {
  it('English has exactly the French keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  });

  it('every translation uses the same placeholders', () => {
    for (const key of Object.keys(fr) as (keyof typeof fr)[]) {
      expect([key, [...new Set(placeholders(en[key]))]]).toEqual([
        key,
        [...new Set(placeholders(fr[key]))],
      ]);
    }
  });

  it('has no empty message', () => {
    for (const [k, v] of [...Object.entries(fr), ...Object.entries(en)]) {
      const texts = typeof v === 'string' ? [v] : Object.values(v);
      for (const t of texts) expect([k, t.trim().length > 0]).toEqual([k, true]);
    }
  });
});

describe('translate', () => {
  it('interpolates, formatting numbers for the locale', () => {
    expect(translate(fr, fr, 'fr', 'login.title', { instance: 'Ruche' })).toBe('Connexion à Ruche');
    expect(translate(en, fr, 'en', 'login.title', { instance: 'Ruche' })).toBe('Sign in to Ruche');
    expect(interpolate('{n} octets', { n: 1234567 }, 'fr')).toBe('1\u202f234\u202f567 octets');
    expect(interpolate('{n} bytes', { n: 1234567 }, 'en')).toBe('1,234,567 bytes');
    expect(interpolate('{missing} stays', {}, 'en')).toBe('{missing} stays');
  });

  it('chooses plural forms by the locale’s rules', () => {
    // French: 0 and 1 are singular; English: only 1.
    const m = { x: { one: '{count} membre', other: '{count} membres' } };
    expect(translate(m, m, 'fr', 'x', { count: 0 })).toBe('0 membre');
    expect(translate(m, m, 'fr', 'x', { count: 2 })).toBe('2 membres');
    const e = { x: { one: '{count} member', other: '{count} members' } };
    expect(translate(e, e, 'en', 'x', { count: 0 })).toBe('0 members');
    expect(translate(e, e, 'en', 'x', { count: 1 })).toBe('1 member');
    expect(translate(fr, fr, 'fr', 'nav.unread', { count: 0 })).toBe('Aucun élément non lu');
    expect(translate(en, fr, 'en', 'ws.members_count', { count: 3 })).toBe('3 members');
  });

  it('falls back to French, then to the key', () => {
    expect(translate({}, fr, 'en', 'common.save')).toBe('Enregistrer');
    expect(translate({}, {}, 'en', 'no.such.key')).toBe('no.such.key');
  });
});

describe('locale choice', () => {
  it('takes the first supported candidate, French by default', () => {
    expect(pickLocale('en-GB', 'fr')).toBe('en');
    expect(pickLocale(null, '', 'de', 'EN')).toBe('en');
    expect(pickLocale(undefined)).toBe('fr');
    expect(pickLocale('es')).toBe('fr');
  });
});

describe('formatters', () => {
  const iso = '2026-03-05T14:30:00Z';
  it('formats dates in the locale', () => {
    expect(formatters('fr').date(iso)).toMatch(/5 mars 2026/);
    expect(formatters('en').date(iso)).toMatch(/Mar 5, 2026/);
    expect(formatters('fr').date('not a date')).toBe('');
  });
  it('formats relative times', () => {
    const now = Date.parse(iso);
    expect(formatters('fr').relative(now - 3 * 60_000, now)).toBe('il y a 3 minutes');
    expect(formatters('en').relative(now - 2 * 3_600_000, now)).toBe('2 hours ago');
    expect(formatters('en').relative(now - 5_000, now)).toBe('now');
  });
  it('formats numbers', () => {
    expect(formatters('en').number(1234.5)).toBe('1,234.5');
    expect(formatters('fr').number(1234.5)).toBe('1\u202f234,5');
  });
});
