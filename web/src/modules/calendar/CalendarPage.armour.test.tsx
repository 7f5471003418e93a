// The calendar of an armoured workspace as people use it (docs/armoured.md,
// "Calendar"; Paris time, English), with Alice's real keys: a recurring
// sealed event on each of its dates in the month, an event that does not
// open listed apart and saying why in its details, an event's facts from
// its card (no invitations, no answers), an edit and a new event leaving
// sealed (the whole series', or one occurrence changed or cancelled apart
// in a new card), and nothing sealed while the current key has not come.
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
import { createIdentity, type CreatedIdentity } from '../../armour/crypto';
import type { WorkspaceKeys } from '../../armour/keys';
import { loadCrypto } from '../../armour/load';
import { BrandingProvider } from '../../branding';
import { ToastProvider } from '../../notifications/toasts';
import { matchPath, usePathname } from '../../router/router';
import { mountPoint } from '../../test/mount';
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
const MEMBERS = [
  { user_id: ALICE, name: 'Alice Martin', email: 'alice@ruche.test', rights: {} },
] as unknown as Member[];

let alice: CreatedIdentity;
let keys: WorkspaceKeys;
let armour: CalendarArmour;
let events: SealedCalendarEvent[];

beforeAll(async () => {
  process.env.TZ = 'Europe/Paris';
  await loadCrypto();
  alice = createIdentity(ALICE, 'alice passphrase');
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
});

beforeEach(async () => {
  ({ keys } = await soloKeys(alice));
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
  vi.spyOn(api.workspaces, 'members').mockResolvedValue(MEMBERS);
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

function type(input: HTMLInputElement, value: string) {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  act(() => {
    setter?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/** The occurrence of `day` of the weekly event opened from its chip. */
async function openOccurrence(day: string) {
  await act(async () => cell(day)?.querySelector<HTMLElement>('.cal-chip')?.click());
  await vi.waitFor(() => expect(button('Edit', dialog() ?? document)).toBeDefined());
  return dialog() as HTMLDialogElement;
}

/** The sealed route's update of the weekly event, answering the card sent at the next version. */
const sealedUpdate = () =>
  vi.spyOn(api.calendar.sealed, 'update').mockImplementation(async (_id, sealed, version) => ({
    ...(events[0] as SealedCalendarEvent),
    sealed,
    version: (version ?? 0) + 1,
  }));

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

  it('shows an event’s facts from its card, without invitations, and edits it with a new card', async () => {
    const update = vi
      .spyOn(api.calendar.sealed, 'update')
      .mockImplementation(async (_id, sealed, version) => ({
        ...(events[0] as SealedCalendarEvent),
        sealed,
        version: (version ?? 0) + 1,
      }));
    await show('weekly');
    await vi.waitFor(() => expect(dialog()?.querySelector('.cal-facts')).not.toBeNull());
    const d = dialog() as HTMLDialogElement;
    expect(d.querySelector('.dialog__title')?.textContent).toBe('Point hebdo');
    expect(d.textContent).toContain('Salle 2');
    expect(d.textContent).toContain('Every week');
    expect(button('Accept', d)).toBeUndefined();
    act(() => button('Edit', d)?.click());
    expect(d.querySelector('.cal-attendees__add')).toBeNull();
    type(field('Title', d), 'Point mensuel');
    await act(async () => button('Save', d)?.click());
    await vi.waitFor(() => expect(update).toHaveBeenCalled());
    const [id, card, version] = update.mock.calls[0] ?? [];
    expect([id, version]).toEqual(['weekly', 3]);
    expect(card).toMatch(/^e2e1:1:/);
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
    type(field('Title', d), 'Point exceptionnel');
    await act(async () => button('Save', d)?.click());
    await vi.waitFor(() => expect(update).toHaveBeenCalled());
    expect(update).toHaveBeenCalledTimes(1);
    expect(plain).not.toHaveBeenCalled();
    expect(series).not.toHaveBeenCalled();
    const [id, sealed, version] = update.mock.calls[0] ?? [];
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
    const [id, sealed, version] = update.mock.calls[0] ?? [];
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
    type(field('Title', d), 'Point du mardi');
    await act(async () => button('Save', d)?.click());
    await vi.waitFor(() => expect(update).toHaveBeenCalled());
    const [id, sealed, version] = update.mock.calls[0] ?? [];
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

  it('creates an event sealed, with nobody to invite', async () => {
    const create = vi
      .spyOn(api.calendar.sealed, 'create')
      .mockImplementation(async (_ws, b) => sealedEventRecord('new', b, 4));
    const plain = vi.spyOn(api.calendar, 'create');
    await show();
    act(() => button('New event', ui.host)?.click());
    const d = dialog() as HTMLDialogElement;
    expect(d.querySelector('.cal-attendees__add')).toBeNull();
    type(field('Title', d), 'Inventaire');
    await act(async () => button('Create the event', d)?.click());
    await vi.waitFor(() => expect(create).toHaveBeenCalled());
    expect(plain).not.toHaveBeenCalled();
    const body = create.mock.calls[0]?.[1];
    expect(Object.keys(body ?? {}).sort()).toEqual(['sealed', 'token']);
    expect(JSON.stringify(body)).not.toContain('Inventaire');
    // On the day it was made for (today's, when in the month shown).
    await vi.waitFor(() =>
      expect([...ui.host.querySelectorAll('.cal-chip__title')].map((c) => c.textContent)).toContain(
        'Inventaire',
      ),
    );
  });
});
