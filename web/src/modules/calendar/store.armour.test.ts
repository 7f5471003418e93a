// The calendar store of an armoured workspace (docs/armoured.md,
// "Calendar"), against a fake server and Alice's real keys: the calendar
// read whole through the sealed route's pages, then only what changed
// (after `hello`), the occurrences worked out here, live events applied as
// they come, new events and changes leaving sealed (at the version read),
// a stale key sealing again once, a change made meanwhile said, and what
// waited for the keys opened when they come.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  api,
  ApiError,
  type CalendarEvent,
  type NewSealedCalendarEvent,
  type SealedCalendarEvent,
  type SealedCalendarPage,
} from '../../api';
import { createIdentity, type CreatedIdentity } from '../../armour/crypto';
import { WorkspaceKeys } from '../../armour/keys';
import { loadCrypto } from '../../armour/load';
import { TrustStore } from '../../armour/trust';
import { ALICE, WS, sealedEventRecord, soloKeys, soloServer } from '../../test/soloKeyServer';

import { calendarFrame } from './logic/fixtures.test-util';
import { CalendarArmour, SEALED_PAGE_SIZE, openedOf } from './sealed';
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

/** The server's answer to a new event: what was sent, kept as it came. */
const answer = (id: string, b: NewSealedCalendarEvent, version: number) =>
  sealedEventRecord(id, b, version, AT);

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
    vi.spyOn(api.workspaces, 'members').mockResolvedValue([]);
    s.start();
    await s.show(WEEK);
    expect(openedOf(s.getState().events.a as CalendarEvent)?.card.kind).toBe('pending');
    expect(s.getState().occurrences).toEqual([]);
    await later.sync();
    await vi.waitFor(() => expect(titles(s)).toEqual(['Revue 2026-12-01T08:00:00.000Z']));
    s.stop();
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
      .mockImplementationOnce(async (_id, sealed) => ({ ...a, sealed, version: 5 }));
    const s = newStore();
    await s.show(WEEK);
    const saved = await s.update('a', { title: 'Revue annuelle' }, 4);
    expect(update.mock.calls[0]?.[0]).toBe('a');
    expect(update.mock.calls[0]?.[2]).toBe(4);
    expect(update.mock.calls[0]?.[1]).toMatch(/^e2e1:1:/);
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

  it('changes or cancels no occurrence apart (a card is the whole series): nothing sent', async () => {
    const update = vi.spyOn(api.calendar, 'updateOccurrence');
    const cancel = vi.spyOn(api.calendar, 'cancelOccurrence');
    const following = vi.spyOn(api.calendar, 'updateFollowing');
    const removeFollowing = vi.spyOn(api.calendar, 'removeFollowing');
    const s = newStore();
    const rid = '2026-12-08T08:00:00.000Z';
    await expect(s.updateOccurrence('a', rid, { title: 'Seule' }, 4)).rejects.toMatchObject({
      code: 'armoured_unsupported',
    });
    await expect(s.cancelOccurrence('a', rid, 4)).rejects.toMatchObject({
      code: 'armoured_unsupported',
    });
    await expect(s.updateFollowing('a', rid, { title: 'Suite' }, 4)).rejects.toMatchObject({
      code: 'armoured_unsupported',
    });
    await expect(s.removeFollowing('a', rid, 4)).rejects.toMatchObject({
      code: 'armoured_unsupported',
    });
    expect(update).not.toHaveBeenCalled();
    expect(cancel).not.toHaveBeenCalled();
    expect(following).not.toHaveBeenCalled();
    expect(removeFollowing).not.toHaveBeenCalled();
  });
});
