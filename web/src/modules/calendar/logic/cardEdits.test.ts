// An armoured event's card changed as the plain server changes an
// iCalendar object: a series change carrying its instances apart along
// (or dropping and moving them), one instance changed or cancelled, the
// series ended or cut at an instance — every occurrence kept once.
import { beforeAll, describe, expect, it } from 'vitest';
import { isApiError } from '../../../api';
import {
  MAX_EVENT_EXCEPTIONS,
  formatEventCard,
  parseEventCard,
  type EventCard,
} from '../../../armour/format';
import {
  cutAt,
  endedBefore,
  isFirstInstance,
  withOccurrenceCancelled,
  withOccurrenceChange,
  withSeriesChange,
} from './cardEdits';
import { occurrencesOf } from './expand';

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

/** Weekly on Tuesdays at 09:00 Paris time, four times from 1 December 2026. */
const WEEKLY: EventCard = {
  title: 'Revue',
  description: 'Ordre du jour',
  location: 'Salle 2',
  start: '2026-12-01T08:00:00.000Z',
  end: '2026-12-01T09:00:00.000Z',
  all_day: false,
  timezone: 'Europe/Paris',
  rrule: 'FREQ=WEEKLY;COUNT=4',
  exdates: [],
  overrides: [],
};

const week = (n: number) => new Date(Date.parse(WEEKLY.start) + n * 7 * 86_400_000).toISOString();

const shown = (card: EventCard, id = 'e') =>
  occurrencesOf(
    { id, workspace_id: 'w', card },
    Date.parse('2026-01-01'),
    Date.parse('2028-01-01'),
  ).map((o) => `${o.start} ${o.title}`);

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isApiError(e)) return e.code;
    throw e;
  }
  return 'none';
}

describe('one occurrence', () => {
  it('moves and retitles one instance apart, the series left as it is', () => {
    const moved = withOccurrenceChange(WEEKLY, week(1), {
      title: ' Revue avancée ',
      start: '2026-12-07T13:00:00.000Z',
      end: '2026-12-07T14:00:00.000Z',
    });
    expect(moved.overrides).toEqual([
      {
        recurrence_id: week(1),
        start: '2026-12-07T13:00:00.000Z',
        end: '2026-12-07T14:00:00.000Z',
        title: 'Revue avancée',
      },
    ]);
    expect(shown(moved)).toEqual([
      `${week(0)} Revue`,
      '2026-12-07T13:00:00.000Z Revue avancée',
      `${week(2)} Revue`,
      `${week(3)} Revue`,
    ]);
    // Changed again: over what it has apart; back as the series has it, no longer apart.
    const placed = withOccurrenceChange(moved, week(1), { location: 'Salle 5' });
    expect(placed.overrides[0]).toMatchObject({ title: 'Revue avancée', location: 'Salle 5' });
    const back = withOccurrenceChange(placed, week(1), {
      title: 'Revue',
      location: 'Salle 2',
      start: week(1),
      end: '2026-12-08T09:00:00.000Z',
    });
    expect(back.overrides).toEqual([]);
  });

  it('cancels one instance: left out, its change apart gone', () => {
    const moved = withOccurrenceChange(WEEKLY, week(2), { title: 'Autre' });
    const cancelled = withOccurrenceCancelled(moved, '2026-12-15T09:00:00+01:00');
    expect(cancelled.exdates).toEqual([week(2)]);
    expect(cancelled.overrides).toEqual([]);
    expect(shown(cancelled)).toEqual([`${week(0)} Revue`, `${week(1)} Revue`, `${week(3)} Revue`]);
    // Neither changed nor cancelled again.
    expect(refusal(() => withOccurrenceCancelled(cancelled, week(2)))).toBe(
      'invalid_recurrence_id',
    );
    expect(refusal(() => withOccurrenceChange(cancelled, week(2), { title: 'x' }))).toBe(
      'invalid_recurrence_id',
    );
  });

  it('refuses an instance the rule does not make, and what the server refuses', () => {
    expect(refusal(() => withOccurrenceChange(WEEKLY, week(4), { title: 'x' }))).toBe(
      'invalid_recurrence_id',
    );
    expect(refusal(() => withOccurrenceChange(WEEKLY, '2026-12-08T08:30:00.000Z', {}))).toBe(
      'invalid_recurrence_id',
    );
    expect(refusal(() => withOccurrenceChange(WEEKLY, week(1), { title: ' ' }))).toBe(
      'invalid_title',
    );
    expect(refusal(() => withOccurrenceChange(WEEKLY, week(1), { location: 'a\nb' }))).toBe(
      'invalid_location',
    );
    expect(refusal(() => withOccurrenceChange(WEEKLY, week(1), { end: week(0) }))).toBe(
      'invalid_time',
    );
    expect(refusal(() => withOccurrenceChange(WEEKLY, week(1), { start: '2026-12-09' }))).toBe(
      'invalid_time',
    );
    const full: EventCard = {
      ...WEEKLY,
      rrule: 'FREQ=DAILY',
      exdates: Array.from({ length: MAX_EVENT_EXCEPTIONS }, (_, i) =>
        new Date(Date.parse('2027-01-01T08:00:00.000Z') + i * 86_400_000).toISOString(),
      ),
    };
    expect(refusal(() => withOccurrenceCancelled(full, week(1)))).toBe('too_many_changes');
  });

  it('changes all-day instances by their dates', () => {
    const days: EventCard = {
      ...WEEKLY,
      all_day: true,
      start: '2026-12-07',
      end: '2026-12-08',
      timezone: null,
    };
    const moved = withOccurrenceChange(days, '2026-12-14', {
      start: '2026-12-16',
      end: '2026-12-18',
    });
    expect(moved.overrides).toEqual([
      { recurrence_id: '2026-12-14', start: '2026-12-16', end: '2026-12-18' },
    ]);
    expect(withOccurrenceCancelled(moved, '2026-12-21').exdates).toEqual(['2026-12-21']);
    expect(refusal(() => withOccurrenceChange(days, '2026-12-14', { start: week(1) }))).toBe(
      'invalid_time',
    );
  });
});

describe('the series changed', () => {
  const apart = withOccurrenceCancelled(
    withOccurrenceChange(WEEKLY, week(1), { title: 'Spéciale', location: 'Salle 9' }),
    week(2),
  );

  it('keeps the instances apart when only texts change, each keeping its own', () => {
    const next = withSeriesChange(apart, { ...apart, title: 'Revue hebdo', location: 'Salle 9' });
    expect(next.exdates).toEqual([week(2)]);
    // Its own title stays; its place is now the series' own.
    expect(next.overrides).toEqual([
      {
        recurrence_id: week(1),
        start: week(1),
        end: '2026-12-08T09:00:00.000Z',
        title: 'Spéciale',
      },
    ]);
    expect(shown(next)).toEqual([
      `${week(0)} Revue hebdo`,
      `${week(1)} Spéciale`,
      `${week(3)} Revue hebdo`,
    ]);
  });

  it('drops the changes apart and moves the cancelled instances with the series’ start', () => {
    const later = withSeriesChange(apart, {
      ...apart,
      start: '2026-12-02T10:00:00.000Z',
      end: '2026-12-02T11:00:00.000Z',
      exdates: [],
      overrides: [],
    });
    expect(later.overrides).toEqual([]);
    expect(later.exdates).toEqual(['2026-12-16T10:00:00.000Z']);
    expect(shown(later).map((s) => s.slice(0, 10))).toEqual([
      '2026-12-02',
      '2026-12-09',
      '2026-12-23',
    ]);
    // All day now: the same days.
    const days = withSeriesChange(apart, {
      ...apart,
      all_day: true,
      start: '2026-12-01',
      end: '2026-12-02',
    });
    expect(days.exdates).toEqual(['2026-12-15']);
    // No rule: nothing apart.
    expect(withSeriesChange(apart, { ...apart, rrule: null })).toMatchObject({
      exdates: [],
      overrides: [],
    });
    expect(withSeriesChange(apart, { ...apart, rrule: 'FREQ=WEEKLY;COUNT=5' }).overrides).toEqual(
      [],
    );
  });

  it('keeps naming the series it was cut from, whatever changed (a new card from a form names none)', () => {
    const cut = { ...apart, cut_from: ['AAAAAAAAAAAAAAAAAAAAAQ'] };
    const fromForm = { ...apart, title: 'Revue' };
    expect(withSeriesChange(cut, fromForm).cut_from).toEqual(cut.cut_from);
    expect(withSeriesChange(cut, { ...fromForm, rrule: null }).cut_from).toEqual(cut.cut_from);
    expect(withSeriesChange(apart, fromForm).cut_from).toBeUndefined();
  });
});

describe('this and following', () => {
  it('cuts the series in two, every occurrence kept once, COUNT counting the cancelled', () => {
    const card = withOccurrenceChange(withOccurrenceCancelled(WEEKLY, week(1)), week(3), {
      title: 'Dernière',
    });
    const [early, late] = cutAt(card, week(2));
    expect(early.rrule).toBe('FREQ=WEEKLY;UNTIL=20261215T075959Z');
    expect(early.exdates).toEqual([week(1)]);
    expect(early.overrides).toEqual([]);
    expect(late).toMatchObject({
      start: week(2),
      end: '2026-12-15T09:00:00.000Z',
      rrule: 'FREQ=WEEKLY;COUNT=2',
      exdates: [],
    });
    expect(late.overrides.map((o) => o.recurrence_id)).toEqual([week(3)]);
    expect([...shown(early), ...shown(late)]).toEqual(shown(card));
  });

  it('keeps the local hour of an instance after the clocks change', () => {
    const march: EventCard = {
      ...WEEKLY,
      start: '2027-03-16T08:00:00.000Z',
      end: '2027-03-16T09:00:00.000Z',
      rrule: 'FREQ=WEEKLY',
    };
    // 6 April, 09:00 in Paris: 07:00 UTC.
    const [early, late] = cutAt(march, '2027-04-06T07:00:00.000Z');
    expect(late.start).toBe('2027-04-06T07:00:00.000Z');
    expect(late.rrule).toBe('FREQ=WEEKLY');
    expect(early.rrule).toBe('FREQ=WEEKLY;UNTIL=20270406T065959Z');
    expect(shown(early)).toHaveLength(3);
  });

  it('ends an all-day series the day before', () => {
    const days: EventCard = {
      ...WEEKLY,
      all_day: true,
      start: '2026-12-07',
      end: '2026-12-08',
      rrule: 'FREQ=DAILY',
      timezone: null,
    };
    expect(endedBefore(days, '2026-12-10').rrule).toBe('FREQ=DAILY;UNTIL=20261209');
    expect(cutAt(days, '2026-12-10')[1]).toMatchObject({
      start: '2026-12-10',
      end: '2026-12-11',
      rrule: 'FREQ=DAILY',
    });
  });

  it('is the whole series from the first instance; refuses an instance there is not', () => {
    expect(isFirstInstance(WEEKLY, '2026-12-01T09:00:00+01:00')).toBe(true);
    expect(isFirstInstance(WEEKLY, week(1))).toBe(false);
    expect(refusal(() => endedBefore(WEEKLY, week(0)))).toBe('invalid_recurrence_id');
    expect(refusal(() => cutAt(WEEKLY, week(4)))).toBe('invalid_recurrence_id');
    expect(refusal(() => cutAt({ ...WEEKLY, rrule: null }, week(0)))).toBe('invalid_recurrence_id');
  });
});

describe('random series, changed and cut (a fixed seed)', () => {
  /** A small deterministic generator (LCG): the same cases every run. */
  function random(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    return {
      int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
      pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T,
    };
  }

  const FROM = Date.parse('2026-06-01T00:00:00Z');
  const TO = Date.parse('2029-07-01T00:00:00Z');
  const all = (card: EventCard) =>
    occurrencesOf({ id: 'e', workspace_id: 'w', card }, FROM, TO).map(
      (o) => `${o.recurrence_id} ${o.start} ${o.end} ${o.title} ${o.location}`,
    );
  const byTime = (list: string[]) => [...list].sort();

  function series(r: ReturnType<typeof random>): EventCard {
    const allDay = r.int(0, 3) === 0;
    const day = new Date(Date.UTC(2027, r.int(0, 11), r.int(1, 31)));
    const end = r.pick(['', ';COUNT=' + r.int(2, 12), ';UNTIL=' + (2027 + r.int(0, 2)) + '1231']);
    const rrule = `FREQ=${r.pick(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'])}${
      r.int(0, 2) ? '' : `;INTERVAL=${r.int(2, 3)}`
    }${end}`;
    if (allDay) {
      const start = day.toISOString().slice(0, 10);
      const last = new Date(day.getTime() + r.int(1, 2) * 86_400_000).toISOString().slice(0, 10);
      return { ...WEEKLY, all_day: true, timezone: null, start, end: last, rrule };
    }
    const at = day.getTime() + r.int(6, 20) * 3_600_000;
    const start = new Date(at).toISOString();
    const finish = new Date(at + r.int(0, 4) * 1_800_000).toISOString();
    return { ...WEEKLY, start, end: finish, timezone: r.pick(['Europe/Paris', null]), rrule };
  }

  it('keeps every card valid, each change where it says, and a cut losing or doubling nothing', () => {
    const r = random(20261205);
    for (let n = 0; n < 150; n++) {
      let card = series(r);
      for (let step = 0; step < r.int(0, 6); step++) {
        const list = occurrencesOf({ id: 'e', workspace_id: 'w', card }, FROM, TO);
        const o = list.length ? r.pick(list) : null;
        if (!o?.recurrence_id) break;
        const before = all(card);
        if (r.int(0, 1)) {
          card = withOccurrenceCancelled(card, o.recurrence_id);
          expect(all(card)).toHaveLength(before.length - 1);
        } else {
          const shift = r.int(-2, 2) * (card.all_day ? 86_400_000 : 3_600_000);
          const move = (t: string) =>
            card.all_day
              ? new Date(Date.parse(t) + shift).toISOString().slice(0, 10)
              : new Date(Date.parse(t) + shift).toISOString();
          const title = `Séance ${n}.${step}`;
          card = withOccurrenceChange(card, o.recurrence_id, {
            title,
            start: move(o.start ?? ''),
            end: move(o.end ?? ''),
          });
          const now = all(card);
          expect(now).toHaveLength(before.length);
          expect(now.filter((x) => x.startsWith(`${o.recurrence_id} `))).toEqual([
            `${o.recurrence_id} ${move(o.start ?? '')} ${move(o.end ?? '')} ${title} ${o.location}`,
          ]);
        }
        expect(parseEventCard(formatEventCard(card))).toEqual(card);
      }
      const list = occurrencesOf({ id: 'e', workspace_id: 'w', card }, FROM, TO);
      const later = list.filter((o) => o.recurrence_id && !isFirstInstance(card, o.recurrence_id));
      if (!later.length) continue;
      const at = r.pick(later).recurrence_id as string;
      const [early, late] = cutAt(card, at);
      expect(parseEventCard(formatEventCard(early))).toEqual(early);
      expect(parseEventCard(formatEventCard(late))).toEqual(late);
      const whole = all(card);
      expect(byTime([...all(early), ...all(late)]), `${card.rrule} at ${at}`).toEqual(
        byTime(whole),
      );
      const key = (x: string) => Date.parse(x.split(' ')[0] ?? '');
      expect(all(endedBefore(card, at))).toEqual(whole.filter((x) => key(x) < Date.parse(at)));
    }
  });
});
