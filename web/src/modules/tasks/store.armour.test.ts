// The tasks store of an armoured workspace (docs/armoured.md, "Tasks"),
// against a fake server and Alice's real keys: the board shows what her
// browser opened (and filters it), new tasks, changes, checklist texts and
// comments leave sealed, a stale key seals again once, live events are
// opened as they come, and what waited for the keys opens when they come.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  api,
  ApiError,
  type ChecklistItem,
  type NewTask,
  type SealedNewTask,
  type SealedTaskChange,
  type Task,
  type TaskComment,
} from '../../api';
import sodium from 'libsodium-wrappers-sumo';
import { createIdentity, rememberVerified, type CreatedIdentity } from '../../armour/crypto';
import { CHECK_AHEAD_MIN, WorkspaceKeys } from '../../armour/keys';
import { loadCrypto } from '../../armour/load';
import { TrustStore } from '../../armour/trust';
import { ALICE, WS, signaturesCheckedHere, soloKeys, soloServer } from '../../test/soloKeyServer';
import { CommentsStore } from './comments';
import { NO_FILTER, filtered } from './logic/board';
import { task, taskEvent } from './logic/fixtures.test-util';
import { TasksArmour, commentState, itemState, openedOf } from './sealed';
import { TasksStore, checklistOf } from './store';

const NOW = new Date('2026-12-01T09:00:00Z');
const TOKEN = 'q5e0VJk3n1Zr7aQmYyH9xA';

let alice: CreatedIdentity;
let keys: WorkspaceKeys;
let server: ReturnType<typeof soloServer>;
let armour: TasksArmour;

beforeAll(async () => {
  await loadCrypto();
  alice = createIdentity(ALICE, 'alice passphrase');
});

beforeEach(async () => {
  ({ keys, server } = await soloKeys(alice));
  armour = new TasksArmour(WS, keys);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A task of the workspace as the server lists it: its card sealed by Alice, nothing in clear. */
async function sealedTask(
  id: string,
  card: { title: string; description?: string; labels?: string[] },
  o: Partial<Task> = {},
  items: string[] = [],
): Promise<Task> {
  const token = o.token ?? (await keys.newToken());
  const b = await armour.sealNew({ ...card, checklist: items.map((text) => ({ text })) }, token);
  return task(id, {
    workspace_id: WS,
    title: '',
    description: '',
    labels: [],
    token,
    sealed: b.sealed,
    sealed_by: ALICE,
    checklist: (b.checklist ?? []).map((x, i) => item(`${id}-i${i}`, x.text, i)),
    ...o,
  });
}

const item = (id: string, text: string, position = 0): ChecklistItem => ({
  id,
  text,
  text_by: ALICE,
  done: false,
  position,
  done_by: null,
  done_at: null,
});

const newStore = () => new TasksStore(WS, ALICE, () => NOW, armour);

async function loaded(tasks: Task[]) {
  vi.spyOn(api.tasks, 'list').mockResolvedValue(tasks);
  const s = newStore();
  await s.load();
  return s;
}

describe('the board of an armoured workspace', () => {
  it('checks a first visit’s signatures, cards and items, in one request elsewhere, then opens them without checking again', async () => {
    const workers = signaturesCheckedHere(alice);
    try {
      const check = workers.check;
      ({ keys, server } = await soloKeys(alice, {}, workers));
      armour = new TasksArmour(WS, keys);
      const tasks: Task[] = [];
      for (let i = 0; i < CHECK_AHEAD_MIN; i++)
        tasks.push(await sealedTask(`t${i}`, { title: `Tâche ${i}` }, {}, [`point ${i}`]));
      const signatureChecks = vi.spyOn(sodium, 'crypto_sign_verify_detached');
      const s = await loaded(tasks);
      expect(check).toHaveBeenCalledTimes(1);
      expect(check.mock.calls[0]?.[0]).toHaveLength(2 * CHECK_AHEAD_MIN);
      expect(signatureChecks).not.toHaveBeenCalled();
      const t = s.getState().board.byId.t7 as Task;
      expect(t.title).toBe('Tâche 7');
      expect(t.checklist.map((x) => x.text)).toEqual(['point 7']);
      expect(openedOf(t)?.verified).toBe(true);
    } finally {
      rememberVerified(null, null);
    }
  });

  it('shows the titles, descriptions, labels and items opened here', async () => {
    const s = await loaded([
      await sealedTask(
        'a',
        { title: 'Budget confidentiel', description: 'les **chiffres**', labels: ['direction'] },
        {},
        ['chiffrer'],
      ),
    ]);
    const a = s.getState().board.byId.a as Task;
    expect(a).toMatchObject({
      title: 'Budget confidentiel',
      description: 'les **chiffres**',
      labels: ['direction'],
    });
    expect(a.checklist.map((x) => x.text)).toEqual(['chiffrer']);
    expect(openedOf(a)?.verified).toBe(true);
  });

  it('filters on what it opened (the server cannot filter sealed labels)', async () => {
    const s = await loaded([
      await sealedTask(
        'a',
        { title: 'Budget confidentiel', labels: ['direction'] },
        { position: 1 },
      ),
      await sealedTask('b', { title: 'Relire le contrat', labels: ['juridique'] }, { position: 2 }),
    ]);
    const todo = s.getState().board.columns.todo;
    const ids = (f: Partial<typeof NO_FILTER>) =>
      filtered(todo, { ...NO_FILTER, ...f }).map((t) => t.id);
    expect(ids({ label: 'juridique' })).toEqual(['b']);
    expect(ids({ text: 'budget' })).toEqual(['a']);
    expect(ids({ text: 'e2e1' })).toEqual([]);
  });

  it('opens live events as they come: a new card from another browser, a task created', async () => {
    const a = await sealedTask('a', { title: 'Budget' });
    const s = await loaded([a]);
    const changed = await armour.sealChange(s.getState().board.byId.a as Task, {
      title: 'Budget 2027',
    });
    s.handleEvent(taskEvent('task.updated', { ...a, sealed: changed.sealed, version: 2 }, WS));
    expect(s.getState().board.byId.a?.title).toBe('Budget 2027');
    s.handleEvent(taskEvent('task.created', await sealedTask('b', { title: 'Nouveau' }), WS));
    expect(s.getState().board.byId.b?.title).toBe('Nouveau');
  });

  it('a task that does not open keeps its place on the board, and says why', async () => {
    const s = await loaded([await sealedTask('a', { title: 'Budget' }, { sealed_by: 'bob' })]);
    const a = s.getState().board.byId.a as Task;
    expect(a.title).toBe('');
    expect(openedOf(a)?.card.kind).toBe('unreadable');
    expect(s.getState().board.columns.todo.map((t) => t.id)).toEqual(['a']);
  });

  it('opens what waited for the keys once they come', async () => {
    const a = await sealedTask('a', { title: 'Budget' }, {}, ['chiffrer']);
    // Another tab of Alice's, its keys not synchronised yet.
    const later = new WorkspaceKeys(
      WS,
      ALICE,
      server,
      { secrets: () => alice.secrets, subscribe: () => () => undefined },
      new TrustStore(ALICE, null),
    );
    const s = new TasksStore(WS, ALICE, () => NOW, new TasksArmour(WS, later));
    vi.spyOn(api.tasks, 'list').mockResolvedValue([a]);
    vi.spyOn(api.workspaces, 'get').mockRejectedValue(new Error('offline'));
    vi.spyOn(api.workspaces, 'members').mockResolvedValue({ members: [], seq: null });
    s.start();
    await vi.waitFor(() => expect(s.getState().loaded).toBe(true));
    expect(openedOf(s.getState().board.byId.a as Task)?.card.kind).toBe('pending');
    await later.sync();
    await vi.waitFor(() => expect(s.getState().board.byId.a?.title).toBe('Budget'));
    expect(s.getState().board.byId.a?.checklist[0]?.text).toBe('chiffrer');
    s.stop();
  });
});

describe('writing in an armoured workspace', () => {
  it('creates a task under a new token, its card and checklist sealed, nothing in clear', async () => {
    const s = await loaded([]);
    const create = vi.spyOn(api.tasks, 'create').mockImplementation(async (_ws, b) => {
      const sealed = b as SealedNewTask;
      return task('n', {
        workspace_id: WS,
        title: '',
        token: sealed.token,
        sealed: sealed.sealed,
        sealed_by: ALICE,
        status: sealed.status ?? 'todo',
        checklist: (sealed.checklist ?? []).map((x, i) => item(`n${i}`, x.text, i)),
      });
    });
    const created = await s.create({
      title: 'Budget confidentiel',
      description: 'les chiffres',
      labels: ['direction'],
      status: 'doing',
      checklist: [{ text: 'chiffrer' }],
    } as NewTask);
    const body = create.mock.calls[0]?.[1] as SealedNewTask;
    expect(Object.keys(body).sort()).toEqual(['checklist', 'sealed', 'status', 'token']);
    expect(JSON.stringify(body)).not.toMatch(/Budget|chiffres|direction|chiffrer/);
    expect(created.title).toBe('Budget confidentiel');
    expect(s.getState().board.byId.n).toMatchObject({
      title: 'Budget confidentiel',
      labels: ['direction'],
      status: 'doing',
    });
    expect(s.getState().board.byId.n?.checklist[0]?.text).toBe('chiffrer');
  });

  it('a new title is a new card with the description and labels as they are; a move is not sealed', async () => {
    const s = await loaded([
      await sealedTask('a', { title: 'Budget', description: 'les chiffres', labels: ['x'] }),
    ]);
    const update = vi.spyOn(api.tasks, 'update').mockImplementation(async (id, change) => {
      const raw = openedOf(s.getState().board.byId[id] as Task)?.raw as Task;
      return { ...raw, ...(change as SealedTaskChange), version: raw.version + 1 } as Task;
    });
    const saved = await s.update('a', { title: 'Budget 2027', due: '2027-01-05' }, 1);
    const sent = update.mock.calls[0]?.[1] as SealedTaskChange;
    expect(Object.keys(sent).sort()).toEqual(['due', 'sealed']);
    expect(update.mock.calls[0]?.[2]).toBe(1);
    expect(saved).toMatchObject({
      title: 'Budget 2027',
      description: 'les chiffres',
      labels: ['x'],
    });
    expect(s.getState().board.byId.a?.title).toBe('Budget 2027');

    await s.move('a', 'doing');
    expect(update.mock.calls[1]?.[1]).toEqual({ status: 'doing', position: 1024 });
    expect(s.getState().board.byId.a).toMatchObject({ status: 'doing', title: 'Budget 2027' });
  });

  it('seals again once when the server says the key moved on', async () => {
    const s = await loaded([await sealedTask('a', { title: 'Budget' })]);
    const sync = vi.spyOn(keys, 'sync');
    const seen: string[] = [];
    vi.spyOn(api.tasks, 'update').mockImplementation(async (_id, change) => {
      const c = change as SealedTaskChange;
      seen.push(c.sealed ?? '');
      if (seen.length === 1) throw new ApiError(409, 'stale_key', 'stale');
      const raw = openedOf(s.getState().board.byId.a as Task)?.raw as Task;
      return { ...raw, sealed: c.sealed, version: 2 };
    });
    await s.update('a', { labels: ['urgent'] });
    expect(sync).toHaveBeenCalledTimes(1);
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
    expect(s.getState().board.byId.a?.labels).toEqual(['urgent']);
  });

  it('a card that does not open here is not replaced; its shape still changes', async () => {
    const s = await loaded([await sealedTask('a', { title: 'Budget' }, { sealed_by: 'bob' })]);
    const update = vi.spyOn(api.tasks, 'update');
    await expect(s.update('a', { title: 'Écrasé' })).rejects.toMatchObject({ code: 'unreadable' });
    expect(update).not.toHaveBeenCalled();
  });

  it('an item’s text is sealed, and shows opened once answered', async () => {
    const a = await sealedTask('a', { title: 'Budget' });
    const s = await loaded([a]);
    const add = vi.spyOn(api.tasks.checklist, 'add').mockImplementation(async (_tid, b) => ({
      value: item('i1', b.text, 1024),
      version: 2,
    }));
    await s.addItem('a', 'relire');
    const sent = add.mock.calls[0]?.[1].text ?? '';
    expect(sent.startsWith('e2e1:1:')).toBe(true);
    const shown = checklistOf(s.getState(), s.getState().board.byId.a as Task);
    expect(shown.map((x) => x.text)).toEqual(['relire']);
    expect(itemState(shown[0] as ChecklistItem)).toEqual({ kind: 'open', verified: true });

    const update = vi
      .spyOn(api.tasks.checklist, 'update')
      .mockImplementation(async (_tid, _id, b) => ({
        value: { ...item('i1', b.text ?? '', 1024), done: !!b.done },
        version: 3,
      }));
    await s.changeItem('a', 'i1', { text: 'relire deux fois' });
    expect(update.mock.calls[0]?.[2].text?.startsWith('e2e1:1:')).toBe(true);
    expect(s.getState().board.byId.a?.checklist[0]?.text).toBe('relire deux fois');
  });
});

describe('comments in an armoured workspace', () => {
  const comment = (id: string, body: string): TaskComment => ({
    id,
    task_id: 'a',
    author_id: ALICE,
    body,
    created_at: `2026-12-01T10:00:0${id.length}Z`,
    edited_at: null,
  });

  it('opens the pages read and the comments heard, and seals what is written', async () => {
    const first = await armour.sealComment(TOKEN, 'Je m’en occupe');
    vi.spyOn(api.tasks.comments, 'list').mockResolvedValue([comment('c1', first)]);
    const create = vi
      .spyOn(api.tasks.comments, 'create')
      .mockImplementation(async (_tid, body) => comment('c22', body));
    const s = new CommentsStore(WS, 'a', 100, { armour, token: TOKEN });
    await s.more();
    expect(s.getState().comments.map((c) => c.body)).toEqual(['Je m’en occupe']);

    const posted = await s.post('C’est **fait**');
    expect(create.mock.calls[0]?.[1].startsWith('e2e1:1:')).toBe(true);
    expect(posted.body).toBe('C’est **fait**');

    // Another task's comment passed off as this one's does not open.
    const elsewhere = await armour.sealComment('Zm9vYmFyYmF6cXV4MTIzNA', 'ailleurs');
    s.handleEvent(taskEvent('task.comment_created', comment('c333', elsewhere), WS));
    const last = s.getState().comments.at(-1) as TaskComment;
    expect(last.body).toBe('');
    expect(commentState(last)?.kind).toBe('bad_signature');
  });

  it('an edit is sealed too', async () => {
    vi.spyOn(api.tasks.comments, 'list').mockResolvedValue([]);
    const update = vi
      .spyOn(api.tasks.comments, 'update')
      .mockImplementation(async (_tid, id, body) => ({
        ...comment(id, body),
        edited_at: NOW.toISOString(),
      }));
    const s = new CommentsStore(WS, 'a', 100, { armour, token: TOKEN });
    await s.more();
    const c = await s.edit('c1', 'corrigé');
    expect(update.mock.calls[0]?.[2].startsWith('e2e1:1:')).toBe(true);
    expect(c.body).toBe('corrigé');
  });
});
