// The tasks store: every page read, live events applied once (by version),
// moves and checklist changes shown at once and taken back when refused,
// comment counts following their events, and the board read again after
// the live connection comes back.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type ChecklistItem, type Task, type TaskChange } from '../../api';
import { isPendingItem } from './logic/checklist';
import { task, taskEvent, WS } from './logic/fixtures.test-util';
import { PAGE_SIZE, TasksStore, checklistOf, taskPeople } from './store';

const NOW = new Date('2026-12-01T09:00:00Z');

function newStore() {
  return new TasksStore(WS, 'me', () => NOW);
}

const column = (s: TasksStore, status: Task['status']) =>
  s.getState().board.columns[status].map((t) => t.id);

/** The server's answer to a PATCH: the task changed, one version up. */
function patched(s: TasksStore) {
  return vi
    .spyOn(api.tasks, 'update')
    .mockImplementation(async (id: string, change: TaskChange) => {
      const held = s.getState().board.byId[id] ?? task(id);
      return { ...held, ...change, version: held.version + 1 } as Task;
    });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('reading the board', () => {
  it('reads page after page until a short one', async () => {
    const many = Array.from({ length: PAGE_SIZE + 2 }, (_, i) =>
      task(`t${i}`, { position: i, status: i % 2 ? 'doing' : 'todo' }),
    );
    const list = vi
      .spyOn(api.tasks, 'list')
      .mockImplementation(async (_ws, o = {}) =>
        many.slice(o.offset ?? 0, (o.offset ?? 0) + (o.limit ?? 500)),
      );
    const s = newStore();
    await s.load();
    expect(list).toHaveBeenCalledTimes(2);
    expect(list.mock.calls[1]?.[1]).toMatchObject({ limit: PAGE_SIZE, offset: PAGE_SIZE });
    expect(s.getState().loaded).toBe(true);
    expect(column(s, 'todo')).toHaveLength(PAGE_SIZE / 2 + 1);
    expect(column(s, 'doing')).toHaveLength(PAGE_SIZE / 2 + 1);
    expect(column(s, 'todo').slice(0, 2)).toEqual(['t0', 't2']);
  });

  it('says when the tasks cannot be read', async () => {
    vi.spyOn(api.tasks, 'list').mockRejectedValue(new ApiError(404, 'not_found', 'x'));
    const s = newStore();
    await s.load();
    expect(s.getState()).toMatchObject({ loaded: true, failed: { status: 404 } });
  });

  it('knows who can be assigned: members who see tasks', () => {
    const people = taskPeople([
      { user_id: 'a', rights: { tasks: 'write' } },
      { user_id: 'b', rights: { tasks: 'none' } },
      { user_id: 'c', rights: {} },
    ] as never);
    expect(people.map((m) => m.user_id)).toEqual(['a', 'c']);
  });
});

describe('live events', () => {
  it('applies created, updated and deleted once, by version', async () => {
    vi.spyOn(api.tasks, 'list').mockResolvedValue([task('a', { version: 2 })]);
    const s = newStore();
    await s.load();
    s.handleEvent(taskEvent('task.created', task('b', { position: 0 })));
    expect(column(s, 'todo')).toEqual(['b', 'a']);
    // An older version (late, or replayed) changes nothing.
    const before = s.getState().board;
    s.handleEvent(taskEvent('task.updated', task('a', { version: 1, status: 'done' })));
    s.handleEvent(taskEvent('task.updated', task('a', { version: 2, status: 'done' })));
    expect(s.getState().board).toBe(before);
    s.handleEvent(taskEvent('task.updated', task('a', { version: 3, status: 'doing' })));
    expect(column(s, 'doing')).toEqual(['a']);
    s.handleEvent(taskEvent('task.deleted', { id: 'a' }));
    expect(s.getState().board.byId.a).toBeUndefined();
    // A late update of a deleted task does not bring it back.
    s.handleEvent(taskEvent('task.updated', task('a', { version: 9 })));
    expect(s.getState().board.byId.a).toBeUndefined();
  });

  it("ignores other workspaces' events and malformed ones", async () => {
    vi.spyOn(api.tasks, 'list').mockResolvedValue([]);
    const s = newStore();
    await s.load();
    s.handleEvent(taskEvent('task.created', task('x'), 'other'));
    s.handleEvent(taskEvent('task.created', { id: 'y' }));
    s.handleEvent(taskEvent('task.deleted', {}));
    expect(Object.keys(s.getState().board.byId)).toEqual([]);
  });

  it('reads the board again after a reconnection, keeping what arrived meanwhile', async () => {
    const list = vi
      .spyOn(api.tasks, 'list')
      .mockResolvedValueOnce([task('a'), task('gone', { position: 5000 })]);
    const s = newStore();
    await s.load();
    expect(column(s, 'todo')).toEqual(['a', 'gone']);
    // While away: 'gone' was deleted, 'a' changed. Back: hello.
    let answer: (l: Task[]) => void = () => undefined;
    list.mockImplementationOnce(() => new Promise((r) => (answer = r)));
    s.handleEvent({ type: 'hello', workspace_id: '', seq: 0, data: {} });
    expect(list).toHaveBeenCalledTimes(2);
    // An event arrives while the board is being read: it is newer than the read.
    s.handleEvent(taskEvent('task.created', task('new', { position: 9000 })));
    answer([task('a', { version: 2, title: 'changé' })]);
    await vi.waitFor(() => expect(column(s, 'todo')).toEqual(['a', 'new']));
    expect(s.getState().board.byId.a?.title).toBe('changé');
  });

  it('reads the board again when many tasks changed at once', async () => {
    const list = vi
      .spyOn(api.tasks, 'list')
      .mockResolvedValueOnce([task('a', { assignee_ids: ['bob'] })])
      .mockResolvedValueOnce([task('a', { version: 2, assignee_ids: [] })]);
    const s = newStore();
    await s.load();
    s.handleEvent(taskEvent('tasks.changed', { count: 500 }));
    expect(list).toHaveBeenCalledTimes(2);
    await vi.waitFor(() => expect(s.getState().board.byId.a?.assignee_ids).toEqual([]));
  });

  it('follows the right: a member made read-only', async () => {
    const get = vi
      .spyOn(api.workspaces, 'get')
      .mockResolvedValueOnce({
        role: 'member',
        rights: { tasks: 'write' },
        archived: false,
      } as never)
      .mockResolvedValueOnce({
        role: 'member',
        rights: { tasks: 'read' },
        archived: false,
      } as never);
    vi.spyOn(api.workspaces, 'members').mockResolvedValue({ members: [], seq: null });
    const s = newStore();
    await s.loadRight();
    expect(s.canWrite).toBe(true);
    s.handleEvent({ ...taskEvent('member.updated', { user_id: 'me' }) });
    await vi.waitFor(() => expect(get).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(s.canWrite).toBe(false));
  });
});

describe('moves', () => {
  async function board(tasks: Task[]) {
    vi.spyOn(api.tasks, 'list').mockResolvedValue(tasks);
    const s = newStore();
    await s.load();
    return s;
  }

  it('shows a move at once, between its neighbours, then the answer', async () => {
    const s = await board([
      task('a', { position: 1000 }),
      task('b', { position: 2000 }),
      task('c', { status: 'doing', position: 1000 }),
    ]);
    let answer: (t: Task) => void = () => undefined;
    const update = vi
      .spyOn(api.tasks, 'update')
      .mockImplementation(() => new Promise<Task>((r) => (answer = r)));
    const done = s.move('c', 'todo', { before: 'b' });
    await vi.waitFor(() => expect(update).toHaveBeenCalled());
    expect(update.mock.calls[0]?.slice(0, 2)).toEqual(['c', { status: 'todo', position: 1500 }]);
    expect(column(s, 'todo')).toEqual(['a', 'c', 'b']);
    expect(column(s, 'doing')).toEqual([]);
    answer(task('c', { position: 1500, version: 2 }));
    await done;
    expect(s.getState().board.byId.c?.version).toBe(2);
  });

  it('takes a refused move back, with the error', async () => {
    const s = await board([
      task('a', { status: 'doing', position: 10 }),
      task('b', { position: 5 }),
    ]);
    vi.spyOn(api.tasks, 'update').mockRejectedValue(new ApiError(409, 'blocked', 'blocked'));
    const done = s.move('a', 'done');
    expect(column(s, 'done')).toEqual(['a']);
    expect(s.getState().board.byId.a?.completed_at).toBe(NOW.toISOString());
    await expect(done).rejects.toMatchObject({ status: 409, code: 'blocked' });
    expect(column(s, 'doing')).toEqual(['a']);
    expect(column(s, 'done')).toEqual([]);
    expect(s.getState().board.byId.a).toMatchObject({ position: 10, completed_at: null });
  });

  it('does not take a move back over a newer version heard meanwhile', async () => {
    const s = await board([task('a')]);
    let refuse: (e: unknown) => void = () => undefined;
    vi.spyOn(api.tasks, 'update').mockImplementation(
      () => new Promise<Task>((_, r) => (refuse = r)),
    );
    const done = s.move('a', 'doing');
    s.handleEvent(taskEvent('task.updated', task('a', { version: 2, title: 'ailleurs' })));
    refuse(new ApiError(500, 'internal', 'x'));
    await expect(done).rejects.toBeInstanceOf(ApiError);
    expect(s.getState().board.byId.a).toMatchObject({ version: 2, title: 'ailleurs' });
  });

  it('refuses to finish a task that waits for an unfinished one, without asking', async () => {
    const s = await board([
      task('blocker', { status: 'doing' }),
      task('waiting', { blocked_by: ['blocker'], blocked: true }),
    ]);
    const update = vi.spyOn(api.tasks, 'update');
    await expect(s.move('waiting', 'done')).rejects.toMatchObject({ code: 'blocked' });
    expect(update).not.toHaveBeenCalled();
    expect(column(s, 'todo')).toEqual(['waiting']);
    // Once the blocker is done (as the board knows), it can be.
    patched(s);
    await s.move('blocker', 'done');
    await s.move('waiting', 'done');
    expect(column(s, 'done')).toEqual(['blocker', 'waiting']);
  });

  it('moves within a column, and spaces the column out when there is no room', async () => {
    const tight = 1 + Number.EPSILON;
    const s = await board([
      task('a', { position: 1 }),
      task('b', { position: tight }),
      task('c', { position: 3 }),
    ]);
    const update = patched(s);
    await s.move('c', 'todo', { before: 'b' });
    expect(update.mock.calls.map((c) => c.slice(0, 2))).toEqual([
      ['a', { position: 1024 }],
      ['b', { position: 2048 }],
      ['c', { status: 'todo', position: 1536 }],
    ]);
    expect(column(s, 'todo')).toEqual(['a', 'c', 'b']);
    // Where it already is: nothing sent.
    update.mockClear();
    await s.move('c', 'todo', { after: 'a' });
    expect(update).not.toHaveBeenCalled();
  });
});

describe('changes', () => {
  it('creates, changes at a version, and deletes', async () => {
    vi.spyOn(api.tasks, 'list').mockResolvedValue([task('a')]);
    const s = newStore();
    await s.load();
    vi.spyOn(api.tasks, 'create').mockResolvedValue(task('b', { position: 2048 }));
    await s.create({ title: 'B' });
    expect(column(s, 'todo')).toEqual(['a', 'b']);

    const update = vi
      .spyOn(api.tasks, 'update')
      .mockResolvedValue(task('a', { title: 'A2', version: 2 }));
    await s.update('a', { title: 'A2' }, 1);
    expect(update).toHaveBeenCalledWith('a', { title: 'A2' }, 1);
    expect(s.getState().board.byId.a?.title).toBe('A2');

    const remove = vi.spyOn(api.tasks, 'remove').mockResolvedValue(undefined);
    await s.remove('b', 1);
    expect(remove).toHaveBeenCalledWith('b', 1);
    expect(column(s, 'todo')).toEqual(['a']);
  });

  it('fetches the newer task when a change came too late (412)', async () => {
    vi.spyOn(api.tasks, 'list').mockResolvedValue([task('a')]);
    const s = newStore();
    await s.load();
    vi.spyOn(api.tasks, 'update').mockRejectedValue(
      new ApiError(412, 'precondition_failed', 'changed'),
    );
    vi.spyOn(api.tasks, 'get').mockResolvedValue(task('a', { title: 'par Bob', version: 5 }));
    await expect(s.update('a', { title: 'moi' }, 1)).rejects.toMatchObject({ status: 412 });
    await vi.waitFor(() => expect(s.getState().board.byId.a?.title).toBe('par Bob'));
  });
});

describe('checklists', () => {
  const item = (id: string, position: number, extra: Partial<ChecklistItem> = {}) =>
    ({
      id,
      text: `Item ${id}`,
      done: false,
      position,
      done_by: null,
      done_at: null,
      ...extra,
    }) as ChecklistItem;

  async function withTask(extra: Partial<Task> = {}) {
    vi.spyOn(api.tasks, 'list').mockResolvedValue([
      task('a', { checklist: [item('i1', 1024), item('i2', 2048), item('i3', 3072)], ...extra }),
    ]);
    const s = newStore();
    await s.load();
    return s;
  }

  const shown = (s: TasksStore) => {
    const t = s.getState().board.byId.a;
    return t ? checklistOf(s.getState(), t) : [];
  };
  const deferred = <T>() => {
    let resolve: (v: T) => void = () => undefined;
    let reject: (e: unknown) => void = () => undefined;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };

  it('shows a tick at once, then the task at the version the answer’s ETag says', async () => {
    const s = await withTask();
    const answer = deferred<{ value: ChecklistItem; version: number | null }>();
    const update = vi.spyOn(api.tasks.checklist, 'update').mockReturnValue(answer.promise);
    const done = s.changeItem('a', 'i1', { done: true });
    await vi.waitFor(() => expect(update).toHaveBeenCalledWith('a', 'i1', { done: true }));
    expect(shown(s)[0]).toMatchObject({ done: true, done_by: 'me', done_at: NOW.toISOString() });
    // The task itself is as the server last said until it answers.
    expect(s.getState().board.byId.a?.checklist[0]?.done).toBe(false);
    answer.resolve({ value: item('i1', 1024, { done: true, done_by: 'me' }), version: 2 });
    await done;
    expect(s.getState().board.byId.a).toMatchObject({ version: 2 });
    expect(s.getState().board.byId.a?.checklist[0]?.done).toBe(true);
    expect(s.getState().pending).toEqual({});
  });

  it('takes a refused change back, and throws the error on', async () => {
    const s = await withTask();
    vi.spyOn(api.tasks.checklist, 'update').mockRejectedValue(
      new ApiError(400, 'invalid_checklist', 'blank'),
    );
    const done = s.changeItem('a', 'i2', { text: 'Nouveau' });
    expect(shown(s)[1]?.text).toBe('Nouveau');
    await expect(done).rejects.toMatchObject({ code: 'invalid_checklist' });
    expect(shown(s)[1]?.text).toBe('Item i2');
    expect(s.getState().pending).toEqual({});
  });

  it('keeps a change shown over the task heard meanwhile (another item ticked elsewhere)', async () => {
    const s = await withTask();
    const answer = deferred<{ value: ChecklistItem; version: number | null }>();
    vi.spyOn(api.tasks.checklist, 'update').mockReturnValue(answer.promise);
    const done = s.changeItem('a', 'i1', { done: true });
    const bobs = item('i2', 2048, { done: true, done_by: 'bob' });
    s.handleEvent(
      taskEvent(
        'task.updated',
        task('a', { version: 2, checklist: [item('i1', 1024), bobs, item('i3', 3072)] }),
      ),
    );
    expect(shown(s).map((x) => [x.id, x.done])).toEqual([
      ['i1', true],
      ['i2', true],
      ['i3', false],
    ]);
    answer.resolve({ value: item('i1', 1024, { done: true, done_by: 'me' }), version: 3 });
    await done;
    expect(s.getState().board.byId.a?.version).toBe(3);
    expect(s.getState().board.byId.a?.checklist.map((x) => x.done)).toEqual([true, true, false]);
    expect(s.getState().pending).toEqual({});
  });

  it("sends a task's changes one after the other, in order", async () => {
    const s = await withTask();
    const first = deferred<{ value: ChecklistItem; version: number | null }>();
    const update = vi
      .spyOn(api.tasks.checklist, 'update')
      .mockReturnValueOnce(first.promise)
      .mockResolvedValueOnce({ value: item('i1', 1024), version: 3 });
    const tick = s.changeItem('a', 'i1', { done: true });
    const untick = s.changeItem('a', 'i1', { done: false });
    expect(shown(s)[0]?.done).toBe(false);
    await vi.waitFor(() => expect(update).toHaveBeenCalledTimes(1));
    // The second waits for the first's answer.
    await new Promise((r) => setTimeout(r, 10));
    expect(update).toHaveBeenCalledTimes(1);
    first.resolve({ value: item('i1', 1024, { done: true }), version: 2 });
    await Promise.all([tick, untick]);
    expect(update.mock.calls.map((c) => c[2])).toEqual([{ done: true }, { done: false }]);
    expect(s.getState().board.byId.a).toMatchObject({ version: 3 });
    expect(s.getState().board.byId.a?.checklist[0]?.done).toBe(false);
  });

  it('reads the task again when it missed changes (the answer is more than one version ahead)', async () => {
    const s = await withTask();
    vi.spyOn(api.tasks.checklist, 'update').mockResolvedValue({
      value: item('i1', 1024, { done: true }),
      version: 4,
    });
    const read = deferred<Task>();
    const get = vi.spyOn(api.tasks, 'get').mockReturnValue(read.promise);
    await s.changeItem('a', 'i1', { done: true });
    expect(get).toHaveBeenCalledWith('a');
    // Shown meanwhile: the tick stays until the board holds version 4.
    expect(shown(s)[0]?.done).toBe(true);
    read.resolve(
      task('a', { version: 4, title: 'Renommée', checklist: [item('i1', 1024, { done: true })] }),
    );
    await vi.waitFor(() => expect(s.getState().board.byId.a?.title).toBe('Renommée'));
    expect(s.getState().pending).toEqual({});
    expect(shown(s).map((x) => x.id)).toEqual(['i1']);
  });

  it('is settled by its event when that comes before the answer', async () => {
    const s = await withTask();
    const answer = deferred<{ value: undefined; version: number | null }>();
    vi.spyOn(api.tasks.checklist, 'remove').mockReturnValue(answer.promise);
    const done = s.removeItem('a', 'i2');
    expect(shown(s).map((x) => x.id)).toEqual(['i1', 'i3']);
    s.handleEvent(
      taskEvent(
        'task.updated',
        task('a', { version: 2, checklist: [item('i1', 1), item('i3', 3)] }),
      ),
    );
    answer.resolve({ value: undefined, version: 2 });
    await done;
    expect(s.getState().pending).toEqual({});
    expect(shown(s).map((x) => x.id)).toEqual(['i1', 'i3']);
  });

  it('adds at the end: shown at once, then the item the server made', async () => {
    const s = await withTask();
    const answer = deferred<{ value: ChecklistItem; version: number | null }>();
    const add = vi.spyOn(api.tasks.checklist, 'add').mockReturnValue(answer.promise);
    const done = s.addItem('a', 'Vis');
    await vi.waitFor(() => expect(add).toHaveBeenCalledWith('a', { text: 'Vis' }));
    const added = shown(s)[3];
    expect(added).toMatchObject({ text: 'Vis', position: 4096 });
    expect(added && isPendingItem(added)).toBe(true);
    // The task's event may come first: the item shows once.
    const real = item('real', 4096, { text: 'Vis' });
    const t = s.getState().board.byId.a as Task;
    s.handleEvent(
      taskEvent('task.updated', { ...t, version: 2, checklist: [...t.checklist, real] }),
    );
    expect(shown(s).map((x) => x.id)).toEqual(['i1', 'i2', 'i3', 'real']);
    answer.resolve({ value: real, version: 2 });
    await done;
    expect(shown(s).map((x) => x.id)).toEqual(['i1', 'i2', 'i3', 'real']);
    expect(s.getState().pending).toEqual({});
  });

  it('refuses a 101st item without asking (409 checklist_full, as the server would)', async () => {
    const full = Array.from({ length: 100 }, (_, i) => item(`i${i}`, i));
    const s = await withTask({ checklist: full });
    const add = vi.spyOn(api.tasks.checklist, 'add');
    await expect(s.addItem('a', 'Encore')).rejects.toMatchObject({ code: 'checklist_full' });
    expect(add).not.toHaveBeenCalled();
  });

  it('moves an item between its neighbours, shown at once', async () => {
    const s = await withTask();
    const update = vi
      .spyOn(api.tasks.checklist, 'update')
      .mockImplementation(async (_t, id, change) => ({
        value: { ...item(id, 0), ...change } as ChecklistItem,
        version: 2,
      }));
    const done = s.moveItem('a', 'i3', { before: 'i2' });
    expect(shown(s).map((x) => x.id)).toEqual(['i1', 'i3', 'i2']);
    await done;
    expect(update).toHaveBeenCalledWith('a', 'i3', { position: 1536 });
    expect(s.getState().board.byId.a?.checklist.map((x) => x.id)).toEqual(['i1', 'i3', 'i2']);
    // Where it is already: nothing sent.
    update.mockClear();
    await s.moveItem('a', 'i3', { after: 'i1' });
    expect(update).not.toHaveBeenCalled();
  });

  it('finds an item deleted meanwhile already gone: not an error', async () => {
    const s = await withTask();
    vi.spyOn(api.tasks.checklist, 'remove').mockRejectedValue(
      new ApiError(404, 'not_found', 'no such checklist item'),
    );
    const get = vi
      .spyOn(api.tasks, 'get')
      .mockResolvedValue(task('a', { version: 2, checklist: [item('i1', 1), item('i3', 3)] }));
    await s.removeItem('a', 'i2');
    await vi.waitFor(() => expect(get).toHaveBeenCalled());
    await vi.waitFor(() => expect(shown(s).map((x) => x.id)).toEqual(['i1', 'i3']));
  });
});

describe('comment counts', () => {
  it('follow the comment events (the task keeps its version)', async () => {
    vi.spyOn(api.tasks, 'list').mockResolvedValue([task('a', { version: 3 })]);
    const s = newStore();
    await s.load();
    const comment = { id: 'c1', task_id: 'a', author_id: 'bob', body: 'x', created_at: 'now' };
    s.handleEvent(taskEvent('task.comment_created', { ...comment, comment_count: 1 }));
    expect(s.getState().board.byId.a).toMatchObject({ comment_count: 1, version: 3 });
    s.handleEvent(taskEvent('task.comment_created', { ...comment, comment_count: 9 }, 'other'));
    s.handleEvent(taskEvent('task.comment_deleted', { id: 'c1', task_id: 'a', comment_count: 0 }));
    expect(s.getState().board.byId.a?.comment_count).toBe(0);
    // The next change of the task still counts (its version is newer).
    s.handleEvent(taskEvent('task.updated', task('a', { version: 4, comment_count: 2 })));
    expect(s.getState().board.byId.a?.comment_count).toBe(2);
  });
});
