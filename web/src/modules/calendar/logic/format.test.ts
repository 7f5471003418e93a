// Dates and times in the reader's language.
import { beforeAll, describe, expect, it } from 'vitest';
import { allDay, occurrence } from './fixtures.test-util';
import {
  dayLabel,
  formatTimeRange,
  hourLabels,
  monthShort,
  periodTitle,
  weekdayNames,
  whenText,
} from './format';

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

// Intl separates some parts with narrow or thin spaces: compared as plain spaces.
const plain = (s: string) => s.replace(/[\u202f\u2009\u00a0]/g, ' ');

describe('titles and headers', () => {
  it('names the period shown', () => {
    expect(periodTitle('month', '2026-12-10', 'fr')).toBe('Décembre 2026');
    expect(periodTitle('month', '2026-12-10', 'en')).toBe('December 2026');
    expect(plain(periodTitle('week', '2026-12-10', 'fr'))).toBe('7–13 décembre 2026');
    expect(plain(periodTitle('week', '2026-12-31', 'en'))).toBe(
      'December 28, 2026 – January 3, 2027',
    );
  });

  it('starts the week on Monday', () => {
    expect(weekdayNames('fr', 'long')).toEqual([
      'lundi',
      'mardi',
      'mercredi',
      'jeudi',
      'vendredi',
      'samedi',
      'dimanche',
    ]);
    expect(weekdayNames('en', 'short')[0]).toBe('Mon');
  });

  it('names days and hours', () => {
    expect(dayLabel('2026-12-10', 'fr')).toBe('jeudi 10 décembre 2026');
    expect(monthShort('2027-01-01', 'fr')).toBe('janv.');
    expect(monthShort('2027-01-01', 'en')).toBe('Jan');
    expect(hourLabels('fr').slice(0, 2)).toEqual(['00:00', '01:00']);
    expect(plain(hourLabels('en')[13] ?? '')).toBe('1:00 PM');
  });
});

describe('when an occurrence takes place', () => {
  it('says the day and the hours, on the local clock', () => {
    const o = occurrence('a', '2026-12-10T08:00:00Z', '2026-12-10T09:30:00Z');
    expect(plain(formatTimeRange(o.start ?? '', o.end ?? '', 'fr'))).toBe('09:00 – 10:30');
    expect(plain(whenText(o, 'fr'))).toBe('jeudi 10 décembre 2026, 09:00 – 10:30');
  });

  it('says the last day of an all-day occurrence, not the exclusive end', () => {
    expect(whenText(allDay('a', '2026-12-10', '2026-12-11'), 'fr')).toBe('jeudi 10 décembre 2026');
    expect(plain(whenText(allDay('a', '2026-12-10', '2026-12-13'), 'fr'))).toBe(
      'jeudi 10 – samedi 12 décembre 2026',
    );
  });
});
