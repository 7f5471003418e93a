// The calendar as people use it (Paris time, English): the month and week
// grids and what they show, moving around from the toolbar and the
// keyboard, creating from the button and from a day, an event's details,
// its edit at the version read (and a change made meanwhile), deletion,
// one occurrence of a recurring event changed or cancelled alone or with
// the following ones (the dialog closed: they are a new event), what a
// read-only member does not get, and invitations: inviting colleagues and
// addresses, their answers shown, an invitee's answer, and how invitations
// look in the grid.
import { act } from 'react';
import { scopeAsked as scope } from './components/ScopeChoice.test-util';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  api,
  ApiError,
  type CalendarEvent,
  type CalendarOccurrence,
  type CalendarPartstat,
  type Me,
  type Workspace,
} from '../../api';
import { BrandingProvider } from '../../branding';
import { ToastProvider } from '../../notifications/toasts';
import { matchPath, usePathname } from '../../router/router';
import { hearLive } from '../../test/live';
import { mountPoint, typeInto } from '../../test/mount';
import { CalendarScreen } from './CalendarPage';
import {
  allDay,
  calendarEvent,
  member,
  noticeFrame,
  occurrence,
  WS,
} from './logic/fixtures.test-util';

const ui = mountPoint();
const ME = { id: 'me', name: 'Camille Durand', email: 'camille@ruche.test' } as Me;
const MEMBERS = [
  member('me', 'Camille Durand', 'camille@ruche.test'),
  member('u1', 'Alix Martin', 'alix@ruche.test'),
  member('u2', 'Bo Moreau', 'bo@ruche.test'),
];
const WORKSPACE = { id: WS, name: 'Chantier', modules: ['calendar'], archived: false } as Workspace;

let occurrences: CalendarOccurrence[];

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

function serve(right: 'read' | 'write') {
  vi.spyOn(api.settings, 'public').mockRejectedValue(new Error('offline'));
  vi.spyOn(api.workspaces, 'get').mockResolvedValue({
    ...WORKSPACE,
    role: 'member',
    rights: { calendar: right },
  });
  vi.spyOn(api.workspaces, 'members').mockResolvedValue({ members: MEMBERS, seq: null });
  // The form's availability strip (components/Availability.test.tsx): everyone free.
  vi.spyOn(api.calendar, 'freeBusy').mockImplementation(async (users) =>
    users.map((user_id) => ({ user_id, busy: [] })),
  );
  return vi.spyOn(api.calendar, 'occurrences').mockImplementation(async () => occurrences);
}

/** The screen as the router mounts it: the event open comes from the address. */
function Routed() {
  const eventId = matchPath('/w/:id/calendar/:eid', usePathname())?.eid ?? null;
  return <CalendarScreen workspace={WORKSPACE} me={ME} eventId={eventId} />;
}

async function show(right: 'read' | 'write', o: { url?: string; eventId?: string } = {}) {
  const path = o.eventId ? `/w/${WS}/calendar/${o.eventId}` : `/w/${WS}/calendar`;
  window.history.replaceState(null, '', o.url ?? `${path}?date=2026-12-10`);
  const list = serve(right);
  await ui.render(
    <BrandingProvider>
      <ToastProvider>
        <Routed />
      </ToastProvider>
    </BrandingProvider>,
  );
  await vi.waitFor(() => expect(ui.host.querySelector('[role="grid"]')).not.toBeNull());
  return list;
}

const button = (label: string, within: ParentNode = document) =>
  [...within.querySelectorAll<HTMLButtonElement>('button')].find(
    (b) => b.textContent === label || b.getAttribute('aria-label') === label,
  );
const cell = (day: string) => ui.host.querySelector<HTMLElement>(`[data-day="${day}"]`);
/** A day's own button (the grid's roving tab stop). */
const dayButton = (day: string) =>
  ui.host.querySelector<HTMLButtonElement>(`[data-focus-day="${day}"]`);
const chips = (day: string) =>
  [...(cell(day)?.querySelectorAll('.cal-chip__title') ?? [])].map((c) => c.textContent);
/** The dialog on top (the last open one). */
const dialog = () => [...document.querySelectorAll<HTMLDialogElement>('dialog[open]')].pop();
// Intl separates some parts with narrow or thin spaces: compared as plain spaces.
const plain = (s: string | null | undefined) => (s ?? '').replace(/[\u202f\u2009\u00a0]/g, ' ');
const field = (label: string, within: ParentNode = document) => {
  const l = [...within.querySelectorAll('label')].find((x) => x.textContent === label);
  const input = l ? document.getElementById(l.htmlFor) : null;
  if (!input) throw new Error(`no field ${label}`);
  return input as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
};
const toasts = () => document.querySelector('.toasts')?.textContent ?? '';

/** A day column's box as a browser lays it out (jsdom lays nothing out): `height` px, from the top. */
const columnBox = (height: number) =>
  ({ top: 0, left: 0, right: 100, bottom: height, width: 100, height, x: 0, y: 0 }) as DOMRect;

function key(target: Element | null, k: string) {
  act(() => {
    target?.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
  });
}

beforeEach(() => {
  occurrences = [
    occurrence('standup', '2026-12-10T08:00:00Z', '2026-12-10T08:30:00Z', { title: 'Standup' }),
    allDay('visit', '2026-12-10', '2026-12-11', { title: 'Site visit' }),
    occurrence('review', '2026-12-10T13:00:00Z', '2026-12-10T14:00:00Z', {
      title: 'Review',
      location: 'Room 2',
    }),
    occurrence('late', '2026-12-10T17:00:00Z', '2026-12-10T18:00:00Z', { title: 'Late call' }),
    ...['2026-12-01', '2026-12-08', '2026-12-15'].map((d) =>
      occurrence('weekly', `${d}T09:00:00Z`, `${d}T10:00:00Z`, {
        title: 'Weekly',
        recurring: true,
        recurrence_id: `${d}T09:00:00.000Z`,
      }),
    ),
  ];
});

afterEach(() => {
  vi.restoreAllMocks();
  document.querySelectorAll('dialog').forEach((d) => d.remove());
});

describe('the month', () => {
  it('reads its 6 weeks and shows each occurrence on its day, all day first, "+N" beyond room', async () => {
    const list = await show('write');
    expect(list).toHaveBeenCalledWith(WS, '2026-11-29T23:00:00.000Z', '2027-01-10T23:00:00.000Z');
    const grid = ui.host.querySelector('[role="grid"]');
    expect(grid?.getAttribute('aria-label')).toBe('December 2026');
    expect(grid?.querySelectorAll('[role="row"]')).toHaveLength(7);
    expect(grid?.querySelectorAll('[role="columnheader"]')).toHaveLength(7);
    expect(grid?.querySelectorAll('[role="gridcell"]')).toHaveLength(42);
    expect(grid?.querySelector('[role="gridcell"]')?.getAttribute('data-day')).toBe('2026-11-30');
    // Four on the 10th: room for two, and "+2".
    expect(chips('2026-12-10')).toEqual(['Site visit', 'Standup']);
    const more = cell('2026-12-10')?.querySelector('.cal-day__more');
    // Named by what it shows, then the day (for screen readers).
    expect(more?.textContent).toBe('+2 more on Thursday, December 10, 2026');
    expect(more?.querySelector('.visually-hidden')?.textContent).toBe(
      ' on Thursday, December 10, 2026',
    );
    // A weekly event on each of its dates.
    expect(chips('2026-12-01')).toEqual(['Weekly']);
    expect(chips('2026-12-08')).toEqual(['Weekly']);
    expect(chips('2026-12-15')).toEqual(['Weekly']);
    // What a chip shows, then when it is, for screen readers.
    expect(plain(cell('2026-12-15')?.querySelector('.cal-chip')?.textContent)).toBe(
      '10:00 AM Weekly, Tuesday, December 15, 2026, 10:00 – 11:00 AM',
    );
    expect(dayButton('2026-12-10')?.textContent).toBe('10');
    expect(dayButton('2026-12-10')?.getAttribute('aria-label')).toBe(
      'Thursday, December 10, 2026, 4 events',
    );
    // The one focusable day is the one asked for.
    expect(dayButton('2026-12-10')?.tabIndex).toBe(0);
    expect(dayButton('2026-12-11')?.tabIndex).toBe(-1);
  });

  it('says when the period holds more events than are shown', async () => {
    await show('write');
    expect(ui.host.querySelector('.alert--warning')).toBeNull();
    occurrences = Array.from({ length: 2000 }, (_, i) =>
      occurrence(`e${i}`, '2026-12-02T08:00:00Z', '2026-12-02T09:00:00Z', { title: `E${i}` }),
    );
    await act(async () => button('Next month')?.click());
    await vi.waitFor(() =>
      expect(ui.host.querySelector('.alert--warning')?.textContent).toBe(
        'This period holds 2,000 events or more: the earliest 2,000 are shown. The week view shows the others.',
      ),
    );
  });

  it('lists a full day in a dialog from "+N"', async () => {
    await show('write');
    act(() => (cell('2026-12-10')?.querySelector('.cal-day__more') as HTMLElement).click());
    const d = dialog();
    expect(d?.querySelector('.dialog__title')?.textContent).toBe('Thursday, December 10, 2026');
    expect(
      [...(d?.querySelectorAll('.cal-day-list__title') ?? [])].map((x) => x.textContent),
    ).toEqual(['Site visit', 'Standup', 'Review', 'Late call']);
  });

  it('moves by month from the toolbar, and switches to the week', async () => {
    const list = await show('write');
    await act(async () => button('Next month', ui.host)?.click());
    expect(window.location.search).toBe('?date=2027-01-10');
    expect(ui.host.querySelector('.cal-toolbar__title')?.textContent).toBe('January 2027');
    await vi.waitFor(() =>
      expect(list).toHaveBeenLastCalledWith(
        WS,
        '2026-12-27T23:00:00.000Z',
        '2027-02-07T23:00:00.000Z',
      ),
    );
    await act(async () => button('Week', ui.host)?.click());
    expect(window.location.search).toBe('?view=week&date=2027-01-10');
    expect(button('Week', ui.host)?.getAttribute('aria-pressed')).toBe('true');
    await act(async () => button('Today', ui.host)?.click());
    expect(window.location.search).toMatch(/^\?view=week&date=\d{4}-\d{2}-\d{2}$/);
  });

  it('moves between days with the arrows, into the next month', async () => {
    const list = await show('write', { url: `/w/${WS}/calendar?date=2026-12-31` });
    act(() => dayButton('2026-12-31')?.focus());
    key(dayButton('2026-12-31'), 'ArrowLeft');
    expect(document.activeElement?.getAttribute('data-focus-day')).toBe('2026-12-30');
    key(document.activeElement, 'ArrowDown');
    // January's range is read.
    await act(async () => undefined);
    // 6 January: the grid is January's now, the focus on that day.
    expect(ui.host.querySelector('.cal-toolbar__title')?.textContent).toBe('January 2027');
    expect(document.activeElement?.getAttribute('data-focus-day')).toBe('2027-01-06');
    expect(dayButton('2027-01-06')?.tabIndex).toBe(0);
    expect(list).toHaveBeenCalledTimes(2);
  });
});

describe('the week', () => {
  it('has a column per day, the all-day row on top, timed blocks by time', async () => {
    await show('read', { url: `/w/${WS}/calendar?view=week&date=2026-12-10` });
    const grid = ui.host.querySelector('[role="grid"]');
    expect(plain(grid?.getAttribute('aria-label'))).toBe('December 7 – 13, 2026');
    const rows = grid?.querySelectorAll('[role="row"]') ?? [];
    expect(rows).toHaveLength(3);
    expect(rows[1]?.querySelector('[role="rowheader"]')?.textContent).toBe('All day');
    expect(rows[1]?.querySelectorAll('[role="gridcell"]')).toHaveLength(7);
    expect(rows[1]?.textContent).toContain('Site visit');
    const thursday = cell('2026-12-10');
    const blocks = [...(thursday?.querySelectorAll<HTMLElement>('.cal-block') ?? [])];
    expect(blocks.map((b) => b.querySelector('.cal-block__title')?.textContent)).toEqual([
      'Standup',
      'Review',
      'Late call',
    ]);
    // 09:00 Paris is 37.5 % of the day; 14:00–15:00 from 58.33 %, 1/24 high.
    expect(blocks[0]?.style.top).toBe('37.5%');
    expect(parseFloat(blocks[1]?.style.top ?? '')).toBeCloseTo((14 / 24) * 100, 3);
    expect(parseFloat(blocks[1]?.style.height ?? '')).toBeCloseTo(100 / 24, 3);
    expect(blocks[1]?.textContent).toContain('Room 2');
    // Tuesday's weekly occurrence.
    expect(cell('2026-12-08')?.querySelector('.cal-block__title')?.textContent).toBe('Weekly');
  });

  it('creates at the slot clicked', async () => {
    await show('write', { url: `/w/${WS}/calendar?view=week&date=2026-12-10` });
    const day = cell('2026-12-11');
    if (!day) throw new Error('no Friday');
    vi.spyOn(day, 'getBoundingClientRect').mockReturnValue(columnBox(2400));
    // 1475 / 2400 of the day: 14:45, the half hour under it is 14:30.
    act(() => day.dispatchEvent(new MouseEvent('click', { bubbles: true, clientY: 1475 })));
    const d = dialog();
    expect(d?.querySelector('.dialog__title')?.textContent).toBe('New event');
    expect((field('Start date', d ?? document) as HTMLInputElement).value).toBe('2026-12-11');
    expect((field('Start time', d ?? document) as HTMLInputElement).value).toBe('14:30');
    expect((field('End time', d ?? document) as HTMLInputElement).value).toBe('15:30');
  });
});

describe('the day', () => {
  it('shows one day by the hour, moves a day at a time, and creates at the slot clicked', async () => {
    const list = await show('write', { url: `/w/${WS}/calendar?date=2026-12-10` });
    act(() => button('Day', ui.host)?.click());
    expect(window.location.search).toBe('?view=day&date=2026-12-10');
    await vi.waitFor(() =>
      expect(list).toHaveBeenLastCalledWith(
        WS,
        '2026-12-09T23:00:00.000Z',
        '2026-12-10T23:00:00.000Z',
      ),
    );
    const grid = ui.host.querySelector('[role="grid"]');
    expect(grid?.getAttribute('aria-label')).toBe('Thursday, December 10, 2026');
    expect(ui.host.querySelector('.cal-toolbar__title')?.textContent).toBe(
      'Thursday, December 10, 2026',
    );
    expect(grid?.querySelectorAll('.cal-week__day')).toHaveLength(1);
    expect(grid?.querySelector('.cal-week__weekday')?.textContent).toBe('Thu');
    expect(
      [...(cell('2026-12-10')?.querySelectorAll('.cal-block__title') ?? [])].map(
        (b) => b.textContent,
      ),
    ).toEqual(['Standup', 'Review', 'Late call']);
    act(() => button('Next day', ui.host)?.click());
    expect(window.location.search).toBe('?view=day&date=2026-12-11');
    await vi.waitFor(() =>
      expect(ui.host.querySelector('[role="status"]')?.textContent).toBe('No events this day.'),
    );
    const day = cell('2026-12-11');
    if (!day) throw new Error('no Friday');
    vi.spyOn(day, 'getBoundingClientRect').mockReturnValue(columnBox(2400));
    act(() => day.dispatchEvent(new MouseEvent('click', { bubbles: true, clientY: 1000 })));
    expect((field('Start time', dialog() ?? document) as HTMLInputElement).value).toBe('10:00');
  });
});

describe('creating', () => {
  it('sends an all-day event as dates, the end the day after', async () => {
    await show('write');
    // A click on the 17th's free space: an all-day event that day.
    act(() => cell('2026-12-17')?.click());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    expect((field('All day', d) as HTMLInputElement).checked).toBe(true);
    expect((field('Last day', d) as HTMLInputElement).value).toBe('2026-12-17');
    const create = vi
      .spyOn(api.calendar, 'create')
      .mockResolvedValue(calendarEvent('new', { title: 'Delivery' }));
    const submit = button('Create the event', d);
    expect(submit?.disabled).toBe(true);
    typeInto(field('Title', d) as HTMLInputElement, 'Delivery');
    typeInto(field('Last day', d) as HTMLInputElement, '2026-12-18');
    await act(async () => submit?.click());
    expect(create).toHaveBeenCalledWith(WS, {
      title: 'Delivery',
      start: '2026-12-17',
      end: '2026-12-19',
      all_day: true,
    });
    expect(toasts()).toContain('Event “Delivery” created');
  });

  it('sends a timed event as UTC instants with the browser’s zone, and its repeat', async () => {
    await show('write');
    await act(async () => button('New event', ui.host)?.click());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    expect((field('All day', d) as HTMLInputElement).checked).toBe(false);
    typeInto(field('Title', d) as HTMLInputElement, 'Site meeting');
    typeInto(field('Start date', d) as HTMLInputElement, '2026-12-14');
    typeInto(field('Start time', d) as HTMLInputElement, '10:00');
    // The end followed the start: an hour later.
    expect((field('End time', d) as HTMLInputElement).value).toBe('11:00');
    typeInto(field('Repeat', d), 'weekly');
    typeInto(field('Ends', d), 'count');
    typeInto(field('Number of times', d) as HTMLInputElement, '6');
    typeInto(field('Location', d) as HTMLInputElement, 'Hut');
    expect(d.textContent).toContain('Local times (Europe/Paris).');
    const create = vi.spyOn(api.calendar, 'create').mockResolvedValue(calendarEvent('new'));
    await act(async () => button('Create the event', d)?.click());
    expect(create).toHaveBeenCalledWith(WS, {
      title: 'Site meeting',
      start: '2026-12-14T09:00:00.000Z',
      end: '2026-12-14T10:00:00.000Z',
      all_day: false,
      timezone: 'Europe/Paris',
      location: 'Hut',
      rrule: 'FREQ=WEEKLY;COUNT=6',
    });
  });

  it('says what is wrong before sending, and what the server refused', async () => {
    await show('write');
    await act(async () => button('New event', ui.host)?.click());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    typeInto(field('Title', d) as HTMLInputElement, 'Oops');
    typeInto(field('End time', d) as HTMLInputElement, '08:00');
    expect(d.textContent).toContain('The end cannot come before the start.');
    expect(button('Create the event', d)?.disabled).toBe(true);
    typeInto(field('End time', d) as HTMLInputElement, '11:00');
    vi.spyOn(api.calendar, 'create').mockRejectedValue(new ApiError(400, 'invalid_rrule', 'x'));
    await act(async () => button('Create the event', d)?.click());
    expect(d.querySelector('[role="alert"]')?.textContent).toBe('This repeat is not valid.');
  });
});

describe('an event’s details', () => {
  const EVENT: CalendarEvent = calendarEvent('review', {
    title: 'Review',
    location: 'Room 2',
    description: 'Bring the plans.',
    start: '2026-12-10T13:00:00.000Z',
    end: '2026-12-10T14:00:00.000Z',
    version: 12,
  });

  it('duplicates the event into a new one, its people not yet answered', async () => {
    vi.spyOn(api.calendar, 'get').mockResolvedValue({
      ...EVENT,
      rrule: 'FREQ=WEEKLY;COUNT=4',
      recurring: true,
      organizer: { email: 'camille@ruche.test', name: 'Camille Durand' },
      attendees: [
        { user_id: 'u1', email: 'alix@ruche.test', name: 'Alix Martin', partstat: 'accepted' },
      ],
    });
    await show('write', { eventId: 'review' });
    await vi.waitFor(() => expect(button('Duplicate', dialog() ?? document)).toBeDefined());
    await act(async () => button('Duplicate', dialog() ?? document)?.click());
    expect(window.location.pathname).toBe(`/w/${WS}/calendar`);
    const d = dialog();
    if (!d) throw new Error('no dialog');
    expect(d.querySelector('.dialog__title')?.textContent).toBe('New event');
    expect((field('Title', d) as HTMLInputElement).value).toBe('Review');
    expect(d.textContent).toContain('Alix Martin');
    expect(d.textContent).not.toContain('Accepted');
    const create = vi.spyOn(api.calendar, 'create').mockResolvedValue(calendarEvent('copy'));
    await act(async () => button('Create the event', d)?.click());
    expect(create).toHaveBeenCalledWith(WS, {
      title: 'Review',
      start: '2026-12-10T13:00:00.000Z',
      end: '2026-12-10T14:00:00.000Z',
      all_day: false,
      timezone: 'Europe/Paris',
      location: 'Room 2',
      description: 'Bring the plans.',
      rrule: 'FREQ=WEEKLY;COUNT=4',
      attendees: [{ user_id: 'u1' }],
    });
  });

  it('shows the event, and saves only what changed at the version read', async () => {
    const get = vi.spyOn(api.calendar, 'get').mockResolvedValue(EVENT);
    await show('write', { eventId: 'review' });
    await vi.waitFor(() => expect(dialog()?.textContent).toContain('Bring the plans.'));
    expect(get).toHaveBeenCalledWith('review');
    const d = dialog();
    if (!d) throw new Error('no dialog');
    expect(d.querySelector('.dialog__title')?.textContent).toBe('Review');
    expect(plain(d.textContent)).toContain('Thursday, December 10, 2026, 2:00 – 3:00 PM');
    expect(d.textContent).toContain('Room 2');
    await act(async () => button('Edit', d)?.click());
    typeInto(field('Title', d) as HTMLInputElement, 'Design review');
    const update = vi
      .spyOn(api.calendar, 'update')
      .mockResolvedValue({ ...EVENT, title: 'Design review', version: 13 });
    await act(async () => button('Save', d)?.click());
    expect(update).toHaveBeenCalledWith('review', { title: 'Design review' }, 12);
    expect(d.querySelector('.dialog__title')?.textContent).toBe('Design review');
    expect(toasts()).toContain('Event saved');
  });

  it('sets the writer’s reminder with the event’s other changes', async () => {
    vi.spyOn(api.calendar, 'get').mockResolvedValue({ ...EVENT, reminders: [] });
    await show('write', { eventId: 'review' });
    await vi.waitFor(() => expect(button('Edit', dialog() ?? document)).toBeDefined());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    await act(async () => button('Edit', d)?.click());
    const reminder = field('Reminder', d) as HTMLSelectElement;
    expect(reminder.value).toBe('');
    typeInto(reminder, '15');
    const update = vi
      .spyOn(api.calendar, 'update')
      .mockResolvedValue({ ...EVENT, reminders: [15], version: 13 });
    await act(async () => button('Save', d)?.click());
    expect(update).toHaveBeenCalledWith('review', { reminders: [15] }, 12);
  });

  it('lets a reader set their own reminder, kept when members hear of a change', async () => {
    vi.spyOn(api.calendar, 'get').mockResolvedValue({ ...EVENT, reminders: [15, 1440] });
    const hear = hearLive();
    await show('read', { eventId: 'review' });
    await vi.waitFor(() => expect(dialog()?.textContent).toContain('Bring the plans.'));
    const d = dialog();
    if (!d) throw new Error('no dialog');
    expect(button('Edit', d)).toBeUndefined();
    const reminder = field('Reminder', d) as HTMLSelectElement;
    // Two set elsewhere: shown as they are, and offered back.
    expect(reminder.value).toBe('kept');
    expect(reminder.selectedOptions[0]?.textContent).toBe('15 minutes before, 1 day before');
    const put = vi
      .spyOn(api.calendar, 'setReminders')
      .mockResolvedValue({ ...EVENT, reminders: [60] });
    typeInto(reminder, '60');
    await vi.waitFor(() => expect(toasts()).toContain('Reminder saved'));
    expect(put).toHaveBeenCalledWith('review', [60]);
    expect((field('Reminder', d) as HTMLSelectElement).value).toBe('60');
    hear({
      type: 'calendar.event_updated',
      workspace_id: WS,
      seq: 3,
      data: { ...EVENT, description: 'Bring the new plans.', version: 13 },
    });
    await vi.waitFor(() => expect(d.textContent).toContain('Bring the new plans.'));
    expect((field('Reminder', d) as HTMLSelectElement).value).toBe('60');
  });

  it('brings back the event changed meanwhile (412) and says so', async () => {
    const get = vi
      .spyOn(api.calendar, 'get')
      .mockResolvedValueOnce(EVENT)
      .mockResolvedValueOnce({ ...EVENT, title: 'Review (moved)', version: 14 });
    await show('write', { eventId: 'review' });
    await vi.waitFor(() => expect(button('Edit', dialog() ?? document)).toBeDefined());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    await act(async () => button('Edit', d)?.click());
    typeInto(field('Location', d) as HTMLInputElement, 'Room 3');
    vi.spyOn(api.calendar, 'update').mockRejectedValue(
      new ApiError(412, 'precondition_failed', 'changed'),
    );
    await act(async () => button('Save', d)?.click());
    await vi.waitFor(() => expect(get).toHaveBeenCalledTimes(2));
    await vi.waitFor(() =>
      expect(d.querySelector('.dialog__title')?.textContent).toBe('Review (moved)'),
    );
    expect(d.querySelector('[role="status"]')?.textContent).toContain(
      'This event was changed elsewhere meanwhile',
    );
    // The form is closed: nothing of the older version goes out by a second click.
    expect(d.querySelector('form')).toBeNull();
  });

  it('deletes after asking, at the version read', async () => {
    vi.spyOn(api.calendar, 'get').mockResolvedValue({
      ...EVENT,
      recurring: true,
      rrule: 'FREQ=WEEKLY',
    });
    await show('write', { eventId: 'review' });
    await vi.waitFor(() => expect(button('Delete', dialog() ?? document)).toBeDefined());
    const remove = vi.spyOn(api.calendar, 'remove').mockResolvedValue(undefined);
    await act(async () => button('Delete')?.click());
    const confirm = dialog();
    expect(confirm?.querySelector('.dialog__title')?.textContent).toBe('Delete the event?');
    expect(confirm?.textContent).toContain('with all its occurrences');
    expect(remove).not.toHaveBeenCalled();
    await act(async () => button('Delete', confirm)?.click());
    expect(remove).toHaveBeenCalledWith('review', 12);
    expect(toasts()).toContain('Event “Review” deleted');
    // Closed: back to the calendar, the focus on the day it was at.
    expect(window.location.pathname).toBe(`/w/${WS}/calendar`);
    expect(document.querySelector('dialog[open]')).toBeNull();
  });

  it('shows a calendar application’s to-do read-only, deletable by writers', async () => {
    vi.spyOn(api.calendar, 'get').mockResolvedValue({ ...EVENT, kind: 'todo', title: 'Call back' });
    await show('write', { eventId: 'review' });
    await vi.waitFor(() =>
      expect(dialog()?.textContent).toContain('To-do from a calendar application'),
    );
    const d = dialog() ?? document;
    expect(button('Edit', d)).toBeUndefined();
    expect(button('Delete', d)).toBeDefined();
  });
});

describe('one occurrence of a recurring event', () => {
  const DAYS = ['2026-12-01', '2026-12-08', '2026-12-15'];
  const rid = (day: string) => `${day}T09:00:00.000Z`;
  // Weekly on Tuesdays, 10:00 – 11:00 Paris, three times; Alix invited.
  const WEEKLY: CalendarEvent = calendarEvent('weekly', {
    title: 'Weekly',
    location: 'Room 1',
    description: 'Figures of the week.',
    start: rid('2026-12-01'),
    end: '2026-12-01T10:00:00.000Z',
    rrule: 'FREQ=WEEKLY;COUNT=3',
    recurring: true,
    organizer: { email: 'camille@ruche.test', name: 'Camille Durand' },
    attendees: [{ email: 'alix@ruche.test', name: 'Alix Martin', partstat: 'accepted' }],
    version: 12,
  });
  /** The 8th moved to Wednesday 9th, 15:00 – 16:30, retitled; the 15th cancelled. */
  const CHANGED: CalendarEvent = {
    ...WEEKLY,
    changed_occurrences: [
      {
        recurrence_id: rid('2026-12-08'),
        start: '2026-12-09T14:00:00.000Z',
        end: '2026-12-09T15:30:00.000Z',
        title: 'Weekly (Wednesday)',
        description: 'Moved for the audit.',
        location: 'Room 5',
      },
    ],
    cancelled_occurrences: [rid('2026-12-15')],
  };
  const weekly = (day: string, extra: Partial<CalendarOccurrence> = {}) =>
    occurrence('weekly', `${day}T09:00:00Z`, `${day}T10:00:00Z`, {
      title: 'Weekly',
      location: 'Room 1',
      recurring: true,
      recurrence_id: rid(day),
      ...extra,
    });
  const chip = (day: string) => cell(day)?.querySelector<HTMLElement>('.cal-chip');
  const labels = (d: ParentNode) => [...d.querySelectorAll('label')].map((l) => l.textContent);

  /** The writer's calendar, the occurrence of `day` opened. */
  async function openOccurrence(day: string, event: CalendarEvent = WEEKLY) {
    vi.spyOn(api.calendar, 'get').mockResolvedValue(event);
    await show('write');
    await act(async () => chip(day)?.click());
    await vi.waitFor(() => expect(button('Edit', dialog() ?? document)).toBeDefined());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    return d;
  }

  beforeEach(() => {
    occurrences = DAYS.map((day) => weekly(day));
  });

  it('changes the occurrence opened alone unless asked: its texts and times, only what changed', async () => {
    const d = await openOccurrence('2026-12-08');
    await act(async () => button('Edit', d)?.click());
    // Asked first, this occurrence chosen (and focused).
    expect(scope(d)).toMatchObject({
      legend: 'Change',
      radios: [
        ['This occurrence', true],
        ['This and following occurrences', false],
        ['All occurrences', false],
      ],
    });
    expect(document.activeElement?.closest('label')?.textContent).toBe('This occurrence');
    // Its own fields, at its own times: no all day, repeat or people.
    expect((field('Title', d) as HTMLInputElement).value).toBe('Weekly');
    expect((field('Start date', d) as HTMLInputElement).value).toBe('2026-12-08');
    expect((field('Start time', d) as HTMLInputElement).value).toBe('10:00');
    expect(labels(d)).not.toContain('Repeat');
    expect(labels(d)).not.toContain('All day');
    expect(labels(d)).not.toContain('Invite someone');
    expect(d.textContent).toContain('The repeat and the people invited are the series’');
    // Their availability on its day, its own time outlined.
    await vi.waitFor(() =>
      expect(d.querySelector('.cal-fb')?.textContent).toContain('Alix Martin'),
    );
    await vi.waitFor(() =>
      expect(vi.mocked(api.calendar.freeBusy).mock.lastCall?.[0]).toContain('u1'),
    );

    typeInto(field('Start time', d) as HTMLInputElement, '11:00');
    typeInto(field('Location', d) as HTMLInputElement, 'Room 4');
    const series = vi.spyOn(api.calendar, 'update');
    const moved: CalendarEvent = {
      ...WEEKLY,
      version: 13,
      changed_occurrences: [
        {
          recurrence_id: rid('2026-12-08'),
          start: '2026-12-08T10:00:00.000Z',
          end: '2026-12-08T11:00:00.000Z',
          title: 'Weekly',
          description: WEEKLY.description,
          location: 'Room 4',
        },
      ],
    };
    const one = vi
      .spyOn(api.calendar, 'updateOccurrence')
      .mockRejectedValueOnce(new ApiError(400, 'invalid_field', 'x'))
      .mockResolvedValueOnce(moved);
    // Refused: said, the form kept.
    await act(async () => button('Save', d)?.click());
    expect(d.querySelector('[role="alert"]')?.textContent).toBe(
      'This change cannot be made: one occurrence alone changes only its title, times, location and description.',
    );
    await act(async () => button('Save', d)?.click());
    expect(one).toHaveBeenLastCalledWith(
      'weekly',
      rid('2026-12-08'),
      {
        location: 'Room 4',
        start: '2026-12-08T10:00:00.000Z',
        end: '2026-12-08T11:00:00.000Z',
      },
      12,
    );
    expect(series).not.toHaveBeenCalled();
    expect(toasts()).toContain('Occurrence saved');
    // The details show it as it is now: moved, with its own place.
    expect(d.querySelector('form')).toBeNull();
    const facts = plain(d.querySelector('.cal-facts')?.textContent);
    expect(facts).toContain('Tuesday, December 8, 2026, 11:00 AM – 12:00 PM');
    expect(facts).toContain('Moved from Tuesday, December 8, 2026, 10:00 – 11:00 AM');
    expect(facts).toContain('Room 4');
  });

  it('changes the whole series when asked, as before', async () => {
    const d = await openOccurrence('2026-12-08');
    await act(async () => button('Edit', d)?.click());
    scope(d).pick('All occurrences');
    // The series' form: its first date, its repeat and people.
    expect((field('Start date', d) as HTMLInputElement).value).toBe('2026-12-01');
    expect((field('Repeat', d) as HTMLSelectElement).value).toBe('weekly');
    expect(labels(d)).toContain('Invite someone');
    expect(d.textContent).toContain('Recurring event: a change applies to all its occurrences.');
    typeInto(field('Title', d) as HTMLInputElement, 'Weekly sync');
    const one = vi.spyOn(api.calendar, 'updateOccurrence');
    const update = vi
      .spyOn(api.calendar, 'update')
      .mockResolvedValue({ ...WEEKLY, title: 'Weekly sync', version: 13 });
    await act(async () => button('Save', d)?.click());
    expect(update).toHaveBeenCalledWith('weekly', { title: 'Weekly sync' }, 12);
    expect(one).not.toHaveBeenCalled();
    expect(toasts()).toContain('Event saved');
    expect(d.querySelector('.dialog__title')?.textContent).toBe('Weekly sync');
  });

  it('keeps what was typed when another scope is chosen', async () => {
    const d = await openOccurrence('2026-12-08');
    await act(async () => button('Edit', d)?.click());
    typeInto(field('Title', d) as HTMLInputElement, 'Weekly (moved)');
    typeInto(field('Start time', d) as HTMLInputElement, '14:00');
    scope(d).pick('This and following occurrences');
    expect((field('Title', d) as HTMLInputElement).value).toBe('Weekly (moved)');
    expect((field('Start date', d) as HTMLInputElement).value).toBe('2026-12-08');
    expect((field('Start time', d) as HTMLInputElement).value).toBe('14:00');
    // The series starts on its first date: the texts go along, not the times.
    scope(d).pick('All occurrences');
    expect((field('Title', d) as HTMLInputElement).value).toBe('Weekly (moved)');
    expect((field('Start date', d) as HTMLInputElement).value).toBe('2026-12-01');
    expect((field('Start time', d) as HTMLInputElement).value).toBe('10:00');
    scope(d).pick('This occurrence');
    expect((field('Title', d) as HTMLInputElement).value).toBe('Weekly (moved)');
    expect((field('Start time', d) as HTMLInputElement).value).toBe('10:00');
  });

  it('shows an occurrence changed apart as it is now, and edits it from there', async () => {
    occurrences = [
      weekly('2026-12-01'),
      occurrence('weekly', '2026-12-09T14:00:00Z', '2026-12-09T15:30:00Z', {
        title: 'Weekly (Wednesday)',
        location: 'Room 5',
        recurring: true,
        recurrence_id: rid('2026-12-08'),
      }),
    ];
    const d = await openOccurrence('2026-12-09', CHANGED);
    expect(d.querySelector('.dialog__title')?.textContent).toBe('Weekly (Wednesday)');
    const facts = plain(d.querySelector('.cal-facts')?.textContent);
    expect(facts).toContain('Wednesday, December 9, 2026, 3:00 – 4:30 PM');
    expect(facts).toContain('Moved from Tuesday, December 8, 2026, 10:00 – 11:00 AM');
    expect(facts).toContain('Room 5');
    expect(facts).toContain('Moved for the audit.');
    expect(facts).not.toContain('Room 1');
    expect(facts).not.toContain('Figures of the week.');
    // Only the series says how many were changed or cancelled.
    expect(facts).not.toContain('occurrence changed');

    await act(async () => button('Edit', d)?.click());
    expect((field('Title', d) as HTMLInputElement).value).toBe('Weekly (Wednesday)');
    expect((field('Location', d) as HTMLInputElement).value).toBe('Room 5');
    expect((field('Description', d) as HTMLTextAreaElement).value).toBe('Moved for the audit.');
    expect((field('Start date', d) as HTMLInputElement).value).toBe('2026-12-09');
    expect((field('Start time', d) as HTMLInputElement).value).toBe('15:00');
    expect((field('End time', d) as HTMLInputElement).value).toBe('16:30');
    // Unchanged: nothing to save.
    expect(button('Save', d)?.disabled).toBe(true);
    typeInto(field('Title', d) as HTMLInputElement, 'Weekly (audit)');
    const one = vi
      .spyOn(api.calendar, 'updateOccurrence')
      .mockResolvedValue({ ...CHANGED, version: 13 });
    await act(async () => button('Save', d)?.click());
    expect(one).toHaveBeenCalledWith('weekly', rid('2026-12-08'), { title: 'Weekly (audit)' }, 12);
  });

  it('says on the series how many occurrences were changed or cancelled apart', async () => {
    vi.spyOn(api.calendar, 'get').mockResolvedValue(CHANGED);
    await show('write', { eventId: 'weekly' });
    await vi.waitFor(() => expect(button('Edit', dialog() ?? document)).toBeDefined());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    const facts = plain(d.querySelector('.cal-facts')?.textContent);
    expect(facts).toContain('Every week, 3 times');
    expect(facts).toContain('1 occurrence changed and 1 occurrence cancelled');
    expect(facts).toContain('Room 1');
    // Not opened from an occurrence: the series alone is edited, and warned.
    await act(async () => button('Edit', d)?.click());
    expect(d.querySelector('fieldset.cal-scope')).toBeNull();
    expect(d.textContent).toContain(
      'New times or a new repeat also undo the changes made to single occurrences.',
    );
  });

  it('cancels the occurrence opened alone unless asked, or deletes them all', async () => {
    let d = await openOccurrence('2026-12-08');
    const cancel = vi.spyOn(api.calendar, 'cancelOccurrence').mockResolvedValue(undefined);
    const remove = vi.spyOn(api.calendar, 'remove').mockResolvedValue(undefined);
    await act(async () => button('Delete', d)?.click());
    let confirm = dialog();
    if (!confirm) throw new Error('no confirmation');
    expect(scope(confirm)).toMatchObject({
      legend: 'Delete',
      radios: [
        ['This occurrence', true],
        ['This and following occurrences', false],
        ['All occurrences', false],
      ],
    });
    expect(confirm.textContent).toContain(
      'The occurrence of December 8, 2026 of “Weekly” will be cancelled; the other occurrences stay.',
    );
    await act(async () => button('Delete', confirm)?.click());
    expect(cancel).toHaveBeenCalledWith('weekly', rid('2026-12-08'), 12);
    expect(remove).not.toHaveBeenCalled();
    expect(toasts()).toContain('Occurrence of December 8, 2026 of “Weekly” cancelled');
    expect(window.location.pathname).toBe(`/w/${WS}/calendar`);

    // Another one, all of them this time.
    await act(async () => chip('2026-12-15')?.click());
    await vi.waitFor(() => expect(button('Delete', dialog() ?? document)).toBeDefined());
    d = dialog() ?? d;
    await act(async () => button('Delete', d)?.click());
    confirm = dialog();
    if (!confirm) throw new Error('no confirmation');
    scope(confirm).pick('All occurrences');
    expect(confirm.textContent).toContain('with all its occurrences');
    await act(async () => button('Delete', confirm)?.click());
    expect(remove).toHaveBeenCalledWith('weekly', 12);
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(toasts()).toContain('Event “Weekly” deleted');
  });

  it('changes this occurrence and the following ones: the series’ form from its times, then closes', async () => {
    const d = await openOccurrence('2026-12-08');
    await act(async () => button('Edit', d)?.click());
    scope(d).pick('This and following occurrences');
    expect(scope(d).radios).toEqual([
      ['This occurrence', false],
      ['This and following occurrences', true],
      ['All occurrences', false],
    ]);
    // The series' fields, at this occurrence's times; the times left from it on.
    expect((field('Title', d) as HTMLInputElement).value).toBe('Weekly');
    expect((field('Start date', d) as HTMLInputElement).value).toBe('2026-12-08');
    expect((field('Start time', d) as HTMLInputElement).value).toBe('10:00');
    expect((field('End time', d) as HTMLInputElement).value).toBe('11:00');
    expect((field('Repeat', d) as HTMLSelectElement).value).toBe('weekly');
    expect((field('Number of times', d) as HTMLInputElement).value).toBe('2');
    expect(labels(d)).toContain('All day');
    expect(labels(d)).toContain('Invite someone');
    expect(d.textContent).toContain('Alix Martin');
    expect(d.textContent).toContain('From this occurrence on, the series becomes a new event');
    // Unchanged: nothing to save.
    expect(button('Save', d)?.disabled).toBe(true);

    typeInto(field('Start time', d) as HTMLInputElement, '11:00');
    typeInto(field('Title', d) as HTMLInputElement, 'Weekly (later)');
    const series = vi.spyOn(api.calendar, 'update');
    const one = vi.spyOn(api.calendar, 'updateOccurrence');
    const rest: CalendarEvent = {
      ...WEEKLY,
      id: 'weekly-2',
      title: 'Weekly (later)',
      start: '2026-12-08T10:00:00.000Z',
      end: '2026-12-08T11:00:00.000Z',
      rrule: 'FREQ=WEEKLY;COUNT=2',
      version: 13,
    };
    const following = vi
      .spyOn(api.calendar, 'updateFollowing')
      .mockRejectedValueOnce(new ApiError(400, 'invalid_scope', 'x'))
      .mockResolvedValueOnce(rest);
    // Refused: said, the form kept.
    await act(async () => button('Save', d)?.click());
    expect(d.querySelector('[role="alert"]')?.textContent).toBe(
      'This change cannot be made to this occurrence and the following ones.',
    );
    const list = vi.mocked(api.calendar.occurrences);
    const reads = list.mock.calls.length;
    await act(async () => button('Save', d)?.click());
    // Only what changed, with the new times of this occurrence, at the version read.
    expect(following).toHaveBeenLastCalledWith(
      'weekly',
      rid('2026-12-08'),
      {
        title: 'Weekly (later)',
        start: '2026-12-08T10:00:00.000Z',
        end: '2026-12-08T11:00:00.000Z',
        all_day: false,
        timezone: 'Europe/Paris',
      },
      12,
    );
    expect(series).not.toHaveBeenCalled();
    expect(one).not.toHaveBeenCalled();
    // The rest is another event: the dialog closes, the agenda is read again.
    expect(toasts()).toContain('Occurrences from December 8, 2026 on saved');
    expect(window.location.pathname).toBe(`/w/${WS}/calendar`);
    expect(document.querySelector('dialog[open]')).toBeNull();
    await vi.waitFor(() => expect(list.mock.calls.length).toBeGreaterThan(reads));
  });

  it('sends a new number of times for the following ones as their rule', async () => {
    const d = await openOccurrence('2026-12-08');
    await act(async () => button('Edit', d)?.click());
    scope(d).pick('This and following occurrences');
    typeInto(field('Number of times', d) as HTMLInputElement, '5');
    const following = vi
      .spyOn(api.calendar, 'updateFollowing')
      .mockResolvedValue({ ...WEEKLY, id: 'weekly-2', version: 13 });
    await act(async () => button('Save', d)?.click());
    expect(following).toHaveBeenCalledWith(
      'weekly',
      rid('2026-12-08'),
      { rrule: 'FREQ=WEEKLY;COUNT=5' },
      12,
    );
  });

  it('brings back the event changed meanwhile when this and following come too late (412)', async () => {
    const get = vi
      .spyOn(api.calendar, 'get')
      .mockResolvedValueOnce(WEEKLY)
      .mockResolvedValueOnce({ ...WEEKLY, title: 'Weekly (by Alix)', version: 14 });
    await show('write');
    await act(async () => chip('2026-12-08')?.click());
    await vi.waitFor(() => expect(button('Edit', dialog() ?? document)).toBeDefined());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    await act(async () => button('Edit', d)?.click());
    scope(d).pick('This and following occurrences');
    typeInto(field('Location', d) as HTMLInputElement, 'Room 9');
    vi.spyOn(api.calendar, 'updateFollowing').mockRejectedValue(
      new ApiError(412, 'precondition_failed', 'changed'),
    );
    await act(async () => button('Save', d)?.click());
    await vi.waitFor(() => expect(get).toHaveBeenCalledTimes(2));
    await vi.waitFor(() =>
      expect(d.querySelector('.dialog__title')?.textContent).toBe('Weekly (by Alix)'),
    );
    expect(d.querySelector('[role="status"]')?.textContent).toContain(
      'This event was changed elsewhere meanwhile',
    );
    expect(d.querySelector('form')).toBeNull();
  });

  it('prefills this and following of a moved occurrence at its own times, the series’ texts', async () => {
    occurrences = [
      weekly('2026-12-01'),
      occurrence('weekly', '2026-12-09T14:00:00Z', '2026-12-09T15:30:00Z', {
        title: 'Weekly (Wednesday)',
        recurring: true,
        recurrence_id: rid('2026-12-08'),
      }),
    ];
    const d = await openOccurrence('2026-12-09', CHANGED);
    await act(async () => button('Edit', d)?.click());
    scope(d).pick('This and following occurrences');
    expect((field('Title', d) as HTMLInputElement).value).toBe('Weekly');
    expect((field('Location', d) as HTMLInputElement).value).toBe('Room 1');
    expect((field('Start date', d) as HTMLInputElement).value).toBe('2026-12-09');
    expect((field('Start time', d) as HTMLInputElement).value).toBe('15:00');
    expect((field('End time', d) as HTMLInputElement).value).toBe('16:30');
  });

  it('deletes this occurrence and the following ones when asked: the series ends before it', async () => {
    const d = await openOccurrence('2026-12-08');
    const cancel = vi.spyOn(api.calendar, 'cancelOccurrence');
    const remove = vi.spyOn(api.calendar, 'remove');
    const following = vi.spyOn(api.calendar, 'removeFollowing').mockResolvedValue(undefined);
    await act(async () => button('Delete', d)?.click());
    const confirm = dialog();
    if (!confirm) throw new Error('no confirmation');
    scope(confirm).pick('This and following occurrences');
    expect(confirm.textContent).toContain(
      '“Weekly” will end before December 8, 2026: this occurrence and the following ones are deleted.',
    );
    expect(following).not.toHaveBeenCalled();
    await act(async () => button('Delete', confirm)?.click());
    expect(following).toHaveBeenCalledWith('weekly', rid('2026-12-08'), 12);
    expect(cancel).not.toHaveBeenCalled();
    expect(remove).not.toHaveBeenCalled();
    expect(toasts()).toContain('Occurrences of “Weekly” from December 8, 2026 on deleted');
    expect(window.location.pathname).toBe(`/w/${WS}/calendar`);
    expect(document.querySelector('dialog[open]')).toBeNull();
  });

  it('does not offer “this and following” from the first occurrence (it is all of them)', async () => {
    const d = await openOccurrence('2026-12-01');
    await act(async () => button('Edit', d)?.click());
    expect(scope(d).radios).toEqual([
      ['This occurrence', true],
      ['All occurrences', false],
    ]);
    await act(async () => button('Cancel', d)?.click());
    await act(async () => button('Delete', d)?.click());
    const confirm = dialog();
    if (!confirm) throw new Error('no confirmation');
    expect(scope(confirm).radios).toEqual([
      ['This occurrence', true],
      ['All occurrences', false],
    ]);
  });
});

describe('dragging', () => {
  // jsdom lays nothing out: what is under the pointer, and a week's
  // columns 960 px high (40 px an hour), are given as a browser would.
  let under: () => Element | null = () => null;
  beforeEach(() => {
    Object.defineProperty(document, 'elementFromPoint', {
      configurable: true,
      value: () => under(),
    });
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (
      this: HTMLElement,
    ) {
      return columnBox(this.classList.contains('cal-week__day') ? 960 : 100);
    });
  });
  const pointer = (type: string, target: EventTarget, x: number, y: number) =>
    act(() => {
      target.dispatchEvent(
        new MouseEvent(type, {
          bubbles: true,
          cancelable: true,
          button: 0,
          clientX: x,
          clientY: y,
        }),
      );
    });
  const block = (title: string) =>
    [...ui.host.querySelectorAll<HTMLElement>('.cal-block')].find(
      (b) => b.querySelector('.cal-block__title')?.textContent === title,
    );
  const column = (day: string) =>
    ui.host.querySelector<HTMLElement>(`.cal-week__day[data-day="${day}"]`);
  /** The standup (09:00 – 09:30 in Paris) as the server has it; the spy on its changes. */
  const serveStandup = () => {
    vi.spyOn(api.calendar, 'get').mockResolvedValue(
      calendarEvent('standup', {
        title: 'Standup',
        start: '2026-12-10T08:00:00.000Z',
        end: '2026-12-10T08:30:00.000Z',
        version: 3,
      }),
    );
    return vi
      .spyOn(api.calendar, 'update')
      .mockResolvedValue(calendarEvent('standup', { title: 'Standup' }));
  };
  /** A timed event's change of times, as the edit dialog sends it. */
  const moved = (start: string, end: string) => ({
    start,
    end,
    all_day: false,
    timezone: 'Europe/Paris',
  });
  const release = () =>
    act(async () => window.dispatchEvent(new MouseEvent('pointerup', { bubbles: true })));
  const chipOf = (day: string, title: string) =>
    [...(cell(day)?.querySelectorAll<HTMLElement>('.cal-chip') ?? [])].find(
      (c) => c.querySelector('.cal-chip__title')?.textContent === title,
    );

  it('moves an event to the day it is dropped on, its time kept, and does not open it', async () => {
    await show('write');
    const update = serveStandup();
    const from = chipOf('2026-12-10', 'Standup');
    if (!from) throw new Error('no chip');
    expect(from.classList.contains('cal-movable')).toBe(true);
    pointer('pointerdown', from, 10, 10);
    // A few pixels are no drag yet.
    under = () => cell('2026-12-17');
    pointer('pointermove', window, 12, 12);
    expect(from.classList.contains('cal-dragging')).toBe(false);
    pointer('pointermove', window, 200, 300);
    expect(from.classList.contains('cal-dragging')).toBe(true);
    expect(cell('2026-12-17')?.classList.contains('is-drop-target')).toBe(true);
    expect(document.querySelector('.cal-drag-label')?.textContent).toBe(
      'Standup · Thursday, December 17',
    );
    await act(async () => {
      window.dispatchEvent(new MouseEvent('pointerup', { bubbles: true }));
      from.click(); // the click that ends the drag
    });
    expect(dialog()).toBeUndefined();
    expect(document.querySelector('.cal-drag-label')).toBeNull();
    expect(cell('2026-12-17')?.classList.contains('is-drop-target')).toBe(false);
    expect(update).toHaveBeenCalledWith(
      'standup',
      moved('2026-12-17T08:00:00.000Z', '2026-12-17T08:30:00.000Z'),
      3,
    );
    expect(toasts()).toContain('Event “Standup” moved');
  });

  it('moves a block of the week by day and quarter hour; Escape moves nothing', async () => {
    await show('write', { url: `/w/${WS}/calendar?view=week&date=2026-12-10` });
    const update = serveStandup();
    const b = block('Standup');
    if (!b) throw new Error('no block');
    // Taken at 09:00 (360 px), dropped on Friday at 360 + 50 px: 75 minutes later, snapped.
    pointer('pointerdown', b, 10, 360);
    under = () => column('2026-12-11');
    pointer('pointermove', window, 150, 410);
    expect(plain(document.querySelector('.cal-drag-label')?.textContent)).toBe(
      'Standup · Friday, December 11, 10:15 AM',
    );
    key(window.document.body, 'Escape');
    await release();
    expect(update).not.toHaveBeenCalled();
    expect(b.classList.contains('cal-dragging')).toBe(false);

    pointer('pointerdown', b, 10, 360);
    pointer('pointermove', window, 150, 410);
    await release();
    expect(update).toHaveBeenCalledWith(
      'standup',
      moved('2026-12-11T09:15:00.000Z', '2026-12-11T09:45:00.000Z'),
      3,
    );
  });

  it('makes a block of the week longer by its bottom edge, that day', async () => {
    await show('write', { url: `/w/${WS}/calendar?view=week&date=2026-12-10` });
    const update = serveStandup();
    const edge = block('Standup')?.querySelector('.cal-block__resize');
    if (!edge) throw new Error('no edge');
    // Wherever the pointer goes, the end moves on its own day: 40 px, an hour later.
    under = () => column('2026-12-12');
    pointer('pointerdown', edge, 10, 380);
    pointer('pointermove', window, 300, 420);
    expect(plain(document.querySelector('.cal-drag-label')?.textContent)).toBe(
      'Standup · until 10:30 AM',
    );
    await release();
    expect(update).toHaveBeenCalledWith(
      'standup',
      moved('2026-12-10T08:00:00.000Z', '2026-12-10T09:30:00.000Z'),
      3,
    );
  });

  it('moves one occurrence of a recurring event alone', async () => {
    await show('write');
    vi.spyOn(api.calendar, 'get').mockResolvedValue(
      calendarEvent('weekly', {
        title: 'Weekly',
        start: '2026-12-01T09:00:00.000Z',
        end: '2026-12-01T10:00:00.000Z',
        rrule: 'FREQ=WEEKLY;COUNT=3',
        recurring: true,
        version: 12,
      }),
    );
    const one = vi
      .spyOn(api.calendar, 'updateOccurrence')
      .mockResolvedValue(calendarEvent('weekly', { title: 'Weekly' }));
    const from = chipOf('2026-12-08', 'Weekly');
    if (!from) throw new Error('no chip');
    pointer('pointerdown', from, 10, 10);
    under = () => cell('2026-12-09');
    pointer('pointermove', window, 150, 10);
    await release();
    expect(one).toHaveBeenCalledWith(
      'weekly',
      '2026-12-08T09:00:00.000Z',
      { start: '2026-12-09T09:00:00.000Z', end: '2026-12-09T10:00:00.000Z' },
      12,
    );
  });

  it('says when the event changed meanwhile', async () => {
    await show('write');
    vi.spyOn(api.calendar, 'get').mockResolvedValue(calendarEvent('standup', { version: 3 }));
    vi.spyOn(api.calendar, 'update').mockRejectedValue(
      new ApiError(412, 'precondition_failed', 'changed'),
    );
    const from = chipOf('2026-12-10', 'Standup');
    if (!from) throw new Error('no chip');
    pointer('pointerdown', from, 10, 10);
    under = () => cell('2026-12-11');
    pointer('pointermove', window, 150, 10);
    await release();
    await vi.waitFor(() =>
      expect(toasts()).toContain('This event was changed elsewhere meanwhile: it was not moved.'),
    );
  });
});

describe('dragging, read only', () => {
  it('drags nothing', async () => {
    await show('read');
    expect(ui.host.querySelectorAll('.cal-movable')).toHaveLength(0);
    const update = vi.spyOn(api.calendar, 'update');
    const from = [...(cell('2026-12-10')?.querySelectorAll<HTMLElement>('.cal-chip') ?? [])][0];
    if (!from) throw new Error('no chip');
    Object.defineProperty(document, 'elementFromPoint', {
      configurable: true,
      value: () => cell('2026-12-11'),
    });
    act(() => {
      from.dispatchEvent(new MouseEvent('pointerdown', { bubbles: true, button: 0 }));
      window.dispatchEvent(new MouseEvent('pointermove', { clientX: 200, clientY: 200 }));
    });
    expect(from.classList.contains('cal-dragging')).toBe(false);
    await act(async () => window.dispatchEvent(new MouseEvent('pointerup')));
    expect(update).not.toHaveBeenCalled();
  });
});

describe('a read-only member', () => {
  it('gets no control to change anything', async () => {
    vi.spyOn(api.calendar, 'get').mockResolvedValue(calendarEvent('review', { title: 'Review' }));
    await show('read', { eventId: 'review' });
    await vi.waitFor(() =>
      expect(ui.host.querySelector('.cal-readonly')?.textContent).toBe(
        'You have read-only access to the calendar.',
      ),
    );
    expect(button('New event', ui.host)).toBeUndefined();
    await vi.waitFor(() => expect(dialog()?.querySelector('.cal-facts')).not.toBeNull());
    const d = dialog() ?? document;
    expect(button('Edit', d)).toBeUndefined();
    expect(button('Delete', d)).toBeUndefined();
    // A click on a day creates nothing; its button lists the day's events.
    await act(async () => button('Close', d)?.click());
    act(() => cell('2026-12-17')?.click());
    expect(document.querySelector('dialog[open]')).toBeNull();
    act(() => dayButton('2026-12-10')?.click());
    expect(dialog()?.querySelector('.dialog__title')?.textContent).toBe(
      'Thursday, December 10, 2026',
    );
    expect(button('New event', dialog() ?? document)).toBeUndefined();
  });
});

describe('invitations', () => {
  const EVENT: CalendarEvent = calendarEvent('review', {
    title: 'Review',
    start: '2026-12-10T13:00:00.000Z',
    end: '2026-12-10T14:00:00.000Z',
    version: 12,
  });
  /** The suggestions offered under the attendees' field. */
  const options = (d: ParentNode) =>
    [...d.querySelectorAll('[role="option"]')].map((o) =>
      [o.querySelector('.person-picker__name'), o.querySelector('.person-picker__detail')]
        .map((x) => x?.textContent)
        .join(' '),
    );
  const people = (d: ParentNode) =>
    [...d.querySelectorAll('.cal-person')].map((p) => plain(p.textContent).trim());

  it('invites colleagues picked by name and anyone by address, never oneself', async () => {
    await show('write');
    await act(async () => button('New event', ui.host)?.click());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    typeInto(field('Title', d) as HTMLInputElement, 'Site meeting');
    const invite = field('Invite someone', d) as HTMLInputElement;
    expect(invite.getAttribute('role')).toBe('combobox');
    // Oneself is not offered.
    typeInto(invite, 'cam');
    expect(options(d)).toEqual([]);
    expect(invite.getAttribute('aria-expanded')).toBe('false');
    typeInto(invite, 'al');
    expect(options(d)).toEqual(['Alix Martin alix@ruche.test']);
    expect(invite.getAttribute('aria-expanded')).toBe('true');
    expect(invite.getAttribute('aria-activedescendant')).toBe(
      d.querySelector('[role="option"]')?.id,
    );
    key(invite, 'Enter');
    expect(people(d)).toEqual(['Alix Martin alix@ruche.test']);
    expect(invite.value).toBe('');
    // A word that is no address: said, nothing added.
    typeInto(invite, 'guest');
    key(invite, 'Enter');
    expect(d.querySelector('.cal-attendees .field__error')?.textContent).toBe(
      'Enter an email address (name@example.org) or pick a colleague.',
    );
    expect(invite.getAttribute('aria-invalid')).toBe('true');
    typeInto(invite, 'guest@example.org');
    await act(async () => button('Invite', d)?.click());
    expect(people(d)).toEqual(['Alix Martin alix@ruche.test', 'guest@example.org']);
    // One's own address is refused too.
    typeInto(invite, 'Camille@ruche.test');
    key(invite, 'Enter');
    expect(d.querySelector('.cal-attendees .field__error')?.textContent).toBe(
      'You need not invite yourself.',
    );
    // Removed, and another colleague picked with the arrows.
    await act(async () => button('Remove Alix Martin', d)?.click());
    typeInto(invite, '');
    typeInto(invite, 'm');
    expect(options(d)).toEqual(['Alix Martin alix@ruche.test', 'Bo Moreau bo@ruche.test']);
    key(invite, 'ArrowDown');
    key(invite, 'Enter');
    const create = vi.spyOn(api.calendar, 'create').mockResolvedValue(calendarEvent('new'));
    await act(async () => button('Create the event', d)?.click());
    expect(create).toHaveBeenCalledWith(
      WS,
      expect.objectContaining({
        title: 'Site meeting',
        attendees: [{ email: 'guest@example.org' }, { user_id: 'u2' }],
      }),
    );
  });

  it('shows who organizes and who is invited, with their answers; sends the list only when it changed', async () => {
    const event: CalendarEvent = {
      ...EVENT,
      organizer: { email: 'camille@ruche.test', name: 'Camille Durand' },
      attendees: [
        { email: 'alix@ruche.test', name: 'Alix Martin', partstat: 'accepted' },
        { email: 'guest@example.org', name: '', partstat: 'needs-action' },
        { email: 'bo@ruche.test', name: 'Bo Moreau', partstat: 'tentative' },
      ],
    };
    vi.spyOn(api.calendar, 'get').mockResolvedValue(event);
    await show('write', { eventId: 'review' });
    await vi.waitFor(() => expect(button('Edit', dialog() ?? document)).toBeDefined());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    expect(d.textContent).toContain('Organized by Camille Durand (you)');
    const list = d.querySelector('ul[aria-label="Attendees"]');
    expect(people(list ?? d)).toEqual([
      'Alix Martin alix@ruche.test Accepted',
      'guest@example.org Not answered',
      'Bo Moreau bo@ruche.test Maybe',
    ]);
    // The organizer answers nothing.
    expect(button('Accept', d)).toBeUndefined();

    await act(async () => button('Edit', d)?.click());
    expect(people(d)).toEqual([
      'Alix Martin alix@ruche.test Accepted',
      'guest@example.org Not answered',
      'Bo Moreau bo@ruche.test Maybe',
    ]);
    typeInto(field('Title', d) as HTMLInputElement, 'Design review');
    const update = vi
      .spyOn(api.calendar, 'update')
      .mockResolvedValue({ ...event, title: 'Design review', version: 13 });
    await act(async () => button('Save', d)?.click());
    expect(update).toHaveBeenLastCalledWith('review', { title: 'Design review' }, 12);

    await act(async () => button('Edit', d)?.click());
    await act(async () => button('Remove guest@example.org', d)?.click());
    await act(async () => button('Save', d)?.click());
    expect(update).toHaveBeenLastCalledWith(
      'review',
      {
        attendees: [
          { email: 'alix@ruche.test', name: 'Alix Martin' },
          { email: 'bo@ruche.test', name: 'Bo Moreau' },
        ],
      },
      13,
    );
  });

  it('shows an answer as soon as its notice names the event, and reads the grid again', async () => {
    const event: CalendarEvent = {
      ...EVENT,
      organizer: { email: 'camille@ruche.test', name: 'Camille Durand' },
      attendees: [{ email: 'alix@ruche.test', name: 'Alix Martin', partstat: 'needs-action' }],
    };
    const get = vi.spyOn(api.calendar, 'get').mockResolvedValue(event);
    const hear = hearLive();
    const list = await show('write', { eventId: 'review' });
    await vi.waitFor(() => expect(button('Edit', dialog() ?? document)).toBeDefined());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    expect(people(d)).toEqual(['Alix Martin alix@ruche.test Not answered']);
    const reads = list.mock.calls.length;
    const alix = { email: 'alix@ruche.test', name: 'Alix Martin', partstat: 'accepted' as const };
    get.mockResolvedValue({ ...event, version: 13, attendees: [alix] });
    // Another event's answer: nothing read.
    hear(noticeFrame('calendar.answered', { id: 'other', attendee: alix }));
    expect(get).toHaveBeenCalledTimes(1);
    hear(noticeFrame('calendar.answered', { id: 'review', attendee: alix }));
    await vi.waitFor(() => expect(people(d)).toEqual(['Alix Martin alix@ruche.test Accepted']));
    expect(get).toHaveBeenCalledTimes(2);
    await vi.waitFor(() => expect(list.mock.calls.length).toBeGreaterThan(reads));

    // While it is being edited, the answer waits (the save will say).
    await act(async () => button('Edit', d)?.click());
    hear(noticeFrame('calendar.answered', { id: 'review', attendee: alix }));
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('lets an invitee answer, and nothing else', async () => {
    occurrences = [
      occurrence('review', '2026-12-10T13:00:00Z', '2026-12-10T14:00:00Z', {
        title: 'Review',
        partstat: 'needs-action',
      }),
    ];
    const event: CalendarEvent = {
      ...EVENT,
      created_by: 'u1',
      organizer: { email: 'alix@ruche.test', name: 'Alix Martin' },
      attendees: [
        { email: 'camille@ruche.test', name: 'Camille Durand', partstat: 'needs-action' },
      ],
    };
    vi.spyOn(api.calendar, 'get').mockResolvedValue(event);
    await show('read', {
      eventId: 'review',
      url: `/w/${WS}/calendar/review?view=week&date=2026-12-10`,
    });
    await vi.waitFor(() => expect(button('Accept', dialog() ?? document)).toBeDefined());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    const block = () => cell('2026-12-10')?.querySelector('.cal-block');
    expect(block()?.classList.contains('cal-chip--pending')).toBe(true);
    // Only the organizer's side changes the event.
    expect(button('Edit', d)).toBeUndefined();
    expect(button('Delete', d)).toBeUndefined();
    expect(d.textContent).toContain('only its organizer can change it');
    // A single event: no occurrence to answer apart.
    expect(d.querySelector('fieldset')).toBeNull();
    const group = d.querySelector('[role="group"]');
    expect(document.getElementById(group?.getAttribute('aria-labelledby') ?? '')?.textContent).toBe(
      'Will you attend?',
    );
    expect(plain(group?.querySelector('.cal-reply__current')?.textContent)).toBe(
      'Your answer: Not answered',
    );
    expect(
      ['Accept', 'Maybe', 'Decline'].map((l) => button(l, d)?.getAttribute('aria-pressed')),
    ).toEqual(['false', 'false', 'false']);

    const reply = vi.spyOn(api.calendar, 'reply').mockImplementation(async (_id, partstat) => {
      occurrences = occurrences.map((o) => ({ ...o, partstat }));
      return {
        ...event,
        version: 13,
        attendees: [{ email: 'camille@ruche.test', name: 'Camille Durand', partstat }],
      };
    });
    await act(async () => button('Decline', d)?.click());
    expect(reply).toHaveBeenCalledWith('review', 'declined', null);
    expect(button('Decline', d)?.getAttribute('aria-pressed')).toBe('true');
    expect(plain(d.querySelector('.cal-reply__current')?.textContent)).toBe(
      'Your answer: Declined',
    );
    expect(toasts()).toContain('Answer sent: Declined');
    // The grid says it at once.
    expect(block()?.classList.contains('cal-chip--declined')).toBe(true);
    expect(block()?.classList.contains('cal-chip--pending')).toBe(false);
  });

  describe('a recurring event', () => {
    const DAYS = ['2026-12-01', '2026-12-08', '2026-12-15'];
    const rid = (day: string) => `${day}T09:00:00.000Z`;
    const ALIX = { email: 'alix@ruche.test', name: 'Alix Martin' };
    const camille = (partstat: CalendarPartstat) => ({
      email: 'camille@ruche.test',
      name: 'Camille Durand',
      partstat,
    });
    const WEEKLY: CalendarEvent = calendarEvent('weekly', {
      title: 'Weekly',
      start: rid(DAYS[0] ?? ''),
      end: '2026-12-01T10:00:00.000Z',
      rrule: 'FREQ=WEEKLY;COUNT=3',
      recurring: true,
      version: 12,
    });
    const chip = (day: string) => cell(day)?.querySelector<HTMLElement>('.cal-chip');
    const pressed = (d: ParentNode) =>
      ['Accept', 'Maybe', 'Decline'].map((l) => button(l, d)?.getAttribute('aria-pressed'));

    it('lets an invitee answer the occurrence opened alone, or all of them', async () => {
      occurrences = DAYS.map((day) =>
        occurrence('weekly', `${day}T09:00:00Z`, `${day}T10:00:00Z`, {
          title: 'Weekly',
          recurring: true,
          recurrence_id: rid(day),
          partstat: day === '2026-12-08' ? 'declined' : 'accepted',
        }),
      );
      const event: CalendarEvent = {
        ...WEEKLY,
        created_by: 'u1',
        organizer: ALIX,
        attendees: [camille('accepted')],
        instance_answers: [
          { recurrence_id: rid('2026-12-08'), email: 'camille@ruche.test', partstat: 'declined' },
        ],
      };
      vi.spyOn(api.calendar, 'get').mockResolvedValue(event);
      await show('read');
      expect(chip('2026-12-08')?.className).toBe('cal-chip cal-chip--declined');
      await act(async () => chip('2026-12-08')?.click());
      await vi.waitFor(() => expect(button('Accept', dialog() ?? document)).toBeDefined());
      const d = dialog();
      if (!d) throw new Error('no dialog');
      // The answer shown is the one to that occurrence.
      expect(plain(d.querySelector('.cal-reply__current')?.textContent)).toBe(
        'Your answer: Declined',
      );
      expect(pressed(d)).toEqual(['false', 'false', 'true']);
      expect(people(d)).toEqual([
        'Camille Durand (you) camille@ruche.test Declined this occurrence',
      ]);
      // All occurrences unless asked otherwise.
      const scope = d.querySelector('fieldset');
      expect(scope?.querySelector('legend')?.textContent).toBe('Answer for');
      const radio = (label: string) =>
        [...(scope?.querySelectorAll('label') ?? [])]
          .find((l) => l.textContent === label)
          ?.querySelector('input');
      expect(radio('All occurrences')?.checked).toBe(true);
      expect(radio('This occurrence')?.checked).toBe(false);
      // No answer from one occurrence on: two choices only.
      expect([...(scope?.querySelectorAll('label') ?? [])].map((l) => l.textContent)).toEqual([
        'This occurrence',
        'All occurrences',
      ]);

      const reply = vi
        .spyOn(api.calendar, 'reply')
        .mockImplementation(async (_id, partstat, recurrenceId) => {
          occurrences = occurrences.map((o) =>
            recurrenceId === null || o.recurrence_id === recurrenceId ? { ...o, partstat } : o,
          );
          return recurrenceId
            ? {
                ...event,
                version: 13,
                instance_answers: [
                  { recurrence_id: recurrenceId, email: 'camille@ruche.test', partstat },
                ],
              }
            : { ...event, version: 14, attendees: [camille(partstat)], instance_answers: [] };
        });
      act(() => radio('This occurrence')?.click());
      await act(async () => button('Maybe', d)?.click());
      expect(reply).toHaveBeenLastCalledWith('weekly', 'tentative', '2026-12-08T09:00:00.000Z');
      expect(plain(d.querySelector('.cal-reply__current')?.textContent)).toBe('Your answer: Maybe');
      expect(toasts()).toContain('Answer sent for this occurrence: Maybe');
      // That occurrence says it, the others keep the series' answer.
      expect(DAYS.map((day) => chip(day)?.className)).toEqual([
        'cal-chip',
        'cal-chip cal-chip--tentative',
        'cal-chip',
      ]);

      act(() => radio('All occurrences')?.click());
      await act(async () => button('Decline', d)?.click());
      expect(reply).toHaveBeenLastCalledWith('weekly', 'declined', null);
      expect(plain(d.querySelector('.cal-reply__current')?.textContent)).toBe(
        'Your answer: Declined',
      );
      expect(people(d)).toEqual(['Camille Durand (you) camille@ruche.test Declined']);
      expect(DAYS.map((day) => chip(day)?.className)).toEqual(
        DAYS.map(() => 'cal-chip cal-chip--declined'),
      );
    });

    const ORGANIZED: CalendarEvent = {
      ...WEEKLY,
      organizer: { email: 'camille@ruche.test', name: 'Camille Durand' },
      attendees: [
        { ...ALIX, partstat: 'accepted' },
        { email: 'bo@ruche.test', name: 'Bo Moreau', partstat: 'tentative' },
      ],
      instance_answers: [
        { recurrence_id: rid('2026-12-08'), email: 'alix@ruche.test', partstat: 'declined' },
        { recurrence_id: rid('2026-12-15'), email: 'alix@ruche.test', partstat: 'declined' },
        { recurrence_id: rid('2026-12-15'), email: 'bo@ruche.test', partstat: 'accepted' },
      ],
    };

    it('shows the organizer each answer to the occurrence opened', async () => {
      vi.spyOn(api.calendar, 'get').mockResolvedValue(ORGANIZED);
      await show('write');
      await act(async () => chip('2026-12-08')?.click());
      await vi.waitFor(() => expect(button('Edit', dialog() ?? document)).toBeDefined());
      const d = dialog();
      if (!d) throw new Error('no dialog');
      expect(people(d)).toEqual([
        'Alix Martin alix@ruche.test Declined this occurrence',
        'Bo Moreau bo@ruche.test Maybe',
      ]);
      // The organizer is not asked.
      expect(d.querySelector('fieldset')).toBeNull();
    });

    it('shows the organizer, for the series, who answered some occurrences apart', async () => {
      vi.spyOn(api.calendar, 'get').mockResolvedValue(ORGANIZED);
      await show('write', { eventId: 'weekly' });
      await vi.waitFor(() => expect(button('Edit', dialog() ?? document)).toBeDefined());
      const d = dialog();
      if (!d) throw new Error('no dialog');
      expect(people(d)).toEqual([
        'Alix Martin alix@ruche.test Accepted 2 occurrences answered apart',
        'Bo Moreau bo@ruche.test Maybe 1 occurrence answered apart',
      ]);
    });
  });

  it('says what the server refused in an answer', async () => {
    vi.spyOn(api.calendar, 'get').mockResolvedValue({
      ...EVENT,
      organizer: { email: 'alix@ruche.test', name: 'Alix Martin' },
      attendees: [{ email: 'camille@ruche.test', name: '', partstat: 'accepted' }],
    });
    await show('read', { eventId: 'review' });
    await vi.waitFor(() => expect(button('Maybe', dialog() ?? document)).toBeDefined());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    expect(button('Accept', d)?.getAttribute('aria-pressed')).toBe('true');
    vi.spyOn(api.calendar, 'reply').mockRejectedValue(new ApiError(403, 'not_invited', 'x'));
    await act(async () => button('Maybe', d)?.click());
    expect(d.querySelector('[role="alert"]')?.textContent).toBe(
      'You are not invited to this event.',
    );
    expect(button('Accept', d)?.getAttribute('aria-pressed')).toBe('true');
  });

  it('shows invitations in the grid by the answer, and says it to screen readers', async () => {
    occurrences = [
      occurrence('a', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', {
        title: 'Asked',
        partstat: 'needs-action',
      }),
      occurrence('b', '2026-12-10T10:00:00Z', '2026-12-10T11:00:00Z', {
        title: 'Perhaps',
        partstat: 'tentative',
      }),
      occurrence('c', '2026-12-10T12:00:00Z', '2026-12-10T13:00:00Z', {
        title: 'No',
        partstat: 'declined',
      }),
      occurrence('d', '2026-12-10T14:00:00Z', '2026-12-10T15:00:00Z', {
        title: 'Yes',
        partstat: 'accepted',
      }),
      occurrence('e', '2026-12-10T16:00:00Z', '2026-12-10T17:00:00Z', { title: 'Mine' }),
    ];
    await show('read', { url: `/w/${WS}/calendar?view=week&date=2026-12-10` });
    const blocks = [...(cell('2026-12-10')?.querySelectorAll<HTMLElement>('.cal-block') ?? [])];
    expect(blocks.map((b) => b.className.replace(/\s*cal-block--short/, ''))).toEqual([
      'cal-block cal-chip--pending',
      'cal-block cal-chip--tentative',
      'cal-block cal-chip--declined',
      'cal-block',
      'cal-block',
    ]);
    expect(plain(blocks[0]?.querySelector('.visually-hidden')?.textContent)).toBe(
      ', Thursday, December 10, 2026, 9:00 – 10:00 AM, Invitation, not answered',
    );
    expect(blocks[0]?.title).toContain('Invitation, not answered');
    expect(plain(blocks[2]?.textContent)).toContain('Invitation, declined');
    expect(plain(blocks[4]?.textContent)).not.toContain('Invitation');
    // The month's chips and a day's list alike.
    await act(async () => button('Month', ui.host)?.click());
    expect(
      [...(cell('2026-12-10')?.querySelectorAll('.cal-chip') ?? [])].map((c) => c.className),
    ).toEqual(['cal-chip cal-chip--pending', 'cal-chip cal-chip--tentative']);
    act(() => (cell('2026-12-10')?.querySelector('.cal-day__more') as HTMLElement).click());
    expect(
      [...(dialog()?.querySelectorAll('.cal-day-list__item') ?? [])].map((c) => c.className),
    ).toEqual([
      'cal-day-list__item cal-chip--pending',
      'cal-day-list__item cal-chip--tentative',
      'cal-day-list__item cal-chip--declined',
      'cal-day-list__item',
      'cal-day-list__item',
    ]);
  });
});
