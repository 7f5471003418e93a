// One task on the board: its title (opens its details), labels, assignees,
// due date, whether it waits for an unfinished task, how far its checklist
// is ("3/5") and how many comments it has. Writers drag it, or move it from
// the keyboard (Alt+arrows on the card, or its up and down buttons). In an
// armoured workspace, a card that does not open says why.
import { useId, type DragEvent, type KeyboardEvent } from 'react';
import type { Task } from '../../../api';
import { Tag } from '../../../components/Feedback';
import { Icon, type IconName } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useChecklist, useTasks, type MoveDirection } from '../context';
import { openedOf } from '../sealed';
import { progressOf } from '../logic/checklist';
import { Assignees } from './Assignees';
import { DueDate } from './DueDate';

/** What a drag carries: the task's id. */
export const TASK_DRAG_TYPE = 'application/x-ruche-task';

const KEY_MOVES: Record<string, MoveDirection> = {
  ArrowUp: 'up',
  ArrowDown: 'down',
  ArrowLeft: 'left',
  ArrowRight: 'right',
};

export function TaskCard({
  task,
  blocked,
  now,
  selected,
  first,
  last,
  dragging,
  dropBefore,
  onDragStart,
  onDragEnd,
}: {
  task: Task;
  blocked: boolean;
  now: Date;
  selected: boolean;
  /** First or last of its column as shown: it cannot move up (or down). */
  first: boolean;
  last: boolean;
  dragging: boolean;
  /** A dragged task would land just before this one. */
  dropBefore: boolean;
  onDragStart(id: string): void;
  onDragEnd(): void;
}) {
  const { t } = useI18n();
  const { canWrite, openTask, move, titleOf } = useTasks();
  const metaId = useId();
  const done = task.status === 'done';
  const title = titleOf(task);
  const card = openedOf(task)?.card;

  const onKeyDown = (e: KeyboardEvent) => {
    const dir = KEY_MOVES[e.key];
    if (!canWrite || !dir || !e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    void move(task, dir);
  };

  const startDrag = (e: DragEvent) => {
    e.dataTransfer.setData(TASK_DRAG_TYPE, task.id);
    e.dataTransfer.setData('text/plain', title);
    e.dataTransfer.effectAllowed = 'move';
    onDragStart(task.id);
  };

  const cls = [
    'task-card',
    selected ? 'task-card--selected' : '',
    dragging ? 'task-card--dragging' : '',
    dropBefore ? 'task-card--drop-before' : '',
    done ? 'task-card--done' : '',
    card && card.kind !== 'open' ? `task-card--sealed task-card--${card.kind}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <li
      className={cls}
      data-task-id={task.id}
      draggable={canWrite}
      onDragStart={canWrite ? startDrag : undefined}
      onDragEnd={canWrite ? onDragEnd : undefined}
    >
      <button
        type="button"
        className="task-card__open"
        data-control="open"
        aria-describedby={metaId}
        aria-current={selected || undefined}
        onClick={() => openTask(task.id)}
        onKeyDown={onKeyDown}
      >
        {title}
      </button>
      <div className="task-card__meta" id={metaId}>
        {blocked ? (
          <span className="task-blocked" title={t('tasks.blocked_hint')}>
            <Icon name="lock" size={14} />
            {t('tasks.blocked')}
            <span className="visually-hidden">: {t('tasks.blocked_hint')}</span>
          </span>
        ) : null}
        {task.labels.map((l) => (
          <Tag key={l}>{l}</Tag>
        ))}
        <DueDate due={task.due} done={done} now={now} />
        <ChecklistBadge task={task} />
        {task.comment_count > 0 ? (
          <CardBadge
            kind="comments"
            icon="chat"
            text={String(task.comment_count)}
            label={t('tasks.comments_count', { count: task.comment_count })}
          />
        ) : null}
        <Assignees ids={task.assignee_ids} />
      </div>
      {canWrite ? (
        <div className="task-card__moves">
          <button
            type="button"
            className="icon-btn"
            data-control="up"
            disabled={first}
            aria-label={t('tasks.move_up_named', { title })}
            title={t('tasks.move_up')}
            onClick={() => void move(task, 'up')}
          >
            <Icon name="arrowUp" size={16} />
          </button>
          <button
            type="button"
            className="icon-btn"
            data-control="down"
            disabled={last}
            aria-label={t('tasks.move_down_named', { title })}
            title={t('tasks.move_down')}
            onClick={() => void move(task, 'down')}
          >
            <Icon name="arrowDown" size={16} />
          </button>
        </div>
      ) : null}
    </li>
  );
}

/** "3/5": the items of its checklist done (none: no badge). */
function ChecklistBadge({ task }: { task: Task }) {
  const { t } = useI18n();
  const { done, total } = progressOf(useChecklist(task));
  if (total === 0) return null;
  return (
    <CardBadge
      kind="checklist"
      icon="check"
      text={`${done}/${total}`}
      label={t('tasks.checklist_badge', { count: done, total })}
      complete={done === total}
    />
  );
}

/** A short figure on a card, said in full to screen readers (and on hover). */
function CardBadge({
  kind,
  icon,
  text,
  label,
  complete = false,
}: {
  kind: string;
  icon: IconName;
  text: string;
  label: string;
  /** Shown as done (every item of a checklist ticked). */
  complete?: boolean;
}) {
  return (
    <span
      className={`task-badge task-badge--${kind}${complete ? ' task-badge--complete' : ''}`}
      title={label}
    >
      <Icon name={icon} size={14} />
      <span aria-hidden="true">{text}</span>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}
