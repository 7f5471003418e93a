// Every field of a task, for a new one and in the details pane: title,
// description (Markdown, with a preview), status, due date, assignees,
// labels, and the tasks it waits for (not itself, nor one that waits for
// it: that would be a cycle). An armoured task whose card does not open
// here has no title, description or labels to change (CardNote says why).
import { useId, useMemo, useState } from 'react';
import { TASK_STATUSES, type TaskStatus } from '../../../api';
import { Avatar } from '../../../components/Avatar';
import { SelectField, TextArea, TextField } from '../../../components/Field';
import { useI18n } from '../../../i18n';
import Markdown from '../../../markdown/SafeHtml';
import { useTasks, useTasksState } from '../context';
import { labelsOf, waitingFor } from '../logic/board';
import type { Draft } from '../logic/draft';
import { CheckList, type CheckItem } from './CheckList';
import { LabelsInput } from './LabelsInput';

export function TaskForm({
  draft,
  onChange,
  taskId,
  autoFocus = false,
  cardLocked = false,
}: {
  draft: Draft;
  onChange(d: Draft): void;
  /** The task edited (none for a new one). */
  taskId?: string;
  autoFocus?: boolean;
  /** Armoured: its card does not open here (no title, description or labels to change). */
  cardLocked?: boolean;
}) {
  const { t, locale } = useI18n();
  const { people, me, titleOf } = useTasks();
  const board = useTasksState((s) => s.board);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => onChange({ ...draft, [k]: v });

  const peopleItems = useMemo<CheckItem[]>(() => {
    const byName = new Intl.Collator(locale);
    return [...people]
      .sort((a, b) =>
        a.user_id === me.id ? -1 : b.user_id === me.id ? 1 : byName.compare(a.name, b.name),
      )
      .map((p) => ({
        id: p.user_id,
        label: p.name,
        hint: p.email,
        lead: <Avatar name={p.name} seed={p.user_id} size="sm" />,
      }));
  }, [people, me.id, locale]);
  // Assignees who can no longer be picked (gone from the workspace) stay until unticked.
  const extraPeople = draft.assignee_ids.filter((id) => !people.some((p) => p.user_id === id));

  const taskItems = useMemo<CheckItem[]>(() => {
    const cycle = taskId ? waitingFor(board, taskId) : new Set<string>();
    return Object.values(board.byId)
      .filter((x) => x.id !== taskId && !cycle.has(x.id))
      .sort(
        (a, b) =>
          TASK_STATUSES.indexOf(a.status) - TASK_STATUSES.indexOf(b.status) ||
          a.position - b.position,
      )
      .map((x) => ({ id: x.id, label: titleOf(x), hint: t(`tasks.status.${x.status}`) }));
  }, [board, taskId, t, titleOf]);

  const labels = useMemo(() => labelsOf(board, locale), [board, locale]);

  return (
    <>
      {cardLocked ? null : (
        <>
          <TextField
            label={t('tasks.title')}
            value={draft.title}
            required
            maxLength={300}
            autoFocus={autoFocus}
            onChange={(e) => set('title', e.target.value)}
          />
          <Description value={draft.description} onChange={(v) => set('description', v)} />
        </>
      )}
      <div className="form__row">
        <SelectField
          label={t('tasks.status')}
          value={draft.status}
          onChange={(e) => set('status', e.target.value as TaskStatus)}
        >
          {TASK_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`tasks.status.${s}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('tasks.due')}
          type="date"
          value={draft.due}
          onChange={(e) => set('due', e.target.value)}
        />
      </div>
      <CheckList
        legend={t('tasks.assignees')}
        items={
          extraPeople.length
            ? [
                ...peopleItems,
                ...extraPeople.map((id) => ({ id, label: t('tasks.former_member') })),
              ]
            : peopleItems
        }
        selected={draft.assignee_ids}
        onChange={(ids) => set('assignee_ids', ids)}
        filterLabel={t('tasks.people_filter')}
        empty={t('tasks.nobody')}
      />
      {cardLocked ? null : (
        <LabelsInput
          labels={draft.labels}
          onChange={(l) => set('labels', l)}
          suggestions={labels}
        />
      )}
      <CheckList
        legend={t('tasks.waits_for')}
        hint={t('tasks.waits_for_hint')}
        items={taskItems}
        selected={draft.blocked_by}
        onChange={(ids) => set('blocked_by', ids)}
        filterLabel={t('tasks.waits_for_filter')}
        empty={t('tasks.waits_for_none')}
      />
    </>
  );
}

/** The description: written in Markdown, previewed as it will show (sanitized). */
function Description({ value, onChange }: { value: string; onChange(v: string): void }) {
  const { t } = useI18n();
  const [preview, setPreview] = useState(false);
  const id = useId();
  return (
    <div className="tasks-description">
      <div className="tasks-description__modes" role="group" aria-label={t('tasks.description')}>
        <button
          type="button"
          className="tasks-description__mode"
          aria-pressed={!preview}
          onClick={() => setPreview(false)}
        >
          {t('tasks.write')}
        </button>
        <button
          type="button"
          className="tasks-description__mode"
          aria-pressed={preview}
          onClick={() => setPreview(true)}
        >
          {t('tasks.preview')}
        </button>
      </div>
      {preview ? (
        <div className="field">
          <p className="field__label" id={`${id}-preview`}>
            {t('tasks.description')}
          </p>
          <div
            className="tasks-description__preview"
            aria-labelledby={`${id}-preview`}
            role="region"
          >
            {value.trim() ? (
              <Markdown source={value} />
            ) : (
              <p className="muted">{t('tasks.preview_empty')}</p>
            )}
          </div>
        </div>
      ) : (
        <TextArea
          label={t('tasks.description')}
          hint={t('tasks.description_hint')}
          value={value}
          rows={5}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </div>
  );
}
