// The reports page as people use it (English, then French): the cards and
// their figures, the chart's bars and what they say, the period in the
// address, the CSV link, and the reports closed, failing or empty.
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type Member, type ReportSummary, type Workspace } from '../../api';
import { ROUTES } from '../../app/routes';
import { BrandingProvider } from '../../branding';
import { matchPath } from '../../router/router';
import { mountPoint } from '../../test/mount';
import { WorkspacesProvider } from '../../workspaces';
import { activity, summary, WS } from './logic/fixtures.test-util';
import ReportsPage, { ReportsScreen } from './ReportsPage';

const ui = mountPoint();
const WORKSPACE = {
  id: WS,
  name: 'Chantier',
  modules: ['chat', 'files', 'tasks', 'calendar', 'reports'],
  archived: false,
} as Workspace;

let answer: (days: number) => Promise<ReportSummary>;

let people: Member[] = [];

function serve() {
  vi.spyOn(api.settings, 'public').mockRejectedValue(new Error('offline'));
  vi.spyOn(api.workspaces, 'members').mockImplementation(async () => ({
    members: people,
    seq: null,
  }));
  return vi.spyOn(api.reports, 'summary').mockImplementation((_ws, days) => answer(days));
}

async function show(url = `/w/${WS}/reports`) {
  window.history.replaceState(null, '', url);
  const read = serve();
  await ui.render(
    <BrandingProvider>
      <ReportsScreen workspace={WORKSPACE} />
    </BrandingProvider>,
  );
  return read;
}

const $ = <E extends Element = HTMLElement>(sel: string) => ui.host.querySelector<E>(sel);
const $$ = <E extends Element = HTMLElement>(sel: string) => [...ui.host.querySelectorAll<E>(sel)];
const button = (label: string) =>
  $$<HTMLButtonElement>('button').find((b) => b.textContent === label);
/** A card's figures as [label, value]. */
const figures = (module: string) =>
  $$(`.rep-card[data-module="${module}"] .rep-figure`).map((f) => [
    f.querySelector('dt')?.textContent,
    plain(f.querySelector('dd')?.textContent),
  ]);
const barTitle = (day: string) => $(`.rep-bar[data-day="${day}"] > title`)?.textContent;
// Intl separates some parts with narrow or no-break spaces: compared as plain spaces.
const plain = (s: string | null | undefined) => (s ?? '').replace(/[\u202f\u00a0]/g, ' ');

beforeEach(() => {
  answer = async (days) => summary({ days });
  people = [];
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the report', () => {
  it('shows the members and a card per module, in the app’s order, unknown figures by their key', async () => {
    answer = async (days) => {
      const s = summary({ days });
      return { ...s, modules: { wiki: { pages_edited: 3, note: 'x' } as never, ...s.modules } };
    };
    const read = await show();
    await vi.waitFor(() => expect($('.rep-cards')).not.toBeNull());
    expect(read).toHaveBeenCalledWith(WS, 30, expect.any(String));
    expect($$('.rep-card h2').map((h) => h.textContent)).toEqual([
      'Members',
      'Chat',
      'Files',
      'Tasks',
      'Calendar',
      'wiki',
    ]);
    expect(figures('members')).toEqual([
      ['Total', '7'],
      ['Of whom guests', '2'],
    ]);
    expect(figures('chat')).toEqual([
      ['Messages posted', '1,234'],
      ['Authors', '5'],
      ['Channels', '4'],
    ]);
    expect(figures('files')).toEqual([
      ['Files', '33'],
      ['Total size', '1.5 MB'],
      ['Versions saved', '12'],
    ]);
    expect(figures('tasks')).toEqual([
      ['Tasks created', '9'],
      ['Tasks completed', '4'],
      ['Open tasks', '11'],
    ]);
    expect(figures('calendar')).toEqual([
      ['Events', '3'],
      ['Events created', '1'],
    ]);
    expect(figures('wiki')).toEqual([['pages_edited', '3']]);
    expect(plain($('.rep-range')?.textContent)).toMatch(
      /^From Nov 4, 2026 to Dec 4, 2026 \(UTC days\) · figures as of Dec 4, 2026, \d+:11 [AP]M$/,
    );
    expect(document.querySelector('h1')?.textContent).toBe('Reports');
    expect($('.page__subtitle')?.textContent).toBe('Chantier');
  });

  it('shows the tasks’ progress: the board’s columns as one bar, and who holds what', async () => {
    people = [
      { user_id: 'u1', name: 'Alice Martin' },
      { user_id: 'u2', name: 'Bruno Petit' },
    ] as Member[];
    answer = async (days) => {
      const s = summary({ days });
      return {
        ...s,
        modules: {
          ...s.modules,
          tasks: {
            tasks_created: 9,
            tasks_completed: 4,
            tasks_open: 11,
            by_status: { todo: 8, doing: 3, done: 0 },
            overdue: 2,
            due_this_week: 5,
            unassigned: 1,
            assignees_total: 4,
            assignees: [
              { user_id: 'u2', open: 6, overdue: 2, completed: 1 },
              { user_id: 'u1', open: 3, overdue: 0, completed: 3 },
              { user_id: 'gone', open: 1, overdue: 0, completed: 0 },
            ],
          },
        },
      };
    };
    await show();
    await vi.waitFor(() => expect($('.rep-tasks')).not.toBeNull());
    expect(figures('tasks')).toEqual([
      ['Tasks created', '9'],
      ['Tasks completed', '4'],
      ['Open tasks', '11'],
      ['Overdue', '2'],
      ['Due within 7 days', '5'],
      ['Unassigned', '1'],
      ['People with tasks', '4'],
    ]);
    expect($('.rep-tasks h2')?.textContent).toBe('Task progress');
    const bar = $('.rep-status');
    expect(bar?.getAttribute('role')).toBe('img');
    expect(bar?.getAttribute('aria-label')).toBe('To do: 8, Doing: 3, Done: 0');
    // A part per column with tasks, each its share.
    const parts = $$('.rep-status__part');
    expect(parts.map((p) => [p.className, p.style.flexGrow])).toEqual([
      ['rep-status__part rep-status__part--todo', '8'],
      ['rep-status__part rep-status__part--doing', '3'],
    ]);
    await vi.waitFor(() => expect($('tr[data-user="u2"] th')?.textContent).toBe('Bruno Petit'));
    const rows = $$('.rep-tasks tbody tr').map((r) => [...r.children].map((c) => c.textContent));
    expect(rows).toEqual([
      ['Bruno Petit', '6', '2', '1'],
      ['Alice Martin', '3', '0', '3'],
      ['Former member', '1', '0', '0'],
    ]);
    expect($('tr[data-user="u2"] .rep-tasks__late')?.textContent).toBe('2');
    // Each name opens the board on that person's tasks.
    expect($('tr[data-user="u2"] th a')?.getAttribute('href')).toBe(`/w/${WS}/tasks?assignee=u2`);
    expect($('tr[data-user="u1"] .rep-tasks__late')).toBeNull();
    expect($('.rep-tasks__more .muted')?.textContent).toBe('and 1 more person');
    // The CSV lists everyone, for the period shown and the reader's date.
    const csv = $<HTMLAnchorElement>('.rep-tasks__more a');
    expect(csv?.textContent).toBe('CSV by person');
    expect(csv?.hasAttribute('download')).toBe(true);
    expect(csv?.getAttribute('href')).toMatch(
      new RegExp(
        `^/api/v1/workspaces/${WS}/reports/tasks\\.csv\\?days=30&today=\\d{4}-\\d{2}-\\d{2}$`,
      ),
    );
  });

  it('shows no tasks’ progress from a server that sends none', async () => {
    await show();
    await vi.waitFor(() => expect($('.rep-cards')).not.toBeNull());
    expect($('.rep-tasks')).toBeNull();
  });

  it('says when there are no tasks yet', async () => {
    answer = async (days) => {
      const s = summary({ days });
      const tasks = {
        ...s.modules.tasks,
        by_status: { todo: 0, doing: 0, done: 0 },
        assignees: [],
      };
      return { ...s, modules: { ...s.modules, tasks } };
    };
    await show();
    await vi.waitFor(() => expect($('.rep-tasks')).not.toBeNull());
    expect($('.rep-tasks p')?.textContent).toBe('No tasks yet.');
    expect($('.rep-status')).toBeNull();
    expect($('.rep-tasks table')).toBeNull();
  });

  it('draws a bar per day, stacked by module, each titled with its day and count', async () => {
    await show();
    await vi.waitFor(() => expect($('.rep-chart__svg')).not.toBeNull());
    const bars = $$('.rep-bar');
    expect(bars).toHaveLength(31);
    expect(bars[0]?.getAttribute('data-day')).toBe('2026-11-04');
    expect(bars[30]?.getAttribute('data-day')).toBe('2026-12-04');
    expect(barTitle('2026-12-04')).toBe(
      'Fri, Dec 4, 2026: 17 actions (Chat 12, Files 3, Workspace 2)',
    );
    expect(barTitle('2026-12-03')).toBe('Thu, Dec 3, 2026: 2 actions (Files 2)');
    expect(barTitle('2026-11-20')).toBe('Fri, Nov 20, 2026: no actions');
    // Parts of a bar, bottom up, in the legend's colours.
    const parts = $$('.rep-bar[data-day="2026-12-04"] .rep-bar__part');
    expect(parts.map((p) => [p.getAttribute('data-module'), p.getAttribute('class')])).toEqual([
      ['chat', 'rep-bar__part rep-c-1'],
      ['files', 'rep-bar__part rep-c-2'],
      ['workspace', 'rep-bar__part rep-c-7'],
    ]);
    // The busiest day (40) tops the scale: 12 of 40 is 30 % of the height.
    expect(parts[0]?.getAttribute('height')).toBe('30');
    expect(parts[0]?.getAttribute('y')).toBe('70');
    expect($$('.rep-bar[data-day="2026-11-20"] .rep-bar__part')).toHaveLength(0);
    expect($$('.rep-chart__scale span').map((s) => s.textContent)).toEqual(['40', '20', '0']);
    expect($$('.rep-legend__item').map((l) => l.textContent)).toEqual([
      'Chat',
      'Files',
      'Tasks',
      'Workspace',
    ]);
    expect($('.rep-legend__swatch.rep-c-3')).not.toBeNull();
  });

  it('tells screen readers the period’s total and busiest day, and every active day in a table', async () => {
    await show();
    await vi.waitFor(() => expect($('.rep-chart__svg')).not.toBeNull());
    const svg = $('.rep-chart__svg');
    expect(svg?.getAttribute('role')).toBe('img');
    expect(svg?.getAttribute('aria-label')).toBe(
      'Activity by day, from Nov 4, 2026 to Dec 4, 2026: 59 actions. Busiest day: Wed, Dec 2, 2026, 40 actions.',
    );
    const table = $('table');
    expect(table?.parentElement?.className).toBe('visually-hidden');
    expect($$('thead th').map((th) => th.textContent)).toEqual([
      'Day',
      'Total',
      'Chat',
      'Files',
      'Tasks',
      'Workspace',
    ]);
    expect(
      $$('tbody tr').map((tr) => [...tr.children].map((c) => c.textContent).join(' | ')),
    ).toEqual([
      'Wed, Dec 2, 2026 | 40 | 30 | 0 | 10 | 0',
      'Thu, Dec 3, 2026 | 2 | 0 | 2 | 0 | 0',
      'Fri, Dec 4, 2026 | 17 | 12 | 3 | 0 | 2',
    ]);
    // Shown on request, for everyone.
    const toggle = button('Show as a table');
    expect(toggle?.getAttribute('aria-pressed')).toBe('false');
    act(() => toggle?.click());
    expect(toggle?.getAttribute('aria-pressed')).toBe('true');
    expect(table?.parentElement?.className).toBe('table-wrap rep-table');
    expect(table?.parentElement?.getAttribute('tabindex')).toBe('0');
  });

  it('says when nothing happened in the period, the figures still shown', async () => {
    answer = async (days) => summary({ days, activity: activity(days) });
    await show();
    await vi.waitFor(() => expect($('.rep-cards')).not.toBeNull());
    expect($('.rep-activity .empty__title')?.textContent).toBe('No activity in this period.');
    expect($('.rep-chart__svg')).toBeNull();
    expect(button('Show as a table')).toBeUndefined();
    expect($$('.rep-card')).toHaveLength(5);
  });
});

describe('the period', () => {
  it('comes from the address, and changes it: read again, the CSV link following', async () => {
    const read = await show(`/w/${WS}/reports?days=90`);
    await vi.waitFor(() => expect($$('.rep-bar')).toHaveLength(91));
    expect(read).toHaveBeenLastCalledWith(WS, 90, expect.any(String));
    const pressed = () =>
      $$('.rep-period button')
        .filter((b) => b.getAttribute('aria-pressed') === 'true')
        .map((b) => b.textContent);
    expect($$('.rep-period button').map((b) => b.textContent)).toEqual([
      '7 days',
      '30 days',
      '90 days',
      '365 days',
    ]);
    expect($('.rep-period')?.getAttribute('aria-label')).toBe('Period');
    expect(pressed()).toEqual(['90 days']);
    const csv = () => $$<HTMLAnchorElement>('a').find((a) => a.textContent === 'Download CSV');
    expect(csv()?.getAttribute('href')).toBe(
      `/api/v1/workspaces/${WS}/reports/activity.csv?days=90`,
    );
    expect(csv()?.hasAttribute('download')).toBe(true);

    await act(async () => button('7 days')?.click());
    expect(window.location.pathname).toBe(`/w/${WS}/reports`);
    expect(window.location.search).toBe('?days=7');
    await vi.waitFor(() => expect($$('.rep-bar')).toHaveLength(8));
    expect(read).toHaveBeenLastCalledWith(WS, 7, expect.any(String));
    expect(read).toHaveBeenCalledTimes(2);
    expect(pressed()).toEqual(['7 days']);
    expect(csv()?.getAttribute('href')).toBe(
      `/api/v1/workspaces/${WS}/reports/activity.csv?days=7`,
    );
  });

  it('shows the figures held, dimmed, while another period is read', async () => {
    let release: () => void = () => undefined;
    await show();
    await vi.waitFor(() => expect($('.rep-cards')).not.toBeNull());
    answer = (days) => new Promise((r) => (release = () => r(summary({ days }))));
    await act(async () => button('365 days')?.click());
    expect($('.rep-body')?.className).toBe('rep-body rep-body--stale');
    expect($('.rep-body')?.getAttribute('aria-busy')).toBe('true');
    expect($('[role="status"].visually-hidden')?.textContent).toBe('Updating the report…');
    await act(async () => release());
    expect($('.rep-body')?.className).toBe('rep-body');
    expect($$('.rep-bar')).toHaveLength(366);
  });

  it('takes the default period for a days the server would refuse', async () => {
    const read = await show(`/w/${WS}/reports?days=1000`);
    await vi.waitFor(() => expect(read).toHaveBeenCalledWith(WS, 30, expect.any(String)));
  });
});

describe('when the report cannot be shown', () => {
  it('says the reports are closed on a 404, without period or download', async () => {
    answer = async () => {
      throw new ApiError(404, 'not_found', 'no');
    };
    await show();
    await vi.waitFor(() =>
      expect($('.empty__title')?.textContent).toBe(
        'This module is not turned on in this workspace.',
      ),
    );
    expect($('.empty a')?.getAttribute('href')).toBe(`/w/${WS}`);
    expect($('.rep-period')).toBeNull();
    expect($$('a').some((a) => a.textContent === 'Download CSV')).toBe(false);
  });

  it('says when it failed, and tries again on request', async () => {
    answer = async () => {
      throw new ApiError(500, 'internal', 'boom');
    };
    const read = await show();
    await vi.waitFor(() =>
      expect($('[role="alert"] .alert__title')?.textContent).toBe(
        'The report could not be loaded.',
      ),
    );
    expect($('.rep-cards')).toBeNull();
    answer = async (days) => summary({ days });
    await act(async () => button('Retry now')?.click());
    await vi.waitFor(() => expect($('.rep-cards')).not.toBeNull());
    expect($('[role="alert"]')).toBeNull();
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('shows a spinner while the first reading is under way', async () => {
    answer = () => new Promise(() => undefined);
    await show();
    expect($('.loading')?.getAttribute('role')).toBe('status');
    expect($('.loading')?.textContent).toBe('Loading…');
  });

  it('says the module is off when the workspace does not have it', async () => {
    window.history.replaceState(null, '', `/w/${WS}/reports`);
    serve();
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([{ ...WORKSPACE, modules: ['chat'] }]);
    await ui.render(
      <BrandingProvider>
        <WorkspacesProvider userId="me">
          <ReportsPage params={{ id: WS }} />
        </WorkspacesProvider>
      </BrandingProvider>,
    );
    await vi.waitFor(() =>
      expect($('.empty__title')?.textContent).toBe(
        'This module is not turned on in this workspace.',
      ),
    );
    expect(api.reports.summary).not.toHaveBeenCalled();
  });

  it('is the page of /w/{id}/reports (not the modules’ placeholder)', () => {
    const route = ROUTES.find((r) => matchPath(r.pattern, `/w/${WS}/reports`));
    expect(route?.pattern).toBe('/w/:id/reports');
  });
});

describe('in French', () => {
  it('formats numbers, sizes and days the French way', async () => {
    localStorage.setItem('ruche.locale', 'fr');
    await show();
    await vi.waitFor(() => expect($('.rep-cards')).not.toBeNull());
    expect(figures('chat')[0]).toEqual(['Messages publiés', '1 234']);
    expect(figures('files')[1]).toEqual(['Taille totale', '1,5 Mo']);
    expect(figures('members')).toEqual([
      ['Total', '7'],
      ['Dont invités', '2'],
    ]);
    expect(barTitle('2026-12-04')).toBe(
      'ven. 4 déc. 2026 : 17 actions (Discussion 12, Fichiers 3, Espace de travail 2)',
    );
    expect(barTitle('2026-11-20')).toBe('ven. 20 nov. 2026 : aucune action');
    expect($$('.rep-period button').map((b) => b.textContent)).toEqual([
      '7 jours',
      '30 jours',
      '90 jours',
      '365 jours',
    ]);
    expect($$('a').some((a) => a.textContent === 'Télécharger le CSV')).toBe(true);
  });
});
