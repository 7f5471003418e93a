// The board: three columns (to do, doing, done) with their counts, the
// tasks as the filters show them. Writers drag a card (HTML5 drag and drop)
// within a column or to another one; where it would land shows as a line.
import { useId, useState, type DragEvent } from 'react';
import { TASK_STATUSES, type Task, type TaskStatus } from '../../../api';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useTasks, useTasksState } from '../context';
import { isBlocked } from '../logic/board';
import { useNow } from '../hooks';
import { TASK_DRAG_TYPE, TaskCard } from './TaskCard';

/** Where a dragged task would land: before a task of a column, or at its end (null). */
interface DropTarget {
  status: TaskStatus;
  before: string | null;
}

export function Board({
  selected,
  filtered,
  onDrop,
}: {
  selected: string | null;
  /** Some tasks are hidden by the filters. */
  filtered: boolean;
  onDrop(id: string, status: TaskStatus, before: string | null): void;
}) {
  const { t } = useI18n();
  const { columns } = useTasks();
  const board = useTasksState((s) => s.board);
  const now = useNow();
  const hintId = useId();
  const [dragging, setDragging] = useState<string | null>(null);
  const [target, setTarget] = useState<DropTarget | null>(null);

  const end = () => {
    setDragging(null);
    setTarget(null);
  };

  return (
    <div
      className="tasks-board"
      role="group"
      aria-label={t('tasks.board')}
      aria-describedby={hintId}
    >
      <p id={hintId} className="visually-hidden">
        {t('tasks.board_hint')}
      </p>
      {TASK_STATUSES.map((status) => (
        <Column
          key={status}
          status={status}
          tasks={columns[status]}
          total={board.columns[status].length}
          filtered={filtered}
          selected={selected}
          now={now}
          blocked={(task) => isBlocked(board, task)}
          dragging={dragging}
          target={target?.status === status ? target : null}
          onDragStart={setDragging}
          onDragEnd={end}
          onTarget={setTarget}
          onDrop={(id, before) => {
            end();
            onDrop(id, status, before);
          }}
        />
      ))}
    </div>
  );
}

/** The card the pointer is above the middle of (the dragged one aside), or null: the end. */
function beforeAt(list: HTMLElement, y: number, dragging: string | null): string | null {
  for (const el of list.querySelectorAll<HTMLElement>('[data-task-id]')) {
    const id = el.dataset.taskId ?? '';
    if (id === dragging) continue;
    const r = el.getBoundingClientRect();
    if (y < r.top + r.height / 2) return id;
  }
  return null;
}

function Column({
  status,
  tasks,
  total,
  filtered,
  selected,
  now,
  blocked,
  dragging,
  target,
  onDragStart,
  onDragEnd,
  onTarget,
  onDrop,
}: {
  status: TaskStatus;
  tasks: readonly Task[];
  total: number;
  filtered: boolean;
  selected: string | null;
  now: Date;
  blocked(task: Task): boolean;
  dragging: string | null;
  target: DropTarget | null;
  onDragStart(id: string): void;
  onDragEnd(): void;
  onTarget(t: DropTarget | null): void;
  onDrop(id: string, before: string | null): void;
}) {
  const { t } = useI18n();
  const { canWrite, sealBlocked, newTask } = useTasks();
  const headingId = useId();
  const name = t(`tasks.status.${status}`);
  const count = tasks.length;

  const isTaskDrag = (e: DragEvent) =>
    canWrite && (dragging !== null || e.dataTransfer.types.includes(TASK_DRAG_TYPE));

  const over = (e: DragEvent<HTMLElement>) => {
    if (!isTaskDrag(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    const list = e.currentTarget.querySelector<HTMLElement>('.tasks-column__list');
    const before = list ? beforeAt(list, e.clientY, dragging) : null;
    if (target?.before !== before || target.status !== status) onTarget({ status, before });
  };

  const leave = (e: DragEvent<HTMLElement>) => {
    const to = e.relatedTarget as Node | null;
    if (to && e.currentTarget.contains(to)) return;
    if (target) onTarget(null);
  };

  const drop = (e: DragEvent<HTMLElement>) => {
    if (!isTaskDrag(e)) return;
    e.preventDefault();
    const id = e.dataTransfer.getData(TASK_DRAG_TYPE) || dragging;
    const list = e.currentTarget.querySelector<HTMLElement>('.tasks-column__list');
    const before = list ? beforeAt(list, e.clientY, id) : null;
    if (id) onDrop(id, before);
    else onDragEnd();
  };

  return (
    <section
      className={target ? 'tasks-column tasks-column--target' : 'tasks-column'}
      aria-labelledby={headingId}
      data-status={status}
      onDragOver={over}
      onDragLeave={leave}
      onDrop={drop}
    >
      <header className="tasks-column__head">
        <h2 id={headingId} className="tasks-column__title">
          {name}
        </h2>
        <span className="tasks-column__count" title={t('tasks.count', { count })}>
          <span aria-hidden="true">{filtered ? `${count}/${total}` : count}</span>
          <span className="visually-hidden">{t('tasks.count', { count })}</span>
        </span>
        {canWrite ? (
          <button
            type="button"
            className="icon-btn tasks-column__add"
            aria-label={t('tasks.new_in', { column: name })}
            title={sealBlocked ?? t('tasks.new_in', { column: name })}
            disabled={!!sealBlocked}
            onClick={() => newTask(status)}
          >
            <Icon name="plus" size={18} />
          </button>
        ) : null}
      </header>
      <ol className="tasks-column__list" aria-labelledby={headingId}>
        {tasks.map((task, i) => (
          <TaskCard
            key={task.id}
            task={task}
            blocked={blocked(task)}
            now={now}
            selected={task.id === selected}
            first={i === 0}
            last={i === tasks.length - 1}
            dragging={task.id === dragging}
            dropBefore={target?.before === task.id}
            onDragStart={onDragStart}
            onDragEnd={onDragEnd}
          />
        ))}
      </ol>
      {target && target.before === null ? <div className="tasks-column__drop-end" /> : null}
      {count === 0 ? (
        <p className="tasks-column__empty">
          {filtered && total > 0 ? t('tasks.column_filtered') : t('tasks.column_empty')}
        </p>
      ) : null}
    </section>
  );
}
