// The open task, beside the board: every field to change (writers; saved
// together, only what changed, at the version it was read: a change made
// elsewhere meanwhile shows, and what the person did not touch follows
// it), or to read (read-only members). Move up and down, delete (asked
// first). Below, its checklist (changed item by item, at once) and its
// comments. In an armoured workspace a task whose card does not open here
// says why, and only its board's shape (status, due date, assignees,
// dependencies) can be changed.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Task } from '../../../api';
import { Avatar } from '../../../components/Avatar';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/Dialog';
import { Alert, Spinner, Tag } from '../../../components/Feedback';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import Markdown from '../../../markdown/SafeHtml';
import { useToast } from '../../../notifications/toasts';
import { useArmourText } from '../../../armour/i18n';
import { useTasks, useTasksErrorText, useTasksState } from '../context';
import { isBlocked, unfinishedBlockers } from '../logic/board';
import { changesOf, draftOf, isChanged, rebased, type Draft } from '../logic/draft';
import { useNow } from '../hooks';
import { cardOpen, changesCard, openedOf } from '../sealed';
import { DueDate } from './DueDate';
import { SealedNote } from './Sealed';
import { TaskChecklist } from './TaskChecklist';
import { TaskComments } from './TaskComments';
import { TaskForm } from './TaskForm';

export function TaskPane({ id, onClose }: { id: string; onClose(): void }) {
  const { t } = useI18n();
  const { canWrite, titleOf } = useTasks();
  const task = useTasksState((s) => s.board.byId[id]);
  const loaded = useTasksState((s) => s.loaded);
  const heading = useRef<HTMLHeadingElement>(null);

  // Opening a task moves the focus to its details.
  useEffect(() => {
    heading.current?.focus();
  }, [id]);

  const title = task ? titleOf(task) : t('module.tasks.name');
  return (
    <aside
      className="tasks-pane"
      aria-label={t('tasks.details_of', { title })}
      onKeyDown={(e) => {
        // Escape closes the details (not while a dialog of theirs is open).
        const field = e.target as HTMLInputElement;
        if (field.type === 'search' && field.value) return; // Escape clears a filter first.
        if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('dialog[open]')) {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <div className="tasks-pane__head">
        <h2 ref={heading} tabIndex={-1} className="tasks-pane__title">
          {task ? title : t('tasks.not_found')}
        </h2>
        <button
          type="button"
          className="icon-btn"
          onClick={onClose}
          aria-label={t('tasks.close')}
          title={t('tasks.close')}
        >
          <Icon name="close" size={18} />
        </button>
      </div>
      {task ? <CardNote task={task} /> : null}
      {!task ? (
        loaded ? null : (
          <Spinner label={t('common.loading')} />
        )
      ) : canWrite ? (
        <TaskEditor key={task.id} task={task} onDeleted={onClose} />
      ) : (
        <TaskView task={task} />
      )}
    </aside>
  );
}

/**
 * Armoured: why its card does not show here (or that its author's keys are
 * not known: not verified), with what can still be changed.
 */
function CardNote({ task }: { task: Task }) {
  const ta = useArmourText();
  const card = openedOf(task)?.card;
  if (!card || (card.kind === 'open' && card.verified)) return null;
  return (
    <div className="tasks-pane__sealed" role="note">
      <SealedNote state={card} what="task" />
      {card.kind === 'unreadable' || card.kind === 'bad_signature' ? (
        <p className="muted">{ta('tasks.card_locked')}</p>
      ) : null}
    </div>
  );
}

/** Whether it waits for an unfinished task, and which (each opens). */
function BlockedNote({ task }: { task: Task }) {
  const { t } = useI18n();
  const { openTask, titleOf } = useTasks();
  const board = useTasksState((s) => s.board);
  if (!isBlocked(board, task)) return null;
  const blockers = unfinishedBlockers(board, task);
  return (
    <div className="tasks-pane__blocked" role="note">
      <p className="task-blocked">
        <Icon name="lock" size={14} />
        {t('tasks.blocked')} — {t('tasks.blocked_hint')}
      </p>
      {blockers.length ? (
        <ul className="tasks-pane__links">
          {blockers.map((b) => (
            <li key={b.id}>
              <button type="button" className="link-btn" onClick={() => openTask(b.id)}>
                {titleOf(b)}
              </button>{' '}
              <span className="muted">({t(`tasks.status.${b.status}`)})</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Tasks named by id, each a link to its details (unknown ones left out). */
function TaskLinks({ ids, none }: { ids: readonly string[]; none: string }) {
  const { t } = useI18n();
  const { openTask, titleOf } = useTasks();
  const byId = useTasksState((s) => s.board.byId);
  const known = ids.map((id) => byId[id]).filter((x): x is Task => !!x);
  if (known.length === 0) return <>{none}</>;
  return (
    <ul className="tasks-pane__links">
      {known.map((x) => (
        <li key={x.id}>
          <button type="button" className="link-btn" onClick={() => openTask(x.id)}>
            {titleOf(x)}
          </button>{' '}
          <span className="muted">({t(`tasks.status.${x.status}`)})</span>
        </li>
      ))}
    </ul>
  );
}

/** Which tasks wait for it, who made it, when it was done. */
function TaskFacts({ task }: { task: Task }) {
  const { t, dateTime } = useI18n();
  const { nameOf } = useTasks();
  return (
    <>
      <dl className="tasks-pane__facts">
        <dt>{t('tasks.blocks')}</dt>
        <dd>
          <TaskLinks ids={task.blocks} none="—" />
        </dd>
      </dl>
      <p className="tasks-pane__history muted">
        {t('tasks.created_by', { name: nameOf(task.created_by), date: dateTime(task.created_at) })}
        {task.completed_at ? (
          <>
            <br />
            {t('tasks.completed_on', { date: dateTime(task.completed_at) })}
          </>
        ) : null}
      </p>
    </>
  );
}

function MoveButtons({ task }: { task: Task }) {
  const { t } = useI18n();
  const { columns, move } = useTasks();
  const list = columns[task.status];
  const i = list.findIndex((x) => x.id === task.id);
  return (
    <>
      <Button size="sm" icon="arrowUp" disabled={i <= 0} onClick={() => void move(task, 'up')}>
        {t('tasks.move_up')}
      </Button>
      <Button
        size="sm"
        icon="arrowDown"
        disabled={i < 0 || i >= list.length - 1}
        onClick={() => void move(task, 'down')}
      >
        {t('tasks.move_down')}
      </Button>
    </>
  );
}

function TaskEditor({ task, onDeleted }: { task: Task; onDeleted(): void }) {
  const { t } = useI18n();
  const { store, sealBlocked, titleOf } = useTasks();
  const { toast } = useToast();
  const errorText = useTasksErrorText();
  const [base, setBase] = useState(task);
  const [draft, setDraft] = useState<Draft>(() => draftOf(task));
  const [conflicts, setConflicts] = useState<readonly string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [confirm, setConfirm] = useState(false);
  const [deleting, setDeleting] = useState(false);

  // The task changed elsewhere (or, armoured, its card opened since: the
  // keys came): untouched fields follow, edited ones stay.
  const cardChanged = openedOf(task)?.card.kind !== openedOf(base)?.card.kind;
  if ((task.version !== base.version || cardChanged) && !busy) {
    if (!isChanged(base, draft)) {
      setDraft(draftOf(task));
      setConflicts([]);
    } else {
      const r = rebased(base, draft, task);
      setDraft(r.draft);
      setConflicts((c) => [...new Set([...c, ...r.conflicts])]);
    }
    setBase(task);
  }

  const dirty = isChanged(base, draft);
  // Armoured: a card that does not open here keeps its title, description and labels.
  const locked = !cardOpen(task);
  const titled = locked || !!draft.title.trim();
  // A new card needs the workspace's current key.
  const blocked = sealBlocked !== null && changesCard(changesOf(base, draft));
  const takeLatest = () => {
    setBase(task);
    setDraft(draftOf(task));
    setConflicts([]);
    setError(null);
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const changes = changesOf(base, draft);
    if (Object.keys(changes).length === 0 || !titled || blocked) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await store.update(task.id, changes, base.version);
      setBase(saved);
      setDraft(draftOf(saved));
      setConflicts([]);
      toast({ kind: 'success', title: t('tasks.saved') });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setDeleting(true);
    try {
      await store.remove(task.id, task.version);
      toast({ kind: 'success', title: t('tasks.deleted', { title: titleOf(task) }) });
      setConfirm(false);
      onDeleted();
    } catch (err) {
      setConfirm(false);
      setDeleting(false);
      setError(err);
    }
  };

  return (
    <>
      <div className="tasks-pane__actions">
        <MoveButtons task={task} />
        <Button size="sm" icon="trash" variant="danger" onClick={() => setConfirm(true)}>
          {t('tasks.delete')}
        </Button>
      </div>
      <BlockedNote task={task} />
      {conflicts.length && dirty ? (
        <Alert kind="warning">
          {t('tasks.changed_since')}{' '}
          <button type="button" className="link-btn" onClick={takeLatest}>
            {t('tasks.take_latest')}
          </button>
        </Alert>
      ) : null}
      <form className="form" onSubmit={(e) => void save(e)}>
        <TaskForm draft={draft} onChange={setDraft} taskId={task.id} cardLocked={locked} />
        {blocked ? <Alert kind="info">{sealBlocked}</Alert> : null}
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
        <div className="tasks-pane__save">
          {dirty ? (
            <Button onClick={takeLatest} disabled={busy}>
              {t('tasks.reset')}
            </Button>
          ) : null}
          <Button
            type="submit"
            variant="primary"
            busy={busy}
            disabled={!dirty || !titled || blocked}
          >
            {t('common.save')}
          </Button>
        </div>
      </form>
      <TaskChecklist task={task} />
      <TaskFacts task={task} />
      <TaskComments key={task.id} task={task} />
      <ConfirmDialog
        open={confirm}
        title={t('tasks.delete_title')}
        confirmLabel={t('tasks.delete')}
        cancelLabel={t('common.cancel')}
        danger
        busy={deleting}
        onConfirm={() => void remove()}
        onCancel={() => setConfirm(false)}
      >
        <p>{t('tasks.delete_body', { title: titleOf(task) })}</p>
      </ConfirmDialog>
    </>
  );
}

/** What a read-only member sees of a task. */
function TaskView({ task }: { task: Task }) {
  const { t, locale } = useI18n();
  const { nameOf } = useTasks();
  const now = useNow();
  const collator = new Intl.Collator(locale);
  const names = task.assignee_ids
    .map((id) => ({ id, name: nameOf(id) }))
    .sort((a, b) => collator.compare(a.name, b.name));
  return (
    <>
      <p>
        <Tag tone={task.status === 'done' ? 'success' : 'neutral'}>
          {t(`tasks.status.${task.status}`)}
        </Tag>
      </p>
      <BlockedNote task={task} />
      <div className="tasks-pane__description">
        {task.description.trim() ? (
          <Markdown source={task.description} />
        ) : (
          <p className="muted">{t('tasks.no_description')}</p>
        )}
      </div>
      <TaskChecklist task={task} />
      <dl className="tasks-pane__facts">
        <dt>{t('tasks.due')}</dt>
        <dd>
          {task.due ? (
            <DueDate due={task.due} done={task.status === 'done'} now={now} />
          ) : (
            t('tasks.no_due')
          )}
        </dd>
        <dt>{t('tasks.assignees')}</dt>
        <dd>
          {names.length ? (
            <ul className="tasks-pane__people">
              {names.map((p) => (
                <li key={p.id}>
                  <Avatar name={p.name} seed={p.id} size="sm" />
                  {p.name}
                </li>
              ))}
            </ul>
          ) : (
            t('tasks.nobody')
          )}
        </dd>
        <dt>{t('tasks.labels')}</dt>
        <dd>
          {task.labels.length ? (
            <span className="tasks-pane__labels">
              {task.labels.map((l) => (
                <Tag key={l}>{l}</Tag>
              ))}
            </span>
          ) : (
            t('tasks.no_labels')
          )}
        </dd>
        <dt>{t('tasks.waits_for')}</dt>
        <dd>
          <TaskLinks ids={task.blocked_by} none={t('tasks.waits_for_nothing')} />
        </dd>
      </dl>
      <TaskFacts task={task} />
      <TaskComments key={task.id} task={task} />
    </>
  );
}
