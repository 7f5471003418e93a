// The board's filters, all in the browser: my tasks or anyone's (found by
// typing: a workspace may have 20,000 people), a label, words of the
// title. A person may come from the address (?assignee=: a report's table
// links there).
import { useId, useMemo } from 'react';
import type { Member } from '../../../api';
import { Avatar } from '../../../components/Avatar';
import { Button } from '../../../components/Button';
import { Icon } from '../../../components/Icon';
import { PersonPicker } from '../../../components/PersonPicker';
import { personOf } from '../../../mentions/mentions';
import { useI18n } from '../../../i18n';
import { isFiltered, NO_FILTER, type TaskFilter } from '../logic/board';

export function Filters({
  filter,
  onChange,
  labels,
  people,
  me,
}: {
  filter: TaskFilter;
  onChange(f: TaskFilter): void;
  /** The board's labels. */
  labels: readonly string[];
  /** Whom tasks may be assigned to. */
  people: readonly Member[];
  me: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const mine = filter.assignee === me;
  // The same objects from one keystroke to the next: their names are folded once.
  const persons = useMemo(() => people.map(personOf), [people]);
  return (
    <div className="tasks-filters" role="search" aria-label={t('tasks.filters')}>
      <Button
        size="sm"
        icon="user"
        aria-pressed={mine}
        className={mine ? 'tasks-filters__toggle is-on' : 'tasks-filters__toggle'}
        onClick={() => onChange({ ...filter, assignee: mine ? null : me })}
      >
        {t('tasks.filter_mine')}
      </Button>
      <Choice
        id={`${id}-label`}
        className="tasks-filters__label"
        label={t('tasks.filter_label')}
        all={t('tasks.filter_all_labels')}
        value={filter.label}
        options={labels.map((l) => ({ value: l, text: l }))}
        onChange={(label) => onChange({ ...filter, label })}
      />
      {filter.assignee ? (
        <Chosen
          name={people.find((p) => p.user_id === filter.assignee)?.name ?? t('tasks.former_member')}
          seed={filter.assignee}
          onClear={() => onChange({ ...filter, assignee: null })}
        />
      ) : (
        <PersonPicker
          className="tasks-filters__person"
          people={persons}
          label={t('tasks.filter_person')}
          placeholder={t('tasks.filter_person')}
          onPick={(p) => onChange({ ...filter, assignee: p.id })}
        />
      )}
      <div className="tasks-filters__text">
        <Icon name="search" size={16} />
        <label className="visually-hidden" htmlFor={`${id}-text`}>
          {t('tasks.filter_text')}
        </label>
        <input
          id={`${id}-text`}
          className="input"
          type="search"
          placeholder={t('tasks.filter_text')}
          value={filter.text}
          onChange={(e) => onChange({ ...filter, text: e.target.value })}
        />
      </div>
      {isFiltered(filter) ? (
        <Button size="sm" variant="ghost" icon="close" onClick={() => onChange(NO_FILTER)}>
          {t('tasks.filter_clear')}
        </Button>
      ) : null}
    </div>
  );
}

/** One of the filters' lists: everything (null), or one of `options`. */
function Choice({
  id,
  className,
  label,
  all,
  value,
  options,
  onChange,
}: {
  id: string;
  className?: string;
  label: string;
  all: string;
  value: string | null;
  options: readonly { value: string; text: string }[];
  onChange(value: string | null): void;
}) {
  return (
    <>
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        className={
          className
            ? `input select tasks-filters__select ${className}`
            : 'input select tasks-filters__select'
        }
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value || null)}
      >
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.text}
          </option>
        ))}
      </select>
    </>
  );
}

/** The person the board is narrowed to, and the button that widens it again. */
function Chosen({ name, seed, onClear }: { name: string; seed: string; onClear(): void }) {
  const { t } = useI18n();
  return (
    <span className="tasks-filters__person-chosen">
      <Avatar name={name} seed={seed} size="sm" />
      <span className="tasks-filters__person-name">{name}</span>
      <button
        type="button"
        className="icon-btn"
        aria-label={t('tasks.filter_person_clear', { name })}
        title={t('tasks.filter_person_clear', { name })}
        onClick={onClear}
      >
        <Icon name="close" size={14} />
      </button>
    </span>
  );
}
