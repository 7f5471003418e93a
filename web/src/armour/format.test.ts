// A calendar event's card as format.ts reads it (docs/armoured.md,
// "Calendar"): its additional data, the rule grammar the browser expands,
// the times (instants or dates that exist, in order), and the limits.
import { describe, expect, it } from 'vitest';
import {
  ARMOURED_MODULES,
  eventCardAd,
  eventInstant,
  formatEventCard,
  formatEventRule,
  isArmourError,
  isEventDate,
  parseEventCard,
  parseEventRule,
  type EventCard,
  type EventOverride,
  type EventRule,
  MAX_CUT_FROM,
  MAX_EVENT_EXCEPTIONS,
} from './format';

const CARD: EventCard = {
  title: 'Revue',
  description: '',
  location: '',
  start: '2026-12-10T08:00:00.000Z',
  end: '2026-12-10T09:00:00.000Z',
  all_day: false,
  timezone: null,
  rrule: null,
  exdates: [],
  overrides: [],
};

describe('calendar cards', () => {
  it('an armoured workspace may have the calendar', () => {
    expect(ARMOURED_MODULES).toContain('calendar');
    expect(ARMOURED_MODULES).not.toContain('reports');
  });

  it('binds a card to its workspace, token, author and key', () => {
    expect(eventCardAd('w', 'tok', 'u', 7)).toBe('ruche-calendar-event-v1\nw\ntok\nu\n7');
  });

  it('reads the rules of the grammar, and nothing else', () => {
    expect(parseEventRule('FREQ=DAILY')).toEqual({
      freq: 'DAILY',
      interval: 1,
      count: null,
      until: null,
    });
    expect(parseEventRule('FREQ=WEEKLY;INTERVAL=2;COUNT=10')).toMatchObject({
      interval: 2,
      count: 10,
    });
    expect(parseEventRule('FREQ=MONTHLY;UNTIL=20270131')).toMatchObject({
      until: { date: '2027-01-31' },
    });
    expect(parseEventRule('FREQ=YEARLY;UNTIL=20270131T225959Z')).toMatchObject({
      until: { instant: Date.parse('2027-01-31T22:59:59Z') },
    });
    for (const refused of [
      '',
      'FREQ=HOURLY',
      'COUNT=2;FREQ=DAILY',
      'FREQ=DAILY;COUNT=0',
      'FREQ=DAILY;COUNT=1001',
      'FREQ=DAILY;INTERVAL=01',
      'FREQ=DAILY;COUNT=2;UNTIL=20270101',
      'FREQ=DAILY;COUNT=2;COUNT=3',
      'FREQ=DAILY;UNTIL=20270230',
      'FREQ=DAILY;UNTIL=20270101T250000Z',
      'FREQ=DAILY;UNTIL=20270101T100000',
      'FREQ=WEEKLY;BYDAY=MO',
      'freq=daily',
    ]) {
      expect([refused, parseEventRule(refused)]).toEqual([refused, null]);
    }
  });

  it('reads instants and dates that exist', () => {
    expect(eventInstant('2026-12-10T09:00:00+01:00')).toBe(Date.parse('2026-12-10T08:00:00Z'));
    expect(eventInstant('2026-12-10T08:00Z')).toBe(Date.parse('2026-12-10T08:00:00Z'));
    expect(eventInstant('2026-02-30T08:00:00Z')).toBeNaN();
    expect(eventInstant('2026-12-10T08:00:00')).toBeNaN();
    expect(eventInstant('2026-12-10')).toBeNaN();
    expect(isEventDate('2028-02-29')).toBe(true);
    expect(isEventDate('2026-02-29')).toBe(false);
  });

  it('writes the fields in order, and reads back only a card within the limits', () => {
    const json = formatEventCard(CARD);
    expect(json).toBe(
      '{"title":"Revue","description":"","location":"","start":"2026-12-10T08:00:00.000Z","end":"2026-12-10T09:00:00.000Z","all_day":false,"timezone":null,"rrule":null}',
    );
    expect(parseEventCard(json)).toEqual(CARD);
    const day = { ...CARD, all_day: true, start: '2026-12-10', end: '2026-12-11' };
    expect(parseEventCard(JSON.stringify(day))).toEqual(day);
    const refused = [
      { ...day, end: '2026-12-10' },
      { ...CARD, all_day: 'no' },
      { ...CARD, timezone: 3 },
      { ...CARD, rrule: 'FREQ=SECONDLY' },
      { ...CARD, title: 'a\tb' },
      { ...CARD, location: 'é'.repeat(151) },
    ];
    for (const c of refused) expect(parseEventCard(JSON.stringify(c))).toBeNull();
    expect(parseEventCard('[]')).toBeNull();
    expect(parseEventCard('not json')).toBeNull();
    try {
      formatEventCard({ ...CARD, title: '' });
      expect.unreachable();
    } catch (e) {
      expect(isArmourError(e, 'malformed')).toBe(true);
    }
  });

  it('writes a rule back as the grammar reads it', () => {
    for (const rule of [
      'FREQ=DAILY',
      'FREQ=WEEKLY;INTERVAL=2;COUNT=10',
      'FREQ=MONTHLY;UNTIL=20270131',
      'FREQ=YEARLY;INTERVAL=3;UNTIL=20270131T225959Z',
    ])
      expect(formatEventRule(parseEventRule(rule) as EventRule)).toBe(rule);
  });

  it('holds the occurrences a repeating card changes and cancels apart, within the limits', () => {
    const weekly: EventCard = {
      ...CARD,
      rrule: 'FREQ=WEEKLY',
      exdates: ['2026-12-17T08:00:00.000Z'],
      overrides: [
        {
          recurrence_id: '2026-12-24T08:00:00.000Z',
          start: '2026-12-23T08:00:00.000Z',
          end: '2026-12-23T09:00:00.000Z',
          title: 'Avant Noël',
        },
      ],
    };
    const json = formatEventCard(weekly);
    expect(json).toContain(
      ',"rrule":"FREQ=WEEKLY","exdates":["2026-12-17T08:00:00.000Z"],"overrides":[{"recurrence_id":"2026-12-24T08:00:00.000Z","start":"2026-12-23T08:00:00.000Z","end":"2026-12-23T09:00:00.000Z","title":"Avant Noël"}]}',
    );
    expect(parseEventCard(json)).toEqual(weekly);
    const o = weekly.overrides[0] as EventOverride;
    const refused = [
      // Without a rule; of the other kind; named twice (however written).
      { ...weekly, rrule: null },
      { ...weekly, exdates: ['2026-12-17'] },
      { ...weekly, exdates: ['2026-12-17T08:00:00.000Z', '2026-12-17T09:00:00+01:00'] },
      { ...weekly, overrides: [o, { ...o, title: 'Encore' }] },
      { ...weekly, exdates: [o.recurrence_id] },
      // An override's times out of order, or its texts over the limits or not strings.
      { ...weekly, overrides: [{ ...o, end: '2026-12-23T07:00:00.000Z' }] },
      { ...weekly, overrides: [{ ...o, title: '' }] },
      { ...weekly, overrides: [{ ...o, location: 'a\nb' }] },
      { ...weekly, overrides: [{ ...o, description: 3 }] },
      { ...weekly, overrides: [{ ...o, recurrence_id: undefined }] },
      { ...weekly, exdates: 'none' },
      // More than the bound.
      {
        ...weekly,
        exdates: Array.from({ length: MAX_EVENT_EXCEPTIONS + 1 }, (_, i) =>
          new Date(Date.UTC(2027, 0, 1) + i * 86_400_000).toISOString(),
        ),
      },
    ];
    for (const c of refused) expect([c, parseEventCard(JSON.stringify(c))]).toEqual([c, null]);
    // A card without them (every card sealed before) reads as having none.
    const old = JSON.parse(json) as Record<string, unknown>;
    delete old.exdates;
    delete old.overrides;
    expect(parseEventCard(JSON.stringify(old))).toEqual({ ...weekly, exdates: [], overrides: [] });
  });

  it('names the series a card was cut from by their tokens, within the limits', () => {
    const token = (i: number) => `${String(i).padStart(21, 'A')}Q`;
    const rest: EventCard = { ...CARD, rrule: 'FREQ=WEEKLY', cut_from: [token(1), token(2)] };
    const json = formatEventCard(rest);
    expect(json.endsWith(`"rrule":"FREQ=WEEKLY","cut_from":["${token(1)}","${token(2)}"]}`)).toBe(
      true,
    );
    expect(parseEventCard(json)).toEqual(rest);
    // None: left out, and read back as absent.
    expect(formatEventCard({ ...rest, cut_from: [] })).not.toContain('cut_from');
    expect(parseEventCard(formatEventCard({ ...rest, cut_from: [] }))).toEqual({
      ...rest,
      cut_from: undefined,
    });
    const refused = [
      { ...rest, cut_from: [token(1), token(1)] },
      { ...rest, cut_from: ['pas un jeton'] },
      { ...rest, cut_from: [3] },
      { ...rest, cut_from: token(1) },
      { ...rest, cut_from: Array.from({ length: MAX_CUT_FROM + 1 }, (_, i) => token(i)) },
    ];
    for (const c of refused) expect([c, parseEventCard(JSON.stringify(c))]).toEqual([c, null]);
  });
});
