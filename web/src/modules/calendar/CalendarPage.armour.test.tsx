// The calendar of an armoured workspace as people use it (docs/armoured.md,
// "Calendar"; Paris time, English), with Alice's real keys: a recurring
// sealed event on each of its dates in the month, an event that does not
// open listed apart and saying why in its details, an event's facts from
// its card, an edit and a new event leaving sealed (the whole series', or
// one occurrence changed or cancelled apart in a new card), nothing sealed
// while the current key has not come, and invitations: members only, who
// and their answers shown (to single occurrences too, sealed by each
// attendee), an invitee answering one occurrence (sealed) or the series.
import { act } from 'react';
import { scopeAsked as scope } from './components/ScopeChoice.test-util';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  api,
  ApiError,
  type Me,
  type Member,
  type SealedCalendarEvent,
  type Workspace,
} from '../../api';
import { createIdentity, sealEventAnswers, type CreatedIdentity } from '../../armour/crypto';
import type { EventAnswer } from '../../armour/format';
import type { WorkspaceKeys } from '../../armour/keys';
import { loadCrypto } from '../../armour/load';
import { BrandingProvider } from '../../branding';
import { ToastProvider } from '../../notifications/toasts';
import { matchPath, usePathname } from '../../router/router';
import { mountPoint, typeInto } from '../../test/mount';
import { ALICE, WS, sealedEventRecord, soloKeys } from '../../test/soloKeyServer';
import { CalendarScreen } from './CalendarPage';
import { CalendarArmour } from './sealed';

/** The key manager the screen gets for the workspace: Alice's, made in beforeEach. */
const current = vi.hoisted(() => ({ keys: null as WorkspaceKeys | null }));
vi.mock('../../armour/keys', async (original) => ({
  ...(await original<typeof import('../../armour/keys')>()),
  workspaceKeys: () => current.keys,
}));

const ui = mountPoint();
const ME = { id: ALICE, name: 'Alice Martin', email: 'alice@ruche.test' } as Me;
const WORKSPACE = {
  id: WS,
  name: 'Coffre',
  modules: ['calendar'],
  archived: false,
  armoured: true,
} as Workspace;
const BOB = '01HZBOB00000000000000000B0';
const MEMBERS = [
  {
    user_id: ALICE,
    name: 'Alice Martin',
    email: 'alice@ruche.test',
    rights: { calendar: 'write' },
  },
  { user_id: BOB, name: 'Bob Martin', email: 'bob@ruche.test', rights: { calendar: 'read' } },
  // A member who does not read the calendar: not offered.
  {
    user_id: 'jules',
    name: 'Jules Martin',
    email: 'jules@ruche.test',
    rights: { calendar: 'none' },
  },
] as unknown as Member[];

let alice: CreatedIdentity;
let bob: CreatedIdentity;
let keys: WorkspaceKeys;
let armour: CalendarArmour;
let events: SealedCalendarEvent[];

beforeAll(async () => {
  process.env.TZ = 'Europe/Paris';
  await loadCrypto();
  alice = createIdentity(ALICE, 'alice passphrase');
  bob = createIdentity(BOB, 'bob passphrase');
});

beforeEach(async () => {
  // Bob is a member with keys: what he signs checks.
  ({ keys } = await soloKeys(alice, { [BOB]: bob }));
  current.keys = keys;
  armour = new CalendarArmour(WS, keys);
  events = [
    // Tuesdays at 10:00 in Paris, from 1 December.
    await sealed('weekly', {
      title: 'Point hebdo',
      location: 'Salle 2',
      start: '2026-12-01T09:00:00.000Z',
      end: '2026-12-01T10:00:00.000Z',
      timezone: 'Europe/Paris',
      rrule: 'FREQ=WEEKLY',
    }),
    // Its card is said to be someone else's: it does not open.
    {
      ...(await sealed('lost', {
        title: 'Secret',
        start: '2026-12-10T09:00:00.000Z',
        end: '2026-12-10T10:00:00.000Z',
      })),
      sealed_by: 'bob',
    },
  ];
});

afterEach(() => {
  vi.restoreAllMocks();
  document.querySelectorAll('dialog').forEach((d) => d.remove());
});

/** An event as the server lists it: its card sealed by Alice, nothing in clear. */
async function sealed(
  id: string,
  card: Parameters<CalendarArmour['sealNew']>[0],
  version = 3,
): Promise<SealedCalendarEvent> {
  const b = await armour.sealNew(card);
  return sealedEventRecord(id, b, version);
}

/** The screen as the router mounts it: the event open comes from the address. */
function Routed() {
  const eventId = matchPath('/w/:id/calendar/:eid', usePathname())?.eid ?? null;
  return <CalendarScreen workspace={WORKSPACE} me={ME} eventId={eventId} />;
}

async function show(eventId: string | null = null) {
  const path = eventId ? `/w/${WS}/calendar/${eventId}` : `/w/${WS}/calendar`;
  window.history.replaceState(null, '', `${path}?date=2026-12-10`);
  vi.spyOn(api.settings, 'public').mockRejectedValue(new Error('offline'));
  vi.spyOn(api.workspaces, 'get').mockResolvedValue({
    ...WORKSPACE,
    role: 'member',
    rights: { calendar: 'write' },
  });
  vi.spyOn(api.workspaces, 'members').mockResolvedValue({ members: MEMBERS, seq: null });
  const plain = vi.spyOn(api.calendar, 'occurrences');
  vi.spyOn(api.calendar.sealed, 'list').mockImplementation(async () => ({
    events,
    deleted: [],
    version: 3,
    more: false,
  }));
  vi.spyOn(api.calendar.sealed, 'get').mockImplementation(async (id) => {
    const e = events.find((x) => x.id === id);
    if (!e) throw new ApiError(404, 'not_found', '');
    return e;
  });
  await ui.render(
    <BrandingProvider>
      <ToastProvider>
        <Routed />
      </ToastProvider>
    </BrandingProvider>,
  );
  await vi.waitFor(() => expect(ui.host.querySelector('[role="grid"]')).not.toBeNull());
  await vi.waitFor(() => expect(chips('2026-12-01')).toEqual(['Point hebdo']));
  expect(plain).not.toHaveBeenCalled();
}

const cell = (day: string) => ui.host.querySelector<HTMLElement>(`[data-day="${day}"]`);
const chips = (day: string) =>
  [...(cell(day)?.querySelectorAll('.cal-chip__title') ?? [])].map((c) => c.textContent);
const dialog = () => [...document.querySelectorAll<HTMLDialogElement>('dialog[open]')].pop();
const toasts = () => document.querySelector('.toasts')?.textContent ?? '';
/** The people of an event's details, with their answers. */
const people = (d: ParentNode) =>
  [...d.querySelectorAll('.cal-person')].map((p) => p.textContent?.replace(/\s+/g, ' ').trim());
/** The chips' looks on these days (the invitation's answer). */
const looks = (...days: string[]) =>
  days.map((day) => cell(day)?.querySelector('.cal-chip')?.className);
/** The suggestions offered under the attendees' field. */
const options = (d: ParentNode) =>
  [...d.querySelectorAll('[role="option"]')].map((o) =>
    [o.querySelector('.person-picker__name'), o.querySelector('.person-picker__detail')]
      .map((x) => x?.textContent)
      .join(' '),
  );
const button = (label: string, within: ParentNode = document) =>
  [...within.querySelectorAll<HTMLButtonElement>('button')].find(
    (b) => b.textContent === label || b.getAttribute('aria-label') === label,
  );
const field = (label: string, within: ParentNode = document) => {
  const l = [...within.querySelectorAll('label')].find((x) => x.textContent === label);
  const input = l ? document.getElementById(l.htmlFor) : null;
  if (!input) throw new Error(`no field ${label}`);
  return input as HTMLInputElement;
};

/** The occurrence of `day` of the weekly event opened from its chip. */
async function openOccurrence(day: string) {
  await act(async () => cell(day)?.querySelector<HTMLElement>('.cal-chip')?.click());
  await vi.waitFor(() => expect(button('Edit', dialog() ?? document)).toBeDefined());
  return dialog() as HTMLDialogElement;
}

/** The sealed route's update of the weekly event, answering the card sent at the next version. */
const sealedUpdate = () =>
  vi.spyOn(api.calendar.sealed, 'update').mockImplementation(async (_id, b, version) => {
    const weekly = events[0] as SealedCalendarEvent;
    return { ...weekly, sealed: b.sealed ?? weekly.sealed, version: (version ?? 0) + 1 };
  });

/** A card sent for the weekly event, opened with Alice's keys. */
function opened(sealed: unknown) {
  const o = keys.openEventCard((events[0] as SealedCalendarEvent).token, sealed as string, ALICE);
  if (o.kind !== 'open') throw new Error(`the card sent does not open: ${o.kind}`);
  return o.value;
}

describe('an armoured calendar', () => {
  it('shows a recurring sealed event on each of its dates, and says what does not open', async () => {
    await show();
    for (const day of ['2026-12-01', '2026-12-08', '2026-12-15', '2026-12-22', '2026-12-29']) {
      expect(chips(day)).toEqual(['Point hebdo']);
    }
    expect(chips('2026-12-02')).toEqual([]);
    expect(ui.host.querySelector('.cal-armoured')?.textContent).toContain(
      'End-to-end encrypted calendar',
    );
    // The event that does not open has no date here: listed apart.
    expect(chips('2026-12-10')).toEqual([]);
    expect(ui.host.querySelector('.cal-unopened summary')?.textContent).toBe(
      'One event does not open in this browser: it is not shown.',
    );
  });

  it('shows an event’s facts from its card, and edits it with a new card (the people unchanged: not sent)', async () => {
    const update = sealedUpdate();
    await show('weekly');
    await vi.waitFor(() => expect(dialog()?.querySelector('.cal-facts')).not.toBeNull());
    const d = dialog() as HTMLDialogElement;
    expect(d.querySelector('.dialog__title')?.textContent).toBe('Point hebdo');
    expect(d.textContent).toContain('Salle 2');
    expect(d.textContent).toContain('Every week');
    expect(button('Accept', d)).toBeUndefined();
    act(() => button('Edit', d)?.click());
    typeInto(field('Title', d), 'Point mensuel');
    await act(async () => button('Save', d)?.click());
    await vi.waitFor(() => expect(update).toHaveBeenCalled());
    const [id, body, version] = update.mock.calls[0] ?? [];
    expect([id, version]).toEqual(['weekly', 3]);
    expect(body).toEqual({ sealed: expect.stringMatching(/^e2e1:1:/) });
    await vi.waitFor(() => expect(chips('2026-12-08')).toEqual(['Point mensuel']));
  });

  it('changes one occurrence alone when asked: one new card holding it apart, shown on its day only', async () => {
    const update = sealedUpdate();
    const plain = vi.spyOn(api.calendar, 'updateOccurrence');
    const series = vi.spyOn(api.calendar, 'update');
    await show();
    const d = await openOccurrence('2026-12-08');
    act(() => button('Edit', d)?.click());
    // Asked, this occurrence chosen: its own form, at its own date.
    expect(scope(d)).toMatchObject({
      legend: 'Change',
      radios: [
        ['This occurrence', true],
        ['This and following occurrences', false],
        ['All occurrences', false],
      ],
    });
    expect(field('Start date', d).value).toBe('2026-12-08');
    expect([...d.querySelectorAll('label')].map((l) => l.textContent)).not.toContain('Repeat');
    typeInto(field('Title', d), 'Point exceptionnel');
    await act(async () => button('Save', d)?.click());
    await vi.waitFor(() => expect(update).toHaveBeenCalled());
    expect(update).toHaveBeenCalledTimes(1);
    expect(plain).not.toHaveBeenCalled();
    expect(series).not.toHaveBeenCalled();
    const [id, { sealed } = {}, version] = update.mock.calls[0] ?? [];
    expect([id, version]).toEqual(['weekly', 3]);
    expect(sealed).not.toContain('exceptionnel');
    const card = opened(sealed);
    expect(card).toMatchObject({ title: 'Point hebdo', rrule: 'FREQ=WEEKLY', exdates: [] });
    expect(card.overrides).toEqual([
      {
        recurrence_id: '2026-12-08T09:00:00.000Z',
        start: '2026-12-08T09:00:00.000Z',
        end: '2026-12-08T10:00:00.000Z',
        title: 'Point exceptionnel',
      },
    ]);
    await vi.waitFor(() => expect(chips('2026-12-08')).toEqual(['Point exceptionnel']));
    for (const day of ['2026-12-01', '2026-12-15', '2026-12-22', '2026-12-29'])
      expect(chips(day)).toEqual(['Point hebdo']);
  });

  it('cancels one occurrence alone when asked: its date among the card’s exdates, its chip gone', async () => {
    const update = sealedUpdate();
    const remove = vi.spyOn(api.calendar, 'remove');
    const cancel = vi.spyOn(api.calendar, 'cancelOccurrence');
    await show();
    const d = await openOccurrence('2026-12-15');
    act(() => button('Delete', d)?.click());
    const confirm = dialog() as HTMLDialogElement;
    expect(scope(confirm)).toMatchObject({
      legend: 'Delete',
      radios: [
        ['This occurrence', true],
        ['This and following occurrences', false],
        ['All occurrences', false],
      ],
    });
    expect(confirm.textContent).toContain('will be cancelled; the other occurrences stay.');
    await act(async () => button('Delete', confirm)?.click());
    await vi.waitFor(() => expect(update).toHaveBeenCalled());
    expect(update).toHaveBeenCalledTimes(1);
    expect(remove).not.toHaveBeenCalled();
    expect(cancel).not.toHaveBeenCalled();
    const [id, { sealed } = {}, version] = update.mock.calls[0] ?? [];
    expect([id, version]).toEqual(['weekly', 3]);
    expect(opened(sealed)).toMatchObject({
      rrule: 'FREQ=WEEKLY',
      exdates: ['2026-12-15T09:00:00.000Z'],
      overrides: [],
    });
    await vi.waitFor(() => expect(chips('2026-12-15')).toEqual([]));
    for (const day of ['2026-12-01', '2026-12-08', '2026-12-22', '2026-12-29'])
      expect(chips(day)).toEqual(['Point hebdo']);
  });

  it('changes and deletes the whole series from an occurrence when asked: all occurrences', async () => {
    const update = sealedUpdate();
    const remove = vi.spyOn(api.calendar, 'remove').mockResolvedValue(undefined);
    const cancel = vi.spyOn(api.calendar, 'cancelOccurrence');
    await show();
    const d = await openOccurrence('2026-12-08');
    act(() => button('Edit', d)?.click());
    scope(d).pick('All occurrences');
    // The series' form: its first date and its repeat.
    expect(field('Start date', d).value).toBe('2026-12-01');
    expect(field('Repeat', d).value).toBe('weekly');
    typeInto(field('Title', d), 'Point du mardi');
    await act(async () => button('Save', d)?.click());
    await vi.waitFor(() => expect(update).toHaveBeenCalled());
    const [id, { sealed } = {}, version] = update.mock.calls[0] ?? [];
    expect([id, version]).toEqual(['weekly', 3]);
    expect(opened(sealed)).toMatchObject({
      title: 'Point du mardi',
      start: '2026-12-01T09:00:00.000Z',
      rrule: 'FREQ=WEEKLY',
      exdates: [],
      overrides: [],
    });
    await vi.waitFor(() => expect(chips('2026-12-22')).toEqual(['Point du mardi']));
    expect(chips('2026-12-08')).toEqual(['Point du mardi']);

    act(() => button('Delete', d)?.click());
    const confirm = dialog() as HTMLDialogElement;
    scope(confirm).pick('All occurrences');
    expect(confirm.textContent).toContain('with all its occurrences');
    await act(async () => button('Delete', confirm)?.click());
    expect(remove).toHaveBeenCalledWith('weekly', 4);
    expect(cancel).not.toHaveBeenCalled();
    expect(update).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(chips('2026-12-08')).toEqual([]));
  });

  it('an event that does not open says why, and can only be deleted', async () => {
    await show('lost');
    await vi.waitFor(() => expect(dialog()?.querySelector('.cal-sealed')).not.toBeNull());
    const d = dialog() as HTMLDialogElement;
    expect(d.querySelector('.dialog__title')?.textContent).toBe('🔒 Unreadable event');
    expect(d.querySelector('.cal-facts')).toBeNull();
    expect(button('Edit', d)).toBeUndefined();
    expect(button('Delete', d)).toBeDefined();
  });

  it('seals nothing while the current key has not come: no new event, no edit', async () => {
    // The workspace moved to generation 2; no member's browser sealed it for Alice yet.
    const waiting = { ...keys.getState(), generation: 2, held: [1] };
    vi.spyOn(keys, 'getState').mockReturnValue(waiting);
    await show('weekly');
    expect(button('New event', ui.host)?.disabled).toBe(true);
    expect(button('New event', ui.host)?.title).toContain('you have not received the current key');
    await vi.waitFor(() => expect(dialog()?.querySelector('.cal-facts')).not.toBeNull());
    const d = dialog() as HTMLDialogElement;
    expect(button('Edit', d)).toBeUndefined();
    expect(button('Delete', d)).toBeDefined();
    // What was sealed before still opens.
    expect(chips('2026-12-08')).toEqual(['Point hebdo']);
  });

  it('creates an event sealed, inviting members who read the calendar only: no address, not oneself', async () => {
    const create = vi
      .spyOn(api.calendar.sealed, 'create')
      .mockImplementation(async (_ws, b) => sealedEventRecord('new', b, 4));
    const plain = vi.spyOn(api.calendar, 'create');
    vi.spyOn(api.calendar, 'freeBusy').mockResolvedValue([]);
    await show();
    act(() => button('New event', ui.host)?.click());
    const d = dialog() as HTMLDialogElement;
    typeInto(field('Title', d), 'Inventaire');
    const invite = field('Invite someone', d);
    expect(invite.placeholder).toBe('Name of a member');
    // An address is no member: refused, nothing added.
    typeInto(invite, 'guest@example.org');
    await act(async () => button('Invite', d)?.click());
    expect(d.querySelector('.cal-attendees .field__error')?.textContent).toBe(
      'Pick a member of the workspace who reads its calendar: an encrypted event invites nobody else.',
    );
    expect(d.querySelectorAll('.cal-person')).toHaveLength(0);
    // Neither oneself nor a member without the calendar is offered.
    typeInto(invite, 'mart');
    expect(options(d)).toEqual(['Bob Martin bob@ruche.test']);
    await act(async () => button('Invite', d)?.click());
    expect([...d.querySelectorAll('.cal-person__name')].map((p) => p.textContent)).toEqual([
      'Bob Martin',
    ]);
    await act(async () => button('Create the event', d)?.click());
    await vi.waitFor(() => expect(create).toHaveBeenCalled());
    expect(plain).not.toHaveBeenCalled();
    const body = create.mock.calls[0]?.[1];
    expect(Object.keys(body ?? {}).sort()).toEqual(['attendees', 'sealed', 'token']);
    expect(body?.attendees).toEqual([{ user_id: BOB }]);
    expect(JSON.stringify(body)).not.toContain('Inventaire');
    // On the day it was made for (today's, when in the month shown).
    await vi.waitFor(() =>
      expect([...ui.host.querySelectorAll('.cal-chip__title')].map((c) => c.textContent)).toContain(
        'Inventaire',
      ),
    );
  });

  it('shows who organizes and who is invited with their answers; the invitee answers one occurrence sealed, or the series', async () => {
    const weekly = events[0] as SealedCalendarEvent;
    events[0] = {
      ...weekly,
      organizer: { user_id: BOB, email: 'bob@ruche.test', name: 'Bob Martin' },
      attendees: [
        {
          user_id: ALICE,
          email: 'alice@ruche.test',
          name: 'Alice Martin',
          partstat: 'needs-action',
        },
        { user_id: 'jo', email: 'jo@ruche.test', name: 'Jo Petit', partstat: 'accepted' },
      ],
    };
    // The server keeps each answer as sent: one to the series drops those apart.
    const reply = vi.spyOn(api.calendar.sealed, 'reply').mockImplementation(async (_id, b) => {
      const e = events[0] as SealedCalendarEvent;
      const attendees = (e.attendees ?? []).map((a) => {
        if (a.user_id !== ALICE) return a;
        const next = { ...a, partstat: b.partstat ?? a.partstat };
        delete next.sealed_answers;
        const kept =
          b.sealed_answers !== undefined ? b.sealed_answers : !b.partstat && a.sealed_answers;
        return kept ? { ...next, sealed_answers: kept } : next;
      });
      events[0] = { ...e, attendees, version: e.version + 1 };
      return events[0];
    });
    const plainReply = vi.spyOn(api.calendar, 'reply');
    await show();
    // Her invitation not answered: every occurrence says so.
    expect(looks('2026-12-08')).toEqual(['cal-chip cal-chip--pending']);
    const d = await openOccurrence('2026-12-08');
    expect(d.textContent).toContain('Organized by Bob Martin');
    expect(people(d)).toEqual([
      'Alice Martin (you) alice@ruche.test Not answered',
      'Jo Petit jo@ruche.test Accepted',
    ]);
    // Asked what the answer is for: all occurrences unless she says otherwise.
    expect(scope(d)).toMatchObject({
      legend: 'Answer for',
      radios: [
        ['This occurrence', false],
        ['All occurrences', true],
      ],
    });

    scope(d).pick('This occurrence');
    await act(async () => button('Decline', d)?.click());
    await vi.waitFor(() => expect(reply).toHaveBeenCalledTimes(1));
    const [id, body] = reply.mock.calls[0] ?? [];
    expect(id).toBe('weekly');
    expect(Object.keys(body ?? {})).toEqual(['sealed_answers']);
    const sent = keys.openEventAnswers(weekly.token, body?.sealed_answers ?? '', ALICE);
    expect(sent).toMatchObject({
      kind: 'open',
      value: [{ recurrence_id: '2026-12-08T09:00:00.000Z', partstat: 'declined' }],
    });
    expect(plainReply).not.toHaveBeenCalled();
    await vi.waitFor(() =>
      expect(d.querySelector('.cal-reply__current')?.textContent).toContain('Declined'),
    );
    expect(toasts()).toContain('Answer sent for this occurrence: Declined');
    expect(people(d)[0]).toBe('Alice Martin (you) alice@ruche.test Declined this occurrence');
    expect(looks('2026-12-01', '2026-12-08', '2026-12-15')).toEqual([
      'cal-chip cal-chip--pending',
      'cal-chip cal-chip--declined',
      'cal-chip cal-chip--pending',
    ]);

    scope(d).pick('All occurrences');
    await act(async () => button('Accept', d)?.click());
    await vi.waitFor(() => expect(reply).toHaveBeenCalledTimes(2));
    expect(reply.mock.calls[1]).toEqual(['weekly', { partstat: 'accepted' }]);
    await vi.waitFor(() =>
      expect(looks('2026-12-01', '2026-12-08', '2026-12-15')).toEqual([
        'cal-chip',
        'cal-chip',
        'cal-chip',
      ]),
    );
    expect(people(d)[0]).toBe('Alice Martin (you) alice@ruche.test Accepted');
  });

  it('shows the organizer each attendee’s answers apart, opened with their keys', async () => {
    const weekly = events[0] as SealedCalendarEvent;
    const bobs = (list: EventAnswer[]) =>
      sealEventAnswers(
        keys.key(1) as Uint8Array,
        1,
        WS,
        weekly.token,
        BOB,
        list,
        bob.secrets.signSecretKey,
      );
    events[0] = {
      ...weekly,
      organizer: { user_id: ALICE, email: 'alice@ruche.test', name: 'Alice Martin' },
      attendees: [
        {
          user_id: BOB,
          email: 'bob@ruche.test',
          name: 'Bob Martin',
          partstat: 'accepted',
          sealed_answers: bobs([
            { recurrence_id: '2026-12-08T09:00:00.000Z', partstat: 'declined' },
            { recurrence_id: '2026-12-15T09:00:00.000Z', partstat: 'tentative' },
          ]),
        },
        // Answers said to be Jo's, but signed by Bob: not shown.
        {
          user_id: 'jo',
          email: 'jo@ruche.test',
          name: 'Jo Petit',
          partstat: 'tentative',
          sealed_answers: bobs([
            { recurrence_id: '2026-12-08T09:00:00.000Z', partstat: 'accepted' },
          ]),
        },
      ],
    };
    await show();
    const d = await openOccurrence('2026-12-08');
    expect(people(d)).toEqual([
      'Bob Martin bob@ruche.test Declined this occurrence',
      'Jo Petit jo@ruche.test Maybe',
    ]);
    // The organizer is not asked anything.
    expect(d.querySelector('.cal-reply')).toBeNull();
    act(() => button('Close', d)?.click());

    await show('weekly');
    await vi.waitFor(() => expect(dialog()?.querySelector('.cal-facts')).not.toBeNull());
    expect(people(dialog() as HTMLDialogElement)).toEqual([
      'Bob Martin bob@ruche.test Accepted 2 occurrences answered apart',
      'Jo Petit jo@ruche.test Maybe',
    ]);
  });
});
