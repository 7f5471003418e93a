// The board's filters, all in the browser: my tasks or anyone's, a label,
// words of the title. A person may come from the address (?assignee=: a
// report's table links there).
import { useId } from 'react';
import { Button } from '../../../components/Button';
import { Icon } from '../../../components/Icon';
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
  /** Whom tasks may be assigned to, by name. */
  people: readonly { user_id: string; name: string }[];
  me: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const mine = filter.assignee === me;
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
      <label className="visually-hidden" htmlFor={`${id}-label`}>
        {t('tasks.filter_label')}
      </label>
      <select
        id={`${id}-label`}
        className="input select tasks-filters__select"
        value={filter.label ?? ''}
        onChange={(e) => onChange({ ...filter, label: e.target.value || null })}
      >
        <option value="">{t('tasks.filter_all_labels')}</option>
        {labels.map((l) => (
          <option key={l} value={l}>
            {l}
          </option>
        ))}
      </select>
      <label className="visually-hidden" htmlFor={`${id}-person`}>
        {t('tasks.filter_person')}
      </label>
      <select
        id={`${id}-person`}
        className="input select tasks-filters__select tasks-filters__person"
        value={filter.assignee ?? ''}
        onChange={(e) => onChange({ ...filter, assignee: e.target.value || null })}
      >
        <option value="">{t('tasks.filter_all_people')}</option>
        {people.map((p) => (
          <option key={p.user_id} value={p.user_id}>
            {p.name}
          </option>
        ))}
        {filter.assignee && !people.some((p) => p.user_id === filter.assignee) ? (
          <option value={filter.assignee}>{t('tasks.former_member')}</option>
        ) : null}
      </select>
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
