// The tasks' progress in a report: the board's columns now as one bar (its
// share of each column, named in a legend with their counts; read whole by
// screen readers), and who holds what — each person's open tasks, of which
// overdue, and those completed in the period, the busiest first.
import { useId } from 'react';
import type { Member, ReportTaskLoad, ReportTasks } from '../../../api';
import { Icon } from '../../../components/Icon';
import { Table } from '../../../components/Table';
import { useI18n } from '../../../i18n';
import { Link } from '../../../router/router';
import { taskPath } from '../../tasks/paths';

const STATUSES = ['todo', 'doing', 'done'] as const;

/** What the tasks' figures hold beside numbers, when the server sent it. */
export function tasksProgressOf(figures: Readonly<Record<string, unknown>> | undefined) {
  const f = (figures ?? {}) as ReportTasks;
  const s = f.by_status;
  if (!s || !STATUSES.every((k) => typeof s[k] === 'number')) return null;
  return {
    byStatus: s,
    assignees: Array.isArray(f.assignees) ? f.assignees : [],
    total: typeof f.assignees_total === 'number' ? f.assignees_total : 0,
  };
}

export function TasksProgress({
  workspaceId,
  byStatus,
  assignees,
  total,
  members,
  csvUrl,
}: {
  workspaceId: string;
  /** Where the table's CSV (everyone, not only the first 100) downloads. */
  csvUrl: string;
  byStatus: { todo: number; doing: number; done: number };
  assignees: readonly ReportTaskLoad[];
  total: number;
  members: readonly Member[];
}) {
  const { t, number } = useI18n();
  const id = useId();
  const all = STATUSES.reduce((n, k) => n + byStatus[k], 0);
  const names = new Map(members.map((m) => [m.user_id, m.name]));
  const said = (k: (typeof STATUSES)[number]) =>
    t('reports.tasks.status_count', { status: t(`tasks.status.${k}`), count: number(byStatus[k]) });
  return (
    <section className="card rep-tasks" aria-labelledby={id} data-module="tasks-progress">
      <h2 className="rep-card__title" id={id}>
        {t('reports.tasks.title')}
      </h2>
      {all === 0 ? (
        <p className="muted">{t('reports.tasks.none')}</p>
      ) : (
        <>
          <div className="rep-status" role="img" aria-label={STATUSES.map(said).join(', ')}>
            {STATUSES.filter((k) => byStatus[k] > 0).map((k) => (
              <span
                key={k}
                className={`rep-status__part rep-status__part--${k}`}
                style={{ flexGrow: byStatus[k] }}
                title={said(k)}
              />
            ))}
          </div>
          <ul className="rep-status__legend" aria-hidden="true">
            {STATUSES.map((k) => (
              <li key={k} className="rep-status__key" data-status={k}>
                <span className={`rep-status__swatch rep-status__part--${k}`} />
                {t(`tasks.status.${k}`)} <strong>{number(byStatus[k])}</strong>
              </li>
            ))}
          </ul>
        </>
      )}
      {assignees.length > 0 ? (
        <>
          <h3 className="rep-tasks__people">{t('reports.tasks.people')}</h3>
          <Table
            compact
            caption={t('reports.tasks.people')}
            columns={[
              t('reports.tasks.person'),
              { label: t('reports.tasks.open'), className: 'num' },
              { label: t('reports.tasks.overdue'), className: 'num' },
              { label: t('reports.tasks.completed'), className: 'num' },
            ]}
          >
            {assignees.map((a) => (
              <tr key={a.user_id} data-user={a.user_id}>
                <th scope="row">
                  {/* Their tasks on the board. */}
                  <Link to={`${taskPath(workspaceId)}?assignee=${encodeURIComponent(a.user_id)}`}>
                    {names.get(a.user_id) ?? t('tasks.former_member')}
                  </Link>
                </th>
                <td className="num">{number(a.open)}</td>
                <td className={a.overdue > 0 ? 'num rep-tasks__late' : 'num'}>
                  {number(a.overdue)}
                </td>
                <td className="num">{number(a.completed)}</td>
              </tr>
            ))}
          </Table>
          <p className="rep-tasks__more">
            {total > assignees.length ? (
              <span className="muted">
                {t('reports.tasks.more', { count: total - assignees.length })}
              </span>
            ) : null}
            <a
              className="btn btn--secondary btn--sm"
              href={csvUrl}
              download
              title={t('reports.tasks.csv_title')}
            >
              <Icon name="download" size={16} />
              {t('reports.tasks.csv')}
            </a>
          </p>
        </>
      ) : null}
    </section>
  );
}
