// "Agenda" on the workspaces page: the next 7 days of every calendar the
// person reads, in one call, by day, each entry a link to its calendar;
// invitations answered from their entry, and those whose calendar cannot
// be opened read in a dialog (as their organizer changes them); armoured
// calendars' instances added by the browser, and answered through it.
import { act } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  api,
  ApiError,
  type CalendarEvent,
  type CalendarOccurrence,
  type Workspace,
} from '../../../api';
import { ToastProvider } from '../../../notifications/toasts';
import { hearLive } from '../../../test/live';
import { mountPoint } from '../../../test/mount';
import { WorkspacesProvider } from '../../../workspaces';
import {
  allDay,
  calendarEvent,
  noticeFrame,
  occurrence,
  subscription,
} from '../logic/fixtures.test-util';
import Agenda, { AGENDA_SHOWN, agendaDays, firstEntries } from './Agenda';

vi.mock('../../../session', async (original) => ({
  ...(await original<typeof import('../../../session')>()),
  useMe: () => ({ id: 'me', name: 'Camille Durand', email: 'camille@ruche.test' }),
}));

/**
 * The armoured calendars' instances this tab adds, and the answers it seals
 * there (sealedAgenda.test.ts tests them).
 */
const sealed = vi.hoisted(() => ({
  list: [] as unknown[],
  asked: [] as unknown[][],
  answered: [] as unknown[][],
}));
vi.mock('../sealedAgenda', async (original) => ({
  ...(await original<typeof import('../sealedAgenda')>()),
  sealedOccurrences: async (...args: unknown[]) => {
    sealed.asked.push(args);
    return sealed.list;
  },
  answerSealed: async (...args: unknown[]) => {
    sealed.answered.push(args);
    return { id: args[2] };
  },
}));

const ui = mountPoint();

const ws = (id: string, name: string, modules = ['calendar']) =>
  ({ id, name, modules, archived: false }) as Workspace;

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

beforeEach(() => {
  sealed.list = [];
  sealed.asked = [];
  sealed.answered = [];
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-10T10:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

async function show() {
  await ui.render(
    <ToastProvider>
      <WorkspacesProvider userId="me">
        <Agenda />
      </WorkspacesProvider>
    </ToastProvider>,
  );
}

const items = () => [...ui.host.querySelectorAll<HTMLElement>('.agenda__item')];
const item = (title: string) => items().find((li) => li.textContent?.includes(title));
const button = (label: string, within: ParentNode = document) =>
  [...within.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent === label);
const pressed = (within: ParentNode | undefined) =>
  ['Accept', 'Maybe', 'Decline'].map((l) =>
    within ? button(l, within)?.getAttribute('aria-pressed') : undefined,
  );
/** The dialog on top (the last open one). */
const dialog = () => [...document.querySelectorAll<HTMLDialogElement>('dialog[open]')].pop();
const toasts = () => document.querySelector('.toasts')?.textContent ?? '';
// Intl separates some parts with narrow or thin spaces: compared as plain spaces.
const plain = (s: string | null | undefined) => (s ?? '').replace(/[\u202f\u2009\u00a0]/g, ' ');

/** The server's side of answers: the list as answered so far, reply() changing it. */
function serveAnswers(list: CalendarOccurrence[], event?: CalendarEvent) {
  let now = list;
  const mine = vi.spyOn(api.calendar, 'mine').mockImplementation(async () => now);
  const reply = vi.spyOn(api.calendar, 'reply').mockImplementation(async (id, partstat) => {
    now = now.map((o) => (o.event_id === id ? { ...o, partstat } : o));
    const e = event ?? calendarEvent(id);
    return {
      ...e,
      version: e.version + 1,
      attendees: e.attendees.map((a) =>
        a.email === 'camille@ruche.test' ? { ...a, partstat } : a,
      ),
    };
  });
  return { mine, reply };
}

describe('the agenda', () => {
  it('adds the instances of armoured calendars, opened in the browser', async () => {
    const vault = { ...ws('w3', 'Coffre'), armoured: true };
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier'), vault]);
    vi.spyOn(api.calendar, 'mine').mockResolvedValue([
      occurrence('meet', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', { title: 'Réunion' }),
    ]);
    sealed.list = [
      occurrence('secret', '2026-12-10T07:00:00.000Z', '2026-12-10T08:00:00.000Z', {
        title: 'Point chiffré',
        workspace_id: 'w3',
        recurring: true,
      }),
    ];
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(2));
    expect(items().map((li) => li.querySelector('.agenda__title')?.textContent)).toEqual([
      'Point chiffré',
      'Réunion',
    ]);
    expect(item('Point chiffré')?.querySelector('a')?.getAttribute('href')).toBe(
      '/w/w3/calendar/secret?date=2026-12-10',
    );
    const last = sealed.asked.at(-1) ?? [];
    expect((last[0] as Workspace[]).map((w) => w.id)).toEqual(['w3']);
    expect(last.slice(2)).toEqual(['2026-12-09T23:00:00.000Z', '2026-12-16T23:00:00.000Z']);
  });

  it('reads the next 7 days once and lists them by day, each a link to its calendar', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier'), ws('w2', 'Bureau')]);
    const mine = vi.spyOn(api.calendar, 'mine').mockResolvedValue([
      occurrence('meet', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', { title: 'Réunion' }),
      allDay('trip', '2026-12-09', '2026-12-12', { title: 'Salon', workspace_id: 'w2' }),
      occurrence('dentist', '2026-12-11T15:00:00Z', '2026-12-11T16:00:00Z', {
        title: 'Dentiste',
        workspace_id: null,
      }),
      occurrence('sat', '2026-12-12T09:00:00Z', '2026-12-12T10:00:00Z', { title: 'Livraison' }),
    ]);
    await show();
    await vi.waitFor(() => expect(ui.host.querySelectorAll('.agenda__item')).toHaveLength(4));
    expect(mine).toHaveBeenCalledTimes(1);
    expect(mine).toHaveBeenCalledWith('2026-12-09T23:00:00.000Z', '2026-12-16T23:00:00.000Z');
    expect([...ui.host.querySelectorAll('.agenda__day-title')].map((h) => h.textContent)).toEqual([
      'Today',
      'Tomorrow',
      'Saturday, December 12',
    ]);
    // The trip began yesterday: today, first (all day).
    const today = ui.host.querySelector('.agenda > li');
    expect(
      [...(today?.querySelectorAll('.agenda__title') ?? [])].map((a) => a.textContent),
    ).toEqual(['Salon', 'Réunion']);
    expect(today?.textContent).toContain('All day');
    expect(today?.textContent).toContain('Bureau');
    const link = [...ui.host.querySelectorAll('a')].find((a) => a.textContent === 'Réunion');
    expect(link?.getAttribute('href')).toBe('/w/w1/calendar/meet?date=2026-12-10');
    // The personal calendar's entry: said so, a link to the person's own calendar.
    const personal = [...ui.host.querySelectorAll('.agenda__item')].find((li) =>
      li.textContent?.includes('Dentiste'),
    );
    expect(personal?.querySelector('a')?.getAttribute('href')).toBe(
      '/calendar/dentist?date=2026-12-11',
    );
    expect(personal?.textContent).toContain('Personal calendar');
  });

  it('says the answer to an invitation not accepted', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier')]);
    vi.spyOn(api.calendar, 'mine').mockResolvedValue([
      occurrence('a', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', {
        title: 'Asked',
        partstat: 'needs-action',
      }),
      occurrence('d', '2026-12-10T10:00:00Z', '2026-12-10T11:00:00Z', {
        title: 'Declined',
        partstat: 'declined',
      }),
      occurrence('y', '2026-12-10T12:00:00Z', '2026-12-10T13:00:00Z', {
        title: 'Accepted',
        partstat: 'accepted',
      }),
    ]);
    await show();
    await vi.waitFor(() => expect(ui.host.querySelectorAll('.agenda__item')).toHaveLength(3));
    const items = [...ui.host.querySelectorAll('.agenda__item')];
    expect(items.map((li) => li.className)).toEqual([
      'agenda__item cal-chip--pending',
      'agenda__item cal-chip--declined',
      'agenda__item',
    ]);
    expect(items.map((li) => li.querySelector('.tag')?.textContent ?? null)).toEqual([
      'Not answered',
      'Declined',
      null,
    ]);
  });

  it('lists the events of the calendars followed, named, without a workspace calendar', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier', ['chat'])]);
    vi.spyOn(api.calendar, 'mine').mockResolvedValue([
      occurrence('council', '2026-12-10T17:00:00Z', '2026-12-10T19:00:00Z', {
        title: 'Conseil municipal',
        workspace_id: null,
        subscription_id: 's1',
      }),
    ]);
    const followed = vi.spyOn(api.calendar.subscriptions, 'list').mockResolvedValue({
      available: true,
      subscriptions: [subscription('s1', 'Mairie')],
    });
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(1));
    expect(followed).toHaveBeenCalledTimes(1);
    const council = item('Conseil municipal');
    expect(council?.querySelector('a')?.getAttribute('href')).toBe(
      '/calendar/council?date=2026-12-10',
    );
    expect(council?.querySelector('.agenda__where')?.textContent).toBe('Mairie');
  });

  it('says when nothing is planned', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier')]);
    vi.spyOn(api.calendar, 'mine').mockResolvedValue([]);
    await show();
    await vi.waitFor(() =>
      expect(ui.host.textContent).toContain('Nothing planned in the next 7 days.'),
    );
  });

  it('shows nothing when the calendars cannot be read', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier')]);
    const mine = vi
      .spyOn(api.calendar, 'mine')
      .mockRejectedValue(new ApiError(404, 'not_found', 'x'));
    await show();
    await vi.waitFor(() => expect(mine).toHaveBeenCalled());
    expect(ui.host.textContent).toBe('');
  });
});

describe('agenda days', () => {
  it('keeps the 7 days from today, each entry on the first of them it covers', () => {
    const days = agendaDays(
      [
        allDay('past', '2026-12-01', '2026-12-10'),
        allDay('long', '2026-12-08', '2026-12-20'),
        occurrence('later', '2026-12-17T08:00:00Z', '2026-12-17T09:00:00Z'),
        occurrence('last', '2026-12-16T08:00:00Z', '2026-12-16T09:00:00Z'),
      ],
      '2026-12-10',
    );
    expect(days.map((d) => [d.day, d.items.map((o) => o.event_id)])).toEqual([
      ['2026-12-10', ['long']],
      ['2026-12-16', ['last']],
    ]);
  });
});

describe('the entries listed', () => {
  it('stop at the room, counting the rest', () => {
    const days = [
      { day: 'a', items: [1, 2, 3] },
      { day: 'b', items: [4, 5] },
      { day: 'c', items: [6] },
    ];
    expect(firstEntries(days, 4)).toEqual({
      days: [
        { day: 'a', items: [1, 2, 3] },
        { day: 'b', items: [4] },
      ],
      left: 2,
    });
    expect(firstEntries(days, AGENDA_SHOWN).left).toBe(0);
  });
});

describe('invitations in the agenda', () => {
  it('answers one from its entry, and shows the answer at once', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier')]);
    const { mine, reply } = serveAnswers([
      occurrence('a', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', {
        title: 'Asked',
        partstat: 'needs-action',
      }),
      occurrence('b', '2026-12-10T10:00:00Z', '2026-12-10T11:00:00Z', { title: 'Mine' }),
    ]);
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(2));
    // Its calendar opens: still a link to it.
    expect(item('Asked')?.querySelector('a')?.getAttribute('href')).toBe(
      '/w/w1/calendar/a?date=2026-12-10',
    );
    const group = item('Asked')?.querySelector('[role="group"]');
    expect(group?.getAttribute('aria-label')).toBe('Will you attend “Asked”?');
    expect(pressed(group ?? undefined)).toEqual(['false', 'false', 'false']);
    // Not invited: no answers.
    expect(item('Mine')?.querySelector('[role="group"]')).toBeNull();

    await act(async () => (group ? button('Accept', group) : undefined)?.click());
    expect(reply).toHaveBeenCalledWith('a', 'accepted', null);
    const answered = item('Asked');
    expect(pressed(answered?.querySelector('[role="group"]') ?? undefined)).toEqual([
      'true',
      'false',
      'false',
    ]);
    expect(answered?.className).toBe('agenda__item');
    expect(answered?.querySelector('.tag')).toBeNull();
    expect(toasts()).toContain('Answer sent: Accepted');
    // And the days are read again.
    await act(() => vi.waitFor(() => expect(mine).toHaveBeenCalledTimes(2)));
    expect(pressed(item('Asked')?.querySelector('[role="group"]') ?? undefined)).toEqual([
      'true',
      'false',
      'false',
    ]);
  });

  it('says what the server refused in an answer', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier')]);
    vi.spyOn(api.calendar, 'mine').mockResolvedValue([
      occurrence('a', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', {
        title: 'Asked',
        partstat: 'tentative',
      }),
    ]);
    vi.spyOn(api.calendar, 'reply').mockRejectedValue(new ApiError(403, 'not_invited', 'x'));
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(1));
    const group = item('Asked')?.querySelector('[role="group"]') ?? undefined;
    await act(async () => (group ? button('Decline', group) : undefined)?.click());
    await vi.waitFor(() => expect(toasts()).toContain('You are not invited to this event.'));
    expect(pressed(item('Asked')?.querySelector('[role="group"]') ?? undefined)).toEqual([
      'false',
      'true',
      'false',
    ]);
  });

  it('lists those whose calendar cannot be opened, not as links', async () => {
    // Bureau: a workspace whose calendar the person may not open.
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([
      ws('w1', 'Chantier'),
      ws('w2', 'Bureau', ['chat']),
    ]);
    serveAnswers([
      occurrence('other', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', {
        title: 'Elsewhere',
        workspace_id: 'w2',
        partstat: 'needs-action',
      }),
      occurrence('far', '2026-12-10T09:00:00Z', '2026-12-10T10:00:00Z', {
        title: 'Unknown place',
        workspace_id: 'w9',
        partstat: 'accepted',
      }),
      occurrence('left', '2026-12-10T10:00:00Z', '2026-12-10T11:00:00Z', {
        title: 'Left behind',
        workspace_id: 'w9',
      }),
      occurrence('theirs', '2026-12-10T11:00:00Z', '2026-12-10T12:00:00Z', {
        title: 'Their own',
        workspace_id: null,
        partstat: 'needs-action',
      }),
    ]);
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(3));
    // A workspace left: its calendar's entries go, not the invitations.
    expect(item('Left behind')).toBeUndefined();
    for (const title of ['Elsewhere', 'Unknown place', 'Their own']) {
      const li = item(title);
      expect(li?.querySelector('a')).toBeNull();
      expect(li?.querySelector('button.agenda__title')?.textContent).toBe(title);
      expect(li?.querySelector('[role="group"]')).not.toBeNull();
    }
    expect(item('Elsewhere')?.querySelector('.agenda__where')?.textContent).toBe('Bureau');
    // Where there is no calendar of theirs to name, it says it is an invitation.
    expect(item('Unknown place')?.querySelector('.tag')?.textContent).toBe('Invitation');
    expect(
      [...(item('Their own')?.querySelectorAll('.tag') ?? [])].map((x) => x.textContent),
    ).toEqual(['Invitation', 'Not answered']);
    expect(ui.host.textContent).not.toContain('Personal calendar');
  });

  it('opens one whose calendar cannot be opened, read-only, and answers it there', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier')]);
    const event = calendarEvent('theirs', {
      workspace_id: null,
      title: 'Their own',
      location: 'Salle 2',
      description: 'Ordre du jour',
      created_by: 'u1',
      organizer: { email: 'alix@ruche.test', name: 'Alix Martin' },
      attendees: [
        { email: 'bo@ruche.test', name: 'Bo Moreau', partstat: 'accepted' },
        { email: 'camille@ruche.test', name: 'Camille Durand', partstat: 'needs-action' },
      ],
    });
    const get = vi.spyOn(api.calendar, 'get').mockResolvedValue(event);
    const { reply } = serveAnswers(
      [
        occurrence('theirs', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', {
          title: 'Their own',
          workspace_id: null,
          partstat: 'needs-action',
        }),
      ],
      event,
    );
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(1));
    await act(async () => item('Their own')?.querySelector<HTMLElement>('.agenda__title')?.click());
    await vi.waitFor(() => expect(dialog()?.textContent).toContain('Salle 2'));
    expect(get).toHaveBeenCalledWith('theirs');
    const d = dialog();
    if (!d) throw new Error('no dialog');
    expect(d.querySelector('.dialog__title')?.textContent).toBe('Their own');
    expect(d.textContent).toContain('Organized by Alix Martin');
    expect(d.textContent).toContain('Ordre du jour');
    expect(
      [...d.querySelectorAll('.cal-people--read .cal-person')].map((li) => plain(li.textContent)),
    ).toEqual([
      'Bo Moreau bo@ruche.test Accepted',
      'Camille Durand (you) camille@ruche.test Not answered',
    ]);
    expect(d.textContent).toContain('only its organizer can change it');
    // Read-only: answers and Close, nothing else.
    expect([...d.querySelectorAll('button')].map((b) => b.textContent)).toEqual([
      'Accept',
      'Maybe',
      'Decline',
      'Close',
    ]);
    expect(plain(d.querySelector('.cal-reply__current')?.textContent)).toBe(
      'Your answer: Not answered',
    );

    await act(async () => button('Decline', d)?.click());
    expect(reply).toHaveBeenCalledWith('theirs', 'declined', null);
    expect(plain(d.querySelector('.cal-reply__current')?.textContent)).toBe(
      'Your answer: Declined',
    );
    expect(plain(d.querySelectorAll('.cal-people--read .cal-person')[1]?.textContent)).toBe(
      'Camille Durand (you) camille@ruche.test Declined',
    );
    expect(toasts()).toContain('Answer sent: Declined');
    // The entry says it too.
    expect(item('Their own')?.className).toBe('agenda__item cal-chip--declined');

    await act(async () => button('Close', d)?.click());
    expect(dialog()).toBeUndefined();
  });

  it('answers one occurrence of a recurring invitation apart, from its details', async () => {
    const reply = serveDaily({ workspace_id: null });
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(3));
    const tomorrow = () => items()[1];
    await act(async () => tomorrow()?.querySelector<HTMLElement>('.agenda__title')?.click());
    await vi.waitFor(() => expect(dialog()?.querySelector('fieldset') ?? null).not.toBeNull());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    const only = [...d.querySelectorAll('label')].find((l) => l.textContent === 'This occurrence');
    act(() => only?.querySelector('input')?.click());
    await act(async () => button('Decline', d)?.click());
    expect(reply).toHaveBeenCalledWith('daily', 'declined', '2026-12-11T08:00:00.000Z');
    expect(plain(d.querySelector('.cal-reply__current')?.textContent)).toBe(
      'Your answer: Declined',
    );
    expect(toasts()).toContain('Answer sent for this occurrence: Declined');
    // That day's entry says it; the others keep the series' answer.
    expect(items().map((li) => li.className)).toEqual([
      'agenda__item',
      'agenda__item cal-chip--declined',
      'agenda__item',
    ]);
  });

  it('shows an invitation’s occurrence as it is now, read again when its organizer changes it', async () => {
    serveDaily({ workspace_id: null });
    const hear = hearLive();
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(3));
    await act(async () => items()[1]?.querySelector<HTMLElement>('.agenda__title')?.click());
    await vi.waitFor(() => expect(dialog()?.querySelector('.cal-facts')).not.toBeNull());
    const d = dialog();
    if (!d) throw new Error('no dialog');
    expect(plain(d.querySelector('.cal-facts')?.textContent)).toContain(
      'Friday, December 11, 2026, 9:00 – 10:00 AM',
    );
    // Alix moves tomorrow's an hour later, elsewhere.
    const get = vi.spyOn(api.calendar, 'get').mockResolvedValue(
      calendarEvent('daily', {
        workspace_id: null,
        title: 'Daily',
        recurring: true,
        rrule: 'FREQ=DAILY;COUNT=3',
        organizer: { email: 'alix@ruche.test', name: 'Alix Martin' },
        attendees: [{ email: 'camille@ruche.test', name: 'Camille Durand', partstat: 'accepted' }],
        changed_occurrences: [
          {
            recurrence_id: '2026-12-11T08:00:00.000Z',
            start: '2026-12-11T09:00:00.000Z',
            end: '2026-12-11T10:00:00.000Z',
            title: 'Daily (late)',
            description: '',
            location: 'Salle 9',
          },
        ],
        version: 9,
      }),
    );
    get.mockClear();
    hear(
      noticeFrame('calendar.invitation_updated', {
        id: 'daily',
        workspace_id: null,
        recurrence_id: '2026-12-11T08:00:00.000Z',
        cancelled: false,
      }),
    );
    await vi.waitFor(() =>
      expect(d.querySelector('.dialog__title')?.textContent).toBe('Daily (late)'),
    );
    expect(get).toHaveBeenCalledWith('daily');
    const facts = plain(d.querySelector('.cal-facts')?.textContent);
    expect(facts).toContain('Friday, December 11, 2026, 10:00 – 11:00 AM');
    expect(facts).toContain('Moved from Friday, December 11, 2026, 9:00 – 10:00 AM');
    expect(facts).toContain('Salle 9');
  });

  /**
   * A daily invitation's 3 occurrences from today, accepted (each with
   * `extra`); get() serves the event, reply() answers one or all and
   * answers the event with Camille's answer apart.
   */
  function serveDaily(extra: Partial<CalendarOccurrence> = {}) {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier')]);
    const event = calendarEvent('daily', {
      workspace_id: extra.workspace_id ?? 'w1',
      title: 'Daily',
      recurring: true,
      rrule: 'FREQ=DAILY;COUNT=3',
      organizer: { email: 'alix@ruche.test', name: 'Alix Martin' },
      attendees: [{ email: 'camille@ruche.test', name: 'Camille Durand', partstat: 'accepted' }],
    });
    vi.spyOn(api.calendar, 'get').mockResolvedValue(event);
    let now = ['2026-12-10', '2026-12-11', '2026-12-12'].map((day) =>
      occurrence('daily', `${day}T08:00:00Z`, `${day}T09:00:00Z`, {
        title: 'Daily',
        recurring: true,
        recurrence_id: `${day}T08:00:00.000Z`,
        partstat: 'accepted',
        ...extra,
      }),
    );
    vi.spyOn(api.calendar, 'mine').mockImplementation(async () => now);
    return vi
      .spyOn(api.calendar, 'reply')
      .mockImplementation(async (_id, partstat, recurrenceId) => {
        now = now.map((o) =>
          recurrenceId === null || o.recurrence_id === recurrenceId ? { ...o, partstat } : o,
        );
        return {
          ...event,
          version: 8,
          instance_answers: recurrenceId
            ? [{ recurrence_id: recurrenceId, email: 'camille@ruche.test', partstat }]
            : [],
        };
      });
  }
  const panel = (li: HTMLElement | undefined) =>
    li?.querySelector<HTMLElement>('.cal-reply-ask__panel') ?? undefined;

  it('asks whether an answer on an occurrence of a recurring invitation is for it alone', async () => {
    const reply = serveDaily();
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(3));
    const tomorrow = () => items()[1];
    expect(panel(tomorrow())?.hidden).toBe(true);

    await act(async () => button('Decline', tomorrow())?.click());
    expect(reply).not.toHaveBeenCalled();
    const asking = panel(tomorrow());
    expect(asking?.hidden).toBe(false);
    expect(asking?.getAttribute('role')).toBe('dialog');
    expect(button('Decline', tomorrow())?.getAttribute('aria-expanded')).toBe('true');
    expect(asking?.querySelector('.cal-reply-ask__question')?.textContent).toBe(
      'Answer “Decline” for:',
    );
    expect(document.activeElement?.textContent).toBe('This occurrence');

    await act(async () => (asking ? button('This occurrence', asking) : undefined)?.click());
    expect(reply).toHaveBeenCalledExactlyOnceWith('daily', 'declined', '2026-12-11T08:00:00.000Z');
    expect(panel(tomorrow())?.hidden).toBe(true);
    expect(toasts()).toContain('Answer sent for this occurrence: Declined');
    // That day's entry says it; the others keep the series' answer.
    expect(items().map((li) => li.className)).toEqual([
      'agenda__item',
      'agenda__item cal-chip--declined',
      'agenda__item',
    ]);

    const today = items()[0];
    await act(async () => button('Maybe', today)?.click());
    await act(async () => {
      const p = panel(items()[0]);
      (p ? button('All occurrences', p) : undefined)?.click();
    });
    expect(reply).toHaveBeenLastCalledWith('daily', 'tentative', null);
    expect(items().map((li) => li.className)).toEqual([
      'agenda__item cal-chip--tentative',
      'agenda__item cal-chip--tentative',
      'agenda__item cal-chip--tentative',
    ]);
  });

  it('sends nothing when the question is cancelled, the focus back on the answer', async () => {
    const reply = serveDaily();
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(3));
    const tomorrow = () => items()[1];
    const decline = button('Decline', tomorrow());

    await act(async () => decline?.click());
    expect(panel(tomorrow())?.hidden).toBe(false);
    await act(async () =>
      document.activeElement?.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }),
      ),
    );
    expect(panel(tomorrow())?.hidden).toBe(true);
    expect(document.activeElement).toBe(decline);

    await act(async () => decline?.click());
    const asking = panel(tomorrow());
    await act(async () => (asking ? button('Cancel', asking) : undefined)?.click());
    expect(asking?.hidden).toBe(true);
    expect(document.activeElement).toBe(decline);
    expect(reply).not.toHaveBeenCalled();
    expect(items().map((li) => li.className)).toEqual([
      'agenda__item',
      'agenda__item',
      'agenda__item',
    ]);
  });

  it('answers an armoured recurring invitation through the browser, for one occurrence or all, as asked', async () => {
    const vault = { ...ws('w3', 'Coffre'), armoured: true };
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([vault]);
    vi.spyOn(api.calendar, 'mine').mockResolvedValue([]);
    const reply = vi.spyOn(api.calendar, 'reply');
    sealed.list = [
      occurrence('secret', '2026-12-10T07:00:00.000Z', '2026-12-10T08:00:00.000Z', {
        title: 'Point chiffré',
        workspace_id: 'w3',
        recurring: true,
        recurrence_id: '2026-12-10T07:00:00.000Z',
        partstat: 'needs-action',
      }),
    ];
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(1));
    const entry = () => item('Point chiffré');
    expect(entry()?.className).toBe('agenda__item cal-chip--pending');
    await act(async () => button('Decline', entry())?.click());
    expect(sealed.answered).toEqual([]);
    const asking = panel(entry());
    expect(asking?.hidden).toBe(false);
    await act(async () => (asking ? button('This occurrence', asking) : undefined)?.click());
    expect(sealed.answered).toEqual([
      ['w3', 'me', 'secret', 'declined', '2026-12-10T07:00:00.000Z'],
    ]);
    expect(entry()?.className).toBe('agenda__item cal-chip--declined');
    expect(toasts()).toContain('Answer sent for this occurrence: Declined');

    await act(async () => button('Maybe', entry())?.click());
    const again = panel(entry());
    await act(async () => (again ? button('All occurrences', again) : undefined)?.click());
    expect(sealed.answered.at(-1)).toEqual(['w3', 'me', 'secret', 'tentative', null]);
    expect(entry()?.className).toBe('agenda__item cal-chip--tentative');
    expect(reply).not.toHaveBeenCalled();
  });

  it('answers a single event from its entry at once, asking nothing', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier')]);
    const { reply } = serveAnswers([
      occurrence('a', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', {
        title: 'Once',
        partstat: 'accepted',
      }),
    ]);
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(1));
    expect(panel(item('Once'))).toBeUndefined();
    await act(async () => button('Decline', item('Once'))?.click());
    expect(reply).toHaveBeenCalledExactlyOnceWith('a', 'declined', null);
    expect(item('Once')?.className).toBe('agenda__item cal-chip--declined');
    expect(item('Once')?.querySelector('[role="dialog"]')).toBeNull();
  });

  it('says when the invitation is gone', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier')]);
    vi.spyOn(api.calendar, 'get').mockRejectedValue(new ApiError(404, 'not_found', 'x'));
    vi.spyOn(api.calendar, 'mine').mockResolvedValue([
      occurrence('gone', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', {
        title: 'Gone',
        workspace_id: null,
        partstat: 'needs-action',
      }),
    ]);
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(1));
    await act(async () => item('Gone')?.querySelector<HTMLElement>('.agenda__title')?.click());
    await vi.waitFor(() =>
      expect(dialog()?.querySelector('[role="alert"], .alert')?.textContent).toBe(
        'This event no longer exists.',
      ),
    );
  });

  it('shows nothing where no workspace has the calendar and nobody invites the person', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier', ['chat'])]);
    const mine = vi.spyOn(api.calendar, 'mine').mockResolvedValue([
      occurrence('x', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', {
        title: 'Personal',
        workspace_id: null,
      }),
    ]);
    await show();
    await vi.waitFor(() => expect(mine).toHaveBeenCalled());
    await act(async () => {});
    expect(ui.host.textContent).toBe('');
  });

  it('shows the invitations where no workspace has the calendar', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier', ['chat'])]);
    vi.spyOn(api.calendar, 'mine').mockResolvedValue([
      occurrence('y', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', {
        title: 'Invited',
        workspace_id: null,
        partstat: 'needs-action',
      }),
    ]);
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(1));
    expect(item('Invited')?.querySelector('[role="group"]')).not.toBeNull();
  });

  it('reads the days again when the person is invited, or no longer', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier')]);
    const hear = hearLive();
    let list = [occurrence('b', '2026-12-10T10:00:00Z', '2026-12-10T11:00:00Z', { title: 'Mine' })];
    const mine = vi.spyOn(api.calendar, 'mine').mockImplementation(async () => list);
    await show();
    await vi.waitFor(() => expect(items()).toHaveLength(1));
    // Invited to an event of a calendar the person does not read: no workspace event says it.
    list = [
      ...list,
      occurrence('e1', '2026-12-11T10:00:00Z', '2026-12-11T11:00:00Z', {
        title: 'Revue',
        workspace_id: 'w9',
        partstat: 'needs-action',
      }),
    ];
    hear(noticeFrame('calendar.invited', { workspace_id: 'w9' }));
    await act(() => vi.waitFor(() => expect(mine).toHaveBeenCalledTimes(2)));
    await vi.waitFor(() => expect(item('Revue')).toBeDefined());
    expect(item('Revue')?.querySelector('[role="group"]')).not.toBeNull();
    list = list.slice(0, 1);
    hear(noticeFrame('calendar.invitation_cancelled', { workspace_id: 'w9' }));
    await act(() => vi.waitFor(() => expect(mine).toHaveBeenCalledTimes(3)));
    await vi.waitFor(() => expect(item('Revue')).toBeUndefined());
  });
});
