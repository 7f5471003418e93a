// "Mes tâches" on the workspaces page: the caller's open tasks in every
// workspace (GET /me/tasks, to do and doing), the soonest due first, each a
// link to its board; kept fresh by the live task events. Shown by the
// workspaces page where a workspace has tasks; nothing if they cannot be read.
// A task of an armoured workspace shows its title once this tab's keys are
// unlocked (opened here, docs/armoured.md, "Tasks"), "Encrypted task" before.
import '../../../styles/modules/tasks.css';
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { api, type Task } from '../../../api';
import { useArmourText } from '../../../armour/i18n';
import { identity } from '../../../armour/identity';
import { workspaceKeys } from '../../../armour/keys';
import { Tag } from '../../../components/Feedback';
import { useEvent } from '../../../events';
import { useI18n } from '../../../i18n';
import { Section } from '../../../layout/Page';
import { Link } from '../../../router/router';
import { useMe } from '../../../session';
import { useAsync } from '../../../util/useAsync';
import { useWorkspaces } from '../../../workspaces';
import { useNow } from '../hooks';
import { bySoonestDue } from '../logic/due';
import { DueDate } from './DueDate';
import { taskPath } from '../paths';

/** Tasks listed; the rest are counted. */
export const MY_TASKS_SHOWN = 8;
const LIMIT = 200;

const OPEN = ['todo', 'doing'] as const;

async function openTasks() {
  // The server's order is by instant; a date alone is a local day here.
  return (await api.tasks.mine({ status: OPEN, limit: LIMIT })).sort(bySoonestDue);
}

export default function MyTasks() {
  const { t } = useI18n();
  const { workspaces } = useWorkspaces();
  const now = useNow();
  const { data: tasks, reload } = useAsync(openTasks, []);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  // Bursts of changes cause one reading.
  useEvent('task.*', () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      void reload();
    }, 300);
  });

  if (!tasks) return null;
  const names = new Map(workspaces.map((w) => [w.id, w.name]));
  const shown = tasks.filter((x) => names.has(x.workspace_id));
  const more = shown.length - MY_TASKS_SHOWN;
  return (
    <Section title={t('tasks.mine_title')} id="my-tasks">
      {shown.length === 0 ? (
        <p className="muted">{t('tasks.mine_empty')}</p>
      ) : (
        <ul className="my-tasks">
          {shown.slice(0, MY_TASKS_SHOWN).map((x) => (
            <li key={x.id} className="my-tasks__item">
              <Link to={taskPath(x.workspace_id, x.id)} className="my-tasks__title">
                {x.sealed ? <SealedTitle task={x} /> : x.title}
              </Link>
              <span className="my-tasks__meta">
                <span className="muted">{names.get(x.workspace_id)}</span>
                <Tag>{t(`tasks.status.${x.status}`)}</Tag>
                <DueDate due={x.due} done={false} now={now} />
              </span>
            </li>
          ))}
        </ul>
      )}
      {more > 0 ? <p className="muted">{t('tasks.mine_more', { count: more })}</p> : null}
    </Section>
  );
}

const never = () => () => undefined;

/** An armoured task's title: opened with the workspace's keys once they are unlocked here. */
function SealedTitle({ task }: { task: Task }) {
  const ta = useArmourText();
  const me = useMe().id;
  const unlocked = useSyncExternalStore(identity.subscribe, () => identity.secrets(me) !== null);
  const keys = useMemo(
    () => (unlocked ? workspaceKeys(task.workspace_id, me) : null),
    [unlocked, task.workspace_id, me],
  );
  // Keys coming (or trusted) open what did not: shown again when they change.
  useSyncExternalStore(keys ? keys.subscribe : never, () => (keys ? keys.getState().version : 0));
  const card =
    keys && task.token && task.sealed && task.sealed_by
      ? keys.openTaskCard(task.token, task.sealed, task.sealed_by)
      : null;
  return card?.kind === 'open' ? card.value.title : `🔒 ${ta('tasks.sealed_title')}`;
}
