// The comments of an open task: read page after page, followed live (each
// comment once, on this task only), written, and read again after the live
// connection comes back.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type TaskComment } from '../../api';
import { CommentsStore } from './comments';
import { comment, taskEvent, WS } from './logic/fixtures.test-util';

/** The server's comments, served `after` one, `limit` at a time. */
function serve(all: TaskComment[]) {
  return vi.spyOn(api.tasks.comments, 'list').mockImplementation(async (_t, o = {}) => {
    const from = o.after ? all.findIndex((c) => c.id === o.after) + 1 : 0;
    if (o.after && from === 0) throw new ApiError(400, 'invalid_after', 'no such comment');
    return all.slice(from, from + (o.limit ?? 100));
  });
}

const ids = (s: CommentsStore) => s.getState().comments.map((c) => c.id);
const created = (c: TaskComment, count = 1) =>
  taskEvent('task.comment_created', { ...c, comment_count: count });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('reading', () => {
  it('reads a page, then the next one after the last read, until a short one', async () => {
    const all = [comment('a', 1), comment('b', 2), comment('c', 3)];
    const list = serve(all);
    const s = new CommentsStore(WS, 't', 2);
    await s.more();
    expect(ids(s)).toEqual(['a', 'b']);
    expect(s.getState()).toMatchObject({ cursor: 'b', complete: false, loaded: true });
    await s.more();
    expect(ids(s)).toEqual(['a', 'b', 'c']);
    expect(s.getState().complete).toBe(true);
    expect(list.mock.calls.map((c) => c[1])).toEqual([
      { after: undefined, limit: 2 },
      { after: 'b', limit: 2 },
    ]);
    // All read: nothing more to ask.
    await s.more();
    expect(list).toHaveBeenCalledTimes(2);
  });

  it('says when the comments cannot be read', async () => {
    vi.spyOn(api.tasks.comments, 'list').mockRejectedValue(new ApiError(0, 'network', 'x'));
    const s = new CommentsStore(WS, 't');
    await s.more();
    expect(s.getState()).toMatchObject({
      loaded: true,
      loading: false,
      failed: { code: 'network' },
    });
  });

  it('resumes before the last comment read once it is deleted (the server refuses it)', async () => {
    const all = [comment('a', 1), comment('b', 2), comment('c', 3)];
    serve(all);
    const s = new CommentsStore(WS, 't', 2);
    await s.more();
    all.splice(1, 1);
    s.handleEvent(taskEvent('task.comment_deleted', { id: 'b', task_id: 't', comment_count: 2 }));
    expect(s.getState().cursor).toBe('a');
    await s.more();
    expect(ids(s)).toEqual(['a', 'c']);
  });

  it('reads again when the last comment read was deleted unheard of', async () => {
    const all = [comment('a', 1), comment('b', 2), comment('c', 3)];
    serve(all);
    const s = new CommentsStore(WS, 't', 2);
    await s.more();
    all.splice(1, 1);
    await s.more();
    await vi.waitFor(() => expect(ids(s)).toEqual(['a', 'c']));
    expect(s.getState()).toMatchObject({ cursor: 'c', failed: undefined });
    await s.more();
    expect(s.getState().complete).toBe(true);
  });
});

describe('live', () => {
  it('adds, changes and removes this task’s comments, each once', async () => {
    serve([comment('a', 1)]);
    const s = new CommentsStore(WS, 't');
    await s.more();
    s.handleEvent(created(comment('b', 2), 2));
    s.handleEvent(created(comment('b', 2), 2));
    s.handleEvent(created(comment('x', 2, { task_id: 'other' })));
    s.handleEvent({ ...created(comment('y', 2)), workspace_id: 'elsewhere' });
    expect(ids(s)).toEqual(['a', 'b']);
    const edited = comment('a', 1, { body: 'Corrigé', edited_at: '2026-12-01T10:00:00.000Z' });
    s.handleEvent(taskEvent('task.comment_updated', { ...edited, comment_count: 2 }));
    expect(s.getState().comments[0]).toMatchObject({
      body: 'Corrigé',
      edited_at: edited.edited_at,
    });
    s.handleEvent(taskEvent('task.comment_deleted', { id: 'a', task_id: 't', comment_count: 1 }));
    expect(ids(s)).toEqual(['b']);
    // A late event does not bring a deleted comment back.
    s.handleEvent(taskEvent('task.comment_updated', { ...edited, comment_count: 1 }));
    expect(ids(s)).toEqual(['b']);
  });

  it('leaves a new comment past pages not read yet to "Load more"', async () => {
    serve([comment('a', 1), comment('b', 2)]);
    const s = new CommentsStore(WS, 't', 1);
    await s.more();
    s.handleEvent(created(comment('new', 9)));
    expect(ids(s)).toEqual(['a']);
  });

  it('keeps what was heard while the last page was being read', async () => {
    let answer: (l: TaskComment[]) => void = () => undefined;
    vi.spyOn(api.tasks.comments, 'list').mockImplementation(() => new Promise((r) => (answer = r)));
    const s = new CommentsStore(WS, 't');
    const reading = s.more();
    s.handleEvent(created(comment('new', 9)));
    answer([comment('a', 1)]);
    await reading;
    expect(ids(s)).toEqual(['a', 'new']);
  });

  it('reads the pages again after a reconnection', async () => {
    const all = [comment('a', 1), comment('b', 2), comment('c', 3)];
    const list = serve(all);
    const s = new CommentsStore(WS, 't', 2);
    await s.more();
    // While away: a deleted, d written.
    all.splice(0, 1);
    all.push(comment('d', 4));
    s.handleEvent({ type: 'hello', workspace_id: '', seq: 0, data: {} });
    await vi.waitFor(() => expect(ids(s)).toEqual(['b', 'c']));
    expect(list).toHaveBeenCalledTimes(2);
    expect(s.getState()).toMatchObject({ cursor: 'c', complete: false });
  });
});

describe('writing', () => {
  it('posts, edits and deletes, showing each answer at once', async () => {
    serve([]);
    const s = new CommentsStore(WS, 't');
    await s.more();
    const mine = comment('m', 5, { author_id: 'me', body: '**Oui**' });
    const create = vi.spyOn(api.tasks.comments, 'create').mockResolvedValue(mine);
    await s.post('**Oui**');
    expect(create).toHaveBeenCalledWith('t', '**Oui**');
    // Its event changes nothing more.
    s.handleEvent(created(mine));
    expect(ids(s)).toEqual(['m']);

    const edited = { ...mine, body: 'Non', edited_at: '2026-12-01T10:00:00.000Z' };
    vi.spyOn(api.tasks.comments, 'update').mockResolvedValue(edited);
    await s.edit('m', 'Non');
    expect(s.getState().comments[0]?.body).toBe('Non');

    // Gone already: not an error.
    vi.spyOn(api.tasks.comments, 'remove').mockRejectedValue(new ApiError(404, 'not_found', 'x'));
    await s.remove('m');
    expect(ids(s)).toEqual([]);
  });

  it('throws a refusal on, changing nothing', async () => {
    serve([comment('a', 1)]);
    const s = new CommentsStore(WS, 't');
    await s.more();
    vi.spyOn(api.tasks.comments, 'update').mockRejectedValue(
      new ApiError(403, 'not_author', 'not yours'),
    );
    await expect(s.edit('a', 'x')).rejects.toMatchObject({ code: 'not_author' });
    expect(s.getState().comments[0]?.body).toBe('Commentaire a');
  });
});
