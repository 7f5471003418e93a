// The calendar store of an armoured workspace (docs/armoured.md,
// "Calendar"), against a fake server and Alice's real keys: the calendar
// read whole through the sealed route's pages, then only what changed
// (after `hello`), the occurrences worked out here, live events applied as
// they come, new events and changes leaving sealed (at the version read;
// one occurrence changed or cancelled apart, or the series cut, in new
// cards), a stale key sealing again once, a change made meanwhile said,
// what waited for the keys opened when they come, and members invited
// beside the cards (the people alone changed without a new card, kept by
// "this and following", the series answered in clear, one occurrence in
// the caller's sealed answers apart).
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  api,
  ApiError,
  type CalendarEvent,
  type NewSealedCalendarEvent,
  type SealedCalendarEvent,
  type SealedCalendarPage,
  type SealedCalendarReply,
} from '../../api';
import sodium from 'libsodium-wrappers-sumo';
import { createIdentity, rememberVerified, type CreatedIdentity } from '../../armour/crypto';
import { CHECK_AHEAD_MIN, WorkspaceKeys } from '../../armour/keys';
import { CHECK_AHEAD_PART, type SignatureChecker } from '../../armour/verifier';
import { loadCrypto } from '../../armour/load';
import { TrustStore } from '../../armour/trust';
import {
  ALICE,
  WS,
  sealedEventRecord,
  signaturesCheckedHere,
  soloKeys,
  soloServer,
} from '../../test/soloKeyServer';

import { isArmourError, type EventCard } from '../../armour/format';
import { expandEvents } from './logic/expand';
import { calendarFrame } from './logic/fixtures.test-util';
import { CalendarArmour, SEALED_PAGE_SIZE, openedOf } from './sealed';
import { openedFacts } from './opened';
import { CalendarStore, EventChangedError } from './store';

/** When the events of these tests were made. */
const AT = '2026-12-01T10:00:00.000Z';

let alice: CreatedIdentity;
let keys: WorkspaceKeys;
let server: ReturnType<typeof soloServer>;
let armour: CalendarArmour;

/** The first week of December 2026, Paris time. */
const WEEK = { from: '2026-11-29T23:00:00.000Z', to: '2026-12-06T23:00:00.000Z' };

beforeAll(async () => {
  process.env.TZ = 'Europe/Paris';
  await loadCrypto();
  alice = createIdentity(ALICE, 'alice passphrase');
});

beforeEach(async () => {
  ({ keys, server } = await soloKeys(alice));
  armour = new CalendarArmour(WS, keys);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** An event as the server lists it: its card sealed by Alice, nothing in clear. */
async function sealedEvent(
  id: string,
  card: { title: string; start: string; end: string; all_day?: boolean; rrule?: string | null },
  version = 1,
): Promise<SealedCalendarEvent> {
  const b = await armour.sealNew({ timezone: 'Europe/Paris', ...card });
  return sealedEventRecord(id, b, version, AT);
}

/** The card sealed for the event `token`, opened with Alice's keys (what a reader would see). */
function opened(token: string, sealed: unknown) {
  const o = keys.openEventCard(token, sealed as string, ALICE);
  if (o.kind !== 'open') throw new Error(`the card sent does not open: ${o.kind}`);
  return o.value;
}

/** The server's answer to a new event: what was sent, kept as it came. */
const answer = (id: string, b: NewSealedCalendarEvent, version: number) =>
  sealedEventRecord(id, b, version, AT);

/**
 * The sealed route's update, answering the card sent at the next version;
 * a series cut in two, with the new event ('n', the series' people, their
 * answers apart still sealed for the series' token) and the series.
 */
const updated = (a: SealedCalendarEvent) =>
  vi.spyOn(api.calendar.sealed, 'update').mockImplementation(async (_id, b, version) => {
    const series = { ...a, sealed: b.sealed ?? a.sealed, version: (version ?? 0) + 1 };
    if (!b.following) return series;
    const attendees = (a.attendees ?? []).map((x) =>
      x.sealed_answers ? { ...x, answers_token: x.answers_token ?? a.token } : x,
    );
    return { ...answer('n', b.following, 1), attendees, series };
  });

const page = (o: Partial<SealedCalendarPage>): SealedCalendarPage => ({
  events: [],
  deleted: [],
  version: 0,
  more: false,
  ...o,
});

const newStore = () => new CalendarStore(WS, ALICE, 0, armour);

const titles = (s: CalendarStore) => s.getState().occurrences.map((o) => `${o.title} ${o.start}`);

describe('reading an armoured calendar', () => {
  it('reads every page, then works out the occurrences of the range shown', async () => {
    const weekly = await sealedEvent(
      'a',
      {
        title: 'Point hebdo',
        start: '2026-11-23T08:00:00.000Z',
        end: '2026-11-23T09:00:00.000Z',
        rrule: 'FREQ=WEEKLY',
      },
      2,
    );
    const gone = await sealedEvent('b', {
      title: 'Annulé',
      start: '2026-12-02T08:00:00.000Z',
      end: '2026-12-02T09:00:00.000Z',
    });
    const day = await sealedEvent(
      'c',
      { title: 'Inventaire', start: '2026-12-03', end: '2026-12-04', all_day: true },
      6,
    );
    const list = vi
      .spyOn(api.calendar.sealed, 'list')
      .mockResolvedValueOnce(page({ events: [gone, weekly], version: 5, more: true }))
      .mockResolvedValueOnce(page({ events: [day], deleted: ['b'], version: 7 }));
    const occurrences = vi.spyOn(api.calendar, 'occurrences');
    const s = newStore();
    await s.show(WEEK);
    expect(list.mock.calls).toEqual([
      [WS, 0, SEALED_PAGE_SIZE],
      [WS, 5, SEALED_PAGE_SIZE],
    ]);
    expect(occurrences).not.toHaveBeenCalled();
    expect(Object.keys(s.getState().events).sort()).toEqual(['a', 'c']);
    expect(titles(s)).toEqual(['Point hebdo 2026-11-30T08:00:00.000Z', 'Inventaire 2026-12-03']);
    expect(s.getState().occurrences[0]).toMatchObject({
      event_id: 'a',
      workspace_id: WS,
      recurring: true,
      recurrence_id: '2026-11-30T08:00:00.000Z',
      partstat: null,
    });

    // Another week: worked out from what is held, nothing read.
    await s.show({ from: '2026-12-06T23:00:00.000Z', to: '2026-12-13T23:00:00.000Z' });
    expect(list).toHaveBeenCalledTimes(2);
    expect(titles(s)).toEqual(['Point hebdo 2026-12-07T08:00:00.000Z']);
  });

  it('after a drop of the live connection, reads only what changed since its version', async () => {
    const a = await sealedEvent('a', {
      title: 'Revue',
      start: '2026-12-01T08:00:00.000Z',
      end: '2026-12-01T09:00:00.000Z',
    });
    const b = await sealedEvent(
      'b',
      { title: 'Nouveau', start: '2026-12-02T08:00:00.000Z', end: '2026-12-02T09:00:00.000Z' },
      9,
    );
    const list = vi
      .spyOn(api.calendar.sealed, 'list')
      .mockResolvedValueOnce(page({ events: [a], version: 4 }))
      .mockResolvedValueOnce(page({ events: [b], deleted: ['a'], version: 9 }));
    const s = newStore();
    await s.show(WEEK);
    s.handleEvent({ type: 'hello', workspace_id: '', seq: 0, data: {} });
    await vi.waitFor(() => expect(list).toHaveBeenCalledTimes(2));
    expect(list.mock.calls[1]).toEqual([WS, 4, SEALED_PAGE_SIZE]);
    await vi.waitFor(() => expect(titles(s)).toEqual(['Nouveau 2026-12-02T08:00:00.000Z']));
  });

  it('reads the calendar whole again when the server never reached the version held', async () => {
    const a = await sealedEvent('a', {
      title: 'Revue',
      start: '2026-12-01T08:00:00.000Z',
      end: '2026-12-01T09:00:00.000Z',
    });
    const list = vi
      .spyOn(api.calendar.sealed, 'list')
      .mockResolvedValueOnce(page({ events: [a], version: 40 }))
      .mockRejectedValueOnce(new ApiError(400, 'invalid_range', ''))
      .mockResolvedValueOnce(page({ version: 2 }));
    const s = newStore();
    await s.show(WEEK);
    await s.load();
    expect(list.mock.calls.map((c) => c[1])).toEqual([0, 40, 0]);
    expect(s.getState().events).toEqual({});
    expect(s.getState().occurrences).toEqual([]);
  });

  it('applies live events as they come: created, changed (the newer wins), deleted', async () => {
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue(page({ version: 1 }));
    const s = newStore();
    await s.show(WEEK);
    const a = await sealedEvent(
      'a',
      { title: 'Revue', start: '2026-12-01T08:00:00.000Z', end: '2026-12-01T09:00:00.000Z' },
      2,
    );
    s.handleEvent(calendarFrame('calendar.event_created', a, WS));
    expect(titles(s)).toEqual(['Revue 2026-12-01T08:00:00.000Z']);
    const moved = {
      ...a,
      sealed: await armour.sealChange(s.getState().events.a as CalendarEvent, {
        start: '2026-12-04T08:00:00.000Z',
        end: '2026-12-04T09:00:00.000Z',
      }),
      version: 3,
    };
    s.handleEvent(calendarFrame('calendar.event_updated', moved, WS));
    // The first event again (a late one): the newer stays.
    s.handleEvent(calendarFrame('calendar.event_updated', a, WS));
    expect(titles(s)).toEqual(['Revue 2026-12-04T08:00:00.000Z']);
    // Another workspace's: not this calendar's.
    s.handleEvent(calendarFrame('calendar.event_created', { ...a, id: 'x' }, 'other'));
    s.handleEvent(calendarFrame('calendar.event_deleted', { id: 'a' }, WS));
    expect(s.getState().occurrences).toEqual([]);
    s.handleEvent(calendarFrame('calendar.event_updated', { ...moved, version: 4 }, WS));
    expect(s.getState().events.a).toBeUndefined();
  });
});

describe('an event heard among many', () => {
  it('works out again the occurrences of that event alone, in the order a whole expansion gives', async () => {
    const events = await Promise.all(
      ['a', 'b', 'c', 'd'].map((id, i) =>
        sealedEvent(
          id,
          {
            title: `Revue ${id}`,
            start: `2026-11-${29 + (i % 2)}T${String(i + 6).padStart(2, '0')}:00:00.000Z`,
            end: `2026-11-${29 + (i % 2)}T${String(i + 7).padStart(2, '0')}:00:00.000Z`,
            rrule: i === 3 ? null : 'FREQ=DAILY',
          },
          2,
        ),
      ),
    );
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue(page({ events, version: 2 }));
    const s = newStore();
    await s.show(WEEK);
    const whole = () =>
      expandEvents(
        Object.values(s.getState().events).map((e) => ({
          id: e.id,
          workspace_id: e.workspace_id,
          card: openedOf(e)?.value as EventCard,
        })),
        WEEK.from,
        WEEK.to,
      );
    expect(s.getState().occurrences).toHaveLength(3 * 7 + 1);
    // b moved to 05:00 from 1 December; then d (single) deleted; e new, all day.
    const b = events[1] as SealedCalendarEvent;
    s.handleEvent(
      calendarFrame(
        'calendar.event_updated',
        {
          ...b,
          sealed: await armour.sealChange(s.getState().events.b as CalendarEvent, {
            start: '2026-12-01T05:00:00.000Z',
            end: '2026-12-01T05:30:00.000Z',
          }),
          version: 3,
        },
        WS,
      ),
    );
    expect(s.getState().occurrences).toEqual(whole());
    expect(
      s
        .getState()
        .occurrences.filter((o) => o.event_id === 'b')
        .map((o) => o.start)[0],
    ).toBe('2026-12-01T05:00:00.000Z');
    s.handleEvent(calendarFrame('calendar.event_deleted', { id: 'd' }, WS));
    const e = await sealedEvent(
      'e',
      { title: 'Congé', all_day: true, start: '2026-12-02', end: '2026-12-03' },
      4,
    );
    s.handleEvent(calendarFrame('calendar.event_created', e, WS));
    expect(s.getState().occurrences).toEqual(whole());
    expect(s.getState().occurrences.filter((o) => o.event_id === 'd')).toEqual([]);
    expect(s.getState().occurrences.filter((o) => o.event_id === 'e')).toHaveLength(1);
  });
});

describe('keys that come later', () => {
  it('opens what waited for them, and shows its dates', async () => {
    const a = await sealedEvent('a', {
      title: 'Revue',
      start: '2026-12-01T08:00:00.000Z',
      end: '2026-12-01T09:00:00.000Z',
    });
    // Another tab of Alice's, its keys not synchronised yet.
    const later = new WorkspaceKeys(
      WS,
      ALICE,
      server,
      { secrets: () => alice.secrets, subscribe: () => () => undefined },
      new TrustStore(ALICE, null),
    );
    const s = new CalendarStore(WS, ALICE, 0, new CalendarArmour(WS, later));
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue(page({ events: [a], version: 1 }));
    vi.spyOn(api.workspaces, 'get').mockRejectedValue(new Error('offline'));
    vi.spyOn(api.workspaces, 'members').mockResolvedValue({ members: [], seq: null });
    s.start();
    await s.show(WEEK);
    expect(openedOf(s.getState().events.a as CalendarEvent)?.card.kind).toBe('pending');
    expect(s.getState().occurrences).toEqual([]);
    await later.sync();
    await vi.waitFor(() => expect(titles(s)).toEqual(['Revue 2026-12-01T08:00:00.000Z']));
    s.stop();
  });
});

describe('what notices may say of the cards opened here', () => {
  it('answers with an opened card’s title and times while the calendar is shown, and no more once it is not', async () => {
    const a = await sealedEvent('a', {
      title: 'Comité secret',
      start: '2026-12-01T08:00:00.000Z',
      end: '2026-12-01T09:00:00.000Z',
    });
    // Its card moved to another event: not said.
    const moved = {
      ...(await sealedEvent('m', { title: 'Autre', start: AT, end: AT })),
      sealed: a.sealed,
    };
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue(
      page({ events: [a, moved], version: 2 }),
    );
    vi.spyOn(api.workspaces, 'get').mockRejectedValue(new Error('offline'));
    vi.spyOn(api.workspaces, 'members').mockResolvedValue({ members: [], seq: null });
    const s = newStore();
    expect(openedFacts(WS, 'a')).toBeUndefined();
    s.start();
    await s.show(WEEK);
    expect(openedFacts(WS, 'a')).toEqual({
      title: 'Comité secret',
      start: '2026-12-01T08:00:00.000Z',
      end: '2026-12-01T09:00:00.000Z',
      all_day: false,
    });
    expect(openedFacts(WS, 'm')).toBeUndefined();
    expect(openedFacts(WS, 'nope')).toBeUndefined();
    expect(openedFacts('another-workspace', 'a')).toBeUndefined();
    // Deleted (heard before its cancellation notice): still said, while shown.
    s.handleEvent(calendarFrame('calendar.event_deleted', { id: 'a' }, WS));
    expect(s.getState().events.a).toBeUndefined();
    expect(openedFacts(WS, 'a')?.title).toBe('Comité secret');
    s.stop();
    expect(openedFacts(WS, 'a')).toBeUndefined();
  });
});

describe('writing an armoured calendar', () => {
  it('creates an event under a new token, its card sealed, nothing in clear', async () => {
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue(page({ version: 1 }));
    const plain = vi.spyOn(api.calendar, 'create');
    const sent: NewSealedCalendarEvent[] = [];
    vi.spyOn(api.calendar.sealed, 'create').mockImplementation(async (_ws, b) => {
      sent.push(b);
      return answer('n', b, 2);
    });
    const s = newStore();
    await s.show(WEEK);
    const created = await s.create({
      title: 'Point hebdo',
      start: '2026-12-02T08:00:00.000Z',
      end: '2026-12-02T09:00:00.000Z',
      timezone: 'Europe/Paris',
      rrule: 'FREQ=WEEKLY',
    });
    expect(plain).not.toHaveBeenCalled();
    expect(Object.keys(sent[0] ?? {}).sort()).toEqual(['sealed', 'token']);
    expect(JSON.stringify(sent)).not.toMatch(/Point|2026|WEEKLY/);
    expect(created).toMatchObject({ id: 'n', title: 'Point hebdo', recurring: true });
    expect(titles(s)).toEqual(['Point hebdo 2026-12-02T08:00:00.000Z']);
  });

  it('seals again once when the key moved on', async () => {
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue(page({ version: 1 }));
    const create = vi
      .spyOn(api.calendar.sealed, 'create')
      .mockRejectedValueOnce(new ApiError(409, 'stale_key', ''))
      .mockImplementationOnce(async (_ws, b) => answer('n', b, 2));
    const s = newStore();
    await s.show(WEEK);
    const syncs = server.syncs;
    await s.create({
      title: 'Revue',
      start: '2026-12-02T08:00:00.000Z',
      end: '2026-12-02T09:00:00.000Z',
    });
    expect(create).toHaveBeenCalledTimes(2);
    expect(server.syncs).toBe(syncs + 1);
    // The same token both times (the event is one).
    expect(create.mock.calls[0]?.[1].token).toBe(create.mock.calls[1]?.[1].token);
  });

  it('changes an event with a new card at the version read; a change made meanwhile is said', async () => {
    const a = await sealedEvent(
      'a',
      { title: 'Revue', start: '2026-12-01T08:00:00.000Z', end: '2026-12-01T09:00:00.000Z' },
      4,
    );
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue(page({ events: [a], version: 4 }));
    const update = vi
      .spyOn(api.calendar.sealed, 'update')
      .mockImplementationOnce(async (_id, b) => ({
        ...a,
        sealed: b.sealed ?? a.sealed,
        version: 5,
      }));
    const s = newStore();
    await s.show(WEEK);
    const saved = await s.update('a', { title: 'Revue annuelle' }, 4);
    expect(update.mock.calls[0]?.[0]).toBe('a');
    expect(update.mock.calls[0]?.[2]).toBe(4);
    expect(update.mock.calls[0]?.[1]).toEqual({ sealed: expect.stringMatching(/^e2e1:1:/) });
    expect(saved).toMatchObject({ title: 'Revue annuelle', version: 5 });
    expect(titles(s)).toEqual(['Revue annuelle 2026-12-01T08:00:00.000Z']);

    const theirs = {
      ...a,
      sealed: await armour.sealChange(s.getState().events.a as CalendarEvent, { title: 'La leur' }),
      version: 8,
    };
    update.mockRejectedValueOnce(new ApiError(412, 'precondition_failed', ''));
    vi.spyOn(api.calendar.sealed, 'get').mockResolvedValue(theirs);
    const err = await s.update('a', { title: 'La mienne' }, 5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EventChangedError);
    expect((err as EventChangedError).latest).toMatchObject({ title: 'La leur', version: 8 });
    expect(openedOf((err as EventChangedError).latest as never)?.card.kind).toBe('open');
    expect(titles(s)).toEqual(['La leur 2026-12-01T08:00:00.000Z']);
  });

  it('deletes an event at its version, out of the calendar at once', async () => {
    const a = await sealedEvent(
      'a',
      { title: 'Revue', start: '2026-12-01T08:00:00.000Z', end: '2026-12-01T09:00:00.000Z' },
      4,
    );
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue(page({ events: [a], version: 4 }));
    const remove = vi.spyOn(api.calendar, 'remove').mockResolvedValue(undefined);
    const s = newStore();
    await s.show(WEEK);
    await s.remove('a', 4);
    expect(remove).toHaveBeenCalledWith('a', 4);
    expect(s.getState().occurrences).toEqual([]);
  });
});

describe('one occurrence of an armoured recurring event', () => {
  /** December 2026, Paris time: every Tuesday of it. */
  const MONTH = { from: '2026-11-30T23:00:00.000Z', to: '2026-12-31T23:00:00.000Z' };
  /** Tuesdays at 09:00 in Paris (08:00 UTC) from 1 December. */
  const at = (day: string, hour = '08') => `2026-12-${day}T${hour}:00:00.000Z`;

  /** The weekly event 'a' (Tuesdays 09:00 – 10:00 Paris from 1 December), read by a store showing December. */
  async function weekly(rrule = 'FREQ=WEEKLY;COUNT=4') {
    const a = await sealedEvent(
      'a',
      { title: 'Point hebdo', start: at('01'), end: at('01', '09'), rrule },
      4,
    );
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue(page({ events: [a], version: 4 }));
    const s = newStore();
    await s.show(MONTH);
    return { a, s };
  }

  it('moves and retitles one occurrence: a new card holding it apart, the others as they were', async () => {
    const { a, s } = await weekly();
    const update = updated(a);
    const plain = vi.spyOn(api.calendar, 'updateOccurrence');
    // The 8th moved to Wednesday 9th, 14:00 – 15:30 Paris, with a title of its own.
    const saved = await s.updateOccurrence(
      'a',
      at('08'),
      { title: 'Point décalé', start: at('09', '13'), end: '2026-12-09T14:30:00.000Z' },
      4,
    );
    expect(plain).not.toHaveBeenCalled();
    expect(update).toHaveBeenCalledTimes(1);
    const [id, { sealed } = {}, version] = update.mock.calls[0] ?? [];
    expect([id, version]).toEqual(['a', 4]);
    expect(JSON.stringify(update.mock.calls)).not.toMatch(/Point|2026/);
    const card = opened(a.token, sealed);
    expect(card).toMatchObject({
      title: 'Point hebdo',
      start: at('01'),
      rrule: 'FREQ=WEEKLY;COUNT=4',
      exdates: [],
    });
    expect(card.overrides).toEqual([
      {
        recurrence_id: at('08'),
        start: at('09', '13'),
        end: '2026-12-09T14:30:00.000Z',
        title: 'Point décalé',
      },
    ]);
    expect(saved).toMatchObject({ version: 5, title: 'Point hebdo' });
    expect(saved.changed_occurrences).toMatchObject([
      { recurrence_id: at('08'), start: at('09', '13'), title: 'Point décalé' },
    ]);
    // Shown at its new time, named by its original start; the others unchanged.
    expect(titles(s)).toEqual([
      `Point hebdo ${at('01')}`,
      `Point décalé ${at('09', '13')}`,
      `Point hebdo ${at('15')}`,
      `Point hebdo ${at('22')}`,
    ]);
    expect(s.getState().occurrences[1]).toMatchObject({
      event_id: 'a',
      recurrence_id: at('08'),
      end: '2026-12-09T14:30:00.000Z',
    });
  });

  it('cancels one occurrence: its start among the card’s exdates, gone from the calendar', async () => {
    const { a, s } = await weekly();
    const update = updated(a);
    const plain = vi.spyOn(api.calendar, 'cancelOccurrence');
    const remove = vi.spyOn(api.calendar, 'remove');
    await s.cancelOccurrence('a', at('15'), 4);
    expect(plain).not.toHaveBeenCalled();
    expect(remove).not.toHaveBeenCalled();
    expect(update.mock.calls[0]?.[0]).toBe('a');
    expect(update.mock.calls[0]?.[2]).toBe(4);
    const card = opened(a.token, update.mock.calls[0]?.[1].sealed);
    expect(card).toMatchObject({
      rrule: 'FREQ=WEEKLY;COUNT=4',
      exdates: [at('15')],
      overrides: [],
    });
    // Still counted by COUNT: the series ends on the 22nd as before.
    expect(titles(s)).toEqual([
      `Point hebdo ${at('01')}`,
      `Point hebdo ${at('08')}`,
      `Point hebdo ${at('22')}`,
    ]);
  });

  it('cancels one occurrence of an all-day series by its date', async () => {
    const a = await sealedEvent(
      'a',
      {
        title: 'Inventaire',
        start: '2026-12-03',
        end: '2026-12-04',
        all_day: true,
        rrule: 'FREQ=WEEKLY',
      },
      2,
    );
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue(page({ events: [a], version: 2 }));
    const s = newStore();
    await s.show(MONTH);
    const update = updated(a);
    await s.cancelOccurrence('a', '2026-12-10', 2);
    expect(opened(a.token, update.mock.calls[0]?.[1].sealed).exdates).toEqual(['2026-12-10']);
    expect(titles(s)).toEqual([
      'Inventaire 2026-12-03',
      'Inventaire 2026-12-17',
      'Inventaire 2026-12-24',
      'Inventaire 2026-12-31',
    ]);
  });

  it('cancelling an occurrence of an event already deleted is done: it leaves the calendar', async () => {
    const { s } = await weekly();
    vi.spyOn(api.calendar.sealed, 'update').mockRejectedValue(new ApiError(404, 'not_found', ''));
    vi.spyOn(api.calendar.sealed, 'get').mockRejectedValue(new ApiError(404, 'not_found', ''));
    await s.cancelOccurrence('a', at('15'), 4);
    expect(s.getState().events.a).toBeUndefined();
    expect(s.getState().occurrences).toEqual([]);
  });

  it('says a change made meanwhile to one occurrence (412), with the event as it is now', async () => {
    const { a, s } = await weekly();
    const theirs = {
      ...a,
      sealed: await armour.sealChange(s.getState().events.a as CalendarEvent, { title: 'Le leur' }),
      version: 8,
    };
    vi.spyOn(api.calendar.sealed, 'update').mockRejectedValue(
      new ApiError(412, 'precondition_failed', ''),
    );
    vi.spyOn(api.calendar.sealed, 'get').mockResolvedValue(theirs);
    const err = await s
      .updateOccurrence('a', at('08'), { title: 'Le mien' }, 4)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EventChangedError);
    expect((err as EventChangedError).latest).toMatchObject({ title: 'Le leur', version: 8 });
    expect(titles(s)).toEqual(['01', '08', '15', '22'].map((d) => `Le leur ${at(d)}`));
  });

  it('changes this occurrence and the following in one request: the series ended before it, a new event from it (COUNT less those before)', async () => {
    const { a, s } = await weekly();
    const create = vi.spyOn(api.calendar.sealed, 'create');
    const update = updated(a);
    const plain = vi.spyOn(api.calendar, 'updateFollowing');
    // From the 15th on: an hour later, another title.
    const saved = await s.updateFollowing(
      'a',
      at('15'),
      { title: 'Point tardif', start: at('15', '09'), end: at('15', '10') },
      4,
    );
    expect(plain).not.toHaveBeenCalled();
    expect(create).not.toHaveBeenCalled();
    expect(update).toHaveBeenCalledTimes(1);

    const body = update.mock.calls[0]?.[1];
    const sent = body?.following;
    expect(sent?.token).not.toBe(a.token);
    // The series' people, kept with their answers by the server.
    expect(sent && 'attendees' in sent).toBe(false);
    expect(JSON.stringify(body)).not.toMatch(/Point|2026|WEEKLY/);
    expect(opened(sent?.token ?? '', sent?.sealed)).toMatchObject({
      title: 'Point tardif',
      start: at('15', '09'),
      end: at('15', '10'),
      timezone: 'Europe/Paris',
      rrule: 'FREQ=WEEKLY;COUNT=2',
      exdates: [],
      overrides: [],
    });

    expect(update.mock.calls[0]?.[0]).toBe('a');
    expect(update.mock.calls[0]?.[2]).toBe(4);
    // The series ends the second before the 15th's start.
    expect(opened(a.token, body?.sealed)).toMatchObject({
      title: 'Point hebdo',
      start: at('01'),
      rrule: 'FREQ=WEEKLY;UNTIL=20261215T075959Z',
    });

    expect(saved).toMatchObject({ id: 'n', title: 'Point tardif', recurring: true });
    expect(titles(s)).toEqual([
      `Point hebdo ${at('01')}`,
      `Point hebdo ${at('08')}`,
      `Point tardif ${at('15', '09')}`,
      `Point tardif ${at('22', '09')}`,
    ]);
  });

  it('carries the occurrences apart from then on to the new event, and keeps those before in the series', async () => {
    const { a, s } = await weekly('FREQ=WEEKLY');
    const update = updated(a);
    await s.updateOccurrence('a', at('08'), { title: 'Avant' }, 4);
    await s.cancelOccurrence('a', at('22'), 5);
    await s.updateFollowing('a', at('15'), { location: 'Salle 3' }, 6);
    const sent = update.mock.calls[2]?.[1].following;
    expect(opened(sent?.token ?? '', sent?.sealed)).toMatchObject({
      start: at('15'),
      location: 'Salle 3',
      rrule: 'FREQ=WEEKLY',
      exdates: [at('22')],
      overrides: [],
    });
    expect(update.mock.calls.map((c) => c[2])).toEqual([4, 5, 6]);
    expect(opened(a.token, update.mock.calls[2]?.[1].sealed)).toMatchObject({
      rrule: 'FREQ=WEEKLY;UNTIL=20261215T075959Z',
      exdates: [],
      overrides: [{ recurrence_id: at('08'), title: 'Avant' }],
    });
    expect(titles(s)).toEqual([
      `Point hebdo ${at('01')}`,
      `Avant ${at('08')}`,
      `Point hebdo ${at('15')}`,
      `Point hebdo ${at('29')}`,
    ]);
  });

  it('changes the series itself when this and following start at its first occurrence', async () => {
    const { a, s } = await weekly();
    const create = vi.spyOn(api.calendar.sealed, 'create');
    const update = updated(a);
    const saved = await s.updateFollowing('a', at('01'), { title: 'Point du mardi' }, 4);
    expect(create).not.toHaveBeenCalled();
    expect(update).toHaveBeenCalledTimes(1);
    expect(opened(a.token, update.mock.calls[0]?.[1].sealed)).toMatchObject({
      title: 'Point du mardi',
      rrule: 'FREQ=WEEKLY;COUNT=4',
    });
    expect(saved).toMatchObject({ id: 'a', title: 'Point du mardi' });
  });

  it('cuts nothing when the series changed meanwhile (412): no new event, the change said', async () => {
    const { a, s } = await weekly();
    const create = vi.spyOn(api.calendar.sealed, 'create');
    vi.spyOn(api.calendar.sealed, 'update').mockRejectedValue(
      new ApiError(412, 'precondition_failed', ''),
    );
    const theirs = {
      ...a,
      sealed: await armour.sealChange(s.getState().events.a as CalendarEvent, { title: 'Le leur' }),
      version: 8,
    };
    vi.spyOn(api.calendar.sealed, 'get').mockResolvedValue(theirs);
    const remove = vi.spyOn(api.calendar, 'remove').mockResolvedValue(undefined);
    const err = await s
      .updateFollowing('a', at('15'), { title: 'Point tardif' }, 4)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EventChangedError);
    expect((err as EventChangedError).latest).toMatchObject({ title: 'Le leur', version: 8 });
    expect(create).not.toHaveBeenCalled();
    expect(remove).not.toHaveBeenCalled();
    expect(s.getState().events.n).toBeUndefined();
    expect(titles(s)).toEqual(['01', '08', '15', '22'].map((d) => `Le leur ${at(d)}`));
  });

  it('deletes this occurrence and the following from a later one: the series ends before it', async () => {
    const { a, s } = await weekly('FREQ=WEEKLY');
    const update = updated(a);
    const remove = vi.spyOn(api.calendar, 'remove');
    const plain = vi.spyOn(api.calendar, 'removeFollowing');
    await s.removeFollowing('a', at('15'), 4);
    expect(plain).not.toHaveBeenCalled();
    expect(remove).not.toHaveBeenCalled();
    expect(update.mock.calls[0]?.[0]).toBe('a');
    expect(update.mock.calls[0]?.[2]).toBe(4);
    expect(opened(a.token, update.mock.calls[0]?.[1].sealed)).toMatchObject({
      start: at('01'),
      rrule: 'FREQ=WEEKLY;UNTIL=20261215T075959Z',
    });
    expect(titles(s)).toEqual([`Point hebdo ${at('01')}`, `Point hebdo ${at('08')}`]);
  });

  it('deleting this occurrence and the following of an event already deleted is done', async () => {
    const { s } = await weekly();
    vi.spyOn(api.calendar.sealed, 'update').mockRejectedValue(new ApiError(404, 'not_found', ''));
    vi.spyOn(api.calendar.sealed, 'get').mockRejectedValue(new ApiError(404, 'not_found', ''));
    await s.removeFollowing('a', at('15'), 4);
    expect(s.getState().events.a).toBeUndefined();
    expect(s.getState().occurrences).toEqual([]);
  });

  it('deletes the whole event when this and following start at its first occurrence', async () => {
    const { s } = await weekly();
    const update = vi.spyOn(api.calendar.sealed, 'update');
    const remove = vi.spyOn(api.calendar, 'remove').mockResolvedValue(undefined);
    await s.removeFollowing('a', at('01'), 4);
    expect(remove).toHaveBeenCalledWith('a', 4);
    expect(update).not.toHaveBeenCalled();
    expect(s.getState().occurrences).toEqual([]);
  });
});

describe('invitations in an armoured calendar', () => {
  const BOB = '01HZBOB00000000000000000B0';
  const JULES = '01HZJULES000000000000000J0';
  const bob = { user_id: BOB, email: 'bob@ruche.test', name: 'Bob Durand' };
  const at = (day: string, hour = '08') => `2026-12-${day}T${hour}:00:00.000Z`;

  /** The weekly event 'a' (Tuesdays from 1 December, four times), organized by Bob, inviting Alice and Jules. */
  async function invitedTo(alice: 'needs-action' | 'accepted' = 'needs-action') {
    const a: SealedCalendarEvent = {
      ...(await sealedEvent(
        'a',
        {
          title: 'Point hebdo',
          start: at('01'),
          end: at('01', '09'),
          rrule: 'FREQ=WEEKLY;COUNT=4',
        },
        4,
      )),
      organizer: bob,
      attendees: [
        { user_id: ALICE, email: 'alice@ruche.test', name: 'Alice Martin', partstat: alice },
        { user_id: JULES, email: 'jules@ruche.test', name: 'Jules', partstat: 'accepted' },
      ],
    };
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue(page({ events: [a], version: 4 }));
    const s = newStore();
    await s.show(WEEK);
    return { a, s };
  }

  it('creates an event inviting members: by id beside its card, nothing else in clear', async () => {
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue(page({ version: 1 }));
    const create = vi
      .spyOn(api.calendar.sealed, 'create')
      .mockImplementation(async (_ws, b) => answer('n', b, 2));
    const s = newStore();
    await s.show(WEEK);
    await s.create({
      title: 'Revue',
      start: at('02'),
      end: at('02', '09'),
      attendees: [{ user_id: BOB }, { user_id: JULES }],
    });
    const sent = create.mock.calls[0]?.[1];
    expect(Object.keys(sent ?? {}).sort()).toEqual(['attendees', 'sealed', 'token']);
    expect(sent?.attendees).toEqual([{ user_id: BOB }, { user_id: JULES }]);
    expect(JSON.stringify(sent)).not.toMatch(/Revue|2026/);
  });

  it('a change of the people alone sends only them, at the version read; with the card, both', async () => {
    const { a, s } = await invitedTo();
    const update = vi
      .spyOn(api.calendar.sealed, 'update')
      .mockImplementation(async (_id, b, version) => ({
        ...a,
        sealed: b.sealed ?? a.sealed,
        version: (version ?? 0) + 1,
      }));
    await s.update('a', { attendees: [{ user_id: JULES }] }, 4);
    expect(update.mock.calls[0]).toEqual(['a', { attendees: [{ user_id: JULES }] }, 4]);
    await s.update('a', { title: 'Point du mardi', attendees: [] }, 5);
    expect(update.mock.calls[1]?.[1]).toEqual({
      attendees: [],
      sealed: expect.stringMatching(/^e2e1:1:/),
    });
    expect(titles(s)[0]).toBe(`Point du mardi ${at('01')}`);
  });

  it('this and following: the new event keeps the series’ people and their answers (the server’s), or those the change names', async () => {
    const { a, s } = await invitedTo('accepted');
    const update = updated(a);
    // People named by the change: those.
    await s.updateFollowing('a', at('22'), { attendees: [{ user_id: BOB }] }, 4);
    expect(update.mock.calls[0]?.[1].following?.attendees).toEqual([{ user_id: BOB }]);
    const rest = await s.updateFollowing('a', at('15'), { title: 'Point tardif' }, 5);
    const sent = update.mock.calls[1]?.[1].following;
    expect(sent && 'attendees' in sent).toBe(false);
    expect(rest.attendees.map((x) => `${x.user_id} ${x.partstat}`)).toEqual([
      `${ALICE} accepted`,
      `${JULES} accepted`,
    ]);
    expect(s.getState().events.n?.attendees).toEqual(rest.attendees);
  });

  /**
   * The server's side of answers (docs/armoured.md, "Attendees"): Alice's
   * answer to the series, or her sealed answers apart (null: none), kept
   * as sent, each a new version; an answer to the series drops those
   * apart unless new ones come with it.
   */
  function serveReplies(a: SealedCalendarEvent) {
    let now = a;
    const answer = (b: SealedCalendarReply) => (x: NonNullable<typeof a.attendees>[number]) => {
      if (x.user_id !== ALICE) return x;
      const kept =
        b.sealed_answers !== undefined ? b.sealed_answers : !b.partstat && x.sealed_answers;
      const y = { ...x, partstat: b.partstat ?? x.partstat };
      delete y.sealed_answers;
      delete y.answers_token;
      return kept ? { ...y, sealed_answers: kept } : y;
    };
    return vi.spyOn(api.calendar.sealed, 'reply').mockImplementation(async (_id, b) => {
      now = { ...now, version: now.version + 1, attendees: (now.attendees ?? []).map(answer(b)) };
      return now;
    });
  }

  /** The answers apart Alice sent last, opened with her keys. */
  const sentApart = (reply: ReturnType<typeof serveReplies>, token: string) => {
    const b = reply.mock.lastCall?.[1];
    if (!b?.sealed_answers) return b?.sealed_answers;
    const o = keys.openEventAnswers(token, b.sealed_answers, ALICE);
    if (o.kind !== 'open') throw new Error(`the answers sent do not open: ${o.kind}`);
    return o.value;
  };

  const DECEMBER = { from: '2026-11-29T23:00:00.000Z', to: '2026-12-27T23:00:00.000Z' };

  it('shows the caller’s answer on the occurrences, and answers the whole series in clear', async () => {
    const { a, s } = await invitedTo();
    expect(s.getState().occurrences.map((o) => o.partstat)).toEqual(['needs-action']);
    expect(s.getState().events.a).toMatchObject({ organizer: bob });
    const plain = vi.spyOn(api.calendar, 'reply');
    const reply = serveReplies(a);
    const answered = await s.reply('a', 'declined');
    expect(reply).toHaveBeenCalledExactlyOnceWith('a', { partstat: 'declined' });
    expect(plain).not.toHaveBeenCalled();
    expect(answered).toMatchObject({ title: 'Point hebdo', version: 5 });
    expect(s.getState().occurrences.map((o) => o.partstat)).toEqual(['declined']);
  });

  it('answers one occurrence apart: sealed by the caller with their other answers apart, shown on it alone', async () => {
    const { a, s } = await invitedTo('accepted');
    await s.show(DECEMBER);
    const reply = serveReplies(a);
    const partstats = () => s.getState().occurrences.map((o) => o.partstat);

    const answered = await s.reply('a', 'declined', at('08'));
    const body = reply.mock.lastCall?.[1];
    expect(Object.keys(body ?? {})).toEqual(['sealed_answers']);
    expect(JSON.stringify(body)).not.toMatch(/2026|declined/);
    expect(sentApart(reply, a.token)).toEqual([{ recurrence_id: at('08'), partstat: 'declined' }]);
    expect(partstats()).toEqual(['accepted', 'declined', 'accepted', 'accepted']);
    expect(answered.instance_answers).toEqual([
      { recurrence_id: at('08'), email: 'alice@ruche.test', partstat: 'declined' },
    ]);

    // Another: both sealed; the first again: in its place.
    await s.reply('a', 'tentative', at('15'));
    await s.reply('a', 'tentative', at('08'));
    expect(sentApart(reply, a.token)).toEqual([
      { recurrence_id: at('15'), partstat: 'tentative' },
      { recurrence_id: at('08'), partstat: 'tentative' },
    ]);
    expect(partstats()).toEqual(['accepted', 'tentative', 'tentative', 'accepted']);

    // Back to the series' answer: none apart there; none left: null.
    await s.reply('a', 'accepted', at('08'));
    expect(sentApart(reply, a.token)).toEqual([{ recurrence_id: at('15'), partstat: 'tentative' }]);
    await s.reply('a', 'accepted', at('15'));
    expect(reply.mock.lastCall?.[1]).toEqual({ sealed_answers: null });
    expect(partstats()).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);

    // The whole series: in clear, the answers apart dropped by the server.
    await s.reply('a', 'tentative', at('22'));
    await s.reply('a', 'declined');
    expect(reply.mock.lastCall?.[1]).toEqual({ partstat: 'declined' });
    expect(partstats()).toEqual(['declined', 'declined', 'declined', 'declined']);
    expect(s.getState().events.a?.instance_answers).toEqual([]);
  });

  it('seals the answers apart again once when the key moved on', async () => {
    const { a, s } = await invitedTo('accepted');
    const reply = serveReplies(a).mockRejectedValueOnce(new ApiError(409, 'stale_key', ''));
    const syncs = server.syncs;
    await s.reply('a', 'declined', at('01'));
    expect(reply).toHaveBeenCalledTimes(2);
    // Sealed again (a new nonce), not the refused text sent twice.
    const [first, again] = reply.mock.calls.map((c) => c[1].sealed_answers);
    expect(again).toMatch(/^e2e1:1:/);
    expect(again).not.toBe(first);
    expect(server.syncs).toBe(syncs + 1);
    expect(s.getState().occurrences.map((o) => o.partstat)).toEqual(['declined']);
  });

  it('this and following: the caller’s answers apart come to the new event (sealed for the series its card names), and are sealed for it at the next answer', async () => {
    const { a, s } = await invitedTo('accepted');
    await s.show(DECEMBER);
    const partstats = () => s.getState().occurrences.map((o) => o.partstat);
    serveReplies(a);
    await s.reply('a', 'declined', at('08'));
    await s.reply('a', 'tentative', at('22'));
    const series = openedOf(s.getState().events.a as CalendarEvent)?.raw;
    if (!series) throw new Error('no series');
    const update = updated(series);
    await s.updateFollowing('a', at('15'), { title: 'Point tardif' }, series.version);
    const sent = update.mock.calls[0]?.[1].following;
    expect(opened(sent?.token ?? '', sent?.sealed)).toMatchObject({ cut_from: [a.token] });
    const n = openedOf(s.getState().events.n as CalendarEvent)?.raw;
    expect(n?.attendees?.find((x) => x.user_id === ALICE)?.answers_token).toBe(a.token);
    expect(partstats()).toEqual(['accepted', 'declined', 'accepted', 'tentative']);

    // An answer to one of the new event's occurrences: its answers sealed
    // for its token now (none to the series' occurrences before the cut).
    const reply = serveReplies(n as SealedCalendarEvent);
    await s.reply('n', 'declined', at('15'));
    expect(sentApart(reply, n?.token ?? '')).toEqual([
      { recurrence_id: at('22'), partstat: 'tentative' },
      { recurrence_id: at('15'), partstat: 'declined' },
    ]);
    expect(partstats()).toEqual(['accepted', 'declined', 'declined', 'tentative']);
  });

  /**
   * `a` at version 5 with Alice's answers apart (the 8th declined) sealed
   * for another event; the server saying so (answers_token) when `said`.
   */
  async function answeredForAnother(a: SealedCalendarEvent, said: boolean) {
    const other = await armour.sealNew({ title: 'x', start: at('01'), end: at('01', '09') });
    const theirs = await keys.sealEventAnswers(other.token, [
      { recurrence_id: at('08'), partstat: 'declined' },
    ]);
    const mine = { sealed_answers: theirs, ...(said ? { answers_token: other.token } : {}) };
    const event: SealedCalendarEvent = {
      ...a,
      version: 5,
      attendees: (a.attendees ?? []).map((x) => (x.user_id === ALICE ? { ...x, ...mine } : x)),
    };
    return { event, other };
  }

  it('shows no answers apart said sealed for another event its card does not name', async () => {
    const { a } = await invitedTo();
    const { event: grafted, other } = await answeredForAnother(a, true);
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue(
      page({ events: [grafted], version: 5 }),
    );
    const s = newStore();
    await s.show(DECEMBER);
    expect(s.getState().occurrences.map((o) => o.partstat)).toEqual([
      'needs-action',
      'needs-action',
      'needs-action',
      'needs-action',
    ]);
    // Its card naming that event: they are.
    const named = await armour.seal(a.token, {
      ...armour.cardOf(s.getState().events.a as CalendarEvent).card,
      cut_from: [other.token],
    });
    s.handleEvent(
      calendarFrame('calendar.event_updated', { ...grafted, sealed: named, version: 6 }, WS),
    );
    expect(s.getState().occurrences.map((o) => o.partstat)).toEqual([
      'needs-action',
      'declined',
      'needs-action',
      'needs-action',
    ]);
  });

  it('refuses to answer an occurrence while the caller’s answers apart do not open (they would be lost)', async () => {
    const { a } = await invitedTo();
    const { event: moved } = await answeredForAnother(a, false);
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue(page({ events: [moved], version: 5 }));
    const s = newStore();
    await s.show(DECEMBER);
    expect(s.getState().occurrences.map((o) => o.partstat)).toEqual([
      'needs-action',
      'needs-action',
      'needs-action',
      'needs-action',
    ]);
    const reply = vi.spyOn(api.calendar.sealed, 'reply');
    await expect(s.reply('a', 'accepted', at('15'))).rejects.toSatisfy((e) =>
      isArmourError(e, 'unreadable'),
    );
    expect(reply).not.toHaveBeenCalled();
  });
});

describe('a first visit: the cards’ signatures checked elsewhere first', () => {
  afterEach(() => {
    rememberVerified(null, null);
  });

  /**
   * Alice's calendar of `n` events and one more carrying another's card,
   * read whole by a store whose keys check signatures ahead with `check`.
   */
  async function firstVisit(n: number, usable = true) {
    const workers = { ...signaturesCheckedHere(alice), usable };
    const check = workers.check;
    ({ keys, server } = await soloKeys(alice, {}, workers));
    armour = new CalendarArmour(WS, keys);
    const events: SealedCalendarEvent[] = [];
    for (let i = 0; i < n; i++) {
      events.push(
        await sealedEvent(`e${i}`, {
          title: `Réunion ${i}`,
          start: '2026-12-02T08:00:00.000Z',
          end: '2026-12-02T09:00:00.000Z',
        }),
      );
    }
    // The server puts one event's card on another: its signature binds the first one's token.
    const moved = {
      ...(await sealedEvent('moved', {
        title: 'Déplacé',
        start: '2026-12-03T08:00:00.000Z',
        end: '2026-12-03T09:00:00.000Z',
      })),
      sealed: events[0]?.sealed ?? '',
    };
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValueOnce(
      page({ events: [...events, moved], version: n + 1 }),
    );
    const signatureChecks = vi.spyOn(sodium, 'crypto_sign_verify_detached');
    const s = newStore();
    await s.show(WEEK);
    return { s, check, signatureChecks };
  }

  it('checks a first page’s signatures in one request, then opens every card without checking it again', async () => {
    const n = CHECK_AHEAD_MIN + 6;
    const { s, check, signatureChecks } = await firstVisit(n);
    expect(check).toHaveBeenCalledTimes(1);
    expect(check.mock.calls[0]?.[0]).toHaveLength(n + 1);
    // Only the moved card, said not to check, is checked again here (and refused).
    expect(signatureChecks).toHaveBeenCalledTimes(1);
    expect(s.getState().occurrences).toHaveLength(n);
    expect(openedOf(s.getState().events.moved as CalendarEvent)?.card).toEqual({
      kind: 'bad_signature',
      verified: false,
    });
    expect(openedOf(s.getState().events.e3 as CalendarEvent)?.card).toEqual({
      kind: 'open',
      verified: true,
    });
  });

  it('sends a long first page in parts, each part’s cards opened as its answer comes, while the next is checked', async () => {
    const here = signaturesCheckedHere(alice);
    const answer: (() => void)[] = [];
    const check = vi.fn<SignatureChecker['check']>(
      (checks) => new Promise((resolve) => answer.push(() => resolve(here.check(checks)))),
    );
    ({ keys, server } = await soloKeys(alice, {}, { usable: true, check }));
    armour = new CalendarArmour(WS, keys);
    const n = CHECK_AHEAD_PART + 10;
    const events: SealedCalendarEvent[] = [];
    for (let i = 0; i < n; i++)
      events.push(
        await sealedEvent(`e${i}`, {
          title: `Réunion ${i}`,
          start: '2026-12-02T08:00:00.000Z',
          end: '2026-12-02T09:00:00.000Z',
        }),
      );
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValueOnce(page({ events, version: n }));
    const signatureChecks = vi.spyOn(sodium, 'crypto_sign_verify_detached');
    const decrypt = vi.spyOn(sodium, 'crypto_aead_xchacha20poly1305_ietf_decrypt');
    const s = newStore();
    const shown = s.show(WEEK);
    await vi.waitFor(() => expect(check).toHaveBeenCalledTimes(2));
    expect(check.mock.calls.map(([checks]) => checks.length)).toEqual([CHECK_AHEAD_PART, 10]);
    expect(decrypt).not.toHaveBeenCalled();
    // The first part's answer: its cards open now, the second part still checked.
    answer[0]?.();
    await vi.waitFor(() => expect(decrypt).toHaveBeenCalledTimes(CHECK_AHEAD_PART));
    expect(s.getState().occurrences).toHaveLength(0);
    answer[1]?.();
    await shown;
    // Each card decrypted once, none of their signatures checked on this thread.
    expect(decrypt).toHaveBeenCalledTimes(n);
    expect(signatureChecks).not.toHaveBeenCalled();
    expect(s.getState().occurrences).toHaveLength(n);
  });

  it('gathers nothing where no worker can check (one core): every card checked as it opens', async () => {
    const n = CHECK_AHEAD_MIN + 6;
    const { s, check, signatureChecks } = await firstVisit(n, false);
    expect(check).not.toHaveBeenCalled();
    expect(signatureChecks).toHaveBeenCalledTimes(n + 1);
    expect(s.getState().occurrences).toHaveLength(n);
  });

  it('opens a few cards here: fewer signatures than a worker’s start is worth', async () => {
    const { s, check, signatureChecks } = await firstVisit(3);
    expect(check).not.toHaveBeenCalled();
    expect(signatureChecks).toHaveBeenCalledTimes(4);
    expect(s.getState().occurrences).toHaveLength(3);
  });
});
