// The task board of an armoured workspace as people use it (docs/armoured.md,
// "Tasks"), with Alice's real keys: cards opened (and a card that does not
// open saying why), the labels filter on what was opened, a new task and a
// comment leaving sealed, a task whose card does not open still moved to
// another column, and nothing sealed while the current key has not come.
import { act } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  api,
  type Me,
  type Member,
  type SealedNewTask,
  type Task,
  type TaskComment,
  type Workspace,
} from '../../api';
import { createIdentity, type CreatedIdentity } from '../../armour/crypto';
import { WorkspaceKeys } from '../../armour/keys';
import { TrustStore } from '../../armour/trust';
import { loadCrypto } from '../../armour/load';
import { BrandingProvider } from '../../branding';
import { ToastProvider } from '../../notifications/toasts';
import { mountPoint, typeInto } from '../../test/mount';
import { ALICE, WS, soloKeys, soloServer } from '../../test/soloKeyServer';
import { task } from './logic/fixtures.test-util';
import { TasksArmour } from './sealed';
import { TasksScreen } from './TasksPage';

/** The key manager the screen gets for the workspace: Alice's, made in beforeEach. */
const current = vi.hoisted(() => ({ keys: null as WorkspaceKeys | null }));
vi.mock('../../armour/keys', async (original) => ({
  ...(await original<typeof import('../../armour/keys')>()),
  workspaceKeys: () => current.keys,
}));

const ui = mountPoint();
const ME = { id: ALICE, name: 'Alice Martin' } as Me;
const WORKSPACE = {
  id: WS,
  name: 'Coffre',
  modules: ['tasks'],
  archived: false,
  armoured: true,
} as Workspace;
const MEMBERS = [
  { user_id: ALICE, name: 'Alice Martin', email: 'a@x', rights: { tasks: 'write' } },
] as unknown as Member[];

let alice: CreatedIdentity;
let keys: WorkspaceKeys;
let server: ReturnType<typeof soloServer>;
let armour: TasksArmour;
let tasks: Task[];
let comments: TaskComment[];

beforeAll(async () => {
  await loadCrypto();
  alice = createIdentity(ALICE, 'alice passphrase');
});

beforeEach(async () => {
  ({ keys, server } = await soloKeys(alice));
  current.keys = keys;
  armour = new TasksArmour(WS, keys);
  comments = [];
  tasks = [
    await sealed('a', { title: 'Budget confidentiel', labels: ['direction'] }, { position: 1 }),
    await sealed('b', { title: 'Relire le contrat', labels: ['juridique'] }, { position: 2 }),
    // Its card is said to be Bob's: it does not open.
    await sealed('c', { title: 'Illisible' }, { position: 3, sealed_by: 'bob' }),
  ];
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A task as the server lists it: its card sealed by Alice, nothing in clear. */
async function sealed(
  id: string,
  card: { title: string; labels?: string[] },
  o: Partial<Task> = {},
): Promise<Task> {
  const token = await keys.newToken();
  const b = await armour.sealNew(card, token);
  return task(id, {
    workspace_id: WS,
    title: '',
    token,
    sealed: b.sealed,
    sealed_by: ALICE,
    ...o,
  });
}

async function show(taskId: string | null = null) {
  vi.spyOn(api.settings, 'public').mockRejectedValue(new Error('offline'));
  vi.spyOn(api.workspaces, 'get').mockResolvedValue({
    ...WORKSPACE,
    role: 'member',
    rights: { tasks: 'write' },
  });
  vi.spyOn(api.workspaces, 'members').mockResolvedValue({ members: MEMBERS, seq: null });
  vi.spyOn(api.tasks, 'list').mockImplementation(async () => tasks);
  vi.spyOn(api.tasks.comments, 'list').mockImplementation(async () => comments);
  await ui.render(
    <BrandingProvider>
      <ToastProvider>
        <TasksScreen workspace={WORKSPACE} me={ME} taskId={taskId} />
      </ToastProvider>
    </BrandingProvider>,
  );
  await vi.waitFor(() => expect(ui.host.querySelector('.tasks-board')).not.toBeNull());
}

const cards = () =>
  [...ui.host.querySelectorAll<HTMLElement>('.task-card__open')].map((b) => b.textContent);
const button = (label: string, within: ParentNode = ui.host) =>
  [...within.querySelectorAll<HTMLButtonElement>('button')].find(
    (b) => b.textContent === label || b.getAttribute('aria-label') === label,
  );
const pane = () => ui.host.querySelector<HTMLElement>('.tasks-pane') ?? ui.host;
const toasts = () => document.querySelector('.toasts')?.textContent ?? '';

function choose(select: HTMLSelectElement, value: string) {
  act(() => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

describe('the board of an armoured workspace', () => {
  it('shows the cards opened, says why one does not open, and marks the board', async () => {
    await show();
    expect(cards()).toEqual(['Budget confidentiel', 'Relire le contrat', '🔒 Unreadable task']);
    expect(ui.host.querySelector('.tasks-armoured')?.textContent).toContain(
      'End-to-end encrypted tasks',
    );
    expect(ui.host.querySelector('.task-card--unreadable')).not.toBeNull();
  });

  it('filters by the labels and words it opened', async () => {
    await show();
    const labels = ui.host.querySelector<HTMLSelectElement>('.tasks-filters__label');
    expect([...(labels?.options ?? [])].map((o) => o.value)).toEqual([
      '',
      'direction',
      'juridique',
    ]);
    choose(labels as HTMLSelectElement, 'juridique');
    expect(cards()).toEqual(['Relire le contrat']);
    choose(labels as HTMLSelectElement, '');
    typeInto(ui.host.querySelector('input[type="search"]') as HTMLInputElement, 'budget');
    expect(cards()).toEqual(['Budget confidentiel']);
  });

  it('creates a task sealed: no title, description or labels in clear', async () => {
    await show();
    const create = vi.spyOn(api.tasks, 'create').mockImplementation(async (_ws, b) => {
      const s = b as SealedNewTask;
      return task('n', {
        workspace_id: WS,
        title: '',
        token: s.token,
        sealed: s.sealed,
        sealed_by: ALICE,
        position: 9,
      });
    });
    act(() => button('New task')?.click());
    const dialog = document.querySelector<HTMLElement>('dialog[open]');
    typeInto(dialog?.querySelector('input') as HTMLInputElement, 'Changer la serrure');
    await act(async () => button('Create the task', dialog ?? undefined)?.click());
    const body = create.mock.calls[0]?.[1] as SealedNewTask;
    expect(Object.keys(body).sort()).toEqual(['sealed', 'status', 'token']);
    expect(body.sealed.startsWith('e2e1:1:')).toBe(true);
    await vi.waitFor(() => expect(cards()).toContain('Changer la serrure'));
    expect(toasts()).toContain('Task “Changer la serrure” created');
  });

  it('a task whose card does not open: no title to change, its status still saves', async () => {
    await show('c');
    expect(pane().querySelector('.tasks-pane__title')?.textContent).toBe('🔒 Unreadable task');
    expect(pane().querySelector('.tasks-pane__sealed')?.textContent).toContain(
      'cannot be changed here',
    );
    const labels = [...pane().querySelectorAll('label')].map((l) => l.textContent);
    expect(labels).not.toContain('Title');
    const update = vi.spyOn(api.tasks, 'update').mockImplementation(async (id, change) => ({
      ...(tasks.find((x) => x.id === id) as Task),
      ...change,
      version: 2,
    }));
    const status = [...pane().querySelectorAll<HTMLSelectElement>('select')].find((s) =>
      [...s.options].some((o) => o.value === 'doing'),
    );
    choose(status as HTMLSelectElement, 'doing');
    await act(async () => button('Save', pane())?.click());
    expect(update).toHaveBeenCalledWith('c', { status: 'doing' }, 1);
  });

  it('opens the comments and seals a new one', async () => {
    comments = [
      {
        id: 'c1',
        task_id: 'a',
        author_id: ALICE,
        body: await keys.sealTaskText('comment', tasks[0]?.token ?? '', 'Je m’en **occupe**'),
        created_at: '2026-12-01T10:00:00Z',
        edited_at: null,
      },
    ];
    await show('a');
    const section = () => pane().querySelector<HTMLElement>('.task-comments') ?? pane();
    await vi.waitFor(() => expect(section().querySelector('strong')?.textContent).toBe('occupe'));
    const create = vi
      .spyOn(api.tasks.comments, 'create')
      .mockImplementation(async (_tid, body) => ({
        id: 'c2',
        task_id: 'a',
        author_id: ALICE,
        body,
        created_at: '2026-12-01T11:00:00Z',
        edited_at: null,
      }));
    typeInto(section().querySelector('textarea') as HTMLTextAreaElement, 'C’est *fait*');
    await act(async () => button('Comment', section())?.click());
    expect(create.mock.calls[0]?.[1].startsWith('e2e1:1:')).toBe(true);
    await vi.waitFor(() => expect(section().querySelector('em')?.textContent).toBe('fait'));
  });

  it('a task opened while the keys load: its fields fill in once they come', async () => {
    // Another tab of Alice's, its keys not synchronised yet.
    const later = new WorkspaceKeys(
      WS,
      ALICE,
      server,
      { secrets: () => alice.secrets, subscribe: () => () => undefined },
      new TrustStore(ALICE, null),
    );
    current.keys = later;
    await show('a');
    expect(pane().querySelector('.tasks-pane__title')?.textContent).toBe('Decrypting…');
    const title = () =>
      [...pane().querySelectorAll<HTMLInputElement>('input')].find(
        (i) => pane().querySelector(`label[for="${i.id}"]`)?.textContent === 'Title',
      );
    expect(title()).toBeUndefined();
    await act(async () => later.sync());
    await vi.waitFor(() => expect(title()?.value).toBe('Budget confidentiel'));
    expect(pane().querySelector('.tasks-pane__title')?.textContent).toBe('Budget confidentiel');
  });

  it('seals nothing while the current key has not come: no new task, no comment', async () => {
    // The workspace moved to generation 2; no member's browser sealed it for Alice yet.
    const waiting = { ...keys.getState(), generation: 2, held: [1] };
    vi.spyOn(keys, 'getState').mockReturnValue(waiting);
    await show('a');
    expect(button('New task')?.disabled).toBe(true);
    expect(ui.host.textContent).toContain('you have not received the current key');
    const section = pane().querySelector<HTMLElement>('.task-comments') ?? pane();
    typeInto(section.querySelector('textarea') as HTMLTextAreaElement, 'Bonjour');
    expect(button('Comment', section)?.disabled).toBe(true);
    // What was sealed before still opens.
    expect(cards()).toContain('Budget confidentiel');
  });
});
