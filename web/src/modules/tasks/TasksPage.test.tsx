// The task board as people use it: columns and cards, what a read-only
// member does not get, moves from the keyboard (a task that waits for an
// unfinished one is not done), and the details pane saving what changed.
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type Me, type Member, type Task, type Workspace } from '../../api';
import { BrandingProvider } from '../../branding';
import { ToastProvider } from '../../notifications/toasts';
import { mountPoint } from '../../test/mount';
import { task, WS } from './logic/fixtures.test-util';
import { TasksScreen } from './TasksPage';

const ui = mountPoint();
const ME = { id: 'me', name: 'Camille Durand' } as Me;
const WORKSPACE = { id: WS, name: 'Chantier', modules: ['tasks'], archived: false } as Workspace;
const MEMBERS = [
  { user_id: 'me', name: 'Camille Durand', email: 'c@x', rights: { tasks: 'write' } },
  { user_id: 'bob', name: 'Bob Martin', email: 'b@x', rights: { tasks: 'write' } },
  { user_id: 'eve', name: 'Eve Noir', email: 'e@x', rights: { tasks: 'none' } },
] as unknown as Member[];

let tasks: Task[];

function serve(right: 'read' | 'write') {
  vi.spyOn(api.settings, 'public').mockRejectedValue(new Error('offline'));
  vi.spyOn(api.workspaces, 'get').mockResolvedValue({
    ...WORKSPACE,
    role: 'member',
    rights: { tasks: right },
  });
  vi.spyOn(api.workspaces, 'members').mockResolvedValue(MEMBERS);
  vi.spyOn(api.tasks, 'list').mockImplementation(async () => tasks);
}

async function show(right: 'read' | 'write', taskId: string | null = null) {
  serve(right);
  await ui.render(
    <BrandingProvider>
      <ToastProvider>
        <TasksScreen workspace={WORKSPACE} me={ME} taskId={taskId} />
      </ToastProvider>
    </BrandingProvider>,
  );
  await vi.waitFor(() => expect(ui.host.querySelector('.tasks-board, .empty')).not.toBeNull());
}

const column = (name: string) =>
  [...ui.host.querySelectorAll<HTMLElement>('.tasks-column')].find(
    (c) => c.querySelector('h2')?.textContent === name,
  );
const cards = (name: string) =>
  [...(column(name)?.querySelectorAll<HTMLElement>('.task-card__open') ?? [])].map(
    (b) => b.textContent,
  );
const card = (title: string) =>
  [...ui.host.querySelectorAll<HTMLElement>('.task-card')].find(
    (c) => c.querySelector('.task-card__open')?.textContent === title,
  );
const button = (label: string, within: ParentNode = ui.host) =>
  [...within.querySelectorAll<HTMLButtonElement>('button')].find(
    (b) => b.textContent === label || b.getAttribute('aria-label') === label,
  );
const held = (id: string) => tasks.find((x) => x.id === id) ?? task(id);
const toasts = () => document.querySelector('.toasts')?.textContent ?? '';

function type(input: HTMLInputElement | HTMLTextAreaElement, value: string) {
  const proto = Object.getPrototypeOf(input) as object;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  act(() => {
    setter?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

beforeEach(() => {
  tasks = [
    task('a', { title: 'Commander les tuiles', position: 1, labels: ['achats'] }),
    task('b', { title: 'Poser la charpente', position: 2, assignee_ids: ['me', 'bob'] }),
    task('c', {
      title: 'Couvrir le toit',
      status: 'doing',
      blocked_by: ['a'],
      blocked: true,
      due: '2020-01-02',
    }),
    task('d', { title: 'Nettoyer', status: 'done', due: '2020-01-02', version: 3 }),
  ];
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the task board', () => {
  it('shows three columns with their counts, and what each card says', async () => {
    await show('write');
    expect(cards('To do')).toEqual(['Commander les tuiles', 'Poser la charpente']);
    expect(cards('Doing')).toEqual(['Couvrir le toit']);
    expect(cards('Done')).toEqual(['Nettoyer']);
    expect(column('To do')?.querySelector('.tasks-column__count')?.textContent).toContain(
      '2 tasks',
    );
    expect(card('Commander les tuiles')?.textContent).toContain('achats');
    // Assignees by their initials, named for screen readers.
    const people = card('Poser la charpente')?.querySelector('.task-people');
    expect([...(people?.querySelectorAll('.avatar') ?? [])].map((a) => a.textContent)).toEqual([
      'CD',
      'BM',
    ]);
    expect(people?.textContent).toContain('Assigned to Camille Durand and Bob Martin');
    // Waiting for an unfinished task; past due while not done (a done task is not late).
    const waiting = card('Couvrir le toit');
    expect(waiting?.querySelector('.task-blocked')?.textContent).toContain('Blocked');
    expect(waiting?.querySelector('.task-due--overdue')?.textContent).toContain('Overdue');
    expect(card('Nettoyer')?.querySelector('.task-due--overdue')).toBeNull();
    expect(card('Nettoyer')?.querySelector('.task-due')).not.toBeNull();
    // Writers create, drag and move.
    expect(button('New task')).toBeDefined();
    expect(button('New task in “Doing”')).toBeDefined();
    expect(card('Nettoyer')?.getAttribute('draggable')).toBe('true');
    expect(button('Move “Nettoyer” down')).toBeDefined();
  });

  it('gives a read-only member no control to change anything', async () => {
    await show('read');
    expect(ui.host.querySelector('.tasks-readonly')?.textContent).toMatch(/read-only/);
    expect(button('New task')).toBeUndefined();
    expect(button('New task in “To do”')).toBeUndefined();
    expect(ui.host.querySelector('.task-card__moves')).toBeNull();
    expect(card('Nettoyer')?.getAttribute('draggable')).toBe('false');
  });

  it('says so when there is no task yet', async () => {
    tasks = [];
    await show('write');
    expect(ui.host.querySelector('.empty__title')?.textContent).toBe('No tasks yet');
    expect(button('New task')).toBeDefined();
  });

  it('filters by my tasks, label and title', async () => {
    await show('write');
    act(() => button('My tasks')?.click());
    expect(cards('To do')).toEqual(['Poser la charpente']);
    expect(column('Doing')?.textContent).toContain('No task matches the filters');
    act(() => button('Clear the filters')?.click());
    const text = ui.host.querySelector<HTMLInputElement>('input[type="search"]');
    if (!text) throw new Error('no text filter');
    type(text, 'TUILES');
    expect(cards('To do')).toEqual(['Commander les tuiles']);
  });
});

describe('moves from the keyboard', () => {
  it('moves a card down its column between its new neighbours', async () => {
    tasks = [
      task('a', { title: 'A', position: 1000 }),
      task('b', { title: 'B', position: 2000 }),
      task('c', { title: 'C', position: 3000 }),
    ];
    await show('write');
    const update = vi
      .spyOn(api.tasks, 'update')
      .mockImplementation(async (id, change) => ({ ...held(id), ...change, version: 2 }) as Task);
    await act(async () => button('Move “A” down')?.click());
    expect(update).toHaveBeenCalledWith('a', { status: 'todo', position: 2500 });
    expect(cards('To do')).toEqual(['B', 'A', 'C']);
    expect(ui.host.querySelector('.tasks [aria-live="polite"]')?.textContent).toBe(
      '“A”: To do, position 2 of 3',
    );
  });

  it('does not finish a task that waits for an unfinished one: it says why', async () => {
    await show('write');
    const update = vi.spyOn(api.tasks, 'update');
    const open = card('Couvrir le toit')?.querySelector('.task-card__open');
    await act(async () => {
      open?.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'ArrowRight', altKey: true, bubbles: true }),
      );
    });
    expect(update).not.toHaveBeenCalled();
    expect(cards('Doing')).toEqual(['Couvrir le toit']);
    expect(toasts()).toContain('This task waits for a task that is not done');
  });

  it('takes a move refused by the server back, saying why', async () => {
    tasks = [task('a', { title: 'A', status: 'doing' })];
    await show('write');
    vi.spyOn(api.tasks, 'update').mockRejectedValue(new ApiError(409, 'blocked', 'blocked'));
    const open = card('A')?.querySelector('.task-card__open');
    await act(async () => {
      open?.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'ArrowRight', altKey: true, bubbles: true }),
      );
    });
    await vi.waitFor(() => expect(toasts()).toContain('waits for a task that is not done'));
    expect(cards('Doing')).toEqual(['A']);
    expect(cards('Done')).toEqual([]);
  });
});

describe('the details pane', () => {
  it('saves only what changed, at the version read', async () => {
    await show('write', 'b');
    const pane = ui.host.querySelector<HTMLElement>('.tasks-pane');
    expect(pane?.getAttribute('aria-label')).toBe('Task: Poser la charpente');
    const update = vi
      .spyOn(api.tasks, 'update')
      .mockImplementation(async (id, change) => ({ ...held(id), ...change, version: 2 }) as Task);
    const title = pane?.querySelector<HTMLInputElement>('input:not([type])');
    if (!title) throw new Error('no title field');
    type(title, 'Poser la charpente nord');
    await act(async () => button('Save', pane ?? ui.host)?.click());
    expect(update).toHaveBeenCalledWith('b', { title: 'Poser la charpente nord' }, 1);
    expect(toasts()).toContain('Task saved');
  });

  it('shows a refused change in the pane', async () => {
    await show('write', 'c');
    vi.spyOn(api.tasks, 'update').mockRejectedValue(new ApiError(409, 'blocked', 'blocked'));
    const pane = ui.host.querySelector<HTMLElement>('.tasks-pane');
    const status = pane?.querySelector<HTMLSelectElement>('select');
    if (!status) throw new Error('no status');
    act(() => {
      status.value = 'done';
      status.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await act(async () => button('Save', pane ?? ui.host)?.click());
    expect(pane?.querySelector('[role="alert"]')?.textContent).toBe(
      'This task waits for a task that is not done',
    );
    // Which one it waits for, a link to it.
    expect(button('Commander les tuiles', pane ?? ui.host)).toBeDefined();
  });

  it('shows a read-only member the task without a form', async () => {
    await show('read', 'c');
    const pane = ui.host.querySelector<HTMLElement>('.tasks-pane');
    expect(pane?.querySelector('form')).toBeNull();
    expect(pane?.textContent).toContain('No description.');
    expect(button('Delete', pane ?? ui.host)).toBeUndefined();
  });
});
