// "Mes tâches" on the workspaces page: the caller's open tasks of every
// workspace, the soonest due first, each a link to its board; an armoured
// workspace's task titled "Encrypted task" while the tab's keys are locked.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, type Workspace } from '../../../api';
import { mountPoint } from '../../../test/mount';
import { WorkspacesProvider } from '../../../workspaces';
import { task } from '../logic/fixtures.test-util';
import MyTasks, { MY_TASKS_SHOWN } from './MyTasks';

vi.mock('../../../session', async (original) => ({
  ...(await original<typeof import('../../../session')>()),
  useMe: () => ({ id: 'me', name: 'Camille' }),
}));

const ui = mountPoint();

afterEach(() => {
  vi.restoreAllMocks();
});

const ws = (id: string, name: string) => ({ id, name, modules: ['tasks'] }) as Workspace;

describe('my tasks', () => {
  it('lists the open tasks, the soonest due first, with their workspace', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier'), ws('w2', 'Bureau')]);
    const mine = vi
      .spyOn(api.tasks, 'mine')
      .mockResolvedValue([
        task('late', { title: 'Plus tard', due: '2026-12-20' }),
        task('none', { title: 'Un jour' }),
        task('soon', { title: 'Bientôt', status: 'doing', due: '2026-12-01', workspace_id: 'w2' }),
      ]);
    await ui.render(
      <WorkspacesProvider userId="me">
        <MyTasks />
      </WorkspacesProvider>,
    );
    await vi.waitFor(() => expect(ui.host.querySelectorAll('.my-tasks__item')).toHaveLength(3));
    expect(mine.mock.calls.map((c) => c[0]?.status)).toEqual([['todo', 'doing']]);
    const links = [...ui.host.querySelectorAll('a')];
    expect(links.map((a) => a.textContent)).toEqual(['Bientôt', 'Plus tard', 'Un jour']);
    expect(links[0]?.getAttribute('href')).toBe('/w/w2/tasks/soon');
    expect(ui.host.querySelector('.my-tasks__item')?.textContent).toContain('Bureau');
    expect(ui.host.querySelector('.my-tasks__item')?.textContent).toContain('Doing');
  });

  async function show() {
    await ui.render(
      <WorkspacesProvider userId="me">
        <MyTasks />
      </WorkspacesProvider>,
    );
  }

  it('says when nothing is assigned', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier')]);
    vi.spyOn(api.tasks, 'mine').mockResolvedValue([]);
    await show();
    await vi.waitFor(() =>
      expect(ui.host.textContent).toContain('No open task is assigned to you.'),
    );
  });

  it('counts what it does not list', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Chantier')]);
    vi.spyOn(api.tasks, 'mine').mockResolvedValue(
      Array.from({ length: MY_TASKS_SHOWN + 2 }, (_, i) => task(`t${i}`)),
    );
    await show();
    await vi.waitFor(() => expect(ui.host.textContent).toContain('and 2 more'));
    expect(ui.host.querySelectorAll('.my-tasks__item')).toHaveLength(MY_TASKS_SHOWN);
  });

  it('an armoured workspace’s task: its sealed card is not shown, its title waits for the keys', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([ws('w1', 'Coffre')]);
    vi.spyOn(api.tasks, 'mine').mockResolvedValue([
      task('s', {
        title: '',
        token: 'q5e0VJk3n1Zr7aQmYyH9xA',
        sealed: 'e2e1:1:AAAA:BBBB:CCCC',
        sealed_by: 'bob',
      }),
    ]);
    await show();
    await vi.waitFor(() => expect(ui.host.querySelectorAll('.my-tasks__item')).toHaveLength(1));
    expect(ui.host.querySelector('a')?.textContent).toBe('🔒 Encrypted task');
    expect(ui.host.textContent).not.toContain('e2e1');
  });
});
