// /w/:id/tasks and /w/:id/tasks/:tid: a workspace's task board, a task's
// details beside it. One TasksScreen stays mounted while the person opens
// tasks (the route's stableKey), with its store and live subscriptions.
// Armoured workspaces open behind the armour gate (the person's keys are
// unlocked first); their tasks are opened and sealed in the browser
// (sealed.ts), and the filters work on what it opened.
import '../../styles/modules/tasks.css';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import {
  TASK_STATUSES,
  isApiError,
  type Me,
  type Task,
  type TaskStatus,
  type Workspace,
} from '../../api';
import type { PageProps } from '../../app/routes';
import { GateIfArmoured } from '../../armour/ArmourGate';
import { workspaceKeys } from '../../armour/keys';
import { KeysStatus } from '../../armour/KeysStatus';
import { useBranding } from '../../branding';
import { Button } from '../../components/Button';
import { Alert, EmptyState, Spinner } from '../../components/Feedback';
import { useI18n } from '../../i18n';
import { Page } from '../../layout/Page';
import { canManage } from '../../layout/Sidebar';
import { useToast } from '../../notifications/toasts';
import { ModuleGate, ModuleOff } from '../../pages/ModuleGate';
import { navigate, useSearchParams } from '../../router/router';
import { useMe } from '../../session';
import { Board } from './components/Board';
import { Filters } from './components/Filters';
import { NewTaskDialog } from './components/NewTaskDialog';
import { SealedBadge, useTitleOf } from './components/Sealed';
import { TaskPane } from './components/TaskPane';
import {
  TasksProvider,
  useSealBlocked,
  useTasksErrorText,
  type MoveDirection,
  type TasksContextValue,
} from './context';
import {
  NO_FILTER,
  filtered,
  isFiltered,
  labelsOf,
  type Place,
  type TaskFilter,
} from './logic/board';
import { taskPath } from './paths';
import { TasksArmour } from './sealed';
import { TasksStore, taskPeople } from './store';

export default function TasksPage({ params }: PageProps) {
  const me = useMe();
  return (
    <ModuleGate workspaceId={params.id ?? ''} module="tasks">
      {(w) => (
        <GateIfArmoured workspace={w} userId={me.id}>
          <TasksScreen key={w.id} workspace={w} me={me} taskId={params.tid ?? null} />
        </GateIfArmoured>
      )}
    </ModuleGate>
  );
}

/** The store of a screen: armoured, with the workspace's key manager. */
function storeOf(workspace: Workspace, me: Me): TasksStore {
  const armour = workspace.armoured
    ? new TasksArmour(workspace.id, workspaceKeys(workspace.id, me.id))
    : null;
  return new TasksStore(workspace.id, me.id, undefined, armour);
}

/**
 * The card of a task gets the focus back on one of its controls (or its
 * title): a keyboard move re-renders it, closing its details leaves it.
 */
function refocus(id: string, control: string | null) {
  requestAnimationFrame(() => {
    const card = document.querySelector(`[data-task-id="${CSS.escape(id)}"]`);
    const again = control
      ? card?.querySelector<HTMLButtonElement>(`[data-control="${control}"]`)
      : null;
    (again && !again.disabled
      ? again
      : card?.querySelector<HTMLElement>('.task-card__open')
    )?.focus();
  });
}

export function TasksScreen({
  workspace,
  me,
  taskId,
}: {
  workspace: Workspace;
  me: Me;
  taskId: string | null;
}) {
  const { t, locale } = useI18n();
  const { branding } = useBranding();
  const { toast } = useToast();
  const errorText = useTasksErrorText();
  const ws = workspace.id;
  const [store] = useState(() => storeOf(workspace, me));
  const board = useSyncExternalStore(store.subscribe, () => store.getState().board);
  const loaded = useSyncExternalStore(store.subscribe, () => store.getState().loaded);
  const failed = useSyncExternalStore(store.subscribe, () => store.getState().failed);
  const right = useSyncExternalStore(store.subscribe, () => store.getState().right);
  const archived = useSyncExternalStore(store.subscribe, () => store.getState().archived);
  const rightLoaded = useSyncExternalStore(store.subscribe, () => store.getState().rightLoaded);
  const members = useSyncExternalStore(store.subscribe, () => store.getState().members);
  // A person asked for in the address (a report's table links here).
  const asked = useSearchParams().get('assignee');
  const [filter, setFilter] = useState<TaskFilter>(() =>
    asked ? { ...NO_FILTER, assignee: asked } : NO_FILTER,
  );
  // Another person asked for while the board is open (the address
  // changed): taken in as the address changes, during render.
  const [askedBefore, setAskedBefore] = useState(asked);
  if (asked !== askedBefore) {
    setAskedBefore(asked);
    if (asked) setFilter((f) => ({ ...f, assignee: asked }));
  }
  const [creating, setCreating] = useState<TaskStatus | null>(null);
  const [announced, setAnnounced] = useState('');
  const keys = store.armour?.keys ?? null;
  const sealBlocked = useSealBlocked(keys);
  const titleOf = useTitleOf();

  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);

  const columns = useMemo(
    () => ({
      todo: filtered(board.columns.todo, filter),
      doing: filtered(board.columns.doing, filter),
      done: filtered(board.columns.done, filter),
    }),
    [board.columns, filter],
  );
  const labels = useMemo(() => labelsOf(board, locale), [board, locale]);
  const people = useMemo(() => taskPeople(members), [members]);
  const names = useMemo(() => new Map(members.map((m) => [m.user_id, m.name])), [members]);
  const formerMember = t('tasks.former_member');
  const nameOf = useCallback((id: string) => names.get(id) ?? formerMember, [names, formerMember]);
  // A mention in a comment: the person's name, the reader's own highlighted.
  const mentionView = useCallback(
    (id: string) => {
      const name = names.get(id);
      return name ? { name, me: id === me.id } : null;
    },
    [names, me.id],
  );
  const canWrite = right === 'write' && !archived && !workspace.archived;

  const openTask = useCallback((id: string | null) => navigate(taskPath(ws, id)), [ws]);

  /** Says where a task landed, for screen readers. */
  const announce = useCallback(
    (id: string) => {
      const task = store.getState().board.byId[id];
      if (!task) return;
      const list = filtered(store.getState().board.columns[task.status], filter);
      setAnnounced(
        t('tasks.moved', {
          title: titleOf(task),
          column: t(`tasks.status.${task.status}`),
          position: list.findIndex((x) => x.id === id) + 1,
          count: list.length,
        }),
      );
    },
    [store, filter, t, titleOf],
  );

  const moveTo = useCallback(
    async (id: string, status: TaskStatus, place: Place, control: string | null) => {
      const p = store.move(id, status, place);
      if (control !== null) refocus(id, control);
      try {
        await p;
        announce(id);
      } catch (e) {
        toast({ kind: 'error', title: errorText(e) });
        if (control !== null) refocus(id, control);
      }
    },
    [store, announce, toast, errorText],
  );

  const move = useCallback(
    async (task: Task, dir: MoveDirection) => {
      const active = document.activeElement;
      const onCard = active?.closest('[data-task-id]')?.getAttribute('data-task-id') === task.id;
      const control = onCard ? (active?.getAttribute('data-control') ?? '') : null;
      const list = columns[task.status];
      const i = list.findIndex((x) => x.id === task.id);
      if (dir === 'up' || dir === 'down') {
        const neighbour = list[dir === 'up' ? i - 1 : i + 1];
        if (i < 0 || !neighbour) return;
        const place = dir === 'up' ? { before: neighbour.id } : { after: neighbour.id };
        await moveTo(task.id, task.status, place, control);
      } else {
        const status =
          TASK_STATUSES[TASK_STATUSES.indexOf(task.status) + (dir === 'left' ? -1 : 1)];
        if (!status) return;
        await moveTo(task.id, status, {}, control);
      }
    },
    [columns, moveTo],
  );

  const drop = useCallback(
    (id: string, status: TaskStatus, before: string | null) =>
      void moveTo(id, status, { before }, null),
    [moveTo],
  );

  const ctx: TasksContextValue = useMemo(
    () => ({
      store,
      workspace,
      me,
      canWrite,
      canManage: canManage(workspace),
      sealBlocked,
      titleOf,
      people,
      nameOf,
      mentionView,
      openTask,
      newTask: setCreating,
      columns,
      move,
    }),
    [
      store,
      workspace,
      me,
      canWrite,
      sealBlocked,
      titleOf,
      people,
      nameOf,
      mentionView,
      openTask,
      columns,
      move,
    ],
  );

  const task = taskId ? board.byId[taskId] : undefined;
  const title = task ? titleOf(task) : t('module.tasks.name');
  useEffect(() => {
    document.title = `${title} · ${t('module.tasks.name')} · ${branding.instance_name}`;
  }, [title, t, branding.instance_name]);

  /** "New task", or why not now (armoured: the current key not received yet). */
  const newTaskButton = (
    <Button
      variant="primary"
      icon="plus"
      onClick={() => setCreating('todo')}
      disabled={!!sealBlocked}
      title={sealBlocked ?? undefined}
    >
      {t('tasks.new')}
    </Button>
  );

  const total = Object.keys(board.byId).length;
  let body;
  if (failed && isApiError(failed) && failed.status === 404) {
    body = <ModuleOff workspace={workspace} />;
  } else if (failed && total === 0) {
    body = (
      <Alert kind="error" title={t('tasks.load_failed')}>
        <Button size="sm" onClick={() => void store.load()}>
          {t('conn.retry')}
        </Button>
      </Alert>
    );
  } else if (!loaded) {
    body = <Spinner label={t('common.loading')} />;
  } else if (total === 0 && !taskId) {
    body = (
      <EmptyState
        icon="tasks"
        title={t('tasks.empty_title')}
        action={canWrite ? newTaskButton : null}
      >
        {canWrite ? t('tasks.empty_body') : t('tasks.empty_read')}
      </EmptyState>
    );
  } else {
    body = (
      <>
        <Filters filter={filter} onChange={setFilter} labels={labels} people={people} me={me.id} />
        <div className={taskId ? 'tasks-body tasks-body--with-pane' : 'tasks-body'}>
          <Board selected={taskId} filtered={isFiltered(filter)} onDrop={drop} />
          {taskId ? (
            <TaskPane
              id={taskId}
              onClose={() => {
                openTask(null);
                refocus(taskId, null);
              }}
            />
          ) : null}
        </div>
      </>
    );
  }

  return (
    <TasksProvider value={ctx}>
      <div className="tasks">
        <Page
          title={t('module.tasks.name')}
          subtitle={workspace.name}
          actions={canWrite && total > 0 ? newTaskButton : null}
        >
          {keys ? <KeysStatus keys={keys} nameOf={nameOf} className="tasks-keys" /> : null}
          {workspace.armoured ? <SealedBadge /> : null}
          {rightLoaded && loaded && !failed && !canWrite ? (
            <p className="tasks-readonly">
              {archived || workspace.archived ? t('error.archived') : t('tasks.read_only')}
            </p>
          ) : null}
          {body}
          <p className="visually-hidden" aria-live="polite">
            {announced}
          </p>
        </Page>
        {creating ? <NewTaskDialog status={creating} onClose={() => setCreating(null)} /> : null}
      </div>
    </TasksProvider>
  );
}
