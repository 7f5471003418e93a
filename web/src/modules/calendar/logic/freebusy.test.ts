// The availability strip's arithmetic (Paris time): who is shown, the
// hours covered, where spans go, conflicts, the words, the next free slot.
import { beforeAll, describe, expect, it } from 'vitest';
import { translate, type Vars } from '../../../i18n/core';
import { en } from '../../../i18n/en';
import { fr, type MessageKey } from '../../../i18n/fr';
import { member } from './fixtures.test-util';
import {
  busyDuring,
  colleaguesOf,
  dayRange,
  hoursIn,
  MAX_FREEBUSY_PEOPLE,
  nextFreeSlot,
  ownSpan,
  placed,
  spansOf,
  stripWindow,
  summaryOf,
  withoutOwn,
  workingHours,
  type Span,
} from './freebusy';

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

const plain = (s: string) => s.replace(/[\u202f\u2009\u00a0]/g, ' ');
const tEn = (key: MessageKey, vars?: Vars) => translate(en, fr, 'en', key, vars);
const tFr = (key: MessageKey, vars?: Vars) => translate(fr, fr, 'fr', key, vars);
/** An instant of 10 December 2026, Paris time (UTC+1). */
const at = (hhmm: string) => Date.parse(`2026-12-10T${hhmm}:00+01:00`);
const span = (from: string, to: string): Span => ({ start: at(from), end: at(to) });

describe('who is shown', () => {
  const people = [
    member('me', 'Camille Durand', 'camille@ruche.test'),
    member('u1', 'Alix Martin', 'alix@ruche.test'),
    member('u2', 'Bo Moreau', 'bo@ruche.test'),
  ];

  it('keeps colleagues, picked by id or known by address, never oneself nor an outsider', () => {
    expect(
      colleaguesOf(
        [
          { user_id: 'u1', email: 'alix@ruche.test', name: 'Alix Martin' },
          { email: 'someone@example.org', name: '' },
          // An event read back: an address only, a member's.
          { email: 'BO@ruche.test', name: '' },
          { email: 'camille@ruche.test', name: 'Camille' },
          { user_id: 'u1', email: 'alix@ruche.test', name: 'Alix again' },
        ],
        people,
        'me',
      ),
    ).toEqual([
      { user_id: 'u1', name: 'Alix Martin' },
      { user_id: 'u2', name: 'Bo Moreau' },
    ]);
  });

  it('asks for at most the server’s limit, oneself included', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      user_id: `x${i}`,
      email: `x${i}@ruche.test`,
      name: `X${i}`,
    }));
    expect(colleaguesOf(many, [], 'me')).toHaveLength(MAX_FREEBUSY_PEOPLE - 1);
  });
});

describe('the hours covered', () => {
  it('asks for the whole local day, shows 07:00–21:00 widened to take in the event', () => {
    expect(dayRange('2026-12-10')).toEqual({
      start: Date.parse('2026-12-09T23:00:00Z'),
      end: Date.parse('2026-12-10T23:00:00Z'),
    });
    expect(workingHours('2026-12-10')).toEqual(span('07:00', '21:00'));
    expect(stripWindow('2026-12-10', null)).toEqual(span('07:00', '21:00'));
    expect(stripWindow('2026-12-10', span('10:00', '11:00'))).toEqual(span('07:00', '21:00'));
    expect(stripWindow('2026-12-10', span('06:30', '21:15'))).toEqual(span('06:00', '22:00'));
    // Never beyond the day.
    expect(
      stripWindow('2026-12-10', {
        start: at('23:00'),
        end: Date.parse('2026-12-11T01:00:00+01:00'),
      }),
    ).toEqual({ start: at('07:00'), end: Date.parse('2026-12-11T00:00:00+01:00') });
  });

  it('keeps the wall clock on a day the clocks change', () => {
    // 29 March 2026: 02:00 becomes 03:00 in Paris (UTC+2 after).
    expect(workingHours('2026-03-29')).toEqual({
      start: Date.parse('2026-03-29T07:00:00+02:00'),
      end: Date.parse('2026-03-29T21:00:00+02:00'),
    });
  });

  it('marks every full hour', () => {
    expect(hoursIn(span('07:00', '10:00'))).toEqual([
      at('07:00'),
      at('08:00'),
      at('09:00'),
      at('10:00'),
    ]);
    expect(hoursIn(span('07:30', '09:00'))).toEqual([at('08:00'), at('09:00')]);
  });
});

describe('spans on the strip', () => {
  it('reads the server’s spans in order, leaving out those that do not read', () => {
    expect(
      spansOf([
        { start: '2026-12-10T13:00:00.000Z', end: '2026-12-10T14:00:00.000Z' },
        { start: 'nonsense', end: '2026-12-10T14:00:00.000Z' },
        { start: '2026-12-10T08:00:00.000Z', end: '2026-12-10T10:00:00.000Z' },
      ]),
    ).toEqual([span('09:00', '11:00'), span('14:00', '15:00')]);
  });

  it('places a span in percent of the window, cut to it; null outside', () => {
    const w = span('07:00', '21:00');
    expect(placed(span('07:00', '21:00'), w)).toEqual({ left: 0, width: 100 });
    const p = placed(span('14:00', '15:45'), w);
    expect(p?.left).toBeCloseTo(50);
    expect(p?.width).toBeCloseTo(12.5);
    expect(placed(span('06:00', '08:24'), w)?.width).toBeCloseTo(10);
    expect(placed(span('05:00', '07:00'), w)).toBeNull();
    expect(placed(span('21:00', '22:00'), w)).toBeNull();
  });

  it('takes out the event’s own time only where a span is exactly it', () => {
    const own = span('10:00', '11:00');
    const spans = [span('08:00', '09:00'), span('10:00', '11:00'), span('10:00', '12:00')];
    expect(withoutOwn(spans, own)).toEqual([span('08:00', '09:00'), span('10:00', '12:00')]);
    expect(withoutOwn(spans, null)).toEqual(spans);
    expect(
      ownSpan({
        start: '2026-12-10T09:00:00.000Z',
        end: '2026-12-10T10:00:00.000Z',
        all_day: false,
      }),
    ).toEqual(own);
    expect(ownSpan({ start: '2026-12-10', end: '2026-12-11', all_day: true })).toBeNull();
  });
});

describe('conflicts and words', () => {
  const busy = [span('09:00', '11:00'), span('14:00', '15:00')];

  it('is a conflict when a span overlaps the event, not when it only touches it', () => {
    expect(busyDuring(busy, span('10:30', '11:30'))).toBe(true);
    expect(busyDuring(busy, span('11:00', '14:00'))).toBe(false);
    expect(busyDuring(busy, span('08:00', '16:00'))).toBe(true);
    expect(busyDuring(busy, span('10:00', '10:00'))).toBe(false);
    expect(busyDuring([], span('10:00', '11:00'))).toBe(false);
  });

  it('says when someone is busy, or free, in both languages', () => {
    expect(plain(summaryOf('Bob', busy, tFr, 'fr'))).toBe(
      'Bob : occupé 09:00 – 11:00, 14:00 – 15:00',
    );
    expect(plain(summaryOf('Bob', busy, tEn, 'en'))).toBe(
      'Bob: busy 9:00 – 11:00 AM, 2:00 – 3:00 PM',
    );
    expect(summaryOf('Bob', [], tFr, 'fr')).toBe('Bob : libre');
    expect(summaryOf('Bob', [], tEn, 'en')).toBe('Bob: free');
  });
});

describe('the next free slot', () => {
  const hours = span('07:00', '21:00');

  it('is the first time after the start when everyone is free for as long', () => {
    const everyone = [[span('09:00', '10:00')], [span('09:30', '11:00'), span('11:30', '12:00')]];
    // An hour from 09:00: 10:00–11:00 is Bob's, 11:00–12:00 cut at 11:30; free at 12:00.
    expect(nextFreeSlot(everyone, span('09:00', '10:00'), hours)).toEqual(span('12:00', '13:00'));
    // Half an hour fits between 11:00 and 11:30.
    expect(nextFreeSlot(everyone, span('09:00', '09:30'), hours)).toEqual(span('11:00', '11:30'));
    // Free already: stays.
    expect(nextFreeSlot(everyone, span('13:00', '14:00'), hours)).toEqual(span('13:00', '14:00'));
  });

  it('starts at the working hours, and finds nothing past them', () => {
    expect(nextFreeSlot([[]], span('05:00', '06:00'), hours)).toEqual(span('07:00', '08:00'));
    expect(nextFreeSlot([[span('19:00', '21:00')]], span('19:30', '20:30'), hours)).toBeNull();
    expect(nextFreeSlot([[]], span('10:00', '10:00'), hours)).toBeNull();
  });
});
