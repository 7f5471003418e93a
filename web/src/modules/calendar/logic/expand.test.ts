// The browser's expansion of armoured events (Paris time for all-day days):
// each frequency and INTERVAL, COUNT and UNTIL (a date, an instant), the
// local hour kept across daylight saving, the 31st and 29 February
// skipped (and not counted), a range far into a long series, the step
// bound, occurrences in the plain server's shape, and the reader's answer
// on each (to the series, or to that occurrence apart).
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventCard } from '../../../armour/format';
import {
  expandEvents,
  instanceOf,
  instancesBefore,
  madeInstances,
  occurrencesOf,
  zoneOffset,
  type ExpandedEvent,
} from './expand';

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

function timed(start: string, end: string, rrule: string | null, timezone: string | null = null) {
  return event({ start, end, rrule, timezone, all_day: false });
}

function event(o: Partial<EventCard>, id = 'e1'): ExpandedEvent {
  return {
    id,
    workspace_id: 'w1',
    card: {
      title: 'Revue',
      description: '',
      location: 'Salle 2',
      start: '2026-12-10T08:00:00.000Z',
      end: '2026-12-10T09:00:00.000Z',
      all_day: false,
      timezone: null,
      rrule: null,
      exdates: [],
      overrides: [],
      ...o,
    },
  };
}

const ms = (iso: string) => Date.parse(iso);
const starts = (e: ExpandedEvent, from: string, to: string, maxSteps?: number) =>
  occurrencesOf(e, ms(from), ms(to), maxSteps).map((o) => o.start);

describe('occurrencesOf', () => {
  it('gives an event without a rule once, in the plain server’s shape', () => {
    expect(occurrencesOf(event({}), ms('2026-12-01T00:00Z'), ms('2027-01-01T00:00Z'))).toEqual([
      {
        event_id: 'e1',
        workspace_id: 'w1',
        kind: 'event',
        title: 'Revue',
        location: 'Salle 2',
        start: '2026-12-10T08:00:00.000Z',
        end: '2026-12-10T09:00:00.000Z',
        all_day: false,
        recurring: false,
        recurrence_id: null,
        partstat: null,
      },
    ]);
    // Ending as the range starts, starting as it ends: outside.
    expect(starts(event({}), '2026-12-10T09:00Z', '2026-12-11T00:00Z')).toEqual([]);
    expect(starts(event({}), '2026-12-09T00:00Z', '2026-12-10T08:00Z')).toEqual([]);
    // Without length, in the range when it starts there.
    const instant = event({ end: '2026-12-10T08:00:00.000Z' });
    expect(starts(instant, '2026-12-10T08:00Z', '2026-12-10T09:00Z')).toHaveLength(1);
  });

  it('repeats daily, with an interval, each instance as long as the first', () => {
    const e = timed(
      '2026-12-01T08:00:00.000Z',
      '2026-12-01T09:30:00.000Z',
      'FREQ=DAILY;INTERVAL=3',
    );
    const list = occurrencesOf(e, ms('2026-12-01T00:00Z'), ms('2026-12-11T00:00Z'));
    expect(list.map((o) => [o.start, o.end])).toEqual([
      ['2026-12-01T08:00:00.000Z', '2026-12-01T09:30:00.000Z'],
      ['2026-12-04T08:00:00.000Z', '2026-12-04T09:30:00.000Z'],
      ['2026-12-07T08:00:00.000Z', '2026-12-07T09:30:00.000Z'],
      ['2026-12-10T08:00:00.000Z', '2026-12-10T09:30:00.000Z'],
    ]);
    expect(list[1]).toMatchObject({ recurring: true, recurrence_id: '2026-12-04T08:00:00.000Z' });
  });

  it('repeats weekly, monthly and yearly', () => {
    const weekly = timed('2026-12-01T08:00:00.000Z', '2026-12-01T09:00:00.000Z', 'FREQ=WEEKLY');
    expect(starts(weekly, '2026-12-01T00:00Z', '2026-12-20T00:00Z')).toEqual([
      '2026-12-01T08:00:00.000Z',
      '2026-12-08T08:00:00.000Z',
      '2026-12-15T08:00:00.000Z',
    ]);
    const monthly = timed('2026-01-15T08:00:00.000Z', '2026-01-15T09:00:00.000Z', 'FREQ=MONTHLY');
    expect(starts(monthly, '2026-02-01T00:00Z', '2026-05-01T00:00Z')).toEqual([
      '2026-02-15T08:00:00.000Z',
      '2026-03-15T08:00:00.000Z',
      '2026-04-15T08:00:00.000Z',
    ]);
    const yearly = timed(
      '2026-06-01T08:00:00.000Z',
      '2026-06-01T09:00:00.000Z',
      'FREQ=YEARLY;INTERVAL=2',
    );
    expect(starts(yearly, '2026-01-01T00:00Z', '2033-01-01T00:00Z')).toEqual([
      '2026-06-01T08:00:00.000Z',
      '2028-06-01T08:00:00.000Z',
      '2030-06-01T08:00:00.000Z',
      '2032-06-01T08:00:00.000Z',
    ]);
  });

  it('stops after COUNT instances, and at UNTIL (a date or an instant, inclusive)', () => {
    const count = timed(
      '2026-12-01T08:00:00.000Z',
      '2026-12-01T09:00:00.000Z',
      'FREQ=DAILY;COUNT=3',
    );
    expect(starts(count, '2026-11-01T00:00Z', '2027-01-01T00:00Z')).toEqual([
      '2026-12-01T08:00:00.000Z',
      '2026-12-02T08:00:00.000Z',
      '2026-12-03T08:00:00.000Z',
    ]);
    // COUNT counts from the first instance, not from the range.
    expect(starts(count, '2026-12-03T00:00Z', '2027-01-01T00:00Z')).toEqual([
      '2026-12-03T08:00:00.000Z',
    ]);
    const instant = timed(
      '2026-12-01T08:00:00.000Z',
      '2026-12-01T09:00:00.000Z',
      'FREQ=DAILY;UNTIL=20261203T080000Z',
    );
    expect(starts(instant, '2026-11-01T00:00Z', '2027-01-01T00:00Z')).toHaveLength(3);
    const date = event({
      all_day: true,
      start: '2026-12-01',
      end: '2026-12-02',
      rrule: 'FREQ=WEEKLY;UNTIL=20261215',
    });
    expect(starts(date, '2026-11-01T00:00Z', '2027-01-01T00:00Z')).toEqual([
      '2026-12-01',
      '2026-12-08',
      '2026-12-15',
    ]);
  });

  it('keeps 09:00 in Paris across the changes of March and October', () => {
    // Mondays at 09:00 in Paris: 08:00 UTC in winter, 07:00 in summer.
    const e = timed(
      '2026-03-16T08:00:00.000Z',
      '2026-03-16T09:00:00.000Z',
      'FREQ=WEEKLY',
      'Europe/Paris',
    );
    expect(starts(e, '2026-03-16T00:00Z', '2026-04-07T00:00Z')).toEqual([
      '2026-03-16T08:00:00.000Z',
      '2026-03-23T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-04-06T07:00:00.000Z',
    ]);
    expect(starts(e, '2026-10-19T00:00Z', '2026-11-03T00:00Z')).toEqual([
      '2026-10-19T07:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
      '2026-11-02T08:00:00.000Z',
    ]);
    // Without a zone, UTC's hour is kept.
    const utc = timed('2026-03-16T08:00:00.000Z', '2026-03-16T09:00:00.000Z', 'FREQ=WEEKLY');
    expect(starts(utc, '2026-03-30T00:00Z', '2026-03-31T00:00Z')).toEqual([
      '2026-03-30T08:00:00.000Z',
    ]);
  });

  it('reads a time the clocks skip with the offset before the change, one shown twice as the first', () => {
    // 02:30 in Paris does not exist on 29 March 2026: 03:30 (01:30 UTC).
    const skipped = timed(
      '2026-03-28T01:30:00.000Z',
      '2026-03-28T02:00:00.000Z',
      'FREQ=DAILY;COUNT=2',
      'Europe/Paris',
    );
    expect(starts(skipped, '2026-03-01T00:00Z', '2026-04-01T00:00Z')).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:30:00.000Z',
    ]);
    // 02:30 happens twice on 25 October 2026: the first (00:30 UTC).
    const twice = timed(
      '2026-10-24T00:30:00.000Z',
      '2026-10-24T01:00:00.000Z',
      'FREQ=DAILY;COUNT=2',
      'Europe/Paris',
    );
    expect(starts(twice, '2026-10-01T00:00Z', '2026-11-01T00:00Z')).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
    ]);
  });

  it('skips the months without a 31st, and does not count them', () => {
    const e = timed('2026-01-31T08:00:00.000Z', '2026-01-31T09:00:00.000Z', 'FREQ=MONTHLY;COUNT=4');
    expect(starts(e, '2026-01-01T00:00Z', '2027-01-01T00:00Z')).toEqual([
      '2026-01-31T08:00:00.000Z',
      '2026-03-31T08:00:00.000Z',
      '2026-05-31T08:00:00.000Z',
      '2026-07-31T08:00:00.000Z',
    ]);
  });

  it('skips the years without 29 February', () => {
    const e = event({
      all_day: true,
      start: '2024-02-29',
      end: '2024-03-01',
      rrule: 'FREQ=YEARLY;COUNT=3',
    });
    const list = occurrencesOf(e, ms('2024-01-01T00:00Z'), ms('2040-01-01T00:00Z'));
    expect(list.map((o) => [o.start, o.end])).toEqual([
      ['2024-02-29', '2024-03-01'],
      ['2028-02-29', '2028-03-01'],
      ['2032-02-29', '2032-03-01'],
    ]);
  });

  it('puts all-day events on the reader’s days, as long as the first', () => {
    const e = event({
      all_day: true,
      start: '2026-12-07',
      end: '2026-12-09',
      rrule: 'FREQ=WEEKLY',
    });
    // Paris midnight of 14 December is 23:00 UTC on the 13th.
    expect(starts(e, '2026-12-13T23:00:00.000Z', '2026-12-20T23:00:00.000Z')).toEqual([
      '2026-12-14',
    ]);
    expect(starts(e, '2026-12-20T23:00:00.000Z', '2026-12-21T23:00:00.000Z')).toEqual([
      '2026-12-21',
    ]);
    // The two days of an instance: the second one's range meets it too.
    expect(starts(e, '2026-12-21T23:00:00.000Z', '2026-12-22T23:00:00.000Z')).toEqual([
      '2026-12-21',
    ]);
  });

  it('finds a range far into a long series without stepping from the start', () => {
    const daily = timed('2026-01-01T08:00:00.000Z', '2026-01-01T09:00:00.000Z', 'FREQ=DAILY');
    // 100 years on: beyond 20,000 steps from the first instance.
    expect(starts(daily, '2126-01-01T00:00Z', '2126-01-03T00:00Z', 50)).toEqual([
      '2126-01-01T08:00:00.000Z',
      '2126-01-02T08:00:00.000Z',
    ]);
    const monthly = timed('2026-01-31T08:00:00.000Z', '2026-01-31T09:00:00.000Z', 'FREQ=MONTHLY');
    expect(starts(monthly, '2040-01-01T00:00Z', '2040-08-01T00:00Z', 50)).toEqual([
      '2040-01-31T08:00:00.000Z',
      '2040-03-31T08:00:00.000Z',
      '2040-05-31T08:00:00.000Z',
      '2040-07-31T08:00:00.000Z',
    ]);
  });

  it('takes at most the steps it is allowed', () => {
    const daily = timed('2026-01-01T08:00:00.000Z', '2026-01-01T09:00:00.000Z', 'FREQ=DAILY');
    expect(starts(daily, '2026-01-01T00:00Z', '2027-01-01T00:00Z', 10)).toHaveLength(10);
  });
});

describe('occurrences changed apart and cancelled', () => {
  const weekly = (o: Partial<EventCard> = {}) =>
    event({
      start: '2026-12-01T08:00:00.000Z',
      end: '2026-12-01T09:00:00.000Z',
      rrule: 'FREQ=WEEKLY;COUNT=4',
      ...o,
    });
  const december = (e: ExpandedEvent) =>
    occurrencesOf(e, ms('2026-11-01T00:00Z'), ms('2027-02-01T00:00Z'));

  it('leaves a cancelled instance out, still counted by COUNT', () => {
    const e = weekly({ exdates: ['2026-12-08T08:00:00.000Z'] });
    expect(december(e).map((o) => o.start)).toEqual([
      '2026-12-01T08:00:00.000Z',
      '2026-12-15T08:00:00.000Z',
      '2026-12-22T08:00:00.000Z',
    ]);
    // However the instant is written.
    const offset = weekly({ exdates: ['2026-12-08T09:00:00+01:00'] });
    expect(december(offset)).toHaveLength(3);
  });

  it('shows a changed instance at its new time with its own texts, named by its original start', () => {
    const e = weekly({
      overrides: [
        {
          recurrence_id: '2026-12-08T08:00:00.000Z',
          start: '2026-12-09T13:00:00.000Z',
          end: '2026-12-09T15:00:00.000Z',
          title: 'Revue déplacée',
        },
      ],
    });
    const list = december(e);
    expect(list.map((o) => [o.start, o.end, o.title, o.location, o.recurrence_id])).toEqual([
      [
        '2026-12-01T08:00:00.000Z',
        '2026-12-01T09:00:00.000Z',
        'Revue',
        'Salle 2',
        '2026-12-01T08:00:00.000Z',
      ],
      [
        '2026-12-09T13:00:00.000Z',
        '2026-12-09T15:00:00.000Z',
        'Revue déplacée',
        'Salle 2',
        '2026-12-08T08:00:00.000Z',
      ],
      [
        '2026-12-15T08:00:00.000Z',
        '2026-12-15T09:00:00.000Z',
        'Revue',
        'Salle 2',
        '2026-12-15T08:00:00.000Z',
      ],
      [
        '2026-12-22T08:00:00.000Z',
        '2026-12-22T09:00:00.000Z',
        'Revue',
        'Salle 2',
        '2026-12-22T08:00:00.000Z',
      ],
    ]);
  });

  it('finds a changed instance where it is now, not where the rule put it', () => {
    const e = weekly({
      overrides: [
        {
          recurrence_id: '2026-12-22T08:00:00.000Z',
          start: '2026-12-02T08:00:00.000Z',
          end: '2026-12-02T09:00:00.000Z',
        },
      ],
    });
    // Moved into the first week from the fourth: shown there, not in the fourth's.
    const first = occurrencesOf(e, ms('2026-11-30T00:00Z'), ms('2026-12-07T00:00Z'));
    expect(first.map((o) => [o.start, o.recurrence_id])).toEqual([
      ['2026-12-01T08:00:00.000Z', '2026-12-01T08:00:00.000Z'],
      ['2026-12-02T08:00:00.000Z', '2026-12-22T08:00:00.000Z'],
    ]);
    expect(occurrencesOf(e, ms('2026-12-21T00:00Z'), ms('2026-12-28T00:00Z'))).toEqual([]);
  });

  it('leaves out a change of an instance the rule no longer makes, or cancelled', () => {
    const moved = {
      start: '2026-12-02T08:00:00.000Z',
      end: '2026-12-02T09:00:00.000Z',
      title: 'Ailleurs',
    };
    // The fifth week's: COUNT=4 stops before it; 10:00 is no start of the rule.
    const e = weekly({
      overrides: [
        { recurrence_id: '2026-12-29T08:00:00.000Z', ...moved },
        { recurrence_id: '2026-12-08T10:00:00.000Z', ...moved },
      ],
    });
    expect(december(e).map((o) => o.title)).toEqual(['Revue', 'Revue', 'Revue', 'Revue']);
    const cancelled = weekly({
      exdates: ['2026-12-08T08:00:00.000Z'],
      overrides: [{ recurrence_id: '2026-12-08T08:00:00.000Z', ...moved }],
    });
    expect(december(cancelled).map((o) => o.title)).toEqual(['Revue', 'Revue', 'Revue']);
  });

  it('changes and cancels all-day instances by their dates', () => {
    const e = event({
      all_day: true,
      start: '2026-12-07',
      end: '2026-12-08',
      rrule: 'FREQ=WEEKLY;COUNT=3',
      exdates: ['2026-12-14'],
      overrides: [
        { recurrence_id: '2026-12-21', start: '2026-12-23', end: '2026-12-25', location: 'Lyon' },
      ],
    });
    expect(december(e).map((o) => [o.start, o.end, o.location, o.recurrence_id])).toEqual([
      ['2026-12-07', '2026-12-08', 'Salle 2', '2026-12-07'],
      ['2026-12-23', '2026-12-25', 'Lyon', '2026-12-21'],
    ]);
  });
});

describe('the reader’s answers', () => {
  const key = (iso: string) => ms(iso);

  it('says the series’ answer on each occurrence, and an answer apart on its own', () => {
    const e: ExpandedEvent = {
      ...event({
        start: '2026-12-01T08:00:00.000Z',
        end: '2026-12-01T09:00:00.000Z',
        rrule: 'FREQ=WEEKLY;COUNT=4',
        overrides: [
          {
            recurrence_id: '2026-12-15T08:00:00.000Z',
            start: '2026-12-16T13:00:00.000Z',
            end: '2026-12-16T14:00:00.000Z',
          },
        ],
      }),
      partstat: 'accepted',
      answers: new Map([
        [key('2026-12-08T08:00:00.000Z'), 'declined'],
        // Moved since: the answer follows it.
        [key('2026-12-15T08:00:00.000Z'), 'tentative'],
        // An instance the rule does not make: nothing.
        [key('2026-12-29T08:00:00.000Z'), 'declined'],
      ]),
    };
    const list = occurrencesOf(e, ms('2026-11-01T00:00Z'), ms('2027-02-01T00:00Z'));
    expect(list.map((o) => [o.start, o.partstat])).toEqual([
      ['2026-12-01T08:00:00.000Z', 'accepted'],
      ['2026-12-08T08:00:00.000Z', 'declined'],
      ['2026-12-16T13:00:00.000Z', 'tentative'],
      ['2026-12-22T08:00:00.000Z', 'accepted'],
    ]);
  });

  it('names all-day occurrences by their dates', () => {
    const e: ExpandedEvent = {
      ...event({ all_day: true, start: '2026-12-07', end: '2026-12-08', rrule: 'FREQ=DAILY' }),
      partstat: 'needs-action',
      answers: new Map([[Date.UTC(2026, 11, 8), 'accepted']]),
    };
    const list = occurrencesOf(e, ms('2026-12-06T23:00Z'), ms('2026-12-09T23:00Z'));
    expect(list.map((o) => [o.recurrence_id, o.partstat])).toEqual([
      ['2026-12-07', 'needs-action'],
      ['2026-12-08', 'accepted'],
      ['2026-12-09', 'needs-action'],
    ]);
  });

  it('tells which original starts name an instance the rule makes', () => {
    const weekly = event({ rrule: 'FREQ=WEEKLY;COUNT=4' }).card;
    const made = madeInstances(weekly, [
      '2026-12-17T08:00:00.000Z',
      '2026-12-31T09:00:00+01:00',
      // Not a start of the rule, after COUNT, of the other kind, not a time.
      '2026-12-17T08:30:00.000Z',
      '2027-01-07T08:00:00.000Z',
      '2026-12-17',
      'soon',
    ]);
    expect([...made].sort()).toEqual([
      key('2026-12-17T08:00:00.000Z'),
      key('2026-12-31T08:00:00Z'),
    ]);
    expect(madeInstances({ ...weekly, rrule: null }, ['2026-12-10T08:00:00.000Z']).size).toBe(0);
    const days = event({
      all_day: true,
      start: '2026-12-07',
      end: '2026-12-08',
      rrule: 'FREQ=WEEKLY',
    });
    expect([...madeInstances(days.card, ['2026-12-14', '2026-12-15', '2027-06-28'])]).toEqual([
      Date.UTC(2026, 11, 14),
      Date.UTC(2027, 5, 28),
    ]);
  });
});

describe('instanceOf and instancesBefore', () => {
  const card = (o: Partial<EventCard> = {}) => event({ rrule: 'FREQ=WEEKLY;COUNT=4', ...o }).card;

  it('finds the instance an original start names, or none', () => {
    expect(instanceOf(card(), '2026-12-17T08:00:00.000Z')?.end).toBe('2026-12-17T09:00:00.000Z');
    expect(instanceOf(card(), '2026-12-17T09:00:00+01:00')?.start).toBe('2026-12-17T08:00:00.000Z');
    expect(instanceOf(card(), '2026-12-17T08:30:00.000Z')).toBeNull();
    // After COUNT, or without a rule.
    expect(instanceOf(card(), '2027-01-07T08:00:00.000Z')).toBeNull();
    expect(instanceOf(card({ rrule: null }), '2026-12-10T08:00:00.000Z')).toBeNull();
    const days = card({ all_day: true, start: '2026-12-07', end: '2026-12-08' });
    expect(instanceOf(days, '2026-12-14')?.end).toBe('2026-12-15');
    expect(instanceOf(days, '2026-12-15')).toBeNull();
  });

  it('counts the instances before a time as COUNT does, cancelled ones included', () => {
    const c = card({ rrule: 'FREQ=WEEKLY', exdates: ['2026-12-17T08:00:00.000Z'] });
    expect(instancesBefore(c, ms('2026-12-10T08:00:00.000Z'))).toBe(0);
    expect(instancesBefore(c, ms('2026-12-24T08:00:00.000Z'))).toBe(2);
    expect(instancesBefore(c, ms('2026-12-24T08:00:01.000Z'))).toBe(3);
    const days = card({ all_day: true, start: '2026-12-07', end: '2026-12-08' });
    expect(instancesBefore(days, Date.UTC(2026, 11, 21))).toBe(2);
  });
});

describe('zoneOffset', () => {
  /** The offset as Intl gives it, read directly. */
  function intl(zone: string, t: number): number {
    const f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const p: Record<string, number> = {};
    for (const part of f.formatToParts(t)) p[part.type] = Number(part.value);
    const wall = Date.UTC(
      p.year ?? 0,
      (p.month ?? 1) - 1,
      p.day ?? 1,
      (p.hour ?? 0) % 24,
      p.minute ?? 0,
      p.second ?? 0,
    );
    return wall - Math.floor(t / 1000) * 1000;
  }

  it('is the offset Intl gives, at any instant of many zones’ years (their changes read once a year)', () => {
    const zones = [
      'Europe/Paris',
      'America/New_York',
      'Australia/Sydney',
      'Africa/Casablanca',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'Pacific/Chatham',
      'America/Santiago',
      'Europe/Dublin',
      'Asia/Tehran',
    ];
    let s = 7;
    const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const [from, to] = [Date.parse('2015-01-01T00:00:00Z'), Date.parse('2036-01-01T00:00:00Z')];
    for (const zone of zones)
      for (let i = 0; i < 400; i++) {
        const t = Math.floor(from + next() * (to - from));
        expect([zone, t, zoneOffset(zone, t)]).toEqual([zone, t, intl(zone, t)]);
      }
    // At the second the clocks change, and the one before.
    expect(zoneOffset('Europe/Paris', ms('2027-03-28T01:00:00Z'))).toBe(7_200_000);
    expect(zoneOffset('Europe/Paris', ms('2027-03-28T00:59:59Z'))).toBe(3_600_000);
    expect(zoneOffset('Europe/Paris', ms('2027-10-31T01:00:00Z'))).toBe(3_600_000);
    expect(zoneOffset('Europe/Paris', ms('2027-10-31T00:59:59Z'))).toBe(7_200_000);
    expect(zoneOffset('Nowhere/Atlantis', 0)).toBeNull();
  });
});

describe('expandEvents', () => {
  it('orders every event’s instances by start, all-day ones at local midnight', () => {
    const list = expandEvents(
      [
        event({ start: '2026-12-02T10:00:00.000Z', end: '2026-12-02T11:00:00.000Z' }, 'b'),
        event({ all_day: true, start: '2026-12-02', end: '2026-12-03' }, 'c'),
        event(
          {
            start: '2026-12-01T10:00:00.000Z',
            end: '2026-12-01T11:00:00.000Z',
            rrule: 'FREQ=DAILY;COUNT=2',
          },
          'a',
        ),
      ],
      '2026-11-30T23:00:00.000Z',
      '2026-12-07T23:00:00.000Z',
    );
    expect(list.map((o) => `${o.event_id} ${o.start}`)).toEqual([
      'a 2026-12-01T10:00:00.000Z',
      'c 2026-12-02',
      'a 2026-12-02T10:00:00.000Z',
      'b 2026-12-02T10:00:00.000Z',
    ]);
  });
});
