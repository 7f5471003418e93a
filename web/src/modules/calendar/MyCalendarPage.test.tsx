// The person's own calendar (/calendar), as they use it (Paris time,
// English): every calendar they read on one grid, each in its tone, listed
// beside it and hidden or shown from there (remembered in this browser);
// new events and imports into the personal calendar; their own events
// edited there, a subscription's read only, a workspace's opened in its
// workspace's calendar; read again when one of their calendars changes
// (calendar.changed) and with the armoured calendars' share.
import { act } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, type CalendarOccurrence, type Workspace } from '../../api';
import { BrandingProvider } from '../../branding';
import { ToastProvider } from '../../notifications/toasts';
import { matchPath, usePathname } from '../../router/router';
import { hearLive } from '../../test/live';
import { mountPoint, typeInto } from '../../test/mount';
import { WorkspacesProvider } from '../../workspaces';
import { task } from '../tasks/logic/fixtures.test-util';
import { calendarEvent, occurrence, subscription } from './logic/fixtures.test-util';
import MyCalendarPage from './MyCalendarPage';

vi.mock('../../session', async (original) => ({
  ...(await original<typeof import('../../session')>()),
  useMe: () => ({ id: 'me', name: 'Camille Durand', email: 'camille@ruche.test' }),
}));

/** The armoured calendars' share this tab adds (sealedAgenda.test.ts tests it). */
const sealed = vi.hoisted(() => ({ list: [] as unknown[], asked: [] as unknown[][] }));
vi.mock('./sealedAgenda', async (original) => ({
  ...(await original<typeof import('./sealedAgenda')>()),
  sealedOccurrences: async (...args: unknown[]) => {
    sealed.asked.push(args);
    return sealed.list;
  },
}));

const ui = mountPoint();

const ws = (id: string, name: string, modules = ['calendar'], armoured = false) =>
  ({ id, name, modules, archived: false, armoured }) as Workspace;

let list: CalendarOccurrence[];

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

beforeEach(() => {
  sealed.list = [];
  sealed.asked = [];
  window.localStorage.removeItem('ruche.calendar.hidden:me');
  list = [
    occurrence('dentist', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', {
      title: 'Dentist',
      workspace_id: null,
    }),
    occurrence('meeting', '2026-12-10T13:00:00Z', '2026-12-10T14:00:00Z', {
      title: 'Site meeting',
    }),
    occurrence('council', '2026-12-11T17:00:00Z', '2026-12-11T19:00:00Z', {
      title: 'Council',
      workspace_id: null,
      subscription_id: 's1',
    }),
    occurrence('lunch', '2026-12-14T11:00:00Z', '2026-12-14T12:00:00Z', {
      title: 'Lunch with Alix',
      workspace_id: null,
      partstat: 'needs-action',
    }),
  ];
});

afterEach(() => {
  vi.restoreAllMocks();
});

function serve(workspaces: Workspace[] = [ws('w1', 'Chantier'), ws('w2', 'Bureau', ['chat'])]) {
  vi.spyOn(api.settings, 'public').mockRejectedValue(new Error('offline'));
  vi.spyOn(api.workspaces, 'list').mockResolvedValue(workspaces);
  // Tasks: one due on the 15th, one at a time on the 16th, one done, one without a date.
  vi.spyOn(api.tasks, 'mine').mockResolvedValue([
    task('t1', { title: 'Send the quote', due: '2026-12-15', workspace_id: 'w1' }),
    task('t2', { title: 'Call the plumber', due: '2026-12-16T09:00:00Z', workspace_id: 'w1' }),
    task('t3', { title: 'Done already', due: '2026-12-15', status: 'done', workspace_id: 'w1' }),
    task('t4', { title: 'Someday', due: null, workspace_id: 'w1' }),
  ]);
  vi.spyOn(api.calendar.subscriptions, 'list').mockResolvedValue({
    available: true,
    subscriptions: [subscription('s1', 'Mairie')],
  });
  vi.spyOn(api.calendar, 'freeBusy').mockImplementation(async (users) =>
    users.map((user_id) => ({ user_id, busy: [] })),
  );
  return vi.spyOn(api.calendar, 'mine').mockImplementation(async () => list);
}

/** The page as the router mounts it: the event open comes from the address. */
function Routed() {
  const eid = matchPath('/calendar/:eid', usePathname())?.eid;
  return <MyCalendarPage params={eid ? { eid } : {}} />;
}

/** The page, once its calendars are listed (`sources` of them). */
async function show(o: { eventId?: string; workspaces?: Workspace[]; sources?: number } = {}) {
  const path = o.eventId ? `/calendar/${o.eventId}` : '/calendar';
  window.history.replaceState(null, '', `${path}?date=2026-12-10`);
  const mine = serve(o.workspaces);
  await ui.render(
    <BrandingProvider>
      <ToastProvider>
        <WorkspacesProvider userId="me">
          <Routed />
        </WorkspacesProvider>
      </ToastProvider>
    </BrandingProvider>,
  );
  await vi.waitFor(() => expect(chip('Dentist')).toBeDefined());
  await vi.waitFor(() => expect(boxes()).toHaveLength(o.sources ?? 5));
  return mine;
}

const chips = () => [...ui.host.querySelectorAll<HTMLElement>('.cal-chip')];
const chip = (title: string) =>
  chips().find((c) => c.querySelector('.cal-chip__title')?.textContent === title);
const tone = (title: string) =>
  [...(chip(title)?.classList ?? [])].find((c) => c.startsWith('cal-tone-')) ?? null;
const boxes = () => [...ui.host.querySelectorAll<HTMLInputElement>('.cal-sources input')];
const box = (name: string) =>
  boxes().find((b) => b.closest('.cal-sources__item')?.textContent === name);
const button = (label: string, within: ParentNode = document) =>
  [...within.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent === label);
const dialog = () => [...document.querySelectorAll<HTMLDialogElement>('dialog[open]')].pop();
const field = (label: string, within: ParentNode = document) => {
  const l = [...within.querySelectorAll('label')].find((x) => x.textContent === label);
  const input = l ? document.getElementById(l.htmlFor) : null;
  if (!input) throw new Error(`no field ${label}`);
  return input as HTMLInputElement;
};

describe('my calendar', () => {
  it('shows every calendar read on one grid, each in its tone, the list beside it', async () => {
    const mine = await show();
    expect(mine).toHaveBeenCalledWith('2026-11-29T23:00:00.000Z', '2027-01-10T23:00:00.000Z');
    expect(ui.host.querySelector('h1')?.textContent).toBe('My calendar');
    // Personal first, then workspaces with the calendar, subscriptions, invitations.
    expect(boxes().map((b) => b.closest('.cal-sources__item')?.textContent)).toEqual([
      'Personal calendar',
      'Chantier',
      'Mairie',
      'My tasks',
      'Other invitations',
    ]);
    expect(boxes().every((b) => b.checked)).toBe(true);
    expect(tone('Dentist')).toBe('cal-tone-0');
    expect(tone('Site meeting')).toBe('cal-tone-1');
    expect(tone('Council')).toBe('cal-tone-2');
    expect(tone('Lunch with Alix')).toBeNull();
    // The open tasks with a date: on their day (all day), or at their time.
    expect(tone('Send the quote')).toBe('cal-tone-3');
    expect(chip('Send the quote')?.closest('[data-day]')?.getAttribute('data-day')).toBe(
      '2026-12-15',
    );
    expect(chip('Call the plumber')?.closest('[data-day]')?.getAttribute('data-day')).toBe(
      '2026-12-16',
    );
    expect(chip('Done already')).toBeUndefined();
    expect(chip('Someday')).toBeUndefined();
    const swatch = box('Mairie')
      ?.closest('.cal-sources__item')
      ?.querySelector('.cal-sources__swatch');
    expect(swatch?.classList.contains('cal-tone-2')).toBe(true);
    // Export is the personal calendar's file (CalDAV's GET, the session's cookie).
    const exported = [...ui.host.querySelectorAll('a')].find((a) => a.textContent === 'Export');
    expect(exported?.getAttribute('href')).toBe('/dav/calendars/me/personal/');
  });

  it('hides and shows a calendar, and remembers it in this browser', async () => {
    await show();
    act(() => box('Chantier')?.click());
    expect(chip('Site meeting')).toBeUndefined();
    expect(chip('Dentist')).toBeDefined();
    expect(JSON.parse(window.localStorage.getItem('ruche.calendar.hidden:me') ?? '')).toEqual([
      'w:w1',
    ]);
    await ui.render(<div />);
    await show();
    expect(box('Chantier')?.checked).toBe(false);
    expect(chip('Site meeting')).toBeUndefined();
    act(() => box('Chantier')?.click());
    expect(chip('Site meeting')).toBeDefined();
    expect(window.localStorage.getItem('ruche.calendar.hidden:me')).toBe('[]');
  });

  it('creates events in the personal calendar', async () => {
    await show();
    await act(async () => button('New event', ui.host)?.click());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    expect(d.textContent).toContain('The event goes in your personal calendar');
    typeInto(field('Title', d), 'Haircut');
    typeInto(field('Start date', d), '2026-12-15');
    typeInto(field('Start time', d), '17:00');
    const create = vi
      .spyOn(api.calendar, 'create')
      .mockResolvedValue(calendarEvent('new', { title: 'Haircut', workspace_id: null }));
    await act(async () => button('Create the event', d)?.click());
    expect(create).toHaveBeenCalledWith(null, {
      title: 'Haircut',
      start: '2026-12-15T16:00:00.000Z',
      end: '2026-12-15T17:00:00.000Z',
      all_day: false,
      timezone: 'Europe/Paris',
    });
  });

  it('edits the person’s own events, reads a subscription’s, opens a workspace’s in its calendar', async () => {
    vi.spyOn(api.calendar, 'get').mockImplementation(async (id) =>
      id === 'council'
        ? calendarEvent('council', { title: 'Council', workspace_id: null, subscription_id: 's1' })
        : calendarEvent('dentist', { title: 'Dentist', workspace_id: null }),
    );
    await show();
    await act(async () => chip('Dentist')?.click());
    await vi.waitFor(() => expect(button('Edit', dialog() ?? document)).toBeDefined());
    expect(window.location.pathname).toBe('/calendar/dentist');
    await act(async () => button('Close', dialog() ?? document)?.click());

    await act(async () => chip('Council')?.click());
    await vi.waitFor(() =>
      expect(dialog()?.querySelector('.dialog__title')?.textContent).toBe('Council'),
    );
    expect(button('Edit', dialog() ?? document)).toBeUndefined();
    expect(button('Delete', dialog() ?? document)).toBeUndefined();
    await act(async () => button('Close', dialog() ?? document)?.click());

    await act(async () => chip('Site meeting')?.click());
    expect(window.location.pathname).toBe('/w/w1/calendar/meeting');
    expect(window.location.search).toBe('?date=2026-12-10');
  });

  it('moves the person’s own events by dragging them, not the others’', async () => {
    await show();
    const cell = (day: string) => ui.host.querySelector(`[role="gridcell"][data-day="${day}"]`);
    Object.defineProperty(document, 'elementFromPoint', {
      configurable: true,
      value: () => cell('2026-12-11'),
    });
    vi.spyOn(api.calendar, 'get').mockResolvedValue(
      calendarEvent('dentist', {
        title: 'Dentist',
        workspace_id: null,
        start: '2026-12-10T08:00:00.000Z',
        end: '2026-12-10T09:00:00.000Z',
        version: 2,
      }),
    );
    const update = vi
      .spyOn(api.calendar, 'update')
      .mockResolvedValue(calendarEvent('dentist', { workspace_id: null }));
    const drag = async (title: string) => {
      const from = chip(title);
      if (!from) throw new Error(`no chip ${title}`);
      act(() => {
        from.dispatchEvent(new MouseEvent('pointerdown', { bubbles: true, button: 0 }));
        window.dispatchEvent(new MouseEvent('pointermove', { clientX: 200, clientY: 200 }));
      });
      await act(async () => window.dispatchEvent(new MouseEvent('pointerup')));
    };
    await drag('Site meeting');
    await drag('Council');
    expect(update).not.toHaveBeenCalled();
    await drag('Dentist');
    expect(update).toHaveBeenCalledWith(
      'dentist',
      {
        start: '2026-12-11T08:00:00.000Z',
        end: '2026-12-11T09:00:00.000Z',
        all_day: false,
        timezone: 'Europe/Paris',
      },
      2,
    );
  });

  it('opens a task on its board, and reads the tasks again when a board changes', async () => {
    const hear = hearLive();
    await show();
    const mine = vi.mocked(api.tasks.mine);
    const before = mine.mock.calls.length;
    hear({ type: 'task.updated', workspace_id: 'w1', seq: 4, data: { id: 't1' } });
    await vi.waitFor(() => expect(mine.mock.calls.length).toBe(before + 1));
    await act(async () => chip('Send the quote')?.click());
    expect(window.location.pathname).toBe('/w/w1/tasks/t1');
  });

  it('reads again when one of the person’s calendars changes', async () => {
    const hear = hearLive();
    const mine = await show();
    const before = mine.mock.calls.length;
    list = [
      ...list,
      occurrence('gym', '2026-12-16T17:00:00Z', '2026-12-16T18:00:00Z', {
        title: 'Gym',
        workspace_id: null,
      }),
    ];
    hear({ type: 'calendar.changed', workspace_id: '', seq: 0, data: { calendar: 'personal' } });
    await vi.waitFor(() => expect(chip('Gym')).toBeDefined());
    expect(mine.mock.calls.length).toBe(before + 1);
  });

  it('adds the armoured calendars’ share once this tab can open them', async () => {
    sealed.list = [
      occurrence('secret', '2026-12-17T09:00:00Z', '2026-12-17T10:00:00Z', {
        title: 'Sealed review',
        workspace_id: 'w3',
      }),
    ];
    const { identity } = await import('../../armour/identity');
    vi.spyOn(identity, 'secrets').mockReturnValue({} as ReturnType<typeof identity.secrets>);
    await show({
      workspaces: [ws('w1', 'Chantier'), ws('w3', 'Coffre', ['calendar'], true)],
      sources: 6,
    });
    await vi.waitFor(() => expect(chip('Sealed review')).toBeDefined());
    const last = sealed.asked.at(-1) ?? [];
    expect((last[0] as Workspace[]).map((w) => w.id)).toEqual(['w3']);
    expect(last.slice(2)).toEqual(['2026-11-29T23:00:00.000Z', '2027-01-10T23:00:00.000Z']);
    expect(tone('Sealed review')).toBe('cal-tone-2');
    // Read once with both: the tasks and the sealed calendars' share.
    expect(api.tasks.mine).toHaveBeenCalledWith({
      status: ['todo', 'doing'],
      limit: 1000,
      due: { from: '2026-11-28T23:00:00.000Z', to: '2027-01-11T23:00:00.000Z' },
    });
  });
});
