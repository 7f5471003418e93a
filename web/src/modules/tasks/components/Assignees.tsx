// A task's assignees as avatars (initials), the first few, then "+n"; their
// names for screen readers and on hover.
import { Avatar } from '../../../components/Avatar';
import { useI18n } from '../../../i18n';
import { listOf } from '../../../i18n/core';
import { useTasks } from '../context';

export function Assignees({ ids, max = 3 }: { ids: readonly string[]; max?: number }) {
  const { t, locale } = useI18n();
  const { nameOf } = useTasks();
  if (ids.length === 0) return null;
  const names = ids.map(nameOf);
  const label = t('tasks.assigned_to', { names: listOf(names, locale) });
  const shown = ids.length > max ? ids.slice(0, max - 1) : ids;
  return (
    <span className="task-people" title={label}>
      {shown.map((id, i) => (
        <Avatar key={id} name={names[i] ?? ''} seed={id} size="sm" />
      ))}
      {ids.length > shown.length ? (
        <span className="task-people__more" aria-hidden="true">
          +{ids.length - shown.length}
        </span>
      ) : null}
      <span className="visually-hidden">{label}</span>
    </span>
  );
}
