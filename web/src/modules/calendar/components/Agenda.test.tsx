// "Agenda" on the workspaces page: the next 7 days of every calendar the
// person reads, in one call, by day, each entry a link to its calendar.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type Workspace } from '../../../api';
import { mountPoint } from '../../../test/mount';
import { WorkspacesProvider } from '../../../workspaces';
import { allDay, occurrence } from '../logic/fixtures.test-util';
import Agenda, { AGENDA_SHOWN, agendaDays, firstEntries } from './Agenda';

const ui = mountPoint();

const ws = (id: string, name: string, modules = ['calendar']) =>
  ({ id, name, modules, archived: false }) as Workspace;

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-10T10:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

async function show() {
  await ui.render(
    <WorkspacesProvider userId="me">
      <Agenda />
    </WorkspacesProvider>,
  );
}

describe('the agenda', () => {
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
    // The personal calendar's entry: said so, not a link.
    const personal = [...ui.host.querySelectorAll('.agenda__item')].find((li) =>
      li.textContent?.includes('Dentiste'),
    );
    expect(personal?.querySelector('a')).toBeNull();
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
