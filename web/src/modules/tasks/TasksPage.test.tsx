// The task board as people use it: columns and cards, what a read-only
// member does not get, moves from the keyboard (a task that waits for an
// unfinished one is not done), the details pane saving what changed, a
// task's checklist (ticked, added to, rewritten, moved, each at once) and
// its comments (written, edited, deleted, followed live).
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  api,
  ApiError,
  type ChecklistItem,
  type EventFrame,
  type Me,
  type Member,
  type NewTask,
  type Task,
  type TaskComment,
  type Workspace,
} from '../../api';
import { liveEvents } from '../../events';
import { hearLive as hearFrames } from '../../test/live';
import { BrandingProvider } from '../../branding';
import { ToastProvider } from '../../notifications/toasts';
import { mountPoint, typeInto } from '../../test/mount';
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
let comments: TaskComment[];

function serve(right: 'read' | 'write', members: Member[] = MEMBERS) {
  vi.spyOn(api.settings, 'public').mockRejectedValue(new Error('offline'));
  vi.spyOn(api.workspaces, 'get').mockResolvedValue({
    ...WORKSPACE,
    role: 'member',
    rights: { tasks: right },
  });
  vi.spyOn(api.workspaces, 'members').mockResolvedValue({ members: members, seq: null });
  vi.spyOn(api.tasks, 'list').mockImplementation(async () => tasks);
  vi.spyOn(api.tasks.comments, 'list').mockImplementation(async (_tid, o = {}) => {
    const from = o.after ? comments.findIndex((c) => c.id === o.after) + 1 : 0;
    return comments.slice(from, from + (o.limit ?? 100));
  });
}

async function show(
  right: 'read' | 'write',
  taskId: string | null = null,
  workspace = WORKSPACE,
  people: { members: Member[]; me: Me } = { members: MEMBERS, me: ME },
) {
  serve(right, people.members);
  await ui.render(
    <BrandingProvider>
      <ToastProvider>
        <TasksScreen workspace={workspace} me={people.me} taskId={taskId} />
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

beforeEach(() => {
  comments = [];
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
    typeInto(text, 'TUILES');
    expect(cards('To do')).toEqual(['Commander les tuiles']);
  });

  const personField = () =>
    ui.host.querySelector<HTMLInputElement>('.tasks-filters__person input[role="combobox"]');
  const suggested = () =>
    [...ui.host.querySelectorAll('.tasks-filters__person [role="option"]')].map(
      (o) => o.querySelector('.person-picker__name')?.textContent,
    );
  const chosen = () => ui.host.querySelector('.tasks-filters__person-name')?.textContent ?? null;

  it('filters by anyone the tasks may be assigned to, found by typing', async () => {
    await show('write');
    const field = personField();
    if (!field) throw new Error('no person filter');
    expect(suggested()).toEqual([]); // nothing listed until asked
    act(() => field.focus());
    // Those who may have tasks, by name: Eve, without the tasks right, is not among them.
    expect(suggested()).toEqual(['Bob Martin', 'Camille Durand']);
    typeInto(field, 'dur');
    expect(suggested()).toEqual(['Camille Durand']);
    typeInto(field, 'bo');
    expect(suggested()).toEqual(['Bob Martin']);
    act(() => {
      field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    });
    expect(cards('To do')).toEqual(['Poser la charpente']);
    expect(chosen()).toBe('Bob Martin');
    expect(personField()).toBeNull();
    act(() => button('Show everyone’s tasks, not only Bob Martin’s')?.click());
    expect(chosen()).toBeNull();
    expect(cards('To do')).toContain('Commander les tuiles');
    // Picked with the mouse; "Clear the filters" widens it too.
    const again = personField();
    if (!again) throw new Error('no person filter');
    act(() => again.focus());
    const camille = [...ui.host.querySelectorAll('.tasks-filters__person [role="option"]')].find(
      (o) => o.textContent?.includes('Camille Durand'),
    );
    act(() => {
      camille?.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    });
    expect(chosen()).toBe('Camille Durand');
    act(() => button('Clear the filters')?.click());
    expect(chosen()).toBeNull();
  });

  it('opens filtered on the person of ?assignee= (a report links there)', async () => {
    window.history.replaceState(null, '', `/w/${WS}/tasks?assignee=bob`);
    try {
      await show('write');
      expect(cards('To do')).toEqual(['Poser la charpente']);
      expect(chosen()).toBe('Bob Martin');
    } finally {
      window.history.replaceState(null, '', '/');
    }
  });

  it('names a person of ?assignee= who is no longer a member', async () => {
    window.history.replaceState(null, '', `/w/${WS}/tasks?assignee=gone`);
    try {
      await show('write');
      expect(chosen()).toBe('Former member');
      expect(cards('To do')).toEqual([]);
    } finally {
      window.history.replaceState(null, '', '/');
    }
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
    typeInto(title, 'Poser la charpente nord');
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

const item = (id: string, position: number, extra: Partial<ChecklistItem> = {}): ChecklistItem => ({
  id,
  text: `Étape ${id}`,
  done: false,
  position,
  done_by: null,
  done_at: null,
  ...extra,
});

/** The live events the screen follows, heard from here ("task.*" patterns too). */
function hearLive() {
  const handlers: [string, (e: EventFrame) => void][] = [];
  vi.spyOn(liveEvents(), 'subscribe').mockImplementation((type, h) => {
    handlers.push([type, h]);
    return () => undefined;
  });
  return (type: string, data: object) =>
    act(() => {
      for (const [pattern, h] of handlers) {
        const match = pattern.endsWith('.*')
          ? type.startsWith(pattern.slice(0, -1))
          : pattern === type;
        if (match) h({ type, workspace_id: WS, seq: 0, module: 'tasks', data: { ...data } });
      }
    });
}

const pane = () => ui.host.querySelector<HTMLElement>('.tasks-pane') ?? ui.host;
const checklist = () => pane().querySelector<HTMLElement>('.task-checklist') ?? ui.host;
const itemTexts = () =>
  [...checklist().querySelectorAll('.task-checklist__item')].map((li) => li.textContent);
const checkbox = (text: string) =>
  [...checklist().querySelectorAll<HTMLElement>('.task-checklist__item')]
    .find((li) => li.querySelector('.check__label')?.textContent === text)
    ?.querySelector<HTMLInputElement>('input[type="checkbox"]');
const key = (el: Element | null | undefined, k: string, o: KeyboardEventInit = {}) =>
  act(() => {
    el?.dispatchEvent(
      new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...o }),
    );
  });
/** The server's answers to checklist PATCHes: the item changed, the task one version up each time. */
function itemAnswers() {
  const versions = new Map<string, number>();
  return async (tid: string, iid: string, change: object) => {
    const t = held(tid);
    const version = (versions.get(tid) ?? t.version) + 1;
    versions.set(tid, version);
    const was = t.checklist.find((x) => x.id === iid) ?? item(iid, 0);
    return { value: { ...was, ...change } as ChecklistItem, version };
  };
}

describe('checklist and comment badges on cards', () => {
  it('say how far the checklist is and how many comments there are', async () => {
    tasks[0] = task('a', {
      title: 'Commander les tuiles',
      checklist: [item('1', 1, { done: true }), item('2', 2), item('3', 3)],
      comment_count: 4,
    });
    tasks[1] = task('b', {
      title: 'Poser la charpente',
      position: 2,
      checklist: [item('1', 1, { done: true })],
    });
    await show('write');
    const badges = card('Commander les tuiles');
    expect(badges?.querySelector('.task-badge--checklist')?.textContent).toBe(
      '1/3Checklist: 1 of 3 done',
    );
    expect(badges?.querySelector('.task-badge--complete')).toBeNull();
    expect(badges?.querySelector('.task-badge--comments')?.textContent).toBe('44 comments');
    // All done: shown so; no comment: no badge.
    const done = card('Poser la charpente');
    expect(done?.querySelector('.task-badge--complete')?.textContent).toContain('1/1');
    expect(done?.querySelector('.task-badge--comments')).toBeNull();
    expect(card('Nettoyer')?.querySelector('.task-badge')).toBeNull();
  });
});

describe('a new task with its checklist', () => {
  it('sends one item per line, blank lines left out', async () => {
    await show('write');
    act(() => button('New task')?.click());
    const dialog = document.querySelector<HTMLElement>('dialog[open]');
    if (!dialog) throw new Error('no dialog');
    const create = vi
      .spyOn(api.tasks, 'create')
      .mockImplementation(async (_ws, b) =>
        task('n', { title: (b as NewTask).title, position: 9 }),
      );
    const fields = [
      ...dialog.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea'),
    ];
    const field = (label: string) =>
      fields.find((f) => dialog.querySelector(`label[for="${f.id}"]`)?.textContent === label);
    typeInto(field('Title') as HTMLInputElement, 'Acheter la quincaillerie');
    typeInto(field('Checklist') as HTMLTextAreaElement, 'Vis\n\n  Écrous  \n');
    await act(async () => button('Create the task', dialog)?.click());
    expect(create).toHaveBeenCalledWith(WS, {
      title: 'Acheter la quincaillerie',
      status: 'todo',
      checklist: [{ text: 'Vis' }, { text: 'Écrous' }],
    });
  });

  it('sends no checklist when there is none', async () => {
    await show('write');
    act(() => button('New task')?.click());
    const dialog = document.querySelector<HTMLElement>('dialog[open]');
    const create = vi
      .spyOn(api.tasks, 'create')
      .mockImplementation(async (_ws, b) =>
        task('n', { title: (b as NewTask).title, position: 9 }),
      );
    typeInto(dialog?.querySelector('input') as HTMLInputElement, 'Sans liste');
    await act(async () => button('Create the task', dialog ?? undefined)?.click());
    expect(create).toHaveBeenCalledWith(WS, { title: 'Sans liste', status: 'todo' });
  });
});

describe('the checklist in the details pane', () => {
  beforeEach(() => {
    tasks[1] = task('b', {
      title: 'Poser la charpente',
      position: 2,
      checklist: [
        item('1', 1024, { done: true, done_by: 'bob', done_at: '2026-11-02T10:00:00Z' }),
        item('2', 2048),
        item('3', 3072),
      ],
    });
  });

  it('shows its progress, and who ticked what', async () => {
    await show('write', 'b');
    const bar = checklist().querySelector('progress');
    expect([bar?.getAttribute('max'), bar?.getAttribute('value')]).toEqual(['3', '1']);
    expect(bar?.getAttribute('aria-valuetext')).toBe('1 of 3 done');
    expect(bar?.getAttribute('aria-labelledby')).toBe(checklist().querySelector('h3')?.id);
    expect(checklist().querySelector('.task-checklist__count')?.textContent).toBe('1/3');
    expect(checklist().querySelector('.check__hint')?.textContent).toMatch(/^Ticked by Bob Martin/);
  });

  it('ticks at once, the card too; a refusal takes it back and says why', async () => {
    await show('write', 'b');
    const update = vi.spyOn(api.tasks.checklist, 'update').mockImplementation(itemAnswers());
    await act(async () => checkbox('Étape 2')?.click());
    expect(update).toHaveBeenCalledWith('b', '2', { done: true });
    expect(checkbox('Étape 2')?.checked).toBe(true);
    expect(
      card('Poser la charpente')?.querySelector('.task-badge--checklist')?.textContent,
    ).toContain('2/3');

    update.mockRejectedValue(new ApiError(400, 'invalid_checklist', 'no'));
    await act(async () => checkbox('Étape 3')?.click());
    expect(checkbox('Étape 3')?.checked).toBe(false);
    expect(checklist().querySelector('[role="alert"]')?.textContent).toBe(
      'A checklist item is one line and not empty (500 bytes at most).',
    );
  });

  it('adds items one after the other, the field staying ready', async () => {
    await show('write', 'b');
    const add = vi.spyOn(api.tasks.checklist, 'add').mockImplementation(async (_t, b) => ({
      value: item(`n-${b.text}`, 9000, { text: b.text }),
      version: 2,
    }));
    const field = checklist().querySelector<HTMLInputElement>('input[data-control="add"]');
    if (!field) throw new Error('no add field');
    field.focus();
    typeInto(field, '  Lever la panne  ');
    await act(async () => field.form?.requestSubmit());
    expect(add).toHaveBeenCalledWith('b', { text: 'Lever la panne' });
    expect(field.value).toBe('');
    expect(document.activeElement).toBe(field);
    expect(itemTexts().at(-1)).toContain('Lever la panne');
    // An empty field adds nothing.
    await act(async () => field.form?.requestSubmit());
    expect(add).toHaveBeenCalledTimes(1);
    // The server counts bytes: 300 "é" (600 bytes) are cut to 250.
    typeInto(field, 'é'.repeat(300));
    expect(field.value).toBe('é'.repeat(250));
    await act(async () => field.form?.requestSubmit());
    expect(add).toHaveBeenLastCalledWith('b', { text: 'é'.repeat(250) });
  });

  it('moves an item with Alt+↓ between its new neighbours, and says where it is', async () => {
    await show('write', 'b');
    const update = vi.spyOn(api.tasks.checklist, 'update').mockImplementation(itemAnswers());
    const box = checkbox('Étape 1');
    box?.focus();
    await act(async () => key(box, 'ArrowDown', { altKey: true }));
    expect(update).toHaveBeenCalledWith('b', '1', { position: 2560 });
    expect(itemTexts().map((x) => x?.slice(0, 7))).toEqual(['Étape 2', 'Étape 1', 'Étape 3']);
    expect(checklist().querySelector('[aria-live="polite"]')?.textContent).toBe(
      '“Étape 1”: position 2 of 3',
    );
    // The first cannot go up; the last cannot go down.
    expect(button('Move “Étape 2” up', checklist())?.disabled).toBe(true);
    expect(button('Move “Étape 3” down', checklist())?.disabled).toBe(true);
  });

  it('rewrites an item in place: Enter saves, Escape cancels (the pane stays open)', async () => {
    await show('write', 'b');
    const update = vi.spyOn(api.tasks.checklist, 'update').mockImplementation(itemAnswers());
    act(() => button('Edit “Étape 2”', checklist())?.click());
    let field = checklist().querySelector<HTMLInputElement>('input[data-control="text"]');
    if (!field) throw new Error('no text field');
    expect(document.activeElement).toBe(field);
    typeInto(field, 'Étape deux');
    await act(async () => key(field, 'Enter'));
    expect(update).toHaveBeenCalledWith('b', '2', { text: 'Étape deux' });
    expect(checkbox('Étape deux')).toBeDefined();

    act(() => button('Edit “Étape 3”', checklist())?.click());
    field = checklist().querySelector<HTMLInputElement>('input[data-control="text"]');
    typeInto(field as HTMLInputElement, 'Oubliée');
    await act(async () => key(field, 'Escape'));
    expect(update).toHaveBeenCalledTimes(1);
    expect(checkbox('Étape 3')).toBeDefined();
    expect(ui.host.querySelector('.tasks-pane')).not.toBeNull();
  });

  it('deletes an item at once', async () => {
    await show('write', 'b');
    const remove = vi
      .spyOn(api.tasks.checklist, 'remove')
      .mockResolvedValue({ value: undefined, version: 2 });
    await act(async () => button('Delete “Étape 2”', checklist())?.click());
    expect(remove).toHaveBeenCalledWith('b', '2');
    expect(itemTexts()).toHaveLength(2);
  });

  it('shows a read-only member the list, with nothing to change', async () => {
    await show('read', 'b');
    expect(itemTexts()).toHaveLength(3);
    expect(checkbox('Étape 2')?.disabled).toBe(true);
    expect(checklist().querySelector('input[data-control="add"], button')).toBeNull();
  });

  it('follows a tick made elsewhere', async () => {
    const hear = hearLive();
    await show('read', 'b');
    const t = held('b');
    hear('task.updated', {
      ...t,
      version: 2,
      checklist: t.checklist.map((x) => (x.id === '2' ? { ...x, done: true } : x)),
    });
    expect(checkbox('Étape 2')?.checked).toBe(true);
    expect(checklist().querySelector('.task-checklist__count')?.textContent).toBe('2/3');
  });
});

describe('comments in the details pane', () => {
  const comment = (id: string, author: string, body: string, extra: Partial<TaskComment> = {}) => ({
    id,
    task_id: 'b',
    author_id: author,
    body,
    created_at: '2026-11-02T10:00:00Z',
    edited_at: null,
    ...extra,
  });
  const section = () => pane().querySelector<HTMLElement>('.task-comments') ?? ui.host;
  const article = (id: string) =>
    section().querySelector<HTMLElement>(`[data-comment-id="${id}"]`) ?? undefined;
  const composer = () =>
    section().querySelector<HTMLTextAreaElement>('.task-comments__composer textarea');

  beforeEach(() => {
    comments = [
      comment('c1', 'bob', 'Il faut **deux** chevrons <img src=x onerror="alert(1)">'),
      comment('c2', 'me', 'D’accord', { edited_at: '2026-11-02T11:00:00Z' }),
    ];
  });

  it('lists them oldest first: author, time, "(edited)", sanitized Markdown', async () => {
    await show('write', 'b');
    await vi.waitFor(() => expect(article('c1')).toBeDefined());
    const first = article('c1');
    expect(first?.getAttribute('aria-label')).toMatch(/^Bob Martin, /);
    expect(first?.querySelector('.avatar')?.textContent).toBe('BM');
    expect(first?.querySelector('.task-comment__author')?.textContent).toBe('Bob Martin');
    expect(first?.querySelector('time')?.getAttribute('datetime')).toBe('2026-11-02T10:00:00Z');
    expect(first?.querySelector('strong')?.textContent).toBe('deux');
    expect(first?.querySelector('[onerror]')).toBeNull();
    expect(article('c2')?.querySelector('.task-comment__edited')?.textContent).toBe('(edited)');
    expect(first?.querySelector('.task-comment__edited')).toBeNull();
  });

  it('sends one with Ctrl+Enter (not while empty), ready for the next', async () => {
    await show('write', 'b');
    await vi.waitFor(() => expect(composer()).not.toBeNull());
    const send = button('Comment', section());
    expect(send?.disabled).toBe(true);
    const create = vi
      .spyOn(api.tasks.comments, 'create')
      .mockImplementation(async (_t, body) => comment('c3', 'me', body));
    const box = composer() as HTMLTextAreaElement;
    typeInto(box, 'Je *commande* demain');
    expect(send?.disabled).toBe(false);
    await act(async () => key(box, 'Enter', { ctrlKey: true }));
    expect(create).toHaveBeenCalledWith('b', 'Je *commande* demain');
    expect(article('c3')?.querySelector('em')?.textContent).toBe('commande');
    expect(box.value).toBe('');
  });

  it('lets people edit their own only, and delete theirs after asking', async () => {
    await show('write', 'b');
    await vi.waitFor(() => expect(article('c2')).toBeDefined());
    expect(button('Edit', article('c1'))).toBeUndefined();
    expect(button('Delete', article('c1'))).toBeUndefined();
    // Editing: Escape cancels (the pane stays open), Ctrl+Enter saves.
    act(() => button('Edit', article('c2'))?.click());
    let box = article('c2')?.querySelector('textarea');
    key(box, 'Escape');
    expect(article('c2')?.querySelector('textarea')).toBeNull();
    expect(ui.host.querySelector('.tasks-pane')).not.toBeNull();
    const update = vi
      .spyOn(api.tasks.comments, 'update')
      .mockImplementation(async (_t, id, body) =>
        comment(id, 'me', body, { edited_at: '2026-11-03T09:00:00Z' }),
      );
    act(() => button('Edit', article('c2'))?.click());
    box = article('c2')?.querySelector('textarea');
    typeInto(box as HTMLTextAreaElement, 'Pas d’accord');
    await act(async () => key(box, 'Enter', { ctrlKey: true }));
    expect(update).toHaveBeenCalledWith('b', 'c2', 'Pas d’accord');
    expect(article('c2')?.textContent).toContain('Pas d’accord');

    const remove = vi.spyOn(api.tasks.comments, 'remove').mockResolvedValue(undefined);
    act(() => button('Delete', article('c2'))?.click());
    const dialog = document.querySelector<HTMLElement>('dialog[open]');
    expect(dialog?.textContent).toContain('Delete this comment?');
    expect(remove).not.toHaveBeenCalled();
    await act(async () => button('Delete', dialog ?? undefined)?.click());
    expect(remove).toHaveBeenCalledWith('b', 'c2');
    expect(article('c2')).toBeUndefined();
  });

  it('lets a workspace admin delete anyone’s, not edit it', async () => {
    await show('write', 'b', { ...WORKSPACE, role: 'admin' });
    await vi.waitFor(() => expect(article('c1')).toBeDefined());
    expect(button('Delete', article('c1'))).toBeDefined();
    expect(button('Edit', article('c1'))).toBeUndefined();
  });

  it('gives a read-only member the comments, without a composer or actions', async () => {
    await show('read', 'b');
    await vi.waitFor(() => expect(article('c1')).toBeDefined());
    expect(composer()).toBeNull();
    expect(section().querySelector('.task-comment__actions')).toBeNull();
  });

  it('follows them live, and the card’s count with them', async () => {
    const hear = hearLive();
    await show('read', 'b');
    await vi.waitFor(() => expect(article('c1')).toBeDefined());
    hear('task.comment_created', { ...comment('c3', 'bob', 'Livré'), comment_count: 3 });
    expect(article('c3')?.textContent).toContain('Livré');
    expect(card('Poser la charpente')?.querySelector('.task-badge--comments')?.textContent).toBe(
      '33 comments',
    );
    hear('task.comment_updated', {
      ...comment('c1', 'bob', 'Trois chevrons', { edited_at: '2026-11-03T09:00:00Z' }),
      comment_count: 3,
    });
    expect(article('c1')?.textContent).toContain('Trois chevrons');
    expect(article('c1')?.textContent).toContain('(edited)');
    hear('task.comment_deleted', { id: 'c1', task_id: 'b', comment_count: 2 });
    expect(article('c1')).toBeUndefined();
    expect(card('Poser la charpente')?.querySelector('.task-badge--comments')?.textContent).toBe(
      '22 comments',
    );
  });

  it('reads the next page on request', async () => {
    comments = Array.from({ length: 101 }, (_, i) =>
      comment(`c${String(i).padStart(3, '0')}`, 'bob', `n° ${i}`),
    );
    await show('read', 'b');
    await vi.waitFor(() => expect(section().querySelectorAll('.task-comment')).toHaveLength(100));
    await act(async () => button('Show the next comments', section())?.click());
    expect(api.tasks.comments.list).toHaveBeenLastCalledWith('b', { after: 'c099', limit: 100 });
    await vi.waitFor(() => expect(section().querySelectorAll('.task-comment')).toHaveLength(101));
    expect(button('Show the next comments', section())).toBeUndefined();
  });
});

describe('mentions in comments', () => {
  // Mentions need real ids (26 characters, as the server's).
  const CAMILLE = '01JCAMILLE0000000000000000';
  const ALIX = '01JALIXMARTIN0000000000000';
  const people = {
    me: { id: CAMILLE, name: 'Camille Durand' } as Me,
    members: [
      { user_id: CAMILLE, name: 'Camille Durand', email: 'c@x', rights: { tasks: 'write' } },
      { user_id: ALIX, name: 'Alix Martin', email: 'a@x', rights: { tasks: 'write' } },
      { user_id: 'eve', name: 'Eve Noir', email: 'e@x', rights: { tasks: 'none' } },
    ] as unknown as Member[],
  };
  const comment = (id: string, author: string, body: string): TaskComment => ({
    id,
    task_id: 'b',
    author_id: author,
    body,
    created_at: '2026-11-02T10:00:00Z',
    edited_at: null,
  });
  const section = () => pane().querySelector<HTMLElement>('.task-comments') ?? ui.host;
  const article = (id: string) =>
    section().querySelector<HTMLElement>(`[data-comment-id="${id}"]`) ?? undefined;
  const composer = () =>
    section().querySelector<HTMLTextAreaElement>('.task-comments__composer textarea');
  const options = () =>
    [...section().querySelectorAll<HTMLElement>('[role="listbox"] [role="option"]')].map(
      (o) => o.querySelector('.mention-menu__name')?.textContent,
    );

  it('offers the members who see the tasks on "@", and sends the one picked as <@ID>', async () => {
    await show('write', 'b', WORKSPACE, people);
    await vi.waitFor(() => expect(composer()).not.toBeNull());
    const create = vi
      .spyOn(api.tasks.comments, 'create')
      .mockImplementation(async (_t, body) => comment('c3', CAMILLE, body));
    const box = composer() as HTMLTextAreaElement;
    typeInto(box, 'Voir avec @');
    // Eve does not see the tasks.
    expect(options()).toEqual(['Alix Martin', 'Camille Durand']);
    expect(box.getAttribute('aria-autocomplete')).toBe('list');
    typeInto(box, 'Voir avec @al');
    expect(options()).toEqual(['Alix Martin']);
    const option = section().querySelector('[role="option"]');
    act(() => {
      option?.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true }));
    });
    expect(box.value).toBe('Voir avec @Alix Martin ');
    expect(options()).toEqual([]);
    await act(async () => key(box, 'Enter', { ctrlKey: true }));
    expect(create).toHaveBeenCalledWith('b', `Voir avec <@${ALIX}>`);
    // Shown with the name.
    expect(article('c3')?.querySelector('.mention')?.textContent).toBe('@Alix Martin');
    expect(box.value).toBe('');
  });

  it('picks with Enter while the list is open (not sending), Escape closes the list only', async () => {
    await show('write', 'b', WORKSPACE, people);
    await vi.waitFor(() => expect(composer()).not.toBeNull());
    const create = vi.spyOn(api.tasks.comments, 'create');
    const box = composer() as HTMLTextAreaElement;
    typeInto(box, '@ca');
    key(box, 'Enter', { ctrlKey: true });
    expect(create).not.toHaveBeenCalled();
    expect(box.value).toBe('@Camille Durand ');
    typeInto(box, '@Camille Durand et @');
    expect(options()).toHaveLength(2);
    key(box, 'Escape');
    expect(options()).toEqual([]);
    expect(ui.host.querySelector('.tasks-pane')).not.toBeNull();
  });

  it('shows <@ID> as the person’s name, the reader’s own highlighted; editing keeps them', async () => {
    comments = [comment('c1', ALIX, `Merci <@${CAMILLE}>, vu avec <@${ALIX}>`)];
    comments.push(comment('c2', CAMILLE, `Pour <@${ALIX}>`));
    await show('write', 'b', WORKSPACE, people);
    await vi.waitFor(() => expect(article('c1')).toBeDefined());
    const chips = [...(article('c1')?.querySelectorAll('.mention') ?? [])];
    expect(chips.map((c) => c.textContent)).toEqual(['@Camille Durand', '@Alix Martin']);
    expect(chips.map((c) => c.classList.contains('mention--me'))).toEqual([true, false]);
    expect(article('c1')?.textContent).not.toContain('<@');

    const update = vi
      .spyOn(api.tasks.comments, 'update')
      .mockImplementation(async (_t, id, body) => comment(id, CAMILLE, body));
    act(() => button('Edit', article('c2'))?.click());
    const box = article('c2')?.querySelector('textarea') as HTMLTextAreaElement;
    expect(box.value).toBe('Pour @Alix Martin');
    typeInto(box, 'Pour @Alix Martin, merci');
    await act(async () => key(box, 'Enter', { ctrlKey: true }));
    expect(update).toHaveBeenCalledWith('b', 'c2', `Pour <@${ALIX}>, merci`);
  });

  it('reads the comments again on a notice of a mention in this task', async () => {
    const hear = hearFrames();
    await show('read', 'b', WORKSPACE, people);
    await vi.waitFor(() => expect(section().querySelector('.task-comments__list')).toBeNull());
    await vi.waitFor(() => expect(api.tasks.comments.list).toHaveBeenCalledTimes(1));
    comments = [comment('c9', ALIX, `<@${CAMILLE}> à toi`)];
    const notice = (task_id: string, comment_id: string) => ({
      type: 'task.mentioned',
      workspace_id: '',
      seq: 0,
      data: {
        task_id,
        workspace_id: WS,
        title: 'Poser la charpente',
        comment_id,
        author: { id: ALIX, name: 'Alix Martin' },
      },
    });
    hear(notice('a', 'c9'));
    expect(api.tasks.comments.list).toHaveBeenCalledTimes(1);
    hear(notice('b', 'c9'));
    await act(async () => undefined);
    await vi.waitFor(() => expect(article('c9')).toBeDefined());
    expect(article('c9')?.querySelector('.mention--me')?.textContent).toBe('@Camille Durand');
  });
});
