// A task's due date: its day (or day and time), in the warning colour once
// past while the task is not done.
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { isOverdue, parseDue } from '../logic/due';

export function DueDate({ due, done, now }: { due: string | null; done: boolean; now: Date }) {
  const { t, date, dateTime } = useI18n();
  const d = parseDue(due);
  if (!d) return null;
  const text = d.kind === 'date' ? date(d.at) : dateTime(d.at);
  const overdue = !done && isOverdue(due, now);
  const label = overdue ? t('tasks.overdue_on', { date: text }) : t('tasks.due_on', { date: text });
  return (
    <span className={overdue ? 'task-due task-due--overdue' : 'task-due'} title={label}>
      <Icon name="calendar" size={14} />
      <span aria-hidden="true">{text}</span>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}
